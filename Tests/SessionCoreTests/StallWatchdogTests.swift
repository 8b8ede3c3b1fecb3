import DedicatedThreads
@testable import SessionCore
import XCTest

/// The watchdog fires once when progress stops, and not once the transfer has ended.
final class StallWatchdogTests: XCTestCase {
    func testItFiresOnceWhenNothingMoves() {
        let fired = expectation(description: "stall reported")
        let watchdog = StallWatchdog(timeout: 0.05) { fired.fulfill() }
        wait(for: [fired], timeout: 30)
        XCTAssertTrue(watchdog.fired)
        watchdog.stop()
        XCTAssertTrue(watchdog.fired, "stopping after the fact does not undo it")
    }

    func testAStoppedWatchdogNeverFires() {
        let calls = LockedBox(0)
        let watchdog = StallWatchdog(timeout: 0.05) { calls.withLock { $0 += 1 } }
        watchdog.alive()
        watchdog.stop()
        // Another watchdog with the same timeout, started later, fires: the first has had its chance by then.
        let later = expectation(description: "a later watchdog fired")
        let witness = StallWatchdog(timeout: 0.1) { later.fulfill() }
        wait(for: [later], timeout: 30)
        witness.stop()
        XCTAssertFalse(watchdog.fired)
        XCTAssertEqual(calls.withLock { $0 }, 0)
    }
}
