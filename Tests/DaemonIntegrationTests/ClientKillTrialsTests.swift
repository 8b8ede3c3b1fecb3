import Foundation
import Glibc
import IntegrationSupport
import XCTest

/// Clients killed with SIGKILL in the middle of a session's transfer, again and again (issue 6): each time
/// the transfer is cancelled and its partial object removed, the session is ended by its lease, the device
/// released after the linger, and the daemon's descriptors and threads come back to where they were.
/// CI runs a few; `make soak` runs MTPSESSIOND_TRIALS=50.
final class ClientKillTrialsTests: XCTestCase {
    private let trials = Int(ProcessInfo.processInfo.environment["MTPSESSIOND_TRIALS"] ?? "") ?? 5

    func testKilledClientsLeaveNothingBehindAndNoLeak() throws {
        // A player that keeps what arrived of a cut-off file: the daemon, not the device, must remove it.
        let d = try DaemonFixture(linger: 0.5, simOptions: ["--bandwidth-mbs", "8", "--keep-partial-objects"])
        let big = try d.sim.makeFile("big.bin", size: 32 << 20)
        // Each log search counts from the start of the log: wait for the probe's opening to be released first.
        try d.waitForLog("released the device's interface", occurrence: 1)
        // Trial 0 is a warm-up, whose end is the baseline: the first cancel sets up what every later one shares
        // (libusb's bus context for "is the device still there?", made once per process).
        var baseline: (descriptors: [String: String], threads: Int) = ([:], 0)
        let tally = TrialTally("client-kill", in: self)
        defer { tally.report() }
        for trial in 0...trials {
            if trial > 0 { tally.begin() }
            let session = try d.ctlOK(["session", "begin", "--lease", "1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let put = try RunningProcess(
                Binaries.mtpctl, ["--socket", d.socket, "--json", "put", "--session", session, big.path, ":/"])
            try put.waitForLine { $0.contains("\"progress\"") }
            put.kill()
            _ = put.waitForExit(timeout: 60)
            try d.waitForLog("transfer cancelled", occurrence: trial + 1)
            try d.waitForLog("session expired", occurrence: trial + 1)
            try d.waitForLog("released the device's interface", occurrence: trial + 2)
            let left = try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path)
            XCTAssertEqual(left, [], "#\(trial): no partial object and no temporary on the device")
            let now = try d.resources()
            if trial == 0 {
                baseline = now
                XCTAssertGreaterThan(baseline.descriptors.count, 0, "the daemon's /proc entries were found")
                continue
            }
            XCTAssertEqual(
                now.descriptors.count, baseline.descriptors.count,
                "#\(trial): descriptors back to the baseline; now \(now.descriptors.sorted { $0.key < $1.key }), "
                    + "after the warm-up \(baseline.descriptors.sorted { $0.key < $1.key })")
            XCTAssertEqual(now.threads, baseline.threads, "#\(trial): threads back to the baseline")
            tally.found(leftBehind: left.count)
            tally.end()
        }
        try d.ctlOK(["put", try d.sim.makeFile("after.bin", size: 1000).path, ":/"])
    }
}
