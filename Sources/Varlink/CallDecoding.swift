extension VarlinkCall {
    /// Decodes one framed message into a call, or throws the error reply its sender gets. Total: every
    /// input is a call or an `InvalidParameter` error, never a trap.
    package init(message: [UInt8], fileDescriptors: [Int32], peer: PeerCredentials, connection: Int) throws(VarlinkError) {
        let parsed: JSONValue
        do { parsed = try JSONValue.parse(message) } catch { throw .invalidParameter("message: malformed JSON (\(error))") }
        guard let object = parsed.objectValue else { throw .invalidParameter("message: not a JSON object") }
        guard let method = object["method"]?.stringValue, let dot = method.lastIndex(of: ".") else {
            throw .invalidParameter("method")
        }
        let parameters: [String: JSONValue]
        switch object["parameters"] {
        case nil, .null?: parameters = [:]
        case .object(let p)?: parameters = p
        default: throw .invalidParameter("parameters")
        }
        self.init(
            interface: String(method[..<dot]), method: String(method[method.index(after: dot)...]),
            parameters: parameters, more: object["more"]?.boolValue ?? false,
            oneway: object["oneway"]?.boolValue ?? false, upgrade: object["upgrade"]?.boolValue ?? false,
            fileDescriptors: fileDescriptors, peer: peer, connection: connection)
    }
}
