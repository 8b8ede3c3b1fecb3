import Foundation
import IntegrationSupport
import XCTest

/// Monitor, cancellation and unplugging, through the real daemon.
final class DeviceEventsTests: XCTestCase {
    func testMonitorReportsAChangeMadeOnTheDeviceItself() throws {
        let d = try DaemonFixture()
        try d.ctlOK(["ls", ":/"])  // Opens the device, so its events are read.
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor", "--count", "2"])
        try monitor.waitForLine { $0.hasPrefix("deviceAdded \(d.serial)") }  // The state it starts from.
        // A file appearing in the player's storage is the device's own change: it raises ObjectAdded.
        try Data("new".utf8).write(to: d.sim.storage.appendingPathComponent("appeared.txt"))
        XCTAssertEqual(monitor.waitForExit(timeout: 60), 0, monitor.stderrText)
        XCTAssertTrue(monitor.stdoutLines.joined().contains("objectAdded"), monitor.stdoutLines.joined())
        XCTAssertTrue(try d.ctlOK(["ls", ":/"]).stdout.contains("appeared.txt"), "the cache was invalidated by the event")
    }

    func testCancelStopsATransferAndLeavesNothing() throws {
        // On a player that keeps what arrived of a cancelled file: the daemon's own removal is what is tested.
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "4", "--keep-partial-objects"])
        let big = try d.sim.makeFile("big.bin", size: 40 << 20)
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, ":/"])
        let line = try put.waitForLine { $0.contains("\"transfer\"") }
        let transfer = try XCTUnwrap(line.components(separatedBy: "\"transfer\":\"").dropFirst().first?.prefix { $0 != "\"" })
        try d.ctlOK(["cancel", String(transfer)])
        XCTAssertEqual(put.waitForExit(timeout: 60), 1)
        XCTAssertEqual(put.jsonError.name, "org.mtpsessiond.Manager.TransferCancelled", put.stdoutLines.last ?? "")
        XCTAssertTrue(put.jsonError.message.contains("cancelled"), put.jsonError.message)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), [])
        XCTAssertFalse(try d.ctlOK(["ls", ":/"]).stdout.contains("big.bin"))
    }

    func testListingDevicesDuringATransferDoesNotWaitForIt() throws {
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "2"])
        let big = try d.sim.makeFile("big.bin", size: 40 << 20)  // 20 s at 2 MB/s.
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, ":/"])
        try put.waitForLine { $0.contains("\"progress\"") }
        let devices = try d.ctlOK(["--json", "devices"])
        XCTAssertTrue(devices.stdout.contains(d.serial) && devices.stdout.contains("\"open\":true"), devices.stdout)
        // Cancelling works only while the transfer runs: devices answered during it, not after it.
        let cancel = try d.ctl(["cancel", transferID(put)])
        XCTAssertEqual(cancel.status, 0, "the transfer had ended before devices answered: \(cancel.combined)")
        XCTAssertEqual(put.waitForExit(timeout: 60), 1)
    }

    /// The id a `mtpctl --json put` reported for its transfer.
    private func transferID(_ put: RunningProcess) -> String {
        let line = put.stdoutLines.first { $0.contains("\"transfer\"") } ?? ""
        return String(line.components(separatedBy: "\"transfer\":\"").dropFirst().first?.prefix { $0 != "\"" } ?? "")
    }

    func testSIGTERMDuringAPutCancelsItCleanlyAndExitsPromptly() throws {
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "4"])
        let big = try d.sim.makeFile("big.bin", size: 40 << 20)
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, ":/"])
        try put.waitForLine { $0.contains("\"progress\"") }
        let stopping = ContinuousClock.now
        d.daemon.terminate()
        try d.waitForLog("session ended at shutdown")
        XCTAssertNotEqual(put.waitForExit(timeout: 60), 0, "the client hears that its transfer did not complete")
        XCTAssertLessThan(ContinuousClock.now - stopping, .seconds(10), "bounded: well inside systemd's TimeoutStopSec=15")
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("big.bin").path))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), [], "no partial object or temporary")
    }

    /// A Monitor never ends by itself, so at shutdown the daemon ends it with its final reply rather than letting
    /// it hold the drain until the grace period runs out and the server cancels it (which the log would say).
    func testSIGTERMEndsAMonitorAtOnceAndItsClientSaysTheDaemonStopped() throws {
        let d = try DaemonFixture()
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        try monitor.waitForLine { $0.contains("deviceAdded \(d.serial)") }
        d.daemon.terminate()
        XCTAssertEqual(monitor.waitForExit(timeout: 60), 69, "the daemon went away: EX_UNAVAILABLE, as for a lost connection")
        XCTAssertTrue(monitor.stderrText.contains("mtpsessiond stopped"), monitor.stderrText)
        _ = d.daemon.waitForExit(timeout: 60)
        XCTAssertTrue(d.daemon.stderrText.contains("shutting down"), d.daemon.stderrText)
        XCTAssertFalse(
            d.daemon.stderrText.contains("grace period were cancelled"),
            "the Monitor ended before the grace period: \(d.daemon.stderrText)")
    }

    func testUnplugDuringAPutFailsItAndTheDaemonServesOn() throws {
        let d = try DaemonFixture(simOptions: ["--unplug-after-bytes", String(8 << 20)])
        let big = try d.sim.makeFile("big.bin", size: 32 << 20)
        let r = try d.ctl(["put", big.path, ":/"])
        XCTAssertEqual(r.status, 1, r.combined)
        XCTAssertTrue(r.stderr.contains(d.serial), "the error names the device: \(r.stderr)")
        try d.waitForLog("device detached")
        XCTAssertFalse(try d.ctlOK(["devices"]).stdout.contains(d.serial))
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("big.bin").path))
    }
}
