@testable import DaemonRuntime
import XCTest

/// --exit-when-idle's rule, with the time passed in.
final class IdleCountdownTests: XCTestCase {
    private let t0 = ContinuousClock.now

    func testIdleForTheWholeLimitEndsTheDaemon() {
        var idle = IdleCountdown(limit: .seconds(5))
        XCTAssertFalse(idle.observe(devices: 0, clients: 0, now: t0))
        XCTAssertFalse(idle.observe(devices: 0, clients: 0, now: t0 + .seconds(4.9)))
        XCTAssertTrue(idle.observe(devices: 0, clients: 0, now: t0 + .seconds(5)))
    }

    func testADeviceOrAClientStartsTheCountAgain() {
        var idle = IdleCountdown(limit: .seconds(5))
        _ = idle.observe(devices: 0, clients: 0, now: t0)
        XCTAssertFalse(idle.observe(devices: 1, clients: 0, now: t0 + .seconds(3)))
        XCTAssertNil(idle.idleSince)
        XCTAssertFalse(idle.observe(devices: 0, clients: 0, now: t0 + .seconds(4)))
        XCTAssertFalse(idle.observe(devices: 0, clients: 1, now: t0 + .seconds(6)), "a client is not idleness")
        XCTAssertFalse(idle.observe(devices: 0, clients: 0, now: t0 + .seconds(7)))
        XCTAssertFalse(idle.observe(devices: 0, clients: 0, now: t0 + .seconds(11.9)))
        XCTAssertTrue(idle.observe(devices: 0, clients: 0, now: t0 + .seconds(12)))
    }
}
