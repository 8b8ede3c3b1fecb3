import Foundation
import Glibc
import SystemCalls
import IntegrationSupport
import XCTest

/// Bad input from a client gets a varlink error and the daemon keeps serving: raw socket abuse, wrong
/// parameters, impossible names, descriptors of the wrong kind.
final class BadInputTests: XCTestCase {
    /// Sends raw bytes on a fresh connection and returns what came back before the daemon replied or closed.
    private func exchange(_ socket: String, _ bytes: [UInt8], replies: Int = 1) throws -> [String] {
        let fd = try UnixSocket.make()
        defer { close(fd) }
        try UnixSocket.connect(fd, to: XCTUnwrap(UnixSocketAddress(path: socket)))
        // Generous: opening the device for the first reply can take seconds on a loaded machine.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }  // The daemon may close on us mid-way (oversize): that is a valid answer.
            offset += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.filter({ $0 == 0 }).count < replies {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return received.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    private func call(_ method: String, _ parameters: String = "{}") -> [UInt8] {
        Array("{\"method\":\"\(method)\",\"parameters\":\(parameters)}".utf8) + [0]
    }

    func testProtocolAbuseGetsErrorsAndTheDaemonServesOn() throws {
        let d = try DaemonFixture()
        let s = d.socket
        XCTAssertTrue(try exchange(s, Array("{not json".utf8) + [0]).first?.contains("\"error\"") ?? false)
        XCTAssertTrue(try exchange(s, Array("[1,2,3]".utf8) + [0]).first?.contains("\"error\"") ?? false)
        XCTAssertTrue(
            try exchange(s, call("org.example.Nope.Ping")).first?.contains("org.varlink.service.InterfaceNotFound") ?? false)
        XCTAssertTrue(
            try exchange(s, call("org.mtpsessiond.Manager.Explode")).first?.contains("org.varlink.service.MethodNotFound")
                ?? false)
        let unknownParam = try exchange(s, call("org.mtpsessiond.Manager.List", "{\"device\":\"\",\"path\":\"/\",\"bogus\":1}"))
        XCTAssertTrue(unknownParam.first?.contains("InvalidParameter") ?? false, "\(unknownParam)")
        let wrongType = try exchange(s, call("org.mtpsessiond.Manager.List", "{\"device\":\"\",\"path\":7}"))
        XCTAssertTrue(wrongType.first?.contains("InvalidParameter") ?? false, "\(wrongType)")
        let missing = try exchange(s, call("org.mtpsessiond.Manager.Stat", "{\"device\":\"\"}"))
        XCTAssertTrue(missing.first?.contains("InvalidParameter") ?? false, "\(missing)")
        let badSession = try exchange(
            s, call("org.mtpsessiond.Manager.List", "{\"device\":\"\",\"path\":\"/\",\"session\":\"nope\"}"))
        XCTAssertTrue(badSession.first?.contains("org.mtpsessiond.Manager.NoSuchSession") ?? false, "\(badSession)")
        // Two pipelined calls on one connection, answered in order.
        let pipelined = try exchange(
            s, call("org.varlink.service.GetInfo") + call("org.mtpsessiond.Manager.ListDevices"), replies: 2)
        XCTAssertEqual(pipelined.count, 2, "\(pipelined)")
        XCTAssertTrue(pipelined.first?.contains("\"interfaces\"") ?? false, "\(pipelined)")
        XCTAssertTrue(pipelined.dropFirst().first?.contains("\"devices\"") ?? false, "\(pipelined)")
        // 2 MiB without a NUL: an error, then the connection closes; other clients are unaffected.
        let flood = try exchange(s, [UInt8](repeating: 0x20, count: 2 << 20))
        XCTAssertTrue(flood.first?.contains("\"error\"") ?? false, "\(flood.map { $0.prefix(200) })")
        XCTAssertTrue(try d.ctlOK(["devices"]).stdout.contains(d.serial))
    }

    func testImpossibleNamesAreInvalidName() throws {
        let d = try DaemonFixture()
        let long = String(repeating: "x", count: 256)
        for path in [":/a/..", ":/./b", ":/\(long)"] {
            let r = try d.ctl(["mkdir", path])
            XCTAssertEqual(r.status, 1, "\(path): \(r.combined)")
            XCTAssertTrue(r.stderr.contains("invalid name"), "\(path): \(r.stderr)")
        }
        let file = try d.sim.makeFile("ok.bin", size: 10)
        let r = try d.ctl(["put", "--name", "a/b", file.path, ":/"])
        XCTAssertTrue(r.stderr.contains("invalid name"), r.combined)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), [])
    }

    func testMisuseNamesTheFix() throws {
        let d = try DaemonFixture()
        let noDevice = try d.ctl(["ls", "NOSUCH:/"])
        XCTAssertEqual(noDevice.status, 1)
        XCTAssertTrue(noDevice.stderr.contains(d.serial), "lists what is attached: \(noDevice.stderr)")
        let badType = try d.ctl(["session", "begin", "--types", "upload"])
        XCTAssertEqual(badType.status, 64, "a wrong --types is a usage error")
        XCTAssertTrue(badType.stderr.contains("transferToDevice"), badType.stderr)
        let nowhere = try runCommand(
            Binaries.mtpctl, ["--socket", d.sim.root.appendingPathComponent("none.sock").path, "devices"])
        XCTAssertEqual(nowhere.status, 69, nowhere.combined)
        XCTAssertTrue(nowhere.stderr.contains("systemctl start mtpsessiond"), nowhere.stderr)
    }
}
