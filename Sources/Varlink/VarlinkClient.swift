#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Why a client could not reach a server, with the errno that tells the cases apart.
public enum VarlinkClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No socket file at the path (ENOENT).
    case noSocket(path: String)
    /// A socket file, but nobody listening (ECONNREFUSED).
    case nobodyListening(path: String)
    /// Not allowed to connect (EACCES, EPERM).
    case permissionDenied(path: String)
    /// Any other failure, with its errno.
    case failed(path: String, errno: Int32)
    /// The server closed the connection or sent something that is not varlink.
    case protocolError(String)

    /// A message naming the path.
    public var description: String {
        switch self {
        case .noSocket(let p): "no socket at \(p) (ENOENT)"
        case .nobodyListening(let p): "nobody listens at \(p) (ECONNREFUSED)"
        case .permissionDenied(let p): "permission denied connecting to \(p) (EACCES)"
        case .failed(let p, let e): "cannot connect to \(p): \(String(cString: strerror(e)))"
        case .protocolError(let m): m
        }
    }
}

/// One reply to a call.
public struct VarlinkReply: Sendable, Equatable {
    /// Its parameters.
    public var parameters: [String: JSONValue]
    /// More replies follow ("more" calls).
    public var continues: Bool
}

/// A blocking varlink client on one connection, for command-line tools.
public final class VarlinkClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to the server at `path`. With `timeoutSeconds`, connecting (to a server whose backlog is
    /// full), each send and each read give up after that long, for callers that must never hang.
    public init(path: String, timeoutSeconds: Double? = nil) throws(VarlinkClientError) {
        guard let address = UnixSocketAddress(path: path) else { throw .failed(path: path, errno: ENAMETOOLONG) }
        do {
            fd = try UnixSocket.make()
        } catch {
            throw .failed(path: path, errno: error.errno)
        }
        if let timeoutSeconds {
            SocketIO.setSendTimeout(fd, seconds: timeoutSeconds)
            SocketIO.setReceiveTimeout(fd, seconds: timeoutSeconds)
        }
        do {
            try UnixSocket.connect(fd, to: address)
        } catch {
            close(fd)
            switch error.errno {
            case ENOENT: throw .noSocket(path: path)
            case ECONNREFUSED: throw .nobodyListening(path: path)
            case EACCES, EPERM: throw .permissionDenied(path: path)
            default: throw .failed(path: path, errno: error.errno)
            }
        }
    }

    deinit { close(fd) }

    /// Sends a call (with `fileDescriptors` attached) and returns its replies, to be read in turn.
    public func call(
        _ method: String, _ parameters: [String: JSONValue], fileDescriptors: [Int32] = [],
        more: Bool = false
    ) throws(VarlinkClientError) -> Replies {
        var message: [String: JSONValue] = ["method": .string(method), "parameters": .object(parameters)]
        if more { message["more"] = .bool(true) }
        do {
            try SocketIO.send(fd, JSONValue.object(message).serialized() + [0], descriptors: fileDescriptors)
        } catch {
            // A server that refuses a connection (a limit) says why and closes, possibly before this send:
            // its error is this call's answer.
            if error.errno == EPIPE || error.errno == ECONNRESET, let said = try? readMessage(), said["error"] != nil {
                return Replies(client: self, received: said)
            }
            throw .protocolError("the server closed the connection")
        }
        return Replies(client: self)
    }

    /// The replies of one call; `next()` blocks for each and throws the call's error reply as `VarlinkError`.
    public struct Replies {
        let client: VarlinkClient
        var received: [String: JSONValue]? = nil
        var done = false

        /// The next reply, or nil after the last.
        public mutating func next() throws -> VarlinkReply? {
            guard !done else { return nil }
            let object = try received ?? client.readMessage()
            received = nil
            if let name = object["error"]?.stringValue {
                done = true
                throw VarlinkError(name: name, parameters: object["parameters"]?.objectValue ?? [:])
            }
            let continues = object["continues"]?.boolValue ?? false
            if !continues { done = true }
            return VarlinkReply(parameters: object["parameters"]?.objectValue ?? [:], continues: continues)
        }
    }

    func readMessage() throws(VarlinkClientError) -> [String: JSONValue] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let nul = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<nul])
                buffer.removeSubrange(...nul)
                guard let object = try? JSONValue.parse(message).objectValue else {
                    throw .protocolError("the server sent something that is not a varlink message")
                }
                return object
            }
            var received: [Int32] = []
            let n: Int
            do {
                n = try SocketIO.receive(fd, into: &chunk, descriptors: &received)
            } catch {
                for d in received { close(d) }
                throw .protocolError(error.errno == EAGAIN ? "no reply within the timeout" : "the server closed the connection")
            }
            for d in received { close(d) }
            guard n > 0 else { throw .protocolError("the server closed the connection") }
            buffer += chunk[0..<n]
        }
    }
}
