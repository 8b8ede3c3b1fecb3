import Foundation
import Glibc
import IntegrationSupport
import Varlink
import XCTest

/// The daemon never opens a host path a client names: file data crosses as descriptors (SCM_RIGHTS), and a
/// path a client sends is a path on the device. A client that tries anyway gets a clear error, and a folder
/// this test controls shows that nothing was read, created or written there.
final class HostPathTests: XCTestCase {
    private let m = "org.mtpsessiond.Manager."

    private func error(
        _ client: VarlinkClient, _ method: String, _ parameters: [String: JSONValue],
        fileDescriptors: [Int32] = []
    ) throws -> VarlinkError? {
        var replies = try client.call(m + method, parameters, fileDescriptors: fileDescriptors)
        do { _ = try replies.next(); return nil } catch let e as VarlinkError { return e }
    }

    func testTheInterfaceHasNoParameterThatCouldNameAHostFile() throws {
        let d = try DaemonFixture(devices: 0)
        var replies = try VarlinkClient(path: d.socket).call(
            "org.varlink.service.GetInterfaceDescription", ["interface": "org.mtpsessiond.Manager"])
        let text = try XCTUnwrap(try replies.next()?.parameters["description"]?.stringValue)
        let interface = try VarlinkInterface(parsing: text)
        let names = Set(interface.methods.values.flatMap { $0.input.map(\.name) })
        // A new parameter is fine; one naming a host file is not. Extend this list only with device-side meanings.
        let deviceSide: Set = [
            "device", "types", "context", "leaseSeconds", "exclusive", "timeoutSeconds", "session", "path", "storage", "folder",
            "name", "fd", "size", "overwrite", "track", "offset", "length", "recursive", "parents", "transfer",
            // A time, track metadata, device paths of tracks, and an album's art as a descriptor index and its size.
            "modified", "artist", "genre", "tracks", "art", "artSize",
        ]
        XCTAssertEqual(names.subtracting(deviceSide), [], "file data must cross as descriptors, never as host paths")
        XCTAssertEqual(interface.methods["Put"]?.input.first { $0.name == "fd" }?.type, .int)
        XCTAssertEqual(interface.methods["Get"]?.input.first { $0.name == "fd" }?.type, .int)
        XCTAssertEqual(interface.methods["SetAlbum"]?.input.first { $0.name == "art" }?.type, .optional(.int))
    }

    func testAHostPathWhereADescriptorOrADevicePathGoesIsRefusedAndNeverOpened() throws {
        let d = try DaemonFixture()
        let host = d.sim.root.appendingPathComponent("host")
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        let secret = host.appendingPathComponent("secret.txt")
        try Data("host only\n".utf8).write(to: secret)
        let target = host.appendingPathComponent("written-by-daemon")
        let c = try VarlinkClient(path: d.socket)

        // A host path where a descriptor goes: the wrong type, refused before anything runs.
        XCTAssertEqual(try error(c, "Get", ["device": "", "path": "/x", "fd": .string(target.path)]), .invalidParameter("fd"))
        XCTAssertEqual(
            try error(c, "Put", ["device": "", "folder": "/", "name": "x", "fd": .string(secret.path), "size": 10]),
            .invalidParameter("fd"))
        // A descriptor index with no descriptor sent: not a guess at one of the daemon's own.
        XCTAssertEqual(try error(c, "Get", ["device": "", "path": "/x", "fd": 0])?.name, m + "BadFileDescriptor")

        // A host path where a device path goes is a path on the device, where it does not exist.
        let stat = try error(c, "Stat", ["device": "", "path": .string(secret.path)])
        XCTAssertEqual(stat?.name, m + "NotFound")
        XCTAssertTrue(
            secret.path.hasPrefix(stat?.parameters["path"]?.stringValue ?? "?"),
            "names the missing device folder: \(String(describing: stat))")
        let pipe = try makePipe()
        XCTAssertEqual(
            try error(c, "Get", ["device": "", "path": .string(secret.path), "fd": 0], fileDescriptors: [pipe.write])?.name,
            m + "NotFound")
        close(pipe.write)
        XCTAssertEqual(try readAll(pipe.read), [], "nothing of the host file came back")
        let source = try makePipe()
        XCTAssertEqual(write(source.write, "data", 4), 4)
        close(source.write)
        XCTAssertEqual(
            try error(
                c, "Put", ["device": "", "folder": .string(host.path), "name": "written-by-daemon", "fd": 0, "size": 4],
                fileDescriptors: [source.read])?.name, m + "NotFound")
        close(source.read)
        // Creating the host path as a device folder makes a folder on the device, not on the host.
        XCTAssertNil(try error(c, "MakeDirectory", ["device": "", "path": .string(target.path), "parents": true]))
        var isFolder: ObjCBool = false
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: d.sim.storage.path + target.path, isDirectory: &isFolder) && isFolder.boolValue
        )

        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: host.path), ["secret.txt"],
            "the host folder is as the test left it")
        XCTAssertEqual(try String(contentsOf: secret, encoding: .utf8), "host only\n")
    }

    private func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }  // Not inherited by the mtpctl children of other tests.
        return (fds[0], fds[1])
    }

    private func readAll(_ fd: Int32) throws -> [UInt8] {
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 { throw POSIXError(.EIO) }
            if n == 0 { return out }
            out += chunk[..<n]
        }
    }
}
