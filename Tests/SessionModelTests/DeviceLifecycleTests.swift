import SessionModel
import XCTest

final class DeviceLifecycleTests: XCTestCase {
    func testFirstUserOpensLaterUsersShare() {
        var life = DeviceLifecycle(linger: 5)
        XCTAssertEqual(life.acquire(), .open)
        XCTAssertEqual(life.acquire(), .none)
        XCTAssertEqual(life.state, .open(users: 2, idleSince: nil))
    }

    func testLastReleaseLingersThenCloses() {
        var life = DeviceLifecycle(linger: 5)
        _ = life.acquire()
        XCTAssertEqual(life.release(now: 10), .releaseAt(15))
        XCTAssertTrue(life.isOpen)
        XCTAssertEqual(life.lingerElapsed(now: 14.9), .none)
        XCTAssertEqual(life.lingerElapsed(now: 15), .close)
        XCTAssertEqual(life.state, .closed)
    }

    func testUseDuringLingerKeepsTheDeviceOpenAndAStaleTimerDoesNothing() {
        var life = DeviceLifecycle(linger: 5)
        _ = life.acquire()
        _ = life.release(now: 0)
        XCTAssertEqual(life.acquire(), .none, "still open: no second opening")
        XCTAssertEqual(life.lingerElapsed(now: 5), .none, "the old timer must not close a device in use")
        XCTAssertEqual(life.release(now: 7), .releaseAt(12))
        XCTAssertEqual(life.lingerElapsed(now: 5), .none, "nor an early timer close a freshly idle one")
        XCTAssertEqual(life.lingerElapsed(now: 12), .close)
    }

    func testZeroLingerClosesAtOnce() {
        var life = DeviceLifecycle(linger: 0)
        _ = life.acquire()
        XCTAssertEqual(life.release(now: 0), .close)
        XCTAssertEqual(life.state, .closed)
    }

    func testFailedOpenLeavesItClosedAndNextUseRetries() {
        var life = DeviceLifecycle(linger: 5)
        _ = life.acquire()
        life.openFailed()
        XCTAssertEqual(life.state, .closed)
        XCTAssertEqual(life.acquire(), .open)
    }

    func testUnplugClosesAnOpenDeviceAndIsFinal() {
        var life = DeviceLifecycle(linger: 5)
        _ = life.acquire()
        XCTAssertEqual(life.unplugged(), .close)
        XCTAssertEqual(life.acquire(), .none)
        XCTAssertEqual(life.release(now: 1), .none)
        XCTAssertEqual(life.state, .gone)
        var idle = DeviceLifecycle(linger: 5)
        XCTAssertEqual(idle.unplugged(), .none)
    }

    func testConnectionLostWithoutUsersCloses() {
        var life = DeviceLifecycle(linger: 5)
        _ = life.acquire()
        _ = life.release(now: 0)
        XCTAssertEqual(life.connectionLost(), .close)
        XCTAssertEqual(life.state, .closed)
    }
}
