import Foundation
import IntegrationSupport
import XCTest

/// Events raised by the virtual player travel over the interrupt endpoint to LIBMTP_Read_Event.
final class EventTests: XCTestCase {
    func testEventRaisedOnDemandReachesLibmtpReadEvent() throws {
        let sim = try VirtualPlayerFixture()
        let probe = try sim.start([Binaries.probe, "events", "--count", "1"])
        try probe.waitForLine { $0.hasPrefix("ready") }
        try sim.control("event 0x4004 0x00020001")
        let event = try probe.waitForLine { $0.hasPrefix("event") }
        XCTAssertEqual(event, "event store-added \(0x0002_0001)")
        XCTAssertEqual(probe.waitForExit(), 0)
    }

    func testFileAppearingInTheStorageDirectoryRaisesObjectAdded() throws {
        let sim = try VirtualPlayerFixture()
        let probe = try sim.start([Binaries.probe, "events", "--count", "1"])
        try probe.waitForLine { $0.hasPrefix("ready") }
        try Data("new".utf8).write(to: sim.storage.appendingPathComponent("arrived.txt"))
        let event = try probe.waitForLine { $0.hasPrefix("event") }
        XCTAssertTrue(event.hasPrefix("event object-added "), event)
        XCTAssertEqual(probe.waitForExit(), 0)
    }
}
