import MTPProvider
import XCTest

/// The back-off schedule for a device that answers DeviceBusy: pure arithmetic, no sleeping here.
final class BusyRetryTests: XCTestCase {
    func testTheScheduleHandsOutItsPausesThenGivesUp() {
        var retry = BusyRetry(delays: [0.025, 0.05, 0.1])
        XCTAssertEqual(retry.tries, 1)
        XCTAssertEqual(retry.nextDelay(), 0.025)
        XCTAssertEqual(retry.nextDelay(), 0.05)
        XCTAssertEqual(retry.nextDelay(), 0.1)
        XCTAssertNil(retry.nextDelay(), "used up: the caller reports the device busy")
        XCTAssertNil(retry.nextDelay())
        XCTAssertEqual(retry.tries, 4)
        XCTAssertEqual(retry.waited, 0.175, accuracy: 1e-9)
    }

    func testTheStandardScheduleBacksOffAndStaysBounded() {
        var retry = BusyRetry.standard
        var previous = 0.0
        while let delay = retry.nextDelay() {
            XCTAssertGreaterThan(delay, previous, "each pause longer than the last")
            previous = delay
        }
        XCTAssertLessThanOrEqual(retry.waited, 2.0, "a busy device is reported within two seconds")
        XCTAssertLessThan(
            BusyRetry.unexplained.delays.reduce(0, +), retry.waited,
            "a failure without a reason is retried more briefly than an explicit DeviceBusy")
    }
}
