import SessionModel
import XCTest

/// A device's storage figures: believable ones pass as they are, impossible ones become unknown and never
/// refuse a transfer.
final class StorageFiguresTests: XCTestCase {
    func testBelievableFiguresPassUnchanged() {
        let f = StorageFigures(reportedCapacity: 64_000_000_000, reportedFree: 12_345)
        XCTAssertEqual(f.capacity, 64_000_000_000)
        XCTAssertEqual(f.free, 12_345)
        XCTAssertFalse(f.isSuspect)
        XCTAssertEqual(f.freeForDecisions, 12_345)
        XCTAssertEqual(StorageFigures(reportedCapacity: 10, reportedFree: 10).free, 10, "a full-free storage is fine")
        XCTAssertEqual(StorageFigures(reportedCapacity: 10, reportedFree: 0).free, 0, "a full storage is fine")
    }

    /// QEMU's usb-mtp: 1,316 TB free of 270 GB.
    func testFreeAboveCapacityIsUnknownAndPlannedAsTheCapacity() {
        let f = StorageFigures(reportedCapacity: 270_000_000_000, reportedFree: 1_316_000_000_000_000)
        XCTAssertEqual(f.capacity, 270_000_000_000)
        XCTAssertNil(f.free)
        XCTAssertTrue(f.isSuspect)
        XCTAssertEqual(f.freeForDecisions, 270_000_000_000)
    }

    func testAllOnesAndZeroCapacityAreUnknown() {
        let f = StorageFigures(reportedCapacity: .max, reportedFree: .max)
        XCTAssertNil(f.capacity)
        XCTAssertNil(f.free)
        XCTAssertEqual(f.freeForDecisions, .max, "nothing known: the device decides")
        let zero = StorageFigures(reportedCapacity: 0, reportedFree: 5_000)
        XCTAssertNil(zero.capacity)
        XCTAssertEqual(zero.free, 5_000, "a free figure is still believable without a capacity")
        XCTAssertEqual(zero.freeForDecisions, 5_000)
    }

    func testAbsurdCapacityIsUnknown() {
        let f = StorageFigures(reportedCapacity: StorageFigures.implausibleCapacity, reportedFree: 1 << 57)
        XCTAssertNil(f.capacity)
        XCTAssertNil(f.free, "free above any plausible capacity")
        XCTAssertEqual(
            StorageFigures(reportedCapacity: StorageFigures.implausibleCapacity - 1, reportedFree: 1).capacity,
            StorageFigures.implausibleCapacity - 1)
    }
}
