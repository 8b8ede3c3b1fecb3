import Foundation
import IntegrationSupport
import XCTest

/// MTPDevice.open reads DeviceInfo itself, over real libusb, for the events libmtp keeps private: whether the
/// device reports objects added and removed decides whether the daemon may keep its folder listings.
final class DeviceInfoTests: XCTestCase {
    func testAndroidReportsObjectChanges() throws {
        let sim = try VirtualPlayerFixture(personality: "android")
        let lines = try open(sim)
        XCTAssertTrue(lines.contains("reports-object-changes yes"), "\(lines)")
        let events = try XCTUnwrap(lines.first { $0.hasPrefix("events-supported ") }).split(separator: " ").dropFirst()
        XCTAssertTrue(events.contains("4002") && events.contains("4003"), "\(lines)")
    }

    func testAPlayerThatSendsNoEventsDoesNotReportObjectChanges() throws {
        let sim = try VirtualPlayerFixture(personality: "android")
        sim.extraOptions = ["--no-events"]
        let lines = try open(sim)
        XCTAssertEqual(lines, ["events-supported none", "reports-object-changes no"], "read, and it lists no events")
    }

    func testMinimalDoesNotReportObjectChanges() throws {
        let sim = try VirtualPlayerFixture(personality: "minimal")
        let lines = try open(sim)
        XCTAssertEqual(lines, ["events-supported none", "reports-object-changes no"], "read, and it lists no events")
    }

    /// A device that refuses the read (here DeviceBusy, once) is opened by libmtp as before, its events unknown.
    func testARefusedReadLeavesTheDeviceToOpenAsBefore() throws {
        let sim = try VirtualPlayerFixture(personality: "android")
        sim.extraOptions = ["--busy-responses", "1"]
        let lines = try open(sim)
        XCTAssertEqual(lines, ["events-supported unknown", "reports-object-changes no"])
        let operations =
            try XCTUnwrap((sim.stats()["devices"] as? [[String: Any]])?.first?["counters"] as? [String: Any])[
                "operations"] as? [String: Any]
        XCTAssertEqual((operations?["0x1002"] as? [String: Any])?["count"] as? Int, 1, "libmtp's OpenSession, once")
    }

    /// An opening's transactions, counted by the player. Measured before the read with the previous probe's
    /// `send` (open, find the storage, send one file, release): android 31, classic and minimal 32; with it 32,
    /// 33 and 33, the only difference one more GetDeviceInfo, answered OK. An opening alone is 26, below.
    func testAnOpeningCostsExactlyOneMoreGetDeviceInfo() throws {
        // libmtp's part is the same on both: minimal refuses the 19 GetObjectPropDesc, which costs nothing more.
        let operations = [
            "CloseSession": 1, "GetDeviceInfo": 2, "GetDevicePropDesc": 1, "GetObjectPropDesc": 19,
            "GetStorageIDs": 1, "GetStorageInfo": 1, "OpenSession": 1,
        ]
        for personality in ["android", "minimal"] {
            let sim = try VirtualPlayerFixture(personality: personality)
            _ = try open(sim)
            let counters = try XCTUnwrap((sim.stats()["devices"] as? [[String: Any]])?.first?["counters"] as? [String: Any])
            var byName: [String: Int] = [:]
            for case let op as [String: Any] in try XCTUnwrap(counters["operations"] as? [String: Any]).values {
                byName[op["name"] as! String] = op["count"] as? Int
            }
            XCTAssertEqual(byName, operations, personality)
            XCTAssertEqual(counters["transactions"] as? Int, operations.values.reduce(0, +), personality)
            let responses = try XCTUnwrap(counters["responses"] as? [String: Any])
            let ok = (responses["0x2001"] as? [String: Any])?["count"] as? Int
            XCTAssertEqual(
                ok, personality == "android" ? 26 : 7, "\(personality): minimal refuses the 19 GetObjectPropDesc: \(responses)")
        }
    }

    /// Runs `mtpsim-probe open` under the player and returns its lines (libmtp's own words on stdout left out).
    private func open(_ sim: VirtualPlayerFixture) throws -> [String] {
        let r = try sim.run([Binaries.probe, "open"])
        XCTAssertEqual(r.status, 0, r.combined)
        return r.stdout.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("events-supported ") || $0.hasPrefix("reports-object-changes ")
        }
    }
}
