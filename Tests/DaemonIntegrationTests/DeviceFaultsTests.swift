import Foundation
import IntegrationSupport
import XCTest

/// A device that answers DeviceBusy, through the real daemon, libmtp and the virtual player's fault switch:
/// the daemon asks again with a back-off, and when the device stays busy the client hears so and can retry.
final class DeviceFaultsTests: XCTestCase {
    func testADeviceBusyAtOpeningIsOpenedOnceItServes() throws {
        // The first busy answer goes to the DeviceInfo read that would describe the device (so it is opened to
        // learn who it is), the second to the one before libmtp's opening (which gives up on it, the events left
        // unknown), the next three to libmtp's OpenSession.
        let d = try DaemonFixture(simOptions: ["--busy-responses", "5"])
        XCTAssertTrue(try d.ctlOK(["devices"]).stdout.contains(d.serial))
        try d.ctlOK(["ls", ":/"])
        XCTAssertGreaterThanOrEqual(
            try d.transactions().byName["OpenSession"] ?? 0, 4, "three busy answers, then one that opened")
    }

    func testBriefBusynessMidSessionIsRiddenOutByEveryKindOfOperation() throws {
        let d = try DaemonFixture()
        try d.ctlOK(["ls", ":/"])
        let file = try d.sim.makeFile("song.mp3", size: 300_000)
        let back = d.sim.root.appendingPathComponent("back.mp3")
        // Each step meets two busy answers first: a command without data, one sending data, one reading data.
        try d.sim.control("busy 2")
        try d.ctlOK(["mkdir", ":/Music"])
        try d.sim.control("busy 2")
        try d.ctlOK(["put", file.path, ":/Music"])
        try d.sim.control("busy 2")
        try d.ctlOK(["get", ":/Music/song.mp3", back.path])
        XCTAssertEqual(try Data(contentsOf: back), try Data(contentsOf: file))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.appendingPathComponent("Music").path),
            ["song.mp3"], "one object, no partial one from the busy try")
    }

    func testADeviceThatStaysBusyGetsAClearErrorAndServesAgainAfterwards() throws {
        let d = try DaemonFixture()
        try d.ctlOK(["ls", ":/"])
        try d.sim.control("busy 1000")
        let refused = try d.ctl(["mkdir", ":/Later"])
        XCTAssertEqual(
            refused.status, 75, "a device that stays busy is DeviceBusy, like a queue that stays long: \(refused.combined)")
        XCTAssertTrue(refused.stderr.contains(d.serial) && refused.stderr.contains("busy"), refused.stderr)
        try d.sim.control("busy 0")
        try d.ctlOK(["mkdir", ":/Later"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Later").path))
    }
}

/// A device whose storage fills up: before a bundle (its announced size does not fit) and in the middle of one.
final class StoreFullTests: XCTestCase {
    func testABundleThatCannotFitIsRefusedBeforeAnythingIsSent() throws {
        let d = try DaemonFixture(simOptions: ["--capacity", String(3 << 20)])
        let folder = d.sim.root.appendingPathComponent("album")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (i, size) in [1_500_000, 1_600_000, 1_700_000].enumerated() {
            try FileManager.default.moveItem(
                at: try d.sim.makeFile("t\(i).mp3", size: size), to: folder.appendingPathComponent("t\(i).mp3"))
        }
        let put = try d.ctl(["put", folder.path, ":/"])
        XCTAssertEqual(put.status, 1, put.combined)
        XCTAssertTrue(put.stderr.contains("not enough space on \(d.serial)"), put.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), [], "nothing was sent")
    }

    func testAStoreFullInTheMiddleOfASessionKeepsTheEarlierFilesAndLeavesNothingPartial() throws {
        let d = try DaemonFixture()
        let session = try d.ctlOK(["session", "begin"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try d.sim.makeFile("first.mp3", size: 400_000)
        let second = try d.sim.makeFile("second.mp3", size: 500_000)
        try d.ctlOK(["put", "--session", session, first.path, ":/"])
        try d.sim.control("store-full on")
        let refused = try d.ctl(["put", "--session", session, second.path, ":/"])
        XCTAssertEqual(refused.status, 1, refused.combined)
        XCTAssertTrue(refused.stderr.contains(d.serial) && refused.stderr.contains("StoreFull"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), ["first.mp3"])
        XCTAssertEqual(try Data(contentsOf: d.sim.storage.appendingPathComponent("first.mp3")), try Data(contentsOf: first))
        try d.sim.control("store-full off")
        try d.ctlOK(["put", "--session", session, second.path, ":/"])  // The session survived the refusal.
        try d.ctlOK(["session", "end", session])
    }
}

/// A device that stops answering in the middle of a transfer (the player's `hang on`): the daemon's watchdog
/// resets its USB port after --transfer-stall-timeout seconds without progress, which ends the transfer at once
/// with an error that says what happened, instead of libmtp's three minutes; the device then serves again.
final class HungDeviceTests: XCTestCase {
    func testAPutIntoADeviceThatStopsAnsweringEndsInAResetAndLeavesNothing() throws {
        let d = try DaemonFixture(
            simOptions: ["--bandwidth-mbs", "8", "--keep-partial-objects"],
            daemonOptions: ["--transfer-stall-timeout", "2"])
        let big = try d.sim.makeFile("big.bin", size: 16 << 20)
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, ":/"])
        try put.waitForLine { $0.contains("\"progress\"") && !$0.contains("\"done\":0,") }
        try d.sim.control("hang on")
        XCTAssertEqual(put.waitForExit(timeout: 60), 1, put.stdoutLines.last ?? "")
        let error = put.jsonError
        XCTAssertEqual(error.name, "org.mtpsessiond.Manager.DeviceError", put.stdoutLines.last ?? "")
        XCTAssertTrue(
            error.message.contains(d.serial) && error.message.contains("stopped answering") && error.message.contains("reset"),
            error.message)
        try d.waitForLog("resetting the device's USB port")
        // The reset brought the device back: it serves, and the partial object it kept is gone.
        try d.ctlOK(["ls", ":/"])
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path), [],
            "nothing partial on the device")
        try d.ctlOK(["put", big.path, ":/"])
        XCTAssertEqual(try Data(contentsOf: d.sim.storage.appendingPathComponent("big.bin")), try Data(contentsOf: big))
    }

    func testAGetFromADeviceThatStopsAnsweringEndsInAResetAndLeavesNoHostFile() throws {
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "8"], daemonOptions: ["--transfer-stall-timeout", "2"]) {
            storage in
            try Data(repeating: 7, count: 16 << 20).write(to: storage.appendingPathComponent("big.bin"))
        }
        let target = d.sim.root.appendingPathComponent("received.bin")
        let get = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "get", ":/big.bin", target.path])
        try get.waitForLine { $0.contains("\"progress\"") && !$0.contains("\"done\":0,") }
        try d.sim.control("hang on")
        XCTAssertEqual(get.waitForExit(timeout: 60), 1, get.stdoutLines.last ?? "")
        XCTAssertEqual(get.jsonError.name, "org.mtpsessiond.Manager.DeviceError", get.stdoutLines.last ?? "")
        XCTAssertTrue(get.jsonError.message.contains("stopped answering"), get.jsonError.message)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: d.sim.root.path).filter { $0.contains("received") }, [],
            "no truncated host file")
        try d.ctlOK(["get", ":/big.bin", target.path])
        XCTAssertEqual(try Data(contentsOf: target).count, 16 << 20)
    }
}
