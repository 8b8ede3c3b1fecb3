import DedicatedThreads
import XCTest

final class LockedBoxTests: XCTestCase {
    /// Four threads adding under one box end with every increment (the case TSan once misjudged for Mutex).
    func testContendedIncrementsAreNeverLost() {
        let counter = LockedBox(0)
        let done = ConditionBox(0)
        for t in 0..<4 {
            DedicatedThread.start(name: "box-\(t)") {
                for _ in 0..<50_000 { counter.withLock { $0 += 1 } }
                done.withLock { $0 += 1 }
                done.broadcast()
            }
        }
        let finished = done.withLock(waitingUntil: { $0 == 4 }, timeout: .seconds(60)) { $0 }
        XCTAssertEqual(finished, 4)
        XCTAssertEqual(counter.withLock { $0 }, 200_000)
    }

    func testAWaiterWakesWhenTheStateItWaitsForArrives() {
        let box = ConditionBox<[Int]>([])
        DedicatedThread.start(name: "box-producer") {
            for n in 1...3 {
                box.withLock { $0.append(n) }
                box.signal()
            }
        }
        let taken = box.withLock(waitingUntil: { $0.count == 3 }, timeout: .seconds(60)) { items -> [Int] in
            defer { items.removeAll() }
            return items
        }
        XCTAssertEqual(taken, [1, 2, 3])
        XCTAssertEqual(box.withLock { $0 }, [])
    }

    func testATimedWaitGivesUpAfterItsTimeoutAndNotBefore() {
        let box = ConditionBox(false)
        let started = ContinuousClock.now
        let result = box.withLock(waitingUntil: { $0 }, timeout: .milliseconds(200)) { _ in "ran" }
        let waited = ContinuousClock.now - started
        XCTAssertNil(result)
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(190))
        XCTAssertLessThan(waited, .seconds(10))
    }

    func testAStateAlreadyReadyDoesNotWait() {
        let box = ConditionBox(7)
        XCTAssertEqual(box.withLock(waitingUntil: { $0 == 7 }, timeout: .zero) { $0 + 1 }, 8)
    }
}
