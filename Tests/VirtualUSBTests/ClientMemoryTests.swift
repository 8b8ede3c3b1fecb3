import XCTest
@testable import VirtualUSB
#if canImport(Glibc)
import Glibc
import SystemCalls
#endif

final class ClientMemoryTests: XCTestCase {
    func testReadsAndWritesAProcessDirectly() {
        let me = ClientMemory(pid: getpid())
        var target = [UInt8](repeating: 0, count: 16)
        let bytes: [UInt8] = [1, 2, 3, 4, 5]
        var back = [UInt8](repeating: 0, count: 8)
        target.withUnsafeMutableBytes { raw in
            let address = UInt(bitPattern: raw.baseAddress!)
            XCTAssertTrue(bytes.withUnsafeBytes { me.write($0, to: address + 3) })
            XCTAssertTrue(back.withUnsafeMutableBytes { me.read(address, into: $0) })
        }
        XCTAssertEqual(back, [0, 0, 0, 1, 2, 3, 4, 5])
        XCTAssertEqual(Array(target[3..<8]), bytes)
    }

    func testWritesAURBStatusAndLengthInOneCall() {
        let me = ClientMemory(pid: getpid())
        var words: [Int32] = [7, 7, 7, 7]
        words.withUnsafeMutableBytes { raw in
            let base = UInt(bitPattern: raw.baseAddress!)
            XCTAssertTrue(me.write(-19, to: base + 4, 512, to: base + 12))
        }
        XCTAssertEqual(words, [7, -19, 7, 512])
    }

    func testAProcessThatIsNotThereCannotBeRead() {
        var byte: UInt8 = 0
        // Above the largest pid Linux hands out (2^22).
        let nobody = ClientMemory(pid: 0x7FFF_FFF0)
        XCTAssertFalse(withUnsafeMutableBytes(of: &byte) { nobody.read(UInt(bitPattern: $0.baseAddress!), into: $0) })
    }

    /// A peer on a Unix socket is found by what it holds at an address; different bytes find nobody.
    func testFindsTheSocketPeerHoldingTheBytes() throws {
        let path = NSTemporaryDirectory() + "client-memory-\(getpid()).sock"
        unlink(path)
        defer { unlink(path) }
        let listener = try UnixSocket.make()
        defer { close(listener) }
        try UnixSocket.bind(listener, to: XCTUnwrap(UnixSocketAddress(path: path)))
        try UnixSocket.listen(listener, backlog: 1)

        // The peer connects, then waits until we hang up.
        var pid: pid_t = 0
        let words = [
            "python3", "-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.recv(1)", path,
        ]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        XCTAssertEqual(posix_spawnp(&pid, "python3", nil, nil, argv, environ), 0)
        defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
        var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&ready, 1, 10_000), 1, "the peer never connected")
        let connection = accept(listener, nil, nil)
        XCTAssertGreaterThanOrEqual(connection, 0)
        defer { close(connection) }

        // Its first mapping starts with an ELF header.
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        let start = try XCTUnwrap(UInt(maps.prefix { $0 != "-" }, radix: 16))
        let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]
        XCTAssertEqual(elf.withUnsafeBytes { ClientMemory.find(holding: $0, at: start) }, ClientMemory(pid: pid))
        let other: [UInt8] = [0x7F, 0x45, 0x4C, 0x00]
        XCTAssertNil(other.withUnsafeBytes { ClientMemory.find(holding: $0, at: start) })
    }
}
