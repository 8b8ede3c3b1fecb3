import XCTest
@testable import VirtualUSB

final class LinkModelTests: XCTestCase {
    func testUnlimitedAddsNothing() {
        var link = LinkModel.unlimited
        XCTAssertTrue(link.isUnlimited)
        XCTAssertEqual(link.book(bytes: 1 << 20, transactions: 3, now: 500), 500)
    }

    func testLatencyIsChargedPerTransactionAndBandwidthPerByte() {
        var link = LinkModel(latencyMilliseconds: 2, bandwidthMegabytesPerSecond: 35)
        XCTAssertFalse(link.isUnlimited)
        // A command: 2 ms of latency, 12 bytes at 35 MB/s (342 ns).
        XCTAssertEqual(link.book(bytes: 12, transactions: 1, now: 0), 2_000_000 + 342)
        // 35 MB arrive one second after the link is free again, not after `now`.
        XCTAssertEqual(link.book(bytes: 35_000_000, transactions: 0, now: 1_000), 2_000_342 + 1_000_000_000)
    }

    func testAnIdleLinkStartsFromNow() {
        var link = LinkModel(latencyMilliseconds: 1, bandwidthMegabytesPerSecond: nil)
        _ = link.book(bytes: 0, transactions: 1, now: 0)
        XCTAssertEqual(link.book(bytes: 0, transactions: 1, now: 10_000_000), 11_000_000)
    }
}
