import Foundation
import IntegrationSupport
import XCTest

/// Several virtual players on one testbed, each with its own device number, serial and storage.
final class SeveralDevicesTests: XCTestCase {
    func testTwoDevicesAreSeenApartByLibmtp() throws {
        let sim = try VirtualPlayerFixture()
        sim.extraOptions = ["--devices", "2"]
        let r = try sim.run(["mtp-detect"])
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertTrue(r.stdout.contains("Serial number: MTPSIM0001-1"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Serial number: MTPSIM0001-2"), r.stdout)
        let devices = try XCTUnwrap(try sim.stats()["devices"] as? [[String: Any]])
        XCTAssertEqual(devices.count, 2)
        let nodes = Set(devices.compactMap { $0["node"] as? String })
        XCTAssertEqual(nodes.count, 2, "each device has a node of its own: \(devices)")
        // Each device got a storage directory of its own, named by serial.
        let dirs = try FileManager.default.contentsOfDirectory(atPath: sim.storage.path).sorted()
        XCTAssertEqual(dirs, ["MTPSIM0001-1", "MTPSIM0001-2"])
    }
}
