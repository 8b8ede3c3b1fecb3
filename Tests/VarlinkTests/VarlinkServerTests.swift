import Glibc
import SystemCalls
@testable import Varlink
import XCTest

/// VarlinkServer over a real Unix socket in a temporary folder, with the small test service.
final class VarlinkServerTests: XCTestCase {
    private var fixture: ServerFixture!

    override func setUpWithError() throws {
        fixture = try ServerFixture()
    }

    override func tearDown() {
        fixture?.tearDown(in: self)
        fixture = nil
    }

    private func client() throws -> VarlinkClient { try VarlinkClient(path: fixture.path) }
    private func raw() throws -> RawConnection { try RawConnection(path: fixture.path) }

    /// Replaces the fixture with one whose server refuses messages longer than `maxMessageBytes`.
    private func restart(maxMessageBytes: Int) throws {
        fixture.tearDown(in: self)
        fixture = try ServerFixture(maxMessageBytes: maxMessageBytes)
    }

    private func assertInvalidParameter(
        _ reply: [String: JSONValue], prefix: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(reply["error"], "org.varlink.service.InvalidParameter", "\(reply)", file: file, line: line)
        let parameter = reply["parameters"]?.objectValue?["parameter"]?.stringValue ?? ""
        XCTAssertTrue(parameter.hasPrefix(prefix), "\(parameter) should start with \(prefix)", file: file, line: line)
    }

    // MARK: org.varlink.service

    func testGetInfoListsTheInterfaces() throws {
        let info = try callOnce(client(), "org.varlink.service.GetInfo")
        XCTAssertEqual(
            info,
            [
                "vendor": "Example", "product": "varlink-tests", "version": "1.2.3", "url": "https://example.org",
                "interfaces": ["org.varlink.service", "org.example.test"],
            ])
    }

    func testGetInterfaceDescriptionReturnsTheText() throws {
        let c = try client()
        XCTAssertEqual(
            try callOnce(c, "org.varlink.service.GetInterfaceDescription", ["interface": "org.example.test"]),
            ["description": .string(TestService.description)])
        XCTAssertEqual(
            try callOnce(c, "org.varlink.service.GetInterfaceDescription", ["interface": "org.varlink.service"]),
            ["description": .string(Dispatcher.serviceDescription)])
        XCTAssertEqual(
            try callError(c, "org.varlink.service.GetInterfaceDescription", ["interface": "org.example.nope"]),
            .interfaceNotFound("org.example.nope"))
        XCTAssertEqual(try callError(c, "org.varlink.service.GetInterfaceDescription", [:]), .invalidParameter("interface"))
    }

    // MARK: Errors

    func testUnknownInterfaceAndMethodAreErrors() throws {
        let c = try client()
        XCTAssertEqual(
            try callError(c, "org.example.nope.Echo", ["text": "x"]),
            VarlinkError(name: "org.varlink.service.InterfaceNotFound", parameters: ["interface": "org.example.nope"]))
        XCTAssertEqual(
            try callError(c, "org.example.test.Nope"),
            VarlinkError(name: "org.varlink.service.MethodNotFound", parameters: ["method": "org.example.test.Nope"]))
        XCTAssertEqual(try callError(c, "org.varlink.service.Nope"), .methodNotFound("org.varlink.service.Nope"))
        XCTAssertEqual(try callError(c, "org.example.test.Later"), .methodNotImplemented("org.example.test.Later"))
    }

    func testParametersThatDoNotFitTheInterfaceAreInvalidParameter() throws {
        let c = try client()
        XCTAssertEqual(
            try callError(c, "org.example.test.Echo", ["text": 5]),
            VarlinkError(name: "org.varlink.service.InvalidParameter", parameters: ["parameter": "text"]))
        XCTAssertEqual(try callError(c, "org.example.test.Echo", [:]), .invalidParameter("text"))
        XCTAssertEqual(try callError(c, "org.example.test.Echo", ["text": "a", "extra": 1]), .invalidParameter("extra"))
        XCTAssertEqual(try callError(c, "org.example.test.Count", ["n": 1.5]), .invalidParameter("n"))
        XCTAssertEqual(try callOnce(c, "org.example.test.Echo", ["text": "still here"]), ["text": "still here"])
    }

    func testServiceErrorsBecomeErrorReplies() throws {
        let c = try client()
        XCTAssertEqual(
            try callError(c, "org.example.test.Fail", ["reason": "because"]),
            VarlinkError(name: "org.example.test.Failed", parameters: ["reason": "because"]))
        XCTAssertEqual(
            try callError(c, "org.example.test.Crash"),
            VarlinkError(name: "org.varlink.service.InternalError", parameters: ["message": "boom"]))
    }

    func testMalformedMessagesGetAnErrorAndTheSameConnectionAnswersTheNextCall() throws {
        let r = try raw()
        try r.send("{bad\0")
        assertInvalidParameter(try r.readMessage(), prefix: "message: malformed JSON")
        try r.send("\0")
        assertInvalidParameter(try r.readMessage(), prefix: "message: malformed JSON")
        try r.send("[1,2]\0")
        assertInvalidParameter(try r.readMessage(), prefix: "message: not a JSON object")
        try r.send(#"{"parameters":{}}"# + "\0")
        assertInvalidParameter(try r.readMessage(), prefix: "method")
        try r.send(#"{"method":"NoDot"}"# + "\0")
        assertInvalidParameter(try r.readMessage(), prefix: "method")
        try r.send(#"{"method":"org.example.test.Echo","parameters":[1]}"# + "\0")
        assertInvalidParameter(try r.readMessage(), prefix: "parameters")
        try r.send(message: ["method": "org.example.test.Echo", "parameters": ["text": "good"]])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "good"]])
    }

    func testParametersMayBeAbsentOrNullForAMethodWithoutInputs() throws {
        let r = try raw()
        try r.send(#"{"method":"org.varlink.service.GetInfo"}"# + "\0")
        XCTAssertEqual(try r.readMessage()["parameters"]?.objectValue?["product"], "varlink-tests")
        try r.send(#"{"method":"org.varlink.service.GetInfo","parameters":null}"# + "\0")
        XCTAssertEqual(try r.readMessage()["parameters"]?.objectValue?["product"], "varlink-tests")
    }

    // MARK: Framing

    func testAnUnterminatedMessageOverTheCapIsRefusedAndOnlyThatConnectionCloses() throws {
        try restart(maxMessageBytes: 4096)
        let other = try client()
        XCTAssertEqual(try callOnce(other, "org.example.test.Echo", ["text": "before"]), ["text": "before"])

        let r = try raw()
        try r.send([UInt8](repeating: UInt8(ascii: "x"), count: 8192))
        assertInvalidParameter(try r.readMessage(), prefix: "message: longer than 4096 bytes")
        XCTAssertTrue(r.readsEndOfStream(), "the server closes the connection after refusing")

        XCTAssertEqual(try callOnce(other, "org.example.test.Echo", ["text": "after"]), ["text": "after"])
        XCTAssertEqual(try callOnce(client(), "org.example.test.Echo", ["text": "new"]), ["text": "new"])
    }

    func testACompleteMessageOverTheCapIsRefused() throws {
        try restart(maxMessageBytes: 4096)
        let fits = String(repeating: "a", count: 3000)
        XCTAssertEqual(try callOnce(client(), "org.example.test.Echo", ["text": .string(fits)]), ["text": .string(fits)])

        let r = try raw()
        try r.send(message: [
            "method": "org.example.test.Echo", "parameters": ["text": .string(String(repeating: "b", count: 6000))],
        ])
        assertInvalidParameter(try r.readMessage(), prefix: "message: longer than 4096 bytes")
        XCTAssertTrue(r.readsEndOfStream())
    }

    func testTheCapCountsTheMessageWithoutItsNUL() throws {
        try restart(maxMessageBytes: 4096)
        let bare = JSONValue.object(["method": "org.example.test.Echo", "parameters": ["text": ""]]).serialized().count
        func echo(length: Int) -> [UInt8] {
            let text = String(repeating: "c", count: length - bare)
            let message = JSONValue.object(["method": "org.example.test.Echo", "parameters": ["text": .string(text)]])
                .serialized()
            XCTAssertEqual(message.count, length)
            return message + [0]
        }
        let r = try raw()
        try r.send(echo(length: 4096))
        XCTAssertEqual(try r.readMessage()["parameters"]?.objectValue?["text"]?.stringValue?.count, 4096 - bare)
        try r.send(echo(length: 4097))
        assertInvalidParameter(try r.readMessage(), prefix: "message: longer than 4096 bytes")
        XCTAssertTrue(r.readsEndOfStream())
    }

    func testAMessageLargerThanOneReadIsReassembled() throws {
        let text = String(repeating: "0123456789abcdef", count: 20_000)  // 320 kB, several reads each way
        XCTAssertEqual(try callOnce(client(), "org.example.test.Echo", ["text": .string(text)]), ["text": .string(text)])
    }

    func testAMessageSplitAcrossWritesIsReassembled() throws {
        let r = try raw()
        let bytes = JSONValue.object(["method": "org.example.test.Echo", "parameters": ["text": "split"]]).serialized() + [0]
        for byte in bytes { try r.send([byte]) }
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "split"]])
    }

    func testPipelinedCallsAreAnsweredInOrder() throws {
        let r = try raw()
        var batch: [UInt8] = []
        func add(_ message: JSONValue) { batch += message.serialized() + [0] }
        add(["method": "org.example.test.Count", "parameters": ["n": 3], "more": true])
        add(["method": "org.example.test.Echo", "parameters": ["text": "x"]])
        add(["method": "org.example.test.Echo", "parameters": ["text": 1]])
        for n in 0..<50 { add(["method": "org.example.test.Echo", "parameters": ["text": .string("#\(n)")]]) }
        add(["method": "org.varlink.service.GetInfo"])
        try r.send(batch)

        XCTAssertEqual(try r.readMessage(), ["parameters": ["i": 0], "continues": true])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["i": 1], "continues": true])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["i": 2]])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "x"]])
        XCTAssertEqual(
            try r.readMessage(), ["error": "org.varlink.service.InvalidParameter", "parameters": ["parameter": "text"]])
        for n in 0..<50 { XCTAssertEqual(try r.readMessage(), ["parameters": ["text": .string("#\(n)")]]) }
        XCTAssertEqual(try r.readMessage()["parameters"]?.objectValue?["vendor"], "Example")
    }

    func testRepliesThatOverflowTheSocketKeepTheirOrder() throws {
        // Replies larger than the socket's buffer, to calls sent before any is read: the writer thread is
        // mid-reply when the next is ready, and that one must not slip in as the client makes room.
        let r = try raw()
        let text = String(repeating: "z", count: 320 << 10)
        var batch: [UInt8] = []
        for n in 0..<12 {
            batch +=
                JSONValue.object(["method": "org.example.test.Echo", "parameters": ["text": .string("\(n) \(text)")]])
                .serialized() + [0]
        }
        try r.send(batch)
        for n in 0..<12 {
            XCTAssertEqual(
                try r.readMessage()["parameters"]?.objectValue?["text"]?.stringValue?.prefix(while: { $0 != " " }), "\(n)")
        }
    }

    // MARK: more and oneway

    func testMoreStreamsRepliesThatContinue() throws {
        let c = try client()
        var replies = try c.call("org.example.test.Count", ["n": 4], more: true)
        var received: [VarlinkReply] = []
        while let reply = try replies.next() { received.append(reply) }
        XCTAssertEqual(
            received,
            [
                VarlinkReply(parameters: ["i": 0], continues: true), VarlinkReply(parameters: ["i": 1], continues: true),
                VarlinkReply(parameters: ["i": 2], continues: true), VarlinkReply(parameters: ["i": 3], continues: false),
            ])
        XCTAssertEqual(try callOnce(c, "org.example.test.Echo", ["text": "next"]), ["text": "next"], "nothing left over")
    }

    func testWithoutMoreOnlyTheLastReplyIsSent() throws {
        let r = try raw()
        try r.send(message: ["method": "org.example.test.Count", "parameters": ["n": 4]])
        try r.send(message: ["method": "org.example.test.Echo", "parameters": ["text": "after"]])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["i": 3]])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "after"]])
    }

    func testOnewayCallsGetNoReply() throws {
        let r = try raw()
        try r.send(message: ["method": "org.example.test.Echo", "parameters": ["text": "oneway"], "oneway": true])
        try r.send(message: ["method": "org.example.test.Fail", "parameters": ["reason": "oneway"], "oneway": true])
        try r.send(message: ["method": "org.example.test.Count", "parameters": ["n": 3], "oneway": true, "more": true])
        try r.send(message: ["method": "org.example.test.Echo", "parameters": ["text": "normal"]])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "normal"]], "the first reply is the normal call's")
        try r.send(message: ["method": "org.example.test.Echo", "parameters": ["text": "again"]])
        XCTAssertEqual(try r.readMessage(), ["parameters": ["text": "again"]], "and nothing from the oneway calls came later")
    }

    // MARK: Descriptors and credentials

    func testDescriptorsSentWithACallReachTheService() throws {
        let first = makePipe(), second = makePipe()
        defer { close(first.read); close(second.read) }
        for (pipe, text) in [(first, "first pipe"), (second, "second pipe")] {
            let bytes = Array(text.utf8)
            XCTAssertEqual(write(pipe.write, bytes, bytes.count), bytes.count)
            close(pipe.write)
        }
        let c = try client()
        XCTAssertEqual(
            try callOnce(c, "org.example.test.ReadFD", ["fd": 1], fileDescriptors: [first.read, second.read]),
            ["content": "second pipe"])
        XCTAssertEqual(
            try callOnce(c, "org.example.test.ReadFD", ["fd": 0], fileDescriptors: [first.read]),
            ["content": "first pipe"])
        XCTAssertEqual(
            try callError(c, "org.example.test.ReadFD", ["fd": 0]), .invalidParameter("fd"), "none were sent this time")
    }

    func testTheServerClosesDescriptorsAfterTheCall() throws {
        let p = makePipe()
        defer { close(p.read) }
        XCTAssertEqual(
            try callOnce(
                client(), "org.example.test.WriteFD", ["fd": 0, "text": "written by the server"],
                fileDescriptors: [p.write]), [:])
        close(p.write)
        // End of file comes only once every copy of the write end is closed, the server's included.
        XCTAssertEqual(readToEnd(p.read).map { String(decoding: $0, as: UTF8.self) }, "written by the server")
    }

    func testDescriptorsWithARefusedMessageAreClosed() throws {
        let p = makePipe()
        defer { close(p.read) }
        XCTAssertEqual(
            try callError(client(), "org.example.nope.WriteFD", ["fd": 0, "text": "x"]), .interfaceNotFound("org.example.nope"))
        let r = try raw()
        XCTAssertNoThrow(try SocketIO.send(r.fd, Array("{not json\0".utf8), descriptors: [p.write]))
        assertInvalidParameter(try r.readMessage(), prefix: "message: malformed JSON")
        close(p.write)
        XCTAssertEqual(readToEnd(p.read), [], "the server kept no copy of the write end")
    }

    func testPeerCredentialsAreTheCallers() throws {
        let who = try callOnce(client(), "org.example.test.Whoami")
        XCTAssertEqual(who["uid"], .int(Int64(getuid())))
        XCTAssertEqual(who["gid"], .int(Int64(getgid())))
        XCTAssertEqual(who["pid"], .int(Int64(getpid())))
    }

    func testEachConnectionHasItsOwnIDAndIsCounted() throws {
        let a = try client(), b = try client()
        let idA = try callOnce(a, "org.example.test.Whoami")["connection"]
        let idB = try callOnce(b, "org.example.test.Whoami")["connection"]
        XCTAssertNotNil(idA)
        XCTAssertNotEqual(idA, idB)
        XCTAssertEqual(try callOnce(a, "org.example.test.Whoami")["connection"], idA)
        XCTAssertEqual(fixture.server.connectionCount, 2)
    }

    // MARK: Cancellation and lifecycle

    func testDisconnectingCancelsTheRunningCall() throws {
        let r = try raw()
        try r.send(message: ["method": "org.example.test.Wait"])
        wait(for: [fixture.probe.waitStarted], timeout: 30)
        r.close()
        wait(for: [fixture.probe.waitCancelled], timeout: 30)
    }

    func testShutdownCancelsCallsStillRunningAfterTheGracePeriodAnswersThemAndRemovesTheSocketFile() throws {
        let r = try raw()
        try r.send(message: ["method": "org.example.test.Wait"])
        wait(for: [fixture.probe.waitStarted], timeout: 30)
        XCTAssertTrue(fileExists(fixture.path))
        fixture.stop(in: self, gracePeriod: .zero)
        wait(for: [fixture.probe.waitCancelled], timeout: 30)
        XCTAssertFalse(fileExists(fixture.path), "shutdown removes the socket file")
        XCTAssertThrowsError(try client()) { XCTAssertEqual($0 as? VarlinkClientError, .noSocket(path: fixture.path)) }
        XCTAssertEqual(try r.readMessage(), ["parameters": [:]], "the cancelled call is answered before the connection closes")
        XCTAssertTrue(r.readsEndOfStream())
    }

    func testShutdownReturnsOnlyOnceAnInFlightCallsReplyIsWritten() throws {
        let r = try raw()
        try r.send(message: ["method": "org.example.test.Hold"])
        wait(for: [fixture.probe.holdStarted], timeout: 30)
        let server = fixture.server
        let returned = Flag(), done = expectation(description: "shutdown returned")
        Task {
            await server.shutdown(gracePeriod: .seconds(60))
            returned.set()
            done.fulfill()
        }
        XCTAssertTrue(server.waitForShutdownToBegin(seconds: 30))
        XCTAssertFalse(returned.isSet, "shutdown returned while a call it had received still ran")
        XCTAssertEqual(server.connectionCount, 1)
        fixture.probe.releaseHold()
        wait(for: [done], timeout: 30)
        XCTAssertEqual(server.connectionCount, 0, "returned with every connection closed")
        XCTAssertEqual(try r.readMessage(), ["parameters": ["released": true]], "the call ran to its end and its reply went out")
        XCTAssertTrue(r.readsEndOfStream())
        fixture.stop(in: self)  // A second shutdown returns at once.
    }

    func testACallThatIgnoresItsCancellationDoesNotHoldTheShutdownPastItsBound() throws {
        let r = try raw()
        try r.send(message: ["method": "org.example.test.HoldThroughCancellation"])
        wait(for: [fixture.probe.holdStarted], timeout: 30)
        let server = fixture.server
        let done = expectation(description: "shutdown returned")
        Task {
            await server.shutdown(gracePeriod: .zero, cancellationGracePeriod: .zero)
            done.fulfill()
        }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(server.connectionCount, 0, "the connection was closed although its call still runs")
        XCTAssertTrue(r.readsEndOfStream(), "closed without a reply")
        fixture.probe.releaseHold()
        fixture.stop(in: self)
    }

    func testAClientThatConnectsOnceShutdownHasBegunIsNotServed() throws {
        // A socket handed to the server, whose file the server leaves: the address stays reachable throughout.
        let path = fixture.directory + "/activated"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertNoThrow(try UnixSocket.bind(fd, to: XCTUnwrap(UnixSocketAddress(path: path))))
        XCTAssertEqual(listen(fd, 8), 0)
        let probe = Probe()
        let server = try VarlinkServer(
            listeningFileDescriptor: fd, services: [TestService(probe: probe)], info: ServerFixture.info)
        let running = Task { try await server.run() }
        let held = try RawConnection(path: path)
        try held.send(message: ["method": "org.example.test.Hold"])
        wait(for: [probe.holdStarted], timeout: 30)
        let done = expectation(description: "stopped")
        Task {
            await server.shutdown(gracePeriod: .seconds(60)); _ = try? await running.value; done.fulfill()
        }
        XCTAssertTrue(server.waitForShutdownToBegin(seconds: 30))
        // Refused outright once the listener is closed; before that, taken from the backlog and closed unserved.
        if let late = try? RawConnection(path: path) {
            try? late.send(message: ["method": "org.example.test.Echo", "parameters": ["text": "late"]])
            XCTAssertTrue(late.readsEndOfStream(), "a client that connected during the shutdown got no reply")
        }
        XCTAssertEqual(server.connectionCount, 1, "only the connection from before the shutdown")
        probe.releaseHold()
        wait(for: [done], timeout: 30)
        XCTAssertEqual(try held.readMessage(), ["parameters": ["released": true]])
    }

    func testASecondServerOnALivePathThrows() throws {
        XCTAssertThrowsError(
            try VarlinkServer(socketPath: fixture.path, services: [TestService(probe: Probe())], info: ServerFixture.info)
        ) {
            XCTAssertTrue(String(describing: $0).contains("in use"), "\($0)")
        }
        XCTAssertTrue(fileExists(fixture.path), "the live server's socket is left alone")
        XCTAssertEqual(try callOnce(client(), "org.example.test.Echo", ["text": "alive"]), ["text": "alive"])
    }

    func testAStaleSocketFileIsReplaced() throws {
        let path = fixture.directory + "/stale"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertNoThrow(try UnixSocket.bind(fd, to: XCTUnwrap(UnixSocketAddress(path: path))))
        close(fd)
        XCTAssertTrue(fileExists(path), "closing a bound socket leaves its file behind")
        XCTAssertThrowsError(try VarlinkClient(path: path)) {
            XCTAssertEqual($0 as? VarlinkClientError, .nobodyListening(path: path))
        }

        let server = try VarlinkServer(socketPath: path, services: [TestService(probe: Probe())], info: ServerFixture.info)
        let running = Task { try await server.run() }
        XCTAssertEqual(
            try callOnce(VarlinkClient(path: path), "org.example.test.Echo", ["text": "replaced"]), ["text": "replaced"])
        let done = expectation(description: "stopped")
        Task {
            await server.shutdown(); _ = try? await running.value; done.fulfill()
        }
        wait(for: [done], timeout: 30)
        XCTAssertFalse(fileExists(path))
    }

    func testMissingFoldersAreCreatedAndTheModeIsApplied() throws {
        let path = fixture.directory + "/a/b/s"
        let server = try VarlinkServer(
            socketPath: path, mode: 0o600, services: [TestService(probe: Probe())], info: ServerFixture.info)
        let running = Task { try await server.run() }
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        var st2 = stat()
        XCTAssertEqual(stat(fixture.path, &st2), 0)
        XCTAssertEqual(st2.st_mode & 0o777, 0o666, "the default mode lets any local user connect")
        XCTAssertEqual(try callOnce(VarlinkClient(path: path), "org.example.test.Echo", ["text": "deep"]), ["text": "deep"])
        let done = expectation(description: "stopped")
        Task {
            await server.shutdown(); _ = try? await running.value; done.fulfill()
        }
        wait(for: [done], timeout: 30)
    }

    func testMakeFoldersCreatesAbsolutePathsWhereverTheWorkingFolderIs() throws {
        let elsewhere = makeTemporaryDirectory()
        defer { removeTree(elsewhere) }
        let saved = try XCTUnwrap(getcwd(nil, 0))
        defer { chdir(saved); free(saved) }
        XCTAssertEqual(chdir(elsewhere), 0)

        VarlinkServer.makeFolders(above: fixture.directory + "/p/q/s")
        XCTAssertTrue(fileExists(fixture.directory + "/p/q"))
        XCTAssertFalse(fileExists(fixture.directory + "/p/q/s"), "the last component is the socket's, not a folder")
        XCTAssertFalse(fileExists(elsewhere + "/tmp"), "an absolute path is not made relative to the working folder")

        VarlinkServer.makeFolders(above: "rel/sub/s")
        XCTAssertTrue(fileExists(elsewhere + "/rel/sub"), "a relative path is relative to the working folder")
    }

    func testAPathTooLongForASocketIsRefused() {
        let path = fixture.directory + "/" + String(repeating: "n", count: 120)
        XCTAssertThrowsError(try VarlinkServer(socketPath: path, services: [], info: ServerFixture.info)) {
            XCTAssertTrue(String(describing: $0).contains("too long"), "\($0)")
        }
    }

    func testAServiceWhoseDescriptionDoesNotParseIsRefused() {
        struct Broken: VarlinkService {
            var interfaceDescription: String { "interface org.example.broken\nmethod M(a: Nope) -> ()\n" }
            func handle(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue] { [:] }
        }
        XCTAssertThrowsError(
            try VarlinkServer(socketPath: fixture.directory + "/broken", services: [Broken()], info: ServerFixture.info)
        ) {
            XCTAssertEqual(($0 as? VarlinkInterface.ParseError)?.line, 2)
        }
        XCTAssertFalse(fileExists(fixture.directory + "/broken"))
    }

    func testServesASocketThatIsAlreadyListening() throws {
        let path = fixture.directory + "/activated"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertNoThrow(try UnixSocket.bind(fd, to: XCTUnwrap(UnixSocketAddress(path: path))))
        XCTAssertEqual(listen(fd, 8), 0)
        let server = try VarlinkServer(
            listeningFileDescriptor: fd, services: [TestService(probe: Probe())], info: ServerFixture.info)
        let running = Task { try await server.run() }
        XCTAssertEqual(
            try callOnce(VarlinkClient(path: path), "org.example.test.Echo", ["text": "activated"]), ["text": "activated"])
        let done = expectation(description: "stopped")
        Task {
            await server.shutdown(); _ = try? await running.value; done.fulfill()
        }
        wait(for: [done], timeout: 30)
        XCTAssertTrue(fileExists(path), "a socket the server did not create is not its to remove")
    }
}
