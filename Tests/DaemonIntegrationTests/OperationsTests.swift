import Foundation
import IntegrationSupport
import XCTest

/// Every operation through the real daemon, mtpctl and libmtp, on both personalities.
final class OperationsTests: XCTestCase {
    func testEveryOperationOnAndroid() throws { try everyOperation(personality: "android") }
    func testEveryOperationOnClassic() throws { try everyOperation(personality: "classic") }

    private func everyOperation(personality: String) throws {
        let d = try DaemonFixture(personality: personality) { storage in
            try FileManager.default.createDirectory(
                at: storage.appendingPathComponent("Music"), withIntermediateDirectories: true)
            try Data("preloaded\n".utf8).write(to: storage.appendingPathComponent("Music/readme.txt"))
        }
        XCTAssertEqual(d.serial, personality == "android" ? "MTPSIM0001" : "MTPSIM0002")

        let devices = try d.ctlOK(["devices"]).stdout
        XCTAssertTrue(devices.contains(d.serial), devices)
        let json =
            try JSONSerialization.jsonObject(with: Data(try d.ctlOK(["--json", "devices"]).stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(json.first?["serial"] as? String, d.serial)
        XCTAssertFalse((json.first?["storages"] as? [Any] ?? []).isEmpty)

        XCTAssertTrue(try d.ctlOK(["ls", ":/Music"]).stdout.contains("readme.txt"))
        try d.ctlOK(["mkdir", "-p", "\(d.serial.prefix(8)):/Albums/One/Two"])
        XCTAssertTrue(try d.ctlOK(["ls", ":/Albums/One"]).stdout.contains("Two"))

        // Round trips of awkward sizes, each byte-identical, each a real file in the storage directory.
        for size in [0, 1, 511, 512, 513, 16384, 1 << 20] {
            let file = try d.sim.makeFile("f\(size).bin", size: size)
            try d.ctlOK(["put", file.path, ":/Albums/One"])
            let onDevice = d.sim.storage.appendingPathComponent("Albums/One/f\(size).bin")
            XCTAssertEqual(try Data(contentsOf: onDevice), try Data(contentsOf: file), "size \(size) on the device")
            let back = d.sim.root.appendingPathComponent("back\(size).bin")
            try d.ctlOK(["get", ":/Albums/One/f\(size).bin", back.path])
            XCTAssertEqual(try Data(contentsOf: back), try Data(contentsOf: file), "size \(size) back on the host")
        }

        let stat = try d.ctlOK(["--json", "stat", ":/Albums/One/f513.bin"]).stdout
        let entry = try JSONSerialization.jsonObject(with: Data(stat.utf8)) as! [String: Any]
        XCTAssertEqual(entry["size"] as? Int, 513)
        XCTAssertEqual(entry["folder"] as? Bool, false)

        // A byte range: GetPartialObject where the device has it.
        let range = d.sim.root.appendingPathComponent("range.bin")
        try d.ctlOK(["get", "--offset", "100", "--length", "300", ":/Albums/One/f1048576.bin", range.path])
        XCTAssertEqual(
            try Data(contentsOf: range), try Data(contentsOf: d.sim.root.appendingPathComponent("f1048576.bin"))[100..<400])

        // Overwrite: refused without the flag, and the old content survives; replaced with it.
        let v2 = d.sim.root.appendingPathComponent("v2/f1.bin")
        try FileManager.default.createDirectory(at: v2.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("second version".utf8).write(to: v2)
        let refused = try d.ctl(["put", v2.path, ":/Albums/One"])
        XCTAssertEqual(refused.status, 1, refused.combined)
        XCTAssertTrue(refused.stderr.contains("already exists"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: d.sim.storage.appendingPathComponent("Albums/One/f1.bin")).count, 1)
        try d.ctlOK(["put", "--overwrite", v2.path, ":/Albums/One"])
        XCTAssertEqual(
            try String(contentsOf: d.sim.storage.appendingPathComponent("Albums/One/f1.bin"), encoding: .utf8), "second version")
        XCTAssertEqual(
            try d.ctlOK(["ls", ":/Albums/One"]).stdout.components(separatedBy: "f1.bin").count - 1, 1, "one f1.bin, not two")

        // A track with metadata.
        let song = try d.sim.makeFile("song.mp3", size: 4000)
        try d.ctlOK(["put", "--title", "A Song", "--artist", "Someone", "--album", "Album", "--track", "3", song.path, ":/Music"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Music/song.mp3").path))

        // Rename in place, move between folders.
        try d.ctlOK(["mv", ":/Music/song.mp3", ":/Music/renamed.mp3"])
        try d.ctlOK(["mv", ":/Music/renamed.mp3", ":/Albums"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Albums/renamed.mp3").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Music/renamed.mp3").path))

        // Delete: a full folder needs -r.
        let notEmpty = try d.ctl(["rm", ":/Albums"])
        XCTAssertEqual(notEmpty.status, 1, notEmpty.combined)
        XCTAssertTrue(notEmpty.stderr.contains("not empty"), notEmpty.stderr)
        try d.ctlOK(["rm", "-r", ":/Albums"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Albums").path))
        let gone = try d.ctl(["stat", ":/Albums"])
        XCTAssertEqual(gone.status, 1)
        XCTAssertTrue(gone.stderr.contains("no such"), gone.stderr)
    }

    func testPutOfAFolderSendsItRecursivelyInOneSession() throws {
        let d = try DaemonFixture()
        let tree = d.sim.root.appendingPathComponent("tree")
        for path in ["a/1.txt", "a/b/2.txt", "c.txt"] {
            let url = tree.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(path.utf8).write(to: url)
        }
        let r = try d.ctlOK(["put", tree.path, ":/"])
        XCTAssertTrue(r.stdout.contains("3 files"), r.stdout)
        for path in ["a/1.txt", "a/b/2.txt", "c.txt"] {
            XCTAssertEqual(try String(contentsOf: d.sim.storage.appendingPathComponent("tree/" + path), encoding: .utf8), path)
        }
        XCTAssertEqual(try d.waitForLog("session begun").isEmpty, false)
    }

    func testGetNeverLeavesATruncatedHostFile() throws {
        let d = try DaemonFixture()
        let target = d.sim.root.appendingPathComponent("keep.txt")
        try Data("precious".utf8).write(to: target)
        let r = try d.ctl(["get", ":/does-not-exist.bin", target.path])
        XCTAssertEqual(r.status, 1, r.combined)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "precious", "a failed get must not touch the file")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: d.sim.root.path).filter { $0.contains(".partial") }
        XCTAssertEqual(leftovers, [])
    }
}
