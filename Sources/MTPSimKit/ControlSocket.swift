import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Unix socket on which mtpsim takes one-line commands ("unplug", "event 0x4002 5", "stats"…) from the
/// command it runs or from a test, and answers one line: the scriptable face of the fault API.
///
/// One request per connection keeps the protocol trivially robust: a client that dies mid-line costs nothing.
public final class ControlServer: @unchecked Sendable {
    /// Where the socket is bound.
    public let path: String
    private let fd: Int32
    private let handler: @Sendable (String) -> String

    /// Binds `path` (replacing a stale socket) and serves requests on a thread of its own until the process exits.
    public init(path: String, handler: @escaping @Sendable (String) -> String) throws(SimulatorError) {
        self.path = path
        self.handler = handler
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .control("socket: \(String(cString: strerror(errno)))") }
        unlink(path)
        var address = try unixAddress(path)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .control("cannot listen on \(path): \(reason)")
        }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    private func serve() {
        while true {
            let conn = accept(fd, nil, nil)
            if conn < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let request = readLine(conn, limit: 4096)
            let reply = request.map(handler) ?? "error: request too long or not terminated by a newline"
            writeAll(conn, reply + "\n")
            close(conn)
        }
    }
}

/// Sends one request to a control socket and returns the reply line.
public func controlRequest(path: String, _ request: String) throws(SimulatorError) -> String {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .control("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = try unixAddress(path)
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard rc == 0 else {
        throw .control("no mtpsim at \(path): \(String(cString: strerror(errno))) (run the command under mtpsim)")
    }
    writeAll(fd, request + "\n")
    guard let reply = readLine(fd, limit: 1 << 20) else { throw .control("mtpsim closed the connection without a reply") }
    return reply
}

private func unixAddress(_ path: String) throws(SimulatorError) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { throw .control("socket path longer than \(capacity - 1) bytes: \(path)") }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return address
}

private func readLine(_ fd: Int32, limit: Int) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while bytes.count < limit {
        let n = read(fd, &byte, 1)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
        if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(byte)
    }
    return nil
}

private func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        bytes = bytes.dropFirst(n)
    }
}
