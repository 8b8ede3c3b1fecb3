import Logging
@testable import MTPProvider
@testable import SessionCore
import XCTest

/// The figures systemd's STATUS= line shows: a device counts as one a client can use only once it has been
/// opened and identified, and each change to that count is published at once (the daemon sends "1 device" on
/// it rather than at its next once-a-second look), while a device still opening, or one that would not open,
/// still counts as attached for the idle check.
final class SessionManagerCountsTests: XCTestCase {
    func testADeviceIsIdentifiedOnceOpenedAndItsArrivalAndDepartureArePublished() async throws {
        let device = FakeDevice()
        device.gate("storages")  // The opening reads the storages last: held there, the device is mid-opening.
        let manager = makeManager(device.access)
        var changes = manager.hub.subscribe().makeAsyncIterator()
        // A deadline for a test gone wrong: a change never published ends the stream instead of hanging.
        let deadline = Task {
            try? await Task.sleep(for: .seconds(10))
            if !Task.isCancelled { manager.hub.finishAll() }
        }
        defer { deadline.cancel() }
        let attaching = Task { await manager.attached(place) }
        let held = await device.waitUntilHeld()
        XCTAssertTrue(held, "the opening reached the storages")
        var counts = await manager.counts()
        XCTAssertEqual([counts.attached, counts.identified], [1, 0], "attached, not yet listed to clients")

        device.open("storages")
        await attaching.value
        counts = await manager.counts()
        XCTAssertEqual([counts.attached, counts.identified], [1, 1])
        let added = await nextDeviceChange(&changes)
        XCTAssertEqual(added?.kind, .deviceAdded)
        XCTAssertEqual(added?.device, "FAKE-1")

        await manager.detached(bus: 1, address: 2)
        counts = await manager.counts()
        XCTAssertEqual([counts.attached, counts.identified], [0, 0])
        let removed = await nextDeviceChange(&changes)
        XCTAssertEqual(removed?.kind, .deviceRemoved)
    }

    func testADeviceThatDescribesItselfIsListedAtOnceAndOpenedBehind() async {
        let device = FakeDevice()
        device.gate("storages")
        let description = DeviceDescription(serialNumber: "FAKE-1", manufacturer: "Fake", model: "Described")
        let manager = makeManager(
            DeviceAccess(
                describe: { _ in description },
                open: { _, described in
                    XCTAssertNotNil(described, "the opening takes the description instead of reading it again")
                    return device
                }, resetPort: { _ in nil }))
        let attaching = Task { await manager.attached(place) }
        let held = await device.waitUntilHeld()
        XCTAssertTrue(held, "the opening followed by itself")
        var counts = await manager.counts()
        XCTAssertEqual([counts.attached, counts.identified], [1, 1], "listed from its description, mid-opening")
        device.open("storages")
        await attaching.value
        let listed = await manager.listDevices()
        XCTAssertEqual(listed.map(\.serial), ["FAKE-1"])
        XCTAssertEqual(listed.first?.storages.count, 1, "ListDevices answers after the opening under way")
        counts = await manager.counts()
        XCTAssertEqual(counts.identified, 1)
    }

    func testADeviceThatWillNotOpenIsAttachedButNotIdentified() async {
        let refusing = DeviceAccess(
            open: { _ throws(MTPError) in
                throw MTPError(kind: .general, function: "LIBMTP_Open_Raw_Device_Uncached", message: "no session")
            }, resetPort: { _ in nil })
        let manager = makeManager(refusing)
        await manager.attached(place)
        let counts = await manager.counts()
        XCTAssertEqual([counts.attached, counts.identified], [1, 0], "it keeps the daemon up, but no client can use it")
    }
}

private let place = AttachedDevice(bus: 1, address: 2, vendorID: 0x1209, productID: 0x0001, vendorName: "", productName: "")

private func makeManager(_ access: DeviceAccess) -> SessionManager {
    SessionManager(
        configuration: .init(linger: 60, transferStallTimeout: nil, access: access),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
}

/// The next deviceAdded or deviceRemoved on the hub, skipping any other event.
private func nextDeviceChange(_ changes: inout AsyncStream<DeviceEvent>.Iterator) async -> DeviceEvent? {
    while let event = await changes.next() {
        if event.kind == .deviceAdded || event.kind == .deviceRemoved { return event }
    }
    return nil
}
