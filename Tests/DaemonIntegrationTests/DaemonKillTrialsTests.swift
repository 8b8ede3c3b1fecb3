import Foundation
import Glibc
import IntegrationSupport
import XCTest

/// The daemon itself killed with SIGKILL mid-put, again and again, and started again as systemd's
/// Restart=on-failure would (issue 6). The player is one that keeps what arrived of a cut-off file and does not
/// notice its host process dying, so each restart meets a PTP session still open and a partial object on the
/// device; it must start cleanly and remove that object, found through its in-flight journal. CI runs a few;
/// `make soak` runs MTPSESSIOND_TRIALS=20.
final class DaemonKillTrialsTests: XCTestCase {
    private let trials = Int(ProcessInfo.processInfo.environment["MTPSESSIOND_TRIALS"] ?? "") ?? 5
    private let seed = UInt64(ProcessInfo.processInfo.environment["MTPSESSIOND_SEED"] ?? "") ?? 20261126

    func testARestartedDaemonRemovesThePartialObjectItsPredecessorLeft() throws {
        let d = try DaemonFixture(
            simOptions: ["--bandwidth-mbs", "8", "--keep-partial-objects", "--keep-session"],
            restartedWhenKilled: true)
        let size = 16 << 20
        let big = try d.sim.makeFile("big.bin", size: size)
        let original = try Data(contentsOf: big)
        var random = SeededRandom(seed: seed)
        let tally = TrialTally("daemon-kill", in: self)
        defer { tally.report() }
        for trial in 1...trials {
            tally.begin()
            let cut = size / 20 + Int(random.next() % UInt64(size * 8 / 10))
            print("daemon kill trial #\(trial) seed \(seed): kill after \(cut) bytes")
            let killed = d.daemonPID
            XCTAssertGreaterThan(killed, 0, "#\(trial): the daemon's pid")
            let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, ":/"])
            try put.waitForLine { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let progress = object["progress"] as? [String: Any], let done = progress["done"] as? Int
                else { return false }
                return done >= cut
            }
            XCTAssertEqual(kill(killed, SIGKILL), 0)
            let status = put.waitForExit(timeout: 60)
            XCTAssertNotEqual(status, 0, "#\(trial): the put cannot have succeeded")
            XCTAssertEqual(put.jsonError.name, "mtpctl.DaemonUnreachable", "#\(trial): \(put.stdoutLines.last ?? "")")
            XCTAssertTrue(
                put.jsonError.message.contains("mtpsessiond"),
                "#\(trial): the client names what it lost: \(put.jsonError.message)")

            try d.waitForLog("device attached", occurrence: trial + 1)  // The restarted daemon, on the same device.
            let removal = try d.waitForLog("removed a partial object", occurrence: trial)
            XCTAssertTrue(removal.contains("big.bin"), removal)
            let left = try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path)
            XCTAssertEqual(left, [], "#\(trial): no partial object left on the device")
            tally.found(leftBehind: left.count)
            XCTAssertEqual(try Data(contentsOf: big), original, "#\(trial): the host file is untouched")
            XCTAssertNotEqual(d.daemonPID, killed, "#\(trial): a new daemon runs")
            tally.end()
        }
        // The restarted daemon serves, and its journal is empty with nothing in flight.
        try d.ctlOK(["put", big.path, ":/"])
        XCTAssertEqual(try Data(contentsOf: d.sim.storage.appendingPathComponent("big.bin")), original)
        let journal = d.stateDirectory + "/in-flight"
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: journal)[.size] as? NSNumber)?.intValue, 0)
    }

    /// Killed while replacing a file: the new one travels under a temporary name, so the old one is still whole
    /// on the device; the restart removes the temporary and leaves the old file as it was.
    func testAKilledReplacementLeavesTheOldFileWhole() throws {
        let size = 8 << 20
        let d = try DaemonFixture(
            simOptions: ["--bandwidth-mbs", "8", "--keep-partial-objects", "--keep-session"],
            restartedWhenKilled: true
        ) { storage in
            try Data(repeating: 0x4F, count: 1000).write(to: storage.appendingPathComponent("song.mp3"))
        }
        let replacement = try d.sim.makeFile("song.mp3", size: size)
        let killed = d.daemonPID
        let put = try RunningProcess(
            Binaries.mtpctl, ["--socket", d.socket, "--json", "put", "--overwrite", replacement.path, ":/"])
        try put.waitForLine { $0.contains("\"progress\"") && !$0.contains("\"done\":0,") }
        XCTAssertEqual(kill(killed, SIGKILL), 0)
        XCTAssertNotEqual(put.waitForExit(timeout: 60), 0)
        try d.waitForLog("device attached", occurrence: 2)
        let removal = try d.waitForLog("removed a partial object")
        XCTAssertTrue(removal.contains(".mtpsessiond-new-"), "the temporary is what goes: \(removal)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), ["song.mp3"])
        XCTAssertEqual(
            try Data(contentsOf: d.sim.storage.appendingPathComponent("song.mp3")), Data(repeating: 0x4F, count: 1000),
            "the old file is untouched")
    }
}
