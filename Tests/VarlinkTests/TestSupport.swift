import Glibc
import SystemCalls
@testable import Varlink
import XCTest

/// What the test service saw, for the tests to wait on.
final class Probe: @unchecked Sendable {
    /// Fulfilled when a Wait call has begun.
    let waitStarted = XCTestExpectation(description: "Wait started")
    /// Fulfilled when a Wait call's task was cancelled.
    let waitCancelled = XCTestExpectation(description: "Wait cancelled")
    /// Fulfilled when a Hold call has begun.
    let holdStarted = XCTestExpectation(description: "Hold started")
    /// What a Hold call waits on: it ends when `releaseHold()` finishes it (or the call is cancelled).
    let holdGate: AsyncStream<Void>
    private let holdOpener: AsyncStream<Void>.Continuation

    init() { (holdGate, holdOpener) = AsyncStream<Void>.makeStream() }

    /// Lets the Hold call return. One Hold call per probe: a stream has one reader.
    func releaseHold() { holdOpener.finish() }
}

/// A small service exercising what the server offers a service: replies, streams, errors, descriptors,
/// credentials and cancellation.
struct TestService: VarlinkService {
    let probe: Probe

    static let description = """
        # A service for the Varlink tests.
        interface org.example.test

        # Returns its text.
        method Echo(text: string) -> (text: string)

        # Returns its text repeated: a reply far larger than its call.
        method Repeat(text: string, times: int) -> (text: string)

        # Replies i = 0 ..< n; with "more", every reply but the last continues.
        method Count(n: int) -> (i: int)

        # Reads descriptor number fd (an index into those sent with the call) to its end.
        method ReadFD(fd: int) -> (content: string)

        # Writes text to descriptor number fd.
        method WriteFD(fd: int, text: string) -> ()

        # Blocks until its task is cancelled.
        method Wait() -> ()

        # Blocks until the test releases it; released is false when it was cancelled instead.
        method Hold() -> (released: bool)

        # Blocks until the test releases it, whether cancelled or not.
        method HoldThroughCancellation() -> ()

        # The caller's credentials and connection.
        method Whoami() -> (uid: int, gid: int, pid: int, connection: int)

        # Sent by the server when a client runs into one of its limits (the tests' errorInterface).
        error LimitReached (limit: string, value: float, fix: string)

        # Fails with Failed.
        method Fail(reason: string) -> ()

        # Throws an error that is not a VarlinkError.
        method Crash() -> ()

        # Declared, not implemented.
        method Later() -> ()

        error Failed (reason: string)
        """

    var interfaceDescription: String { Self.description }

    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    func handle(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue] {
        switch call.method {
        case "Echo":
            return ["text": call.parameters["text"]!]
        case "Repeat":
            let text = call.parameters["text"]!.stringValue!
            return ["text": .string(String(repeating: text, count: Int(call.parameters["times"]!.intValue!)))]
        case "Count":
            let n = call.parameters["n"]!.intValue!
            for i in 0..<max(0, n - 1) { try await replies.send(["i": .int(i)]) }
            return ["i": .int(n - 1)]
        case "ReadFD":
            let fd = try descriptor(call)
            var content: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                content += chunk[..<n]
            }
            return ["content": .string(String(decoding: content, as: UTF8.self))]
        case "WriteFD":
            let fd = try descriptor(call)
            let bytes = Array(call.parameters["text"]!.stringValue!.utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else {
                throw VarlinkError(name: "org.example.test.Failed", parameters: ["reason": "write"])
            }
            return [:]
        case "Wait":
            // An empty stream that is never finished: iterating it ends only when the task is cancelled.
            let (stream, keepOpen) = AsyncStream<Never>.makeStream()
            probe.waitStarted.fulfill()
            for await _ in stream {}
            if Task.isCancelled { probe.waitCancelled.fulfill() }
            withExtendedLifetime(keepOpen) {}
            return [:]
        case "Hold":
            probe.holdStarted.fulfill()
            for await _ in probe.holdGate {}
            return ["released": .bool(!Task.isCancelled)]
        case "HoldThroughCancellation":
            probe.holdStarted.fulfill()
            // An unstructured task is not cancelled with the call's: only the release ends the wait.
            let gate = probe.holdGate
            await Task { for await _ in gate {} }.value
            return [:]
        case "Whoami":
            return [
                "uid": .int(Int64(call.peer.uid)), "gid": .int(Int64(call.peer.gid)), "pid": .int(Int64(call.peer.pid)),
                "connection": .int(Int64(call.connection)),
            ]
        case "Fail":
            throw VarlinkError(name: "org.example.test.Failed", parameters: ["reason": call.parameters["reason"]!])
        case "Crash":
            throw Boom()
        default:
            throw VarlinkError.methodNotImplemented(call.interface + "." + call.method)
        }
    }

    private func descriptor(_ call: VarlinkCall) throws -> Int32 {
        guard let index = call.parameters["fd"]?.intValue, call.fileDescriptors.indices.contains(Int(index)) else {
            throw VarlinkError.invalidParameter("fd")
        }
        return call.fileDescriptors[Int(index)]
    }
}

/// A fresh temporary folder, short enough for a socket path.
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/vlt.XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(made != nil, "mkdtemp failed")
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Removes a temporary folder and everything in it.
func removeTree(_ path: String) {
    guard let dir = opendir(path) else { unlink(path); return }
    var children: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { children.append(path + "/" + name) }
    }
    closedir(dir)
    for child in children { removeTree(child) }
    rmdir(path)
}

/// Whether a file exists at `path`.
func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

/// A flag one thread sets and another reads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// Sets the flag.
    func set() { lock.withLock { value = true } }

    /// Whether it is set.
    var isSet: Bool { lock.withLock { value } }
}

/// The limit hits a server reported, with an expectation per limit fulfilled by its first hit.
final class LimitHits: @unchecked Sendable {
    private let lock = NSLock()
    private var hits: [VarlinkServer.LimitHit] = []
    private let expectations: [VarlinkServer.Limit: XCTestExpectation]

    init() {
        var expectations: [VarlinkServer.Limit: XCTestExpectation] = [:]
        for limit in [VarlinkServer.Limit.connectionsPerUID, .stallSeconds, .queuedReplyBytes, .pendingCallBytes] {
            let e = XCTestExpectation(description: "a client hit \(limit.rawValue)")
            e.assertForOverFulfill = false
            expectations[limit] = e
        }
        self.expectations = expectations
    }

    func record(_ hit: VarlinkServer.LimitHit) {
        lock.withLock { hits.append(hit) }
        expectations[hit.limit]!.fulfill()
    }

    /// Fulfilled when a client first hits `limit`.
    func first(_ limit: VarlinkServer.Limit) -> XCTestExpectation { expectations[limit]! }

    /// Every hit so far.
    var all: [VarlinkServer.LimitHit] { lock.withLock { hits } }
}

/// A running VarlinkServer with the test service on a socket in its own temporary folder.
final class ServerFixture {
    let directory: String
    let path: String
    let probe = Probe()
    let hits = LimitHits()
    let server: VarlinkServer
    private let running: Task<Void, any Error>
    private var stopped = false

    static let info = VarlinkServer.Info(
        vendor: "Example", product: "varlink-tests", version: "1.2.3", url: "https://example.org")

    /// Limits whose refusals name the test interface.
    static func limits(
        connectionsPerUID: Int = 128, stallSeconds: Double = 30, queuedReplyBytes: Int = 8 << 20,
        pendingCallBytes: Int = 4 << 20
    ) -> VarlinkServer.Limits {
        VarlinkServer.Limits(
            connectionsPerUID: connectionsPerUID, stallSeconds: stallSeconds, queuedReplyBytes: queuedReplyBytes,
            pendingCallBytes: pendingCallBytes, errorInterface: "org.example.test")
    }

    init(maxMessageBytes: Int = 1 << 20, socketName: String = "s", limits: VarlinkServer.Limits = ServerFixture.limits()) throws {
        directory = makeTemporaryDirectory()
        path = directory + "/" + socketName
        let hits = hits
        server = try VarlinkServer(
            socketPath: path, services: [TestService(probe: probe)], info: Self.info,
            maxMessageBytes: maxMessageBytes, limits: limits, report: { hits.record($0) })
        let server = server
        running = Task { try await server.run() }
    }

    /// Shuts the server down and waits until run() has returned.
    func stop(in test: XCTestCase, gracePeriod: Duration = .seconds(10)) {
        guard !stopped else { return }
        stopped = true
        let done = XCTestExpectation(description: "server stopped")
        let (server, running) = (server, running)
        Task {
            await server.shutdown(gracePeriod: gracePeriod)
            _ = try? await running.value
            done.fulfill()
        }
        test.wait(for: [done], timeout: 30)
    }

    /// Stops the server and removes its folder.
    func tearDown(in test: XCTestCase) {
        stop(in: test)
        removeTree(directory)
    }
}

/// A raw client socket for what VarlinkClient does not send: malformed, oversized, pipelined and oneway
/// messages. Reads time out after five seconds, so a missing reply fails the test instead of hanging it.
final class RawConnection {
    private(set) var fd: Int32
    private var buffer: [UInt8] = []

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(path: String) throws {
        fd = try UnixSocket.make()
        do {
            try UnixSocket.connect(fd, to: XCTUnwrap(UnixSocketAddress(path: path)))
        } catch {
            Glibc.close(fd)
            throw Failure(description: "connect \(path): \(error)")
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    /// Closes the socket (the server sees the client go away).
    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Sends bytes as they are.
    func send(_ bytes: [UInt8]) throws {
        try SocketIO.send(fd, bytes)
    }

    /// Sends text as it is (add "\0" to end a message).
    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends one message: the object serialized, then NUL.
    func send(message: JSONValue) throws { try send(message.serialized() + [0]) }

    /// The next whole message, parsed.
    func readMessage() throws -> [String: JSONValue] {
        while true {
            if let nul = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<nul])
                buffer.removeSubrange(...nul)
                guard let object = try JSONValue.parse(message).objectValue else { throw Failure(description: "not an object") }
                return object
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { throw Failure(description: "end of stream") }
            if n < 0 { throw Failure(description: "recv: \(String(cString: strerror(errno)))") }
            buffer += chunk[..<n]
        }
    }

    /// Whether the server ends the stream with nothing more to read (EOF or reset); false on a timeout or data.
    func readsEndOfStream() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }
}

/// The one reply of a call through VarlinkClient.
func callOnce(
    _ client: VarlinkClient, _ method: String, _ parameters: [String: JSONValue] = [:],
    fileDescriptors: [Int32] = []
) throws -> [String: JSONValue] {
    var replies = try client.call(method, parameters, fileDescriptors: fileDescriptors)
    guard let reply = try replies.next() else { throw RawConnection.Failure(description: "no reply") }
    XCTAssertFalse(reply.continues)
    XCTAssertNil(try replies.next())
    return reply.parameters
}

/// The error a call through VarlinkClient fails with, or nil when it succeeds.
func callError(_ client: VarlinkClient, _ method: String, _ parameters: [String: JSONValue] = [:]) throws -> VarlinkError? {
    var replies = try client.call(method, parameters)
    do {
        _ = try replies.next()
        return nil
    } catch let error as VarlinkError {
        XCTAssertNil(try replies.next(), "an error ends the call")
        return error
    }
}

/// A pipe: (read end, write end), close-on-exec so a child of another test cannot hold it open.
func makePipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    precondition(pipe(&fds) == 0)
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return (fds[0], fds[1])
}

/// Reads `fd` to its end, failing after `seconds` without progress (a descriptor someone still holds open).
func readToEnd(_ fd: Int32, seconds: Int32 = 5) -> [UInt8]? {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, seconds * 1000) == 1 else { return nil }
        let n = read(fd, &chunk, chunk.count)
        if n < 0 { return nil }
        if n == 0 { return out }
        out += chunk[..<n]
    }
}
