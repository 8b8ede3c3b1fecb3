import Foundation
import IntegrationSupport
import XCTest

/// Hotplug as the daemon's clients see it, with each device's own storage directory checked byte for byte:
/// one of two devices arriving late, one of two unplugged while both transfer, a fault unplug followed by the
/// simulator's own replug, an idle device (interface released) unplugged and replugged, and a burst of
/// unplug/plug cycles faster than the daemon can open the device.
/// (`DaemonHotplugTests` covers the plain single-device paths.)
final class HotplugDaemonTests: XCTestCase {
    /// With `--devices 2 --serial HP` the devices are HP-1 and HP-2, each with storage/HP-N as its storage.
    private static let serial = "HP"

    func testOneOfTwoDevicesPluggedLaterAppearsAloneThenTheOther() throws {
        // Plugged only on request (the delay is a fallback far beyond the test).
        let d = try DaemonFixture(
            simOptions: ["--devices", "2", "--serial", Self.serial, "--plug-after-ms", "600000"], devices: 0)
        let (first, second) = ("\(Self.serial)-1", "\(Self.serial)-2")
        XCTAssertFalse(try d.ctlOK(["devices"]).stdout.contains(Self.serial), "nothing is plugged yet")
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        defer { monitor.kill() }
        try d.waitForLog("monitor subscribed")

        try d.sim.control("plug device=1")  // The second device only.
        try monitor.waitForLine(timeout: 60) { $0 == "deviceAdded \(second)" }
        let listed = try d.ctlOK(["devices"]).stdout
        XCTAssertTrue(listed.contains("\(second) "), listed)
        XCTAssertFalse(listed.contains("\(first) "), "the first device is still unplugged: \(listed)")
        let missing = try d.ctl(["ls", "\(first):/"])
        XCTAssertEqual(missing.status, 1, missing.combined)
        XCTAssertTrue(missing.stderr.contains("no device matches"), missing.stderr)
        let small = try d.sim.makeFile("small.bin", size: 5000)
        try d.ctlOK(["put", small.path, "\(second):/"])
        XCTAssertEqual(try Data(contentsOf: storage(d, second).appendingPathComponent("small.bin")), try Data(contentsOf: small))

        try d.sim.control("plug device=\(first)")
        try monitor.waitForLine(timeout: 60) { $0 == "deviceAdded \(first)" }
        XCTAssertTrue(try d.ctlOK(["ls", "\(first):/"]).stdout.isEmpty, "the first device's own, empty storage")
        XCTAssertFalse(
            monitor.stdoutLines.contains { $0.hasPrefix("deviceRemoved") }, monitor.stdoutLines.joined(separator: "\n"))
        XCTAssertEqual(
            monitor.stdoutLines.filter { $0.hasPrefix("deviceAdded") }.count, 2, "each arrival once: \(monitor.stdoutLines)")
    }

    func testUnpluggingOneDeviceWhileBothTransferFailsOnlyItsPutAndLeavesNothingOnIt() throws {
        let d = try DaemonFixture(simOptions: ["--devices", "2", "--serial", Self.serial, "--bandwidth-mbs", "4"], devices: 2)
        let (gone, other) = ("\(Self.serial)-1", "\(Self.serial)-2")
        XCTAssertEqual(Set(d.serials), [gone, other], "the daemon names the devices by their own serials")
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        defer { monitor.kill() }
        try monitor.waitForLine(timeout: 60) { $0 == "deviceAdded \(gone)" }

        let big = try d.sim.makeFile("big.bin", size: 40 << 20)
        let medium = try d.sim.makeFile("medium.bin", size: 6 << 20)  // About 1.5 s at 4 MB/s: still running at the unplug.
        let doomed = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, "\(gone):/"])
        let survivor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", medium.path, "\(other):/"])
        try doomed.waitForLine(timeout: 60) { $0.contains("\"progress\"") }
        try survivor.waitForLine(timeout: 60) { $0.contains("\"progress\"") }
        try d.sim.control("unplug device=\(gone)")

        XCTAssertEqual(doomed.waitForExit(timeout: 60), 1, doomed.stdoutLines.last ?? "")
        XCTAssertEqual(doomed.jsonError.name, "org.mtpsessiond.Manager.DeviceGone", doomed.stdoutLines.last ?? "")
        XCTAssertTrue(
            doomed.jsonError.message.contains("device \(gone) went away"),
            "DeviceGone, naming the device: \(doomed.jsonError.message)")
        try monitor.waitForLine(timeout: 60) { $0 == "deviceRemoved \(gone)" }
        let detached = try d.waitForLog("device detached", timeout: 60)
        XCTAssertEqual(DaemonFixture.metadata("device", in: detached), gone)

        XCTAssertEqual(survivor.waitForExit(timeout: 60), 0, "the other device's transfer finishes: \(survivor.stderrText)")
        XCTAssertEqual(try Data(contentsOf: storage(d, other).appendingPathComponent("medium.bin")), try Data(contentsOf: medium))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: storage(d, gone).path), [],
            "no partial object or temporary on the device that went away")

        let listed = try d.ctlOK(["devices"]).stdout
        XCTAssertFalse(listed.contains("\(gone) "), listed)
        XCTAssertTrue(listed.contains("\(other) "), listed)
        let small = try d.sim.makeFile("small.bin", size: 300_000)
        try d.ctlOK(["put", small.path, "\(other):/"])
        let ls = try d.ctlOK(["ls", "-l", "\(other):/"]).stdout
        XCTAssertTrue(ls.contains("300000  small.bin"), ls)
        XCTAssertTrue(ls.contains("\(6 << 20)  medium.bin"), ls)
        XCTAssertFalse(monitor.stdoutLines.contains("deviceRemoved \(other)"), monitor.stdoutLines.joined(separator: "\n"))
    }

    func testAFaultUnplugAndTheSimulatorsReplugGiveAFreshAttachmentThatWorks() throws {
        let d = try DaemonFixture(simOptions: [
            "--serial", Self.serial, "--unplug-after-bytes", String(4 << 20),
            "--replug-after-ms", "300",
        ])
        XCTAssertEqual(d.serial, Self.serial)
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        defer { monitor.kill() }
        try monitor.waitForLine(timeout: 60) { $0 == "deviceAdded \(d.serial)" }
        let session = try d.ctlOK(["session", "begin", "--types", "transferToDevice"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(session.isEmpty)

        let big = try d.sim.makeFile("big.bin", size: 16 << 20)
        let failed = try d.ctl(["put", "--session", session, big.path, ":/"])
        XCTAssertEqual(failed.status, 1, failed.combined)
        XCTAssertTrue(failed.stderr.contains("device \(d.serial) went away"), failed.stderr)
        try d.waitForLog("session ended: its device was unplugged", timeout: 60)
        try monitor.waitForLine(timeout: 60) { $0 == "deviceRemoved \(d.serial)" }

        // mtpsim plugs it back by itself, as a new USB device; the same daemon attaches it afresh.
        try waitForOccurrence(2, of: "deviceAdded \(d.serial)", in: monitor)
        var attachedAt: [String] = []
        try d.daemon.waitForLine(onStderr: true, timeout: 60) { line in
            if line.contains("device attached"), let usb = DaemonFixture.metadata("usb", in: line) { attachedAt.append(usb) }
            return attachedAt.count == 2
        }
        XCTAssertEqual(Set(attachedAt).count, 2, "at a new USB address the second time: \(attachedAt)")
        XCTAssertTrue(try d.ctlOK(["devices"]).stdout.hasPrefix("\(d.serial) "), "the same name, no @bus-address suffix")

        let stale = try d.ctl(["put", "--session", session, big.path, ":/"])
        XCTAssertEqual(stale.status, 1, stale.combined)
        XCTAssertTrue(stale.stderr.contains("no session \(session)"), "the unplug ended the old session: \(stale.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), [], "nothing partial")

        let small = try d.sim.makeFile("small.bin", size: 100_000)
        try d.ctlOK(["put", small.path, ":/"])
        XCTAssertEqual(try d.ctlOK(["ls", ":/"]).stdout.split(separator: "\n"), ["small.bin"])
        XCTAssertEqual(try Data(contentsOf: d.sim.storage.appendingPathComponent("small.bin")), try Data(contentsOf: small))
        XCTAssertEqual(d.daemon.stderrText.components(separatedBy: "listening").count - 1, 1, "the daemon started once")
    }

    func testABurstOfUnplugsAndPlugsEndsWithOneWorkingDeviceAndBalancedEvents() throws {
        let d = try DaemonFixture(simOptions: ["--serial", Self.serial])
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        defer { monitor.kill() }
        try monitor.waitForLine(timeout: 60) { $0 == "deviceAdded \(d.serial)" }

        // Faster than the daemon opens a device: arrivals whose device has already left, removals of devices
        // never opened, and arrivals queued behind removals.
        for _ in 0..<6 {
            try d.sim.control("unplug")
            try d.sim.control("plug")
        }
        let node = try XCTUnwrap(try statsNode(d), "plugged at the end")
        let parts = node.split(separator: "/").suffix(2).compactMap { Int($0) }  // /dev/bus/usb/BBB/DDD
        guard parts.count == 2 else { return XCTFail("unexpected device node \(node)") }
        let finalUSB = "\(parts[0]):\(parts[1])"
        try d.daemon.waitForLine(onStderr: true, timeout: 60) {
            $0.contains("device attached") && DaemonFixture.metadata("usb", in: $0) == finalUSB
        }

        let listed = try d.ctlOK(["devices"]).stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        XCTAssertEqual(listed.map { String($0.prefix { $0 != " " }) }, [d.serial], "exactly one attachment, under its own name")
        let small = try d.sim.makeFile("small.bin", size: 70_000)
        try d.ctlOK(["put", small.path, ":/"])
        XCTAssertEqual(try Data(contentsOf: d.sim.storage.appendingPathComponent("small.bin")), try Data(contentsOf: small))

        // Monitor never says a device arrived twice without leaving in between, and ends with it present.
        let attaches = d.daemon.stderrText.split(separator: "\n").filter { $0.contains("device attached") }.count
        var added = 0
        try monitor.waitForLine(timeout: 60) { line in
            if line.hasPrefix("deviceAdded") { added += 1 }
            return added == attaches
        }
        let changes = monitor.stdoutLines.filter { $0.hasPrefix("device") }
        for (i, line) in changes.enumerated() {
            XCTAssertEqual(line, i.isMultiple(of: 2) ? "deviceAdded \(d.serial)" : "deviceRemoved \(d.serial)", "\(changes)")
        }
        XCTAssertEqual(changes.last, "deviceAdded \(d.serial)")
    }

    func testAnIdleDeviceUnpluggedAfterItsInterfaceWasReleasedIsNoticedAndOpensAgainAfterReplug() throws {
        // Nothing holds the interface when it goes: the daemon must hear of it from hotplug alone.
        let d = try DaemonFixture(linger: 0.2, simOptions: ["--serial", Self.serial])
        try d.waitForLog("released the device's interface", timeout: 60)
        let monitor = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "monitor"])
        defer { monitor.kill() }
        try monitor.waitForLine(timeout: 60) { $0 == "deviceAdded \(d.serial)" }

        try d.sim.control("unplug")
        try monitor.waitForLine(timeout: 60) { $0 == "deviceRemoved \(d.serial)" }
        let absent = try d.ctl(["ls", ":/"])
        XCTAssertEqual(absent.status, 1, absent.combined)
        XCTAssertTrue(absent.stderr.contains("no MTP device attached"), absent.stderr)

        try d.sim.control("plug")
        try waitForOccurrence(2, of: "deviceAdded \(d.serial)", in: monitor)
        let small = try d.sim.makeFile("small.bin", size: 1234)
        try d.ctlOK(["put", small.path, ":/"])
        XCTAssertEqual(try d.ctlOK(["ls", "-l", ":/"]).stdout.trimmingCharacters(in: .whitespaces), "1234  small.bin")
    }

    // MARK: Helpers

    /// Waits until `process` has printed `line` for the `n`th time (each wait reads its output from the start).
    private func waitForOccurrence(
        _ n: Int, of line: String, in process: RunningProcess,
        file: StaticString = #filePath, at: UInt = #line
    ) throws {
        var seen = 0
        try process.waitForLine(timeout: 10, file: file, line: at) {
            if $0 == line { seen += 1 }; return seen == n
        }
    }

    /// The host directory backing `serial`'s storage (mtpsim gives each of several devices its own).
    private func storage(_ d: DaemonFixture, _ serial: String) -> URL {
        d.sim.storage.appendingPathComponent(serial)
    }

    /// The device node of the (only) device now, from mtpsim's own stats; nil while unplugged.
    private func statsNode(_ d: DaemonFixture) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(try d.sim.control("stats").utf8)) as? [String: Any]
        return ((json?["devices"] as? [[String: Any]])?.first)?["node"] as? String
    }
}
