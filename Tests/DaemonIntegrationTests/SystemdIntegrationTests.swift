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
        try FileManager.default.copyItem(
            at: repository.appendingPathComponent("systemd/mtpsessiond.socket"),
            to: dir.appendingPathComponent("mtpsessiond.socket"))
        return dir
    }

    func testUnitsPassSystemdAnalyzeVerify() throws {
        let dir = try stagedUnits()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runCommand(
            "/usr/bin/systemd-analyze",
            [
                "verify", dir.appendingPathComponent("mtpsessiond.service").path,
                dir.appendingPathComponent("mtpsessiond.socket").path,
            ])
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertEqual(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines), "", "verify had complaints: \(r.stderr)")
    }

    func testServiceExposureIsAtMostTwo() throws {
        let dir = try stagedUnits()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runCommand(
            "/usr/bin/systemd-analyze",
            [
                "security", "--offline=true", "--no-pager",
                dir.appendingPathComponent("mtpsessiond.service").path,
            ])
        let line = try XCTUnwrap(r.combined.split(separator: "\n").first { $0.contains("Overall exposure level") }, r.combined)
        // "→ Overall exposure level for mtpsessiond.service: 1.2 OK 🙂" (":-)" without a UTF-8 locale): the first number.
        let figure = try XCTUnwrap(line.split(separator: " ").lazy.compactMap { Double($0) }.first, String(line))
        print("systemd-analyze security: exposure \(figure)")
        XCTAssertLessThanOrEqual(figure, 2.0)
    }

    /// The kernel sends "add" then "bind" for every USB device, and "change" later; udev re-applies owner, mode and
    /// tags at each. Run with the distribution's rules (libmtp's, and libgphoto2's, which hands still-image devices to
    /// plugdev) and the mtpsessiond group present, the rule must leave the node the daemon's at every one of them.
    func testUdevRuleHoldsAtEveryEventForMTPDevicesOnly() throws {
        guard getuid() == 0 else { throw XCTSkip("installing a rule in /run/udev/rules.d and a private /etc/group need root") }
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: "/usr/lib/udev/rules.d/60-libgphoto2-6.rules")
                || FileManager.default.fileExists(atPath: "/lib/udev/rules.d/60-libgphoto2-6.rules"),
            "libgphoto2-6 (make deps) provides the rule that competes with ours")
        let rules = URL(fileURLWithPath: "/run/udev/rules.d")
        let created = !FileManager.default.fileExists(atPath: rules.path)
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let installed = rules.appendingPathComponent("70-mtpsessiond.rules")
        try? FileManager.default.removeItem(at: installed)  // left by an earlier run that was killed
        try FileManager.default.copyItem(at: repository.appendingPathComponent("udev/70-mtpsessiond.rules"), to: installed)
        // The group exists only in this test's mount namespace: the machine's /etc/group is not touched.
        let groups = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID().uuidString.prefix(8))")
        try (String(contentsOfFile: "/etc/group", encoding: .utf8) + "mtpsessiond:x:64990:\n")
            .write(to: groups, atomically: true, encoding: .utf8)
        // udevadm test writes the event's database entry to the machine's /run/udev/data; leave no new one behind.
        let database = ["+usb:1-1", "c189:1", "+usb:1-3", "c189:4"].map { "/run/udev/data/" + $0 }
            .filter { !FileManager.default.fileExists(atPath: $0) }
        defer {
            try? FileManager.default.removeItem(at: installed)
            if created { try? FileManager.default.removeItem(at: rules) }
            try? FileManager.default.removeItem(at: groups)
            for entry in database { try? FileManager.default.removeItem(atPath: entry) }
        }
        func udevTest(_ action: String, _ emulator: [String], _ sysPath: String) throws -> UdevOutcome {
            // Names resolved late, so that each GROUP a rule applies is logged with its file and line.
            let r = try runCommand(
                "/usr/bin/unshare",
                ["-m", "sh", "-c", "mount --bind \"$0\" /etc/group && exec \"$@\"", groups.path]
                    + emulator + ["udevadm", "test", "--resolve-names=late", "--action=\(action)", sysPath])
            return UdevOutcome(r.combined)
        }
        let keyboard = repository.appendingPathComponent("Tests/DaemonIntegrationTests/fixtures/keyboard.umockdev").path
        for action in ["add", "bind", "change"] {
            // The virtual player (an Android phone, in libmtp's table), through the machine's real rules and hwdb.
            let mtp = try udevTest(action, [Binaries.mtpsim, "--"], "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1")
            XCTAssertEqual(mtp.properties["ID_MTP_DEVICE"], "1", "\(action): \(mtp.text)")
            XCTAssertEqual(
                mtp.lastGroup, "mtpsessiond(64990)", "\(action): the node's group, last applied by \(mtp.lastGroupRule)")
            XCTAssertEqual(mtp.lastMode, "0660", "\(action): the node's mode, last applied by \(mtp.lastModeRule)")
            XCTAssertTrue(mtp.lastGroupRule.hasSuffix("70-mtpsessiond.rules"), "\(action): \(mtp.lastGroupRule)")
            XCTAssertEqual(mtp.properties["SYSTEMD_WANTS"], "mtpsessiond.service", "\(action): \(mtp.text)")
            XCTAssertTrue(mtp.currentTags.contains("systemd"), "\(action): CURRENT_TAGS \(mtp.currentTags)")

            // A USB keyboard: not MTP, untouched by our rule.
            let other = try udevTest(
                action, ["/usr/bin/umockdev-run", "--device", keyboard, "--"],
                "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3")
            XCTAssertEqual(other.properties["ID_VENDOR"], "Logitech", "\(action): the keyboard was seen: \(other.text)")
            XCTAssertNil(other.properties["ID_MTP_DEVICE"], "\(action): \(other.text)")
            XCTAssertNil(other.properties["SYSTEMD_WANTS"], "\(action): \(other.text)")
            XCTAssertFalse(other.text.contains("70-mtpsessiond.rules:"), "\(action): our rule acted on a keyboard: \(other.text)")
            XCTAssertFalse(other.currentTags.contains("systemd"), "\(action): CURRENT_TAGS \(other.currentTags)")
        }
    }

    func testSocketActivationAndReadinessNotification() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("activation-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let script = repository.appendingPathComponent("Tests/DaemonIntegrationTests/python/socket_activation.py").path
        let r = try runCommand(
            "/usr/bin/env", ["python3", "-u", script, Binaries.mtpsim, Binaries.daemon, work.path], timeout: 60)
        let log = (try? String(contentsOf: work.appendingPathComponent("activated.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(r.status, 0, r.combined + "\ndaemon log:\n" + log)
        XCTAssertTrue(r.stdout.contains("ok served on the inherited socket: MTPSIM0001"), r.combined)
        XCTAssertTrue(r.stdout.contains("ok STOPPING=1"), r.combined)
    }
}

/// What `udevadm test` printed: the rules that set the node's group and mode, in order, and the final properties.
private struct UdevOutcome {
    let text: String
    private(set) var properties: [String: String] = [:]
    private(set) var lastGroup = "", lastGroupRule = "none", lastMode = "", lastModeRule = "none"

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n").map(String.init) {
            // "1-1: /usr/lib/udev/rules.d/60-libgphoto2-6.rules:10 GROUP plugdev(46)"
            let words = line.split(separator: " ").map(String.init)
            if words.count == 4, words[0].hasSuffix(":"), ["GROUP", "MODE"].contains(words[2]) {
                let rule = String(words[1].prefix { $0 != ":" })
                if words[2] == "GROUP" {
                    (lastGroup, lastGroupRule) = (words[3], rule)
                } else {
                    (lastMode, lastModeRule) = (words[3], rule)
                }
            } else if let eq = line.firstIndex(of: "="), !line.contains(" "), line.first?.isUppercase == true {
                properties[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
        }
    }

    var currentTags: [String] { (properties["CURRENT_TAGS"] ?? "").split(separator: ":").map(String.init) }
}
