/// Names a device reports follow none of the rules `ObjectName` holds clients to: a device may call an object
/// "", "..", or "a/b". These never reach a path the daemon hands out unchanged.
extension ObjectName {
    /// `name` as one component of a path shown to clients: '/' and NUL become '_', and "", "." and ".." become
    /// "_", "_" and "__". Any other name is kept exactly, so ordinary names resolve as the device spells them.
    public static func pathComponent(forDeviceName name: String) -> String {
        // Bytes, not characters: "/" followed by a combining mark is one character but still a '/' in a path.
        let bytes = Array(name.utf8)
        if bytes.isEmpty || bytes == [UInt8(ascii: ".")] { return "_" }
        if bytes == [UInt8(ascii: "."), UInt8(ascii: ".")] { return "__" }
        guard bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 }) else { return name }
        return String(decoding: bytes.map { $0 == UInt8(ascii: "/") || $0 == 0 ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}

extension ObjectPath {
    /// The path of an object a listing of this folder found, by the name its device gave it.
    public func childPath(deviceName: String) -> String {
        (isRoot ? "/" : description + "/") + ObjectName.pathComponent(forDeviceName: deviceName)
    }
}
