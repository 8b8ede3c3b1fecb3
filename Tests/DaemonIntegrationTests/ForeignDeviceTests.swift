import Foundation
import IntegrationSupport
import XCTest

/// Devices we did not write (issue 12), played by the `minimal` personality: no MoveObject or CopyObject, no
/// property descriptions, objects numbered afresh at every session, Partial Deletion for a folder with contents,
/// no events. Each behaviour through the real daemon, mtpctl, libmtp and libusb.
final class ForeignDeviceTests: XCTestCase {
    /// A three-level tree: the device refuses the top folder with its contents, and the daemon empties it
    /// bottom-up until nothing is left.
    func testRecursiveDeleteOfAThreeLevelTreeFinishesBottomUp() throws {
        let d = try DaemonFixture(personality: "minimal") { storage in
            for folder in ["Tree/A/A1", "Tree/A/A2", "Tree/B", "Keep"] {
                try FileManager.default.createDirectory(
                    at: storage.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            for file in [
                "Tree/top.txt", "Tree/A/a.txt", "Tree/A/A1/deep.bin", "Tree/A/A2/deep2.bin", "Tree/B/b.txt", "Keep/k.txt",
            ] {
                try Data(file.utf8).write(to: storage.appendingPathComponent(file))
            }
        }
        try d.ctlOK(["rm", "-r", ":/Tree"])
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Tree").path),
            "the whole tree is gone from the device")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Keep/k.txt").path),
            "nothing beside it was touched")
        _ = try d.waitForLog("deleting bottom-up")  // The device did refuse the one-step delete.
        let listing = try d.ctlOK(["ls", ":/"]).stdout
        XCTAssertFalse(listing.contains("Tree"), listing)
        XCTAssertTrue(listing.contains("Keep"), listing)
    }

    /// Moving and renaming files and folders on a device that can do neither in place: a copy through the host,
    /// byte for byte, then the original gone; mtpctl says which way it went.
    func testMoveAndRenameGoThroughTheHost() throws {
        let song = Data((0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) })
        let d = try DaemonFixture(personality: "minimal") { storage in
            for folder in ["Music/Album/CD1", "Other"] {
                try FileManager.default.createDirectory(
                    at: storage.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            try song.write(to: storage.appendingPathComponent("Music/song.mp3"))
            try Data("one".utf8).write(to: storage.appendingPathComponent("Music/Album/cover.jpg"))
            try Data("two".utf8).write(to: storage.appendingPathComponent("Music/Album/CD1/track.mp3"))
        }
        let storage = d.sim.storage
        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: storage.appendingPathComponent(path).path) }

        // A file into another folder.
        let moved = try d.ctlOK(["--json", "mv", ":/Music/song.mp3", ":/Other"]).stdout
        let lines = try moved.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let movedJSON = lines.last ?? nil
        XCTAssertEqual(movedJSON?["methods"] as? [String], ["throughHost"], moved)
        XCTAssertEqual(movedJSON?["path"] as? String, "/Other/song.mp3", moved)
        // Progress as it went: off the device and back on, twice the file's size in all.
        let steps = lines.compactMap { $0?["progress"] as? [String: Any] }
        XCTAssertEqual(steps.first?["phase"] as? String, "begin", moved)
        XCTAssertEqual(steps.last?["phase"] as? String, "end", moved)
        XCTAssertEqual(steps.last?["total"] as? Int, 2 * song.count, moved)
        XCTAssertNotNil(steps.last?["transfer"] as? String, "a transfer id that Cancel takes")
        XCTAssertEqual(try Data(contentsOf: storage.appendingPathComponent("Other/song.mp3")), song)
        XCTAssertFalse(exists("Music/song.mp3"), "the original is gone once the copy is whole")

        // A file renamed in place.
        let renamed = try d.ctlOK(["mv", ":/Other/song.mp3", ":/Other/renamed.mp3"]).stdout
        XCTAssertTrue(renamed.contains("through this computer"), renamed)
        XCTAssertEqual(try Data(contentsOf: storage.appendingPathComponent("Other/renamed.mp3")), song)
        XCTAssertFalse(exists("Other/song.mp3"))

        // Another folder and another name at once: one copy through the host, not two.
        let both = try d.ctlOK(["--json", "mv", ":/Other/renamed.mp3", ":/Music/again.mp3"]).stdout
        XCTAssertEqual(both.components(separatedBy: "\"begin\"").count - 1, 1, "one copy: \(both)")
        XCTAssertEqual(try Data(contentsOf: storage.appendingPathComponent("Music/again.mp3")), song)
        XCTAssertFalse(exists("Other/renamed.mp3"))

        // A folder with a subfolder, into another folder, and then renamed.
        try d.ctlOK(["mv", ":/Music/Album", ":/Other"])
        XCTAssertEqual(try String(contentsOf: storage.appendingPathComponent("Other/Album/cover.jpg"), encoding: .utf8), "one")
        XCTAssertEqual(
            try String(contentsOf: storage.appendingPathComponent("Other/Album/CD1/track.mp3"), encoding: .utf8), "two")
        XCTAssertFalse(exists("Music/Album"), "the original folder is gone")
        try d.ctlOK(["mv", ":/Other/Album", ":/Other/Best"])
        XCTAssertEqual(try String(contentsOf: storage.appendingPathComponent("Other/Best/CD1/track.mp3"), encoding: .utf8), "two")
        XCTAssertFalse(exists("Other/Album"))
        let listing = try d.ctlOK(["ls", ":/Other/Best"]).stdout
        XCTAssertTrue(listing.contains("CD1") && listing.contains("cover.jpg"), listing)
    }

    /// The device cut off at seeded points of a move through the host: the original is whole afterwards, and a
    /// copy is either absent or whole, never half.
    func testAMoveCutOffByAnUnplugLeavesTheOriginalWhole() throws {
        let trials = Int(ProcessInfo.processInfo.environment["MTPSESSIOND_TRIALS"] ?? "") ?? 4
        var random = SeededRandom(seed: UInt64(ProcessInfo.processInfo.environment["MTPSESSIOND_SEED"] ?? "") ?? 20261202)
        let tally = TrialTally("unplug-move-minimal", in: self)
        defer { tally.report() }
        for trial in 0..<trials {
            tally.begin()
            let size = 400_000 + Int(random.next() % 800_000)
            let original = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 7) })
            // Off the device and back on: about twice its size crosses the bus. Every other point cuts the copy
            // going back on, the others the read.
            let cut = (trial % 2 == 1 ? size : 0) + 1 + Int(random.next() % UInt64(size))
            print("unplug trial move #\(trial): size \(size), unplug after \(cut) bytes")
            let d = try DaemonFixture(
                personality: "minimal",
                simOptions: ["--unplug-after-bytes", String(cut), "--replug-after-ms", "300", "--keep-partial-objects"]
            ) { storage in
                for folder in ["Music", "Other"] {
                    try FileManager.default.createDirectory(
                        at: storage.appendingPathComponent(folder), withIntermediateDirectories: true)
                }
                try original.write(to: storage.appendingPathComponent("Music/big.bin"))
            }
            let mv = try d.ctl(["mv", ":/Music/big.bin", ":/Other"])
            print("unplug trial move #\(trial): mv exited \(mv.status)")
            let source = d.sim.storage.appendingPathComponent("Music/big.bin"),
                copy = d.sim.storage.appendingPathComponent("Other/big.bin")
            if mv.status == 0 {
                XCTAssertEqual(try Data(contentsOf: copy), original, "#\(trial): a move that succeeded left the whole file")
                XCTAssertFalse(FileManager.default.fileExists(atPath: source.path), "#\(trial)")
            } else {
                XCTAssertTrue(mv.stderr.contains(d.serial), "#\(trial): \(mv.stderr)")
                try d.waitForLog("device attached", occurrence: 2)  // Attached afresh,
                try d.ctlOK(["ls", ":/"])  // and opened, which settles what was in flight.
                let copyData = try? Data(contentsOf: copy)
                if FileManager.default.fileExists(atPath: source.path) {
                    XCTAssertEqual(try Data(contentsOf: source), original, "#\(trial): the original is whole")
                    XCTAssertTrue(
                        copyData == nil || copyData == original, "#\(trial): no half copy (\(copyData?.count ?? 0) bytes)")
                    if copyData != nil && copyData != original { tally.found(leftBehind: 1) }
                } else {
                    XCTAssertEqual(copyData, original, "#\(trial): the original went only once the copy was whole")
                }
                try d.ctlOK(["ls", ":/Other"])
            }
            tally.end()
        }
    }

    /// A device that stops answering while it stays on the bus (its bulk endpoints wedged) is reported as reset,
    /// not unplugged, and the next command finds it working: the port reset revived it.
    func testAStallWhileAttachedReportsAResetNotAnUnplug() throws {
        let d = try DaemonFixture(personality: "minimal")
        try d.ctlOK(["mkdir", ":/Before"])
        try d.sim.control("stall on")
        let stalled = try d.ctl(["mkdir", ":/During"])
        XCTAssertEqual(stalled.status, 1, stalled.combined)
        XCTAssertTrue(
            stalled.stderr.contains("device \(d.serial) stopped answering") && stalled.stderr.contains("port was reset"),
            stalled.stderr)
        XCTAssertFalse(stalled.stderr.contains("went away"), "not reported as an unplug: \(stalled.stderr)")
        _ = try d.waitForLog("still on the bus; its USB port was reset")
        try d.ctlOK(["mkdir", ":/After"])
        let listing = try d.ctlOK(["ls", ":/"]).stdout
        XCTAssertTrue(listing.contains("Before") && listing.contains("After"), listing)
        XCTAssertFalse(d.daemon.stderrText.contains("device detached"), "the device never left")
    }
}
