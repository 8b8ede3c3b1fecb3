import Glibc
import SystemCalls
import XCTest

final class SystemCallTests: XCTestCase {
    func testAFailureNamesTheCallAndItsErrno() {
        XCTAssertThrowsError(try FileIO.read(-1, into: UnsafeMutableRawBufferPointer(start: nil, count: 0))) {
            XCTAssertEqual($0 as? SystemCallError, SystemCallError("read", errno: EBADF))
            XCTAssertEqual("\($0)", "read: Bad file descriptor")
        }
    }

    func testAnInterruptedCallIsAskedAgainInOnePlace() throws {
        var attempts = 0
        let result = try systemCall("test") { () -> Int32 in
            attempts += 1
            if attempts < 3 { errno = EINTR; return -1 }
            return 7
        }
        XCTAssertEqual(result, 7)
        XCTAssertEqual(attempts, 3)
    }

    func testAnInterruptedCallCanBeLeftToTheCaller() {
        XCTAssertThrowsError(
            try systemCall("connect", retryOnInterrupt: false) { () -> Int32 in
                errno = EINTR; return -1
            }
        ) {
            XCTAssertEqual($0 as? SystemCallError, SystemCallError("connect", errno: EINTR))
        }
    }

    func testErrnoIsTheCallsOwnEvenWhenMoreCallsFollow() {
        let error = [UInt8(1)].withUnsafeBytes { bytes in
            Result { () throws(SystemCallError) in try FileIO.writeAll(-1, bytes) }
        }
        _ = getpid()  // Another call after the failure changes nothing already read.
        guard case .failure(let failure) = error else { return XCTFail("writing to -1 succeeded") }
        XCTAssertEqual(failure.errno, EBADF)
    }

    func testWritesAndReadsMoveEveryByte() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let bytes = [UInt8](0..<200)
        try bytes.withUnsafeBytes { try FileIO.writeAll(fds[1], $0) }
        close(fds[1])
        var back = [UInt8](repeating: 0, count: 300)
        var total = 0
        while true {
            let n = try back[total...].withUnsafeMutableBytes { try FileIO.read(fds[0], into: $0) }
            if n == 0 { break }
            total += n
        }
        XCTAssertEqual(Array(back[..<total]), bytes)
    }

    func testMonotonicClockNeverGoesBack() {
        let first = MonotonicClock.nanoseconds()
        FileIO.sleep(for: .milliseconds(5))
        XCTAssertGreaterThanOrEqual(MonotonicClock.nanoseconds() - first, 5_000_000)
    }

    func testThreadNamesAreCutToTheKernelsFifteenBytes() throws {
        let done = expectation(description: "named")
        let thread = Thread {
            let named = Result { () throws(SystemCallError) in try ThreadName.set("a-very-long-thread-name") }
            XCTAssertNotNil(try? named.get())
            let fd = open("/proc/thread-self/comm", O_RDONLY)
            var name = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &name, name.count)
            close(fd)
            XCTAssertEqual(String(decoding: name.prefix(max(0, n)), as: UTF8.self), "a-very-long-thr\n")
            done.fulfill()
        }
        thread.start()
        wait(for: [done], timeout: 10)
    }
}

final class UnixSocketTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        var template = Array("/tmp/systemcalls-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template))
    }

    override func tearDown() {
        unlink(directory + "/s")
        rmdir(directory)
    }

    func testAPathTooLongForASockaddrHasNoAddress() {
        XCTAssertNil(UnixSocketAddress(path: "/" + String(repeating: "x", count: UnixSocketAddress.maximumPathBytes)))
        XCTAssertNotNil(UnixSocketAddress(path: String(repeating: "x", count: UnixSocketAddress.maximumPathBytes)))
    }

    func testConnectedPeersSeeEachOthersCredentialsAndPassDescriptors() throws {
        let address = try XCTUnwrap(UnixSocketAddress(path: directory + "/s"))
        let listener = try UnixSocket.make()
        defer { close(listener) }
        try UnixSocket.bind(listener, to: address)
        try UnixSocket.listen(listener, backlog: 1)
        let client = try UnixSocket.make()
        defer { close(client) }
        try UnixSocket.connect(client, to: address)
        let server = try UnixSocket.accept(listener)
        defer { close(server) }
        let peer = try UnixSocket.peer(of: server)
        XCTAssertEqual(
            [peer.pid, Int32(bitPattern: peer.uid), Int32(bitPattern: peer.gid)],
            [getpid(), Int32(bitPattern: getuid()), Int32(bitPattern: getgid())])
        XCTAssertEqual(fcntl(server, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC)

        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let sent = try Array("hi".utf8).withUnsafeBytes { try UnixSocket.send(client, $0, descriptors: [fds[1], fds[1]]) }
        close(fds[1])
        XCTAssertEqual(sent, 2)
        var buffer = [UInt8](repeating: 0, count: 8)
        var received: [Int32] = []
        // Room for one descriptor: the second is closed, not leaked.
        let n = try buffer.withUnsafeMutableBytes {
            try UnixSocket.receive(server, into: $0, descriptors: &received, maximumDescriptors: 1)
        }
        XCTAssertEqual(Array(buffer[..<n]), Array("hi".utf8))
        XCTAssertEqual(received.count, 1)
        XCTAssertEqual(fcntl(received[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC)
        XCTAssertEqual(write(received[0], "x", 1), 1)
        close(received[0])
        var byte: UInt8 = 0
        XCTAssertEqual(read(fds[0], &byte, 1), 1)
        XCTAssertEqual(read(fds[0], &byte, 1), 0, "every copy of the write end is closed")
    }

    func testAnAbstractNameReachesADatagramSocket() throws {
        let name = "@systemcalls-test-\(getpid())"
        let address = try XCTUnwrap(UnixSocketAddress(path: name))
        let receiver = try UnixSocket.makeDatagram()
        defer { close(receiver) }
        try UnixSocket.bind(receiver, to: address)
        let sender = try UnixSocket.makeDatagram()
        defer { close(sender) }
        _ = try Array("READY=1".utf8).withUnsafeBytes { try UnixSocket.send(sender, $0, to: address) }
        var buffer = [UInt8](repeating: 0, count: 16)
        var none: [Int32] = []
        let n = try buffer.withUnsafeMutableBytes {
            try UnixSocket.receive(receiver, into: $0, descriptors: &none, maximumDescriptors: 0)
        }
        XCTAssertEqual(String(decoding: buffer[..<n], as: UTF8.self), "READY=1")
    }
}
