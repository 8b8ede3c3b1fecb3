import Foundation
import IntegrationSupport
import XCTest

/// Devices coming and going under the running daemon: plugged in later, unplugged mid-transfer while another
/// device goes on working, and plugged in again — all through libusb hotplug, as on a real machine.
final class DaemonHotplugTests: XCTestCase {
    func testADevicePluggedInLaterAppearsInDevicesAndInMonitor() throws {
        // Plugged only when the control socket says so (the delay is a fallback far beyond the test).
        let d = try DaemonFixture(simOptions: ["--plug-after-ms", "600000"], devices: 0)
        XCTAssertFalse(try d.ctlOK(["devices"]).stdout.contains("MTPSIM"), "nothing attached yet")
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor", "--count", "1"])
        try d.waitForLog("monitor subscribed")
        try d.sim.control("plug")
        XCTAssertEqual(monitor.waitForExit(timeout: 60), 0, monitor.stderrText)
        XCTAssertTrue(monitor.stdoutLines.joined().contains("deviceAdded MTPSIM0001"), monitor.stdoutLines.joined())
        XCTAssertTrue(try d.ctlOK(["devices"]).stdout.contains("MTPSIM0001"))
        try d.ctlOK(["ls", ":/"])
    }

    func testUnpluggedMidTransferOneDeviceFailsWithDeviceGoneTheOtherWorksThenItComesBack() throws {
        let d = try DaemonFixture(simOptions: ["--devices", "2", "--bandwidth-mbs", "4"], devices: 2)
        let (gone, other) = (d.serials[0], d.serials[1])
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        try monitor.waitForLine { $0.hasPrefix("deviceAdded \(other)") }
        let big = try d.sim.makeFile("big.bin", size: 40 << 20)
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, "\(gone):/"])
        try put.waitForLine { $0.contains("\"progress\"") }
        try d.sim.control("unplug device=\(gone)")
        XCTAssertEqual(put.waitForExit(timeout: 60), 1)
        XCTAssertEqual(put.jsonError.name, "org.mtpsessiond.Manager.DeviceGone", put.stdoutLines.joined(separator: "\n"))
        XCTAssertTrue(put.jsonError.message.contains("device \(gone) went away"), put.jsonError.message)
        try monitor.waitForLine { $0.hasPrefix("deviceRemoved \(gone)") }

        // The other device never noticed.
        let small = try d.sim.makeFile("small.bin", size: 4096)
        try d.ctlOK(["put", small.path, "\(other):/"])
        XCTAssertTrue(try d.ctlOK(["ls", "\(other):/"]).stdout.contains("small.bin"))
        XCTAssertFalse(try d.ctlOK(["devices"]).stdout.contains(gone + " "), "the unplugged device is no longer listed")
        // Nothing partial on the device that went away: its storage holds no big.bin and no temporary.
        let storages = try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path)
        for sub in storages {
            let files =
                (try? FileManager.default.contentsOfDirectory(atPath: d.sim.storage.appendingPathComponent(sub).path)) ?? []
            XCTAssertFalse(files.contains { $0.hasPrefix("big.bin") || $0.hasPrefix(".") }, "\(sub): \(files)")
        }

        // Plugged in again: attached afresh, without restarting anything, and it works.
        try d.sim.control("plug device=\(gone)")
        try monitor.waitForLine { $0.hasPrefix("deviceAdded \(gone)") }
        try d.ctlOK(["put", small.path, "\(gone):/"])
        XCTAssertTrue(try d.ctlOK(["ls", "\(gone):/"]).stdout.contains("small.bin"))
        monitor.kill()
    }
}
