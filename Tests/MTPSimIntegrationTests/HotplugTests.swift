import IntegrationSupport
import XCTest

/// libusb's hotplug support, through udev's monitor, sees the virtual player arrive and leave.
final class HotplugTests: XCTestCase {
    func testLibusbHotplugCallbackSeesRemovalAndArrival() throws {
        let sim = try VirtualPlayerFixture()
        let probe = try sim.start([Binaries.probe, "hotplug", "--count", "2", "--timeout-ms", "15000"])
        try probe.waitForLine { $0 == "ready" }
        try sim.control("unplug")
        let left = try probe.waitForLine { $0.hasPrefix("left") }
        XCTAssertTrue(left.hasPrefix("left 18d1:4ee1"), left)
        try sim.control("plug")
        let arrived = try probe.waitForLine { $0.hasPrefix("arrived") }
        XCTAssertTrue(arrived.hasPrefix("arrived 18d1:4ee1"), arrived)
        // A replug gets a new device address, as on real hardware.
        XCTAssertNotEqual(left.split(separator: " ").last, arrived.split(separator: " ").last)
        XCTAssertEqual(probe.waitForExit(), 0)
        let device = try XCTUnwrap((try sim.stats()["devices"] as? [[String: Any]])?.first)
        XCTAssertEqual(device["plugs"] as? Int, 2)
    }

    func testPlugAfterDelayIsSeenAsArrival() throws {
        let sim = try VirtualPlayerFixture()
        sim.extraOptions = ["--plug-after-ms", "200", "--unplug-after-ms", "200"]
        // Enumerate so that an arrival before the callback is registered is still reported.
        let probe = try sim.start([Binaries.probe, "hotplug", "--enumerate", "--count", "2", "--timeout-ms", "15000"])
        try probe.waitForLine { $0.hasPrefix("arrived 18d1:4ee1") }
        try probe.waitForLine { $0.hasPrefix("left 18d1:4ee1") }
        XCTAssertEqual(probe.waitForExit(), 0)
    }
}
