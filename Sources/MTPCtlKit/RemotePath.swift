/// A place on a device as written on mtpctl's command line: `[DEV]:PATH`, where DEV is a serial, a unique
/// prefix of one, or empty for the only attached device. A bare absolute path means the only device.
public struct RemotePath: Sendable, Equatable, CustomStringConvertible {
    /// The device name ("" for the only one).
    public var device: String
    /// The absolute path on the device.
    public var path: String

    /// Creates a remote path.
    public init(device: String, path: String) { self.device = device; self.path = path }

    /// Parses `DEV:PATH`, `:PATH` or `/PATH`; a relative path is taken from the storage root.
    public init(parsing text: String) throws(MTPCtlError) {
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            device = String(text[..<colon])
            path = String(text[text.index(after: colon)...])
        } else if text.hasPrefix("/") {
            device = ""
            path = text
        } else {
            throw .usage(
                "'\(text)' is not a device path; write DEV:/Folder/name, :/Folder/name for the only device, or /Folder/name")
        }
        if path.isEmpty { path = "/" }
        if !path.hasPrefix("/") { path = "/" + path }
    }

    /// The path's last component ("" for the root).
    public var name: String { path.split(separator: "/").last.map(String.init) ?? "" }
    /// The folder holding it.
    public var parent: String {
        let parts = path.split(separator: "/").dropLast()
        return "/" + parts.joined(separator: "/")
    }

    /// `DEV:PATH` as a user would type it.
    public var description: String { "\(device):\(path)" }
}
