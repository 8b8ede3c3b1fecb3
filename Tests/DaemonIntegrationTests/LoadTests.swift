import Foundation
import Glibc
import IntegrationSupport
import SystemCalls
import Varlink
import XCTest

/// The daemon under load and abuse: many clients making cheap calls while a transfer runs, and clients that
/// hold connections, stall half-way or never read, none of which may keep another client from being served.
/// Figures (latency, throughput) belong to benchmarks/load.py; these tests assert only outcomes.
final class LoadTests: XCTestCase {
    func testSixtyFourClientsMakeCheapCallsWithoutAnErrorWhileATransferRuns() throws {
        let d = try DaemonFixture()
        let big = d.sim.root.appendingPathComponent("big.bin")
        try writeRandomFile(big, mebibytes: 64)
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "put", big.path, ":/"])
        // Progress lines on stderr: the transfer is under way before the clients start.
        try put.waitForLine(onStderr: true, timeout: 120) { $0.contains("big.bin: 10%") }

        let clients = 64, calls = 50
        let errors = Outcomes<String>(), answered = Outcomes<Int>()
        let done = DispatchGroup()
        for k in 0..<clients {
            done.enter()
            Thread.detachNewThread { [socket = d.socket] in
                defer { done.leave() }
                do {
                    let client = try VarlinkClient(path: socket)
                    for i in 0..<calls {
                        let (method, key) =
                            (k + i) % 2 == 0
                            ? ("org.mtpsessiond.Manager.ListDevices", "devices")
                            : ("org.varlink.service.GetInfo", "interfaces")
                        var replies = try client.call(method, [:])
                        guard let reply = try replies.next(), reply.parameters[key] != nil else {
                            throw VarlinkClientError.protocolError("\(method): no \(key) in the reply")
                        }
                    }
                    answered.add(calls)
                } catch {
                    errors.add("client \(k): \(error)")
                }
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success, "every client finished")
        XCTAssertEqual(errors.all, [])
        XCTAssertEqual(answered.all.reduce(0, +), clients * calls)
        XCTAssertEqual(put.waitForExit(timeout: 120), 0, put.stderrText)
        XCTAssertTrue(
            FileManager.default.contentsEqual(atPath: big.path, andPath: d.sim.storage.appendingPathComponent("big.bin").path),
            "the transfer arrived intact")
    }

    func testClientsThatStallNeverReadOrHoldEveryConnectionCannotCrowdOutOthers() throws {
        let limit = 24
        let d = try DaemonFixture(daemonOptions: [
            "--socket-mode", "666", "--max-connections-per-uid", "\(limit)", "--stall-timeout", "2",
            "--max-queued-reply-bytes", "65536",
        ])
        // Half a message, then silence; and calls sent without ever reading a reply.
        let stalled = try (0..<6).map { _ in
            let s = try RawSocket(d.socket)
            try s.send(Array(#"{"method":"org.varlink.service.GetInfo","param"#.utf8))
            return s
        }
        let flooders = DispatchGroup()
        let floodEnds = Outcomes<Int32>()
        for _ in 0..<6 {
            let s = try RawSocket(d.socket)
            flooders.enter()
            Thread.detachNewThread {
                defer { flooders.leave() }
                let call = Array(#"{"method":"org.varlink.service.GetInfo"}"#.utf8) + [0]
                var end: Int32 = 0
                do { while true { try s.send(call) } } catch { end = (error as? RawSocket.Failure)?.errno ?? -1 }
                floodEnds.add(end)
            }
        }
        // Meanwhile another client is served.
        XCTAssertTrue(try d.ctlOK(["devices"]).stdout.contains(d.serial))

        XCTAssertEqual(flooders.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(floodEnds.all.count, 6)
        XCTAssertTrue(
            floodEnds.all.allSatisfy { $0 == EPIPE || $0 == ECONNRESET },
            "never-reading clients are dropped, not waited for: \(floodEnds.all.map { String(cString: strerror($0)) })")
        for s in stalled {
            let said = try s.readToEnd()
            XCTAssertTrue(said.first?.contains("org.mtpsessiond.Manager.LimitReached") ?? false, "\(said)")
            XCTAssertTrue(said.first?.contains("stallSeconds") ?? false, "\(said)")
        }
        try d.waitForLog("connection dropped: a message or reply stalled")
        try d.waitForLog("connection dropped: the client left more than 65536 bytes of replies unread")

        // One user holding every connection it may have: its next one is told why; another user is served.
        var held: [VarlinkClient] = []
        var refusal: VarlinkError?
        for _ in 0..<(limit * 4) where refusal == nil {
            let c = try VarlinkClient(path: d.socket)
            var replies = try c.call("org.varlink.service.GetInfo", [:])
            do { _ = try replies.next(); held.append(c) } catch let e as VarlinkError { refusal = e }
        }
        XCTAssertEqual(refusal?.name, "org.mtpsessiond.Manager.LimitReached")
        XCTAssertEqual(refusal?.parameters["limit"], "connectionsPerUID")
        XCTAssertLessThanOrEqual(held.count, limit)
        try d.waitForLog("connection refused: uid \(getuid()) already has \(limit) open")
        let refused = try d.ctl(["devices"])
        XCTAssertEqual(refused.status, 75, refused.combined)
        XCTAssertTrue(refused.stderr.contains("--max-connections-per-uid"), refused.stderr)
        if getuid() == 0 {
            let other = try runCommand(
                "/usr/bin/setpriv",
                [
                    "--reuid=65534", "--regid=65534", "--clear-groups",
                    Binaries.mtpctl, "--socket", d.socket, "devices",
                ])
            XCTAssertEqual(other.status, 0, "another uid is served while this one is at its limit: \(other.combined)")
            XCTAssertTrue(other.stdout.contains(d.serial), other.stdout)
        }
        held.removeAll()
        // The slots come back as the daemon notices the closes; until then the refusal is the expected answer.
        var served: CommandResult?
        for _ in 0..<100 {
            let r = try d.ctl(["devices"])
            if r.status != 75 { served = r; break }
        }
        XCTAssertEqual(served?.status, 0, served?.combined ?? "still refused")
    }

    /// `mebibytes` MiB of random bytes (each MiB different), written fast enough for a debug build.
    private func writeRandomFile(_ url: URL, mebibytes: Int) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        var words = [UInt64](repeating: 0, count: (1 << 20) / 8)
        for i in words.indices { words[i] = generator.next() }
        for m in 0..<mebibytes {
            words[m % words.count] ^= UInt64(m) &+ 1
            try handle.write(contentsOf: words.withUnsafeBytes { Data($0) })
        }
    }
}

/// What the client threads of a test report, collected under a lock.
private final class Outcomes<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

/// A client socket for what VarlinkClient will not do: send half a message, or never read. Blocking calls
/// give up after 30 s, so a daemon that never answers fails the test instead of hanging it.
private final class RawSocket: @unchecked Sendable {
    let fd: Int32

    struct Failure: Error { var errno: Int32 }

    init(_ path: String) throws {
        do { fd = try UnixSocket.make() } catch { throw Failure(errno: error.errno) }
        do {
            try UnixSocket.connect(fd, to: XCTUnwrap(UnixSocketAddress(path: path)))
        } catch let error as SystemCallError {
            close(fd)
            throw Failure(errno: error.errno)
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; throws with errno when the daemon hung up (or 30 s passed: EAGAIN).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { data in
                Result { () throws(SystemCallError) in try UnixSocket.send(fd, data) }
            }
            switch sent {
            case .success(let n) where n > 0: offset += n
            case .success: throw Failure(errno: EPIPE)
            case .failure(let error): throw Failure(errno: error.errno)
            }
        }
    }

    /// Every message the daemon sends until it closes the connection; throws if it has not after 30 s.
    func readToEnd() throws -> [String] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 || (n < 0 && errno == ECONNRESET) { break }
            if n < 0 { throw Failure(errno: errno) }
            received += buffer[0..<n]
        }
        return received.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
