import Glibc
import SystemCalls
@testable import Varlink
import XCTest

/// VarlinkClient against a scripted peer: a listening socket this test accepts on and answers byte by byte,
/// so what the client sends and how it reads replies are checked exactly.
final class VarlinkClientTests: XCTestCase {
    private var directory = ""
    private var path: String { directory + "/s" }
    private var listener: Int32 = -1

    override func setUp() {
        directory = makeTemporaryDirectory()
    }

    override func tearDown() {
        if listener >= 0 { close(listener) }
        removeTree(directory)
    }

    /// Listens at `path`; connections wait in the backlog until `acceptPeer()`.
    private func listenAtPath() throws {
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        XCTAssertNoThrow(try UnixSocket.bind(listener, to: XCTUnwrap(UnixSocketAddress(path: path))))
        XCTAssertEqual(listen(listener, 4), 0)
    }

    /// The server end of the next connection, with a receive timeout so a missing message fails the test.
    private func acceptPeer() -> Int32 {
        let fd = accept(listener, nil, nil)
        precondition(fd >= 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Everything the client has sent up to and including the next NUL, and any descriptors that came with it.
    private func receiveMessage(_ fd: Int32) -> (text: String, descriptors: [Int32]) {
        var bytes: [UInt8] = []
        var descriptors: [Int32] = []
        var chunk = [UInt8](repeating: 0, count: 1)
        while bytes.last != 0 {
            guard (try? SocketIO.receive(fd, into: &chunk, descriptors: &descriptors)) == 1 else { break }
            bytes.append(chunk[0])
        }
        return (String(decoding: bytes, as: UTF8.self), descriptors)
    }

    private func reply(_ fd: Int32, _ text: String, descriptors: [Int32] = []) {
        XCTAssertNoThrow(try SocketIO.send(fd, Array(text.utf8), descriptors: descriptors))
    }

    // MARK: Connecting

    func testAMissingSocketIsNoSocket() {
        XCTAssertThrowsError(try VarlinkClient(path: path)) { XCTAssertEqual($0 as? VarlinkClientError, .noSocket(path: path)) }
        XCTAssertThrowsError(try VarlinkClient(path: directory + "/no/such/folder/s")) {
            XCTAssertEqual($0 as? VarlinkClientError, .noSocket(path: directory + "/no/such/folder/s"))
        }
    }

    func testAStaleSocketFileIsNobodyListening() throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertNoThrow(try UnixSocket.bind(fd, to: XCTUnwrap(UnixSocketAddress(path: path))))
        close(fd)
        XCTAssertTrue(fileExists(path))
        XCTAssertThrowsError(try VarlinkClient(path: path)) {
            XCTAssertEqual($0 as? VarlinkClientError, .nobodyListening(path: path))
        }
    }

    func testAPathTooLongIsENAMETOOLONG() {
        let long = "/" + String(repeating: "x", count: 200)
        XCTAssertThrowsError(try VarlinkClient(path: long)) {
            XCTAssertEqual($0 as? VarlinkClientError, .failed(path: long, errno: ENAMETOOLONG))
        }
    }

    func testErrorDescriptionsNameThePath() {
        XCTAssertEqual(VarlinkClientError.noSocket(path: "/run/x").description, "no socket at /run/x (ENOENT)")
        XCTAssertEqual(VarlinkClientError.nobodyListening(path: "/run/x").description, "nobody listens at /run/x (ECONNREFUSED)")
        XCTAssertTrue(VarlinkClientError.failed(path: "/run/x", errno: ENOTDIR).description.contains("/run/x"))
    }

    // MARK: What the client sends

    func testACallIsOneSortedJSONObjectEndedByNUL() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        _ = try client.call("org.example.x.Method", ["b": [1, "two"], "a": nil])
        let peer = acceptPeer()
        defer { close(peer) }
        XCTAssertEqual(
            receiveMessage(peer).text, #"{"method":"org.example.x.Method","parameters":{"a":null,"b":[1,"two"]}}"# + "\0")
        _ = try client.call("org.example.x.Stream", [:], more: true)
        XCTAssertEqual(receiveMessage(peer).text, #"{"method":"org.example.x.Stream","more":true,"parameters":{}}"# + "\0")
    }

    func testDescriptorsTravelWithTheCall() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        let p = makePipe()
        defer { close(p.read) }
        _ = try client.call("org.example.x.Put", ["fd": 0], fileDescriptors: [p.write])
        close(p.write)
        let peer = acceptPeer()
        defer { close(peer) }
        let (text, descriptors) = receiveMessage(peer)
        XCTAssertEqual(text, #"{"method":"org.example.x.Put","parameters":{"fd":0}}"# + "\0")
        XCTAssertEqual(descriptors.count, 1)
        guard let received = descriptors.first else { return }
        XCTAssertNotEqual(received, p.write, "a new descriptor for the same pipe")
        XCTAssertEqual(write(received, "via SCM_RIGHTS", 14), 14)
        close(received)
        XCTAssertEqual(readToEnd(p.read).map { String(decoding: $0, as: UTF8.self) }, "via SCM_RIGHTS")
    }

    // MARK: How the client reads replies

    func testRepliesAreReadInTurnAndTheLastEndsTheCall() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        var replies = try client.call("org.example.x.Stream", [:], more: true)
        let peer = acceptPeer()
        defer { close(peer) }
        _ = receiveMessage(peer)
        // Two replies in one write, and a third message that belongs to no call: the client must not read past the end.
        reply(
            peer,
            #"{"parameters":{"i":0},"continues":true}"# + "\0" + #"{"parameters":{"i":1}}"# + "\0" + #"{"parameters":{"i":9}}"#
                + "\0")
        XCTAssertEqual(try replies.next(), VarlinkReply(parameters: ["i": 0], continues: true))
        XCTAssertEqual(try replies.next(), VarlinkReply(parameters: ["i": 1], continues: false))
        XCTAssertNil(try replies.next())
        XCTAssertNil(try replies.next())
        // The next call's reply is the message still buffered.
        var next = try client.call("org.example.x.Other", [:])
        XCTAssertEqual(try next.next(), VarlinkReply(parameters: ["i": 9], continues: false))
    }

    func testAnErrorReplyIsThrownAndEndsTheCall() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        var replies = try client.call("org.example.x.M", [:], more: true)
        let peer = acceptPeer()
        defer { close(peer) }
        reply(
            peer,
            #"{"parameters":{"i":0},"continues":true}"# + "\0" + #"{"error":"org.example.x.Bad","parameters":{"why":"no"}}"#
                + "\0")
        XCTAssertEqual(try replies.next()?.parameters, ["i": 0])
        XCTAssertThrowsError(try replies.next()) {
            XCTAssertEqual($0 as? VarlinkError, VarlinkError(name: "org.example.x.Bad", parameters: ["why": "no"]))
        }
        XCTAssertNil(try replies.next())
    }

    func testAReplyWithoutParametersHasNone() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        var replies = try client.call("org.example.x.M", [:])
        let peer = acceptPeer()
        defer { close(peer) }
        reply(peer, "{}\0" + #"{"error":"org.example.x.Bare"}"# + "\0")
        XCTAssertEqual(try replies.next(), VarlinkReply(parameters: [:], continues: false))
        var second = try client.call("org.example.x.M", [:])
        XCTAssertThrowsError(try second.next()) { XCTAssertEqual($0 as? VarlinkError, VarlinkError(name: "org.example.x.Bare")) }
    }

    func testGarbageFromTheServerIsAProtocolError() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        var replies = try client.call("org.example.x.M", [:])
        let peer = acceptPeer()
        defer { close(peer) }
        reply(peer, "[1,2,3]\0")
        XCTAssertThrowsError(try replies.next()) {
            XCTAssertEqual($0 as? VarlinkClientError, .protocolError("the server sent something that is not a varlink message"))
        }
        var again = try client.call("org.example.x.M", [:])
        reply(peer, "{\"parameters\":\0")
        XCTAssertThrowsError(try again.next()) { XCTAssertNotNil($0 as? VarlinkClientError) }
    }

    func testTheServerClosingIsAProtocolError() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        var replies = try client.call("org.example.x.M", [:])
        let peer = acceptPeer()
        reply(peer, #"{"parameters":"#)  // half a message, then gone
        close(peer)
        XCTAssertThrowsError(try replies.next()) {
            XCTAssertEqual($0 as? VarlinkClientError, .protocolError("the server closed the connection"))
        }
        XCTAssertThrowsError(try client.call("org.example.x.M", [:])) {
            XCTAssertEqual($0 as? VarlinkClientError, .protocolError("the server closed the connection"))
        }
    }

    func testWithATimeoutASilentServerIsGivenUpOn() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path, timeoutSeconds: 0.3)
        var replies = try client.call("org.example.x.M", [:])
        let peer = acceptPeer()
        defer { close(peer) }
        XCTAssertTrue(receiveMessage(peer).text.hasPrefix(#"{"method":"org.example.x.M""#), "the call went out")
        let started = ContinuousClock.now
        XCTAssertThrowsError(try replies.next()) {
            XCTAssertEqual($0 as? VarlinkClientError, .protocolError("no reply within the timeout"))
        }
        let waited = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(250))
        XCTAssertLessThan(waited, .seconds(5))

        // Without one, the same client waits for the reply however late it comes; here it is already there.
        let patient = try VarlinkClient(path: path)
        var answered = try patient.call("org.example.x.M", [:])
        let second = acceptPeer()
        defer { close(second) }
        _ = receiveMessage(second)
        reply(second, #"{"parameters":{"ok":true}}"# + "\0")
        XCTAssertEqual(try answered.next()?.parameters, ["ok": .bool(true)])
    }

    func testAServerThatSaidWhyAndClosedBeforeTheCallAnswersItWithThatError() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        let peer = acceptPeer()
        reply(peer, #"{"error":"org.example.x.LimitReached","parameters":{"limit":"connectionsPerUID"}}"# + "\0")
        close(peer)  // Before the client sends: its send fails with EPIPE.
        var replies = try client.call("org.example.x.M", [:])
        XCTAssertThrowsError(try replies.next()) {
            XCTAssertEqual(
                $0 as? VarlinkError, VarlinkError(name: "org.example.x.LimitReached", parameters: ["limit": "connectionsPerUID"]))
        }
        XCTAssertNil(try replies.next())
    }

    func testDescriptorsTheServerSendsAreNotKept() throws {
        try listenAtPath()
        let client = try VarlinkClient(path: path)
        var replies = try client.call("org.example.x.M", [:])
        let peer = acceptPeer()
        defer { close(peer) }
        let p = makePipe()
        defer { close(p.read) }
        reply(peer, #"{"parameters":{}}"# + "\0", descriptors: [p.write])
        close(p.write)
        XCTAssertEqual(try replies.next(), VarlinkReply(parameters: [:], continues: false))
        XCTAssertEqual(readToEnd(p.read), [], "the client closed the descriptor it was sent")
    }

    // MARK: Against the real server

    func testACallThroughTheRealServer() throws {
        let fixture = try ServerFixture()
        defer { fixture.tearDown(in: self) }
        let client = try VarlinkClient(path: fixture.path)
        XCTAssertEqual(try callOnce(client, "org.example.test.Echo", ["text": "héllo\n\"\u{0}"]), ["text": "héllo\n\"\u{0}"])
        XCTAssertEqual(
            try callError(client, "org.example.test.Fail", ["reason": "r"]),
            VarlinkError(name: "org.example.test.Failed", parameters: ["reason": "r"]))
        XCTAssertEqual(try callOnce(client, "org.example.test.Echo", ["text": "after an error"]), ["text": "after an error"])
    }
}
