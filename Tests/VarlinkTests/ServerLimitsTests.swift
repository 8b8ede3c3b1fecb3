import Glibc
import SystemCalls
@testable import Varlink
import XCTest

/// VarlinkServer.Limits over a real socket: what a client that holds connections, stalls half-way, never
/// reads or pipelines without end gets, and that well-behaved clients (a quiet "more" call included) do not.
final class ServerLimitsTests: XCTestCase {
    private var fixture: ServerFixture?

    override func tearDown() {
        fixture?.tearDown(in: self)
        fixture = nil
    }

    private func start(_ limits: VarlinkServer.Limits, maxMessageBytes: Int = 1 << 20) throws -> ServerFixture {
        let f = try ServerFixture(maxMessageBytes: maxMessageBytes, limits: limits)
        fixture = f
        return f
    }

    private func assertLimitReached(
        _ message: [String: JSONValue], _ limit: VarlinkServer.Limit,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(message["error"], "org.example.test.LimitReached", "\(message)", file: file, line: line)
        let parameters = message["parameters"]?.objectValue ?? [:]
        XCTAssertEqual(parameters["limit"], .string(limit.rawValue), file: file, line: line)
        XCTAssertFalse(parameters["fix"]?.stringValue?.isEmpty ?? true, "the error says what to do", file: file, line: line)
    }

    // MARK: Connections per uid

    func testAConnectionOverThePerUIDLimitIsToldWhyAndClosed() throws {
        let f = try start(ServerFixture.limits(connectionsPerUID: 2))
        let a = try VarlinkClient(path: f.path)
        var b: VarlinkClient? = try VarlinkClient(path: f.path)
        XCTAssertEqual(try callOnce(a, "org.example.test.Echo", ["text": "a"]), ["text": "a"])
        XCTAssertEqual(try callOnce(b!, "org.example.test.Echo", ["text": "b"]), ["text": "b"])

        let third = try RawConnection(path: f.path)
        let refusal = try third.readMessage()
        assertLimitReached(refusal, .connectionsPerUID)
        XCTAssertEqual(refusal["parameters"]?.objectValue?["value"]?.intValue, 2)
        XCTAssertTrue(refusal["parameters"]?.objectValue?["fix"]?.stringValue?.contains("uid \(getuid())") ?? false, "\(refusal)")
        XCTAssertTrue(third.readsEndOfStream())
        wait(for: [f.hits.first(.connectionsPerUID)], timeout: 10)
        XCTAssertEqual(f.hits.all.first?.peer.uid, getuid())
        XCTAssertNil(f.hits.all.first?.connection, "refused before it became a connection")

        // Through the client: the refusal is the call's error, whether or not the server closed before the send.
        let fourth = try VarlinkClient(path: f.path)
        XCTAssertEqual(try callError(fourth, "org.example.test.Echo", ["text": "x"])?.name, "org.example.test.LimitReached")

        // The two admitted connections are unaffected, and a slot freed is a slot taken again.
        XCTAssertEqual(try callOnce(a, "org.example.test.Echo", ["text": "still"]), ["text": "still"])
        b = nil  // Closes its socket.
        XCTAssertTrue(f.server.waitForConnections(atMost: 1, seconds: 10))
        XCTAssertEqual(try callOnce(VarlinkClient(path: f.path), "org.example.test.Echo", ["text": "c"]), ["text": "c"])
    }

    // MARK: Stalls

    func testAHalfSentMessageGetsLimitReachedAndTheConnectionCloses() throws {
        let f = try start(ServerFixture.limits(stallSeconds: 0.3))
        let stalled = try RawConnection(path: f.path)
        try stalled.send(#"{"method":"org.example.test.Echo","parameters":{"te"#)
        assertLimitReached(try stalled.readMessage(), .stallSeconds)
        XCTAssertTrue(stalled.readsEndOfStream())
        wait(for: [f.hits.first(.stallSeconds)], timeout: 10)
        XCTAssertNotNil(f.hits.all.first?.connection)
    }

    func testCompleteCallsFollowedByAHalfMessageAreAnsweredBeforeTheStallEndsIt() throws {
        let f = try start(ServerFixture.limits(stallSeconds: 0.3))
        let r = try RawConnection(path: f.path)
        try r.send(#"{"method":"org.example.test.Echo","parameters":{"text":"whole"}}"# + "\0" + #"{"method":"#)
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "whole"]])
        assertLimitReached(try r.readMessage(), .stallSeconds)
        XCTAssertTrue(r.readsEndOfStream())
    }

    func testIdleConnectionsAndAQuietMoreCallOutliveTheStallTimeout() throws {
        let f = try start(ServerFixture.limits(stallSeconds: 0.2))
        let idle = try VarlinkClient(path: f.path)
        let waiting = try RawConnection(path: f.path)
        try waiting.send(message: ["method": "org.example.test.Wait", "more": true])
        wait(for: [f.probe.waitStarted], timeout: 30)
        // A half message sent after both went quiet: once it is dropped, they have been quiet for longer.
        let stalled = try RawConnection(path: f.path)
        try stalled.send("{")
        assertLimitReached(try stalled.readMessage(), .stallSeconds)
        XCTAssertTrue(stalled.readsEndOfStream())

        XCTAssertEqual(try callOnce(idle, "org.example.test.Echo", ["text": "awake"]), ["text": "awake"])
        XCTAssertTrue(f.server.waitForConnections(atMost: 2, seconds: 10))
        XCTAssertEqual(f.server.connectionCount, 2, "the idle client and the waiting call are still connected")
        XCTAssertEqual(f.hits.all.map(\.limit), [.stallSeconds], "only the half message hit a limit")
        waiting.close()
        wait(for: [f.probe.waitCancelled], timeout: 30)
    }

    // MARK: Clients that do not read

    func testAClientThatNeverReadsIsDroppedWhenItsQueueIsFull() throws {
        let f = try start(ServerFixture.limits(queuedReplyBytes: 64 << 10, pendingCallBytes: 256 << 20))
        let r = try RawConnection(path: f.path)
        let call =
            JSONValue.object([
                "method": "org.example.test.Echo", "parameters": ["text": .string(String(repeating: "x", count: 1024))],
            ])
            .serialized() + [0]
        // Calls until the server hangs up; the raw socket's five-second send timeout (EAGAIN) would mean it never did.
        var sendErrno: Int32 = 0
        for _ in 0..<100_000 {
            do { try SocketIO.send(r.fd, call) } catch { sendErrno = error.errno; break }
        }
        XCTAssertTrue(sendErrno == EPIPE || sendErrno == ECONNRESET, "send ended with \(String(cString: strerror(sendErrno)))")
        wait(for: [f.hits.first(.queuedReplyBytes)], timeout: 10)
        XCTAssertTrue(f.server.waitForConnections(atMost: 0, seconds: 10))
    }

    func testOneReplyLargerThanTheQueueLimitStillReachesAReadingClient() throws {
        let f = try start(ServerFixture.limits(queuedReplyBytes: 4 << 10))
        let text = String(repeating: "y", count: 200 << 10)
        XCTAssertEqual(
            try callOnce(VarlinkClient(path: f.path), "org.example.test.Echo", ["text": .string(text)]), ["text": .string(text)])
        XCTAssertTrue(f.hits.all.isEmpty)
    }

    func testAReplyLeftUnreadPastTheStallTimeoutDropsTheClient() throws {
        let f = try start(ServerFixture.limits(stallSeconds: 0.3))
        let r = try RawConnection(path: f.path)
        // A reply far more than a socket buffer holds, to a call of a few bytes: the writer blocks until the
        // client reads, which it does not. (A call as large as the reply would have to arrive within the same
        // 0.3 s, which a sanitized debug build's reader does not manage, and the message stall would end it.)
        try r.send(message: ["method": "org.example.test.Repeat", "parameters": ["text": "z", "times": .int(900 << 10)]])
        wait(for: [f.hits.first(.stallSeconds)], timeout: 10)
        XCTAssertThrowsError(try r.readMessage(), "the reply was cut off, not completed")
        XCTAssertTrue(f.server.waitForConnections(atMost: 0, seconds: 10))
    }

    // MARK: Pipelining

    func testCallsPipelinedBeyondThePendingLimitAreRefusedAfterThoseBefore() throws {
        let f = try start(ServerFixture.limits(pendingCallBytes: 4 << 10), maxMessageBytes: 1 << 10)
        let r = try RawConnection(path: f.path)
        // Wait holds the pipeline, so every Echo behind it stays pending: 100 of ~70 bytes exceed 4 KiB.
        var bytes = JSONValue.object(["method": "org.example.test.Wait"]).serialized() + [0]
        for i in 0..<100 {
            bytes +=
                JSONValue.object(["method": "org.example.test.Echo", "parameters": ["text": .string("\(i)")]]).serialized() + [0]
        }
        try r.send(bytes)
        var messages: [[String: JSONValue]] = []
        while let m = try? r.readMessage() { messages.append(m) }
        wait(for: [f.probe.waitCancelled, f.hits.first(.pendingCallBytes)], timeout: 10)
        XCTAssertGreaterThan(messages.count, 2, "\(messages)")
        XCTAssertEqual(messages.first, ["parameters": [:]], "the cancelled Wait still gets its reply")
        let echoes = messages.dropFirst().dropLast()
        XCTAssertEqual(
            echoes.map { $0["parameters"]?.objectValue?["text"] }, (0..<echoes.count).map { .string("\($0)") },
            "the calls before the limit are answered in order")
        XCTAssertLessThan(echoes.count, 100)
        assertLimitReached(messages.last ?? [:], .pendingCallBytes)
    }
}
