import Foundation
import IntegrationSupport
import XCTest

/// The systemd units and the udev rule, checked by systemd's and udev's own tools; socket activation and
/// sd_notify through the real daemon.
final class SystemdIntegrationTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The units with ExecStart pointing at the built daemon, as `make install` would point it at the installed one.
    private func stagedUnits() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let service = try String(contentsOf: repository.appendingPathComponent("systemd/mtpsessiond.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/mtpsessiond", with: Binaries.daemon)
        try service.write(to: dir.appendingPathComponent("mtpsessiond.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: repository.appendingPathComponent("systemd/mtpsessiond.socket"),
                                         to: dir.appendingPathComponent("mtpsessiond.socket"))
        return dir
    }

    func testUnitsPassSystemdAnalyzeVerify() throws {
        let dir = try stagedUnits()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runCommand("/usr/bin/systemd-analyze", ["verify", dir.appendingPathComponent("mtpsessiond.service").path,
                                                             dir.appendingPathComponent("mtpsessiond.socket").path])
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertEqual(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines), "", "verify had complaints: \(r.stderr)")
    }

    func testServiceExposureIsAtMostTwo() throws {
        let dir = try stagedUnits()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runCommand("/usr/bin/systemd-analyze", ["security", "--offline=true", "--no-pager",
                                                             dir.appendingPathComponent("mtpsessiond.service").path])
        let line = try XCTUnwrap(r.combined.split(separator: "\n").first { $0.contains("Overall exposure level") }, r.combined)
        // "→ Overall exposure level for mtpsessiond.service: 1.2 OK 🙂" (":-)" without a UTF-8 locale): the first number.
        let figure = try XCTUnwrap(line.split(separator: " ").lazy.compactMap { Double($0) }.first, String(line))
        print("systemd-analyze security: exposure \(figure)")
        XCTAssertLessThanOrEqual(figure, 2.0)
    }

    func testUdevRuleWantsTheServiceForMTPDevicesOnly() throws {
        guard getuid() == 0 else { throw XCTSkip("installing a rule in /run/udev/rules.d needs root") }
        let rules = URL(fileURLWithPath: "/run/udev/rules.d")
        let created = !FileManager.default.fileExists(atPath: rules.path)
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let installed = rules.appendingPathComponent("70-mtpsessiond.rules")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("udev/70-mtpsessiond.rules"), to: installed)
        defer {
            try? FileManager.default.removeItem(at: installed)
            if created { try? FileManager.default.removeItem(at: rules) }
        }
        // The virtual player's device, through the machine's real rules (69-libmtp.rules) and hwdb.
        let mtp = try runCommand(Binaries.mtpsim, ["--", "udevadm", "test", "--action=add",
                                                   "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"])
        XCTAssertTrue(mtp.combined.contains("ID_MTP_DEVICE=1"), mtp.combined)
        XCTAssertTrue(mtp.combined.contains("SYSTEMD_WANTS=mtpsessiond.service"), mtp.combined)
        XCTAssertTrue(mtp.combined.contains("TAGS=:systemd:"), mtp.combined)
        // A USB keyboard: not MTP, untouched.
        let keyboard = repository.appendingPathComponent("Tests/DaemonIntegrationTests/fixtures/keyboard.umockdev").path
        let other = try runCommand("/usr/bin/umockdev-run", ["--device", keyboard, "--", "udevadm", "test", "--action=add",
                                                            "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3"])
        XCTAssertTrue(other.combined.contains("ID_VENDOR=Logitech"), "the keyboard was seen: \(other.combined)")
        XCTAssertFalse(other.combined.contains("SYSTEMD_WANTS=mtpsessiond.service"), other.combined)
        XCTAssertFalse(other.combined.contains("ID_MTP_DEVICE=1"), other.combined)
    }

    func testSocketActivationAndReadinessNotification() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("activation-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let script = repository.appendingPathComponent("Tests/DaemonIntegrationTests/python/socket_activation.py").path
        let r = try runCommand("/usr/bin/env", ["python3", "-u", script, Binaries.mtpsim, Binaries.daemon, work.path], timeout: 60)
        let log = (try? String(contentsOf: work.appendingPathComponent("activated.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(r.status, 0, r.combined + "\ndaemon log:\n" + log)
        XCTAssertTrue(r.stdout.contains("ok served on the inherited socket: MTPSIM0001"), r.combined)
        XCTAssertTrue(r.stdout.contains("ok STOPPING=1"), r.combined)
    }
}
