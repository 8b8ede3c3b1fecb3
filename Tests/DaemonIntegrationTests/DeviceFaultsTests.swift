import Foundation
import IntegrationSupport
import XCTest

/// A device that answers DeviceBusy, through the real daemon, libmtp and the virtual player's fault switch:
/// the daemon asks again with a back-off, and when the device stays busy the client hears so and can retry.
final class DeviceFaultsTests: XCTestCase {
    func testADeviceBusyAtOpeningIsOpenedOnceItServes() throws {
        let d = try DaemonFixture(simOptions: ["--busy-responses", "3"])
        XCTAssertTrue(try d.ctlOK(["devices"]).stdout.contains(d.serial))
        try d.ctlOK(["ls", ":/"])
        XCTAssertGreaterThanOrEqual(try d.transactions().byName["OpenSession"] ?? 0, 4, "three busy answers, then one that opened")
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
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.appendingPathComponent("Music").path),
                       ["song.mp3"], "one object, no partial one from the busy try")
    }

    func testADeviceThatStaysBusyGetsAClearErrorAndServesAgainAfterwards() throws {
        let d = try DaemonFixture()
        try d.ctlOK(["ls", ":/"])
        try d.sim.control("busy 1000")
        let refused = try d.ctl(["mkdir", ":/Later"])
        XCTAssertEqual(refused.status, 1, refused.combined)
        XCTAssertTrue(refused.stderr.contains(d.serial) && refused.stderr.contains("busy"), refused.stderr)
        try d.sim.control("busy 0")
        try d.ctlOK(["mkdir", ":/Later"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("Later").path))
    }
}
