import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// A Unix socket on which mtpsim takes one-line commands ("unplug", "event 0x4002 5", "stats"…) from the
/// command it runs or from a test, and answers one line: the scriptable face of the fault API.
///
/// One request per connection keeps the protocol trivially robust: a client that dies mid-line costs nothing.
public final class ControlServer: Sendable {
    /// Where the socket is bound.
    public let path: String
    private let fd: Int32
    private let handler: @Sendable (String) -> String

    /// Binds `path` (replacing a stale socket) and serves requests on a thread of its own until the process exits.
    public init(path: String, handler: @escaping @Sendable (String) -> String) throws(SimulatorError) {
        self.path = path
        self.handler = handler
        let address = try unixAddress(path)
        do { fd = try UnixSocket.make() } catch { throw .control("\(error)") }
        unlink(path)
        do {
            try UnixSocket.bind(fd, to: address)
            try UnixSocket.listen(fd, backlog: 16)
        } catch {
            close(fd)
            throw .control("cannot listen on \(path): \(error.reason)")
        }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    private func serve() {
        while true {
            let conn: Int32
            do {
                conn = try UnixSocket.accept(fd)
            } catch {
                if error.errno == ECONNABORTED { continue }
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
    let address = try unixAddress(path)
    let fd: Int32
    do { fd = try UnixSocket.make() } catch { throw .control("\(error)") }
    defer { close(fd) }
    do {
        try UnixSocket.connect(fd, to: address)
    } catch {
        throw .control("no mtpsim at \(path): \(error.reason) (run the command under mtpsim)")
    }
    writeAll(fd, request + "\n")
    guard let reply = readLine(fd, limit: 1 << 20) else { throw .control("mtpsim closed the connection without a reply") }
    return reply
}

private func unixAddress(_ path: String) throws(SimulatorError) -> UnixSocketAddress {
    guard let address = UnixSocketAddress(path: path) else {
        throw .control("socket path longer than \(UnixSocketAddress.maximumPathBytes) bytes: \(path)")
    }
    return address
}

private func readLine(_ fd: Int32, limit: Int) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while bytes.count < limit {
        let n = withUnsafeMutableBytes(of: &byte) { (try? FileIO.read(fd, into: $0)) ?? 0 }
        if n == 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
        if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(byte)
    }
    return nil
}

private func writeAll(_ fd: Int32, _ text: String) {
    // A client that went away takes the rest of its answer with it.
    _ = Array(text.utf8).withUnsafeBytes { try? FileIO.writeAll(fd, $0) }
}
