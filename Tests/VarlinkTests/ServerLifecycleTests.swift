@testable import Varlink
import XCTest

/// The server's life without a socket: what a start or a shutdown may follow, and what each must do.
final class ServerLifecycleTests: XCTestCase {
    func testAStartedServerDrainsThenStops() {
        var life = ServerLifecycle()
        XCTAssertFalse(life.admitsConnections, "bound is not yet serving")
        XCTAssertEqual(life.start(), .accept)
        XCTAssertTrue(life.admitsConnections)
        XCTAssertEqual(life.beginShutdown(), .drain)
        XCTAssertEqual(life.state, .draining)
        XCTAssertFalse(life.admitsConnections, "a client that connects once the shutdown began is not served")
        XCTAssertTrue(life.isShuttingDown)
        life.drained()
        XCTAssertEqual(life.state, .stopped)
        XCTAssertFalse(life.admitsConnections)
    }

    func testTheGracePeriodEndsOnlyADrainAndOnlyOnce() {
        var life = ServerLifecycle()
        XCTAssertFalse(life.gracePeriodEnded(), "nothing to cancel before a shutdown")
        _ = life.start()
        XCTAssertFalse(life.gracePeriodEnded(), "nor while serving")
        _ = life.beginShutdown()
        XCTAssertTrue(life.gracePeriodEnded())
        XCTAssertEqual(life.state, .cancelling)
        XCTAssertFalse(life.admitsConnections)
        XCTAssertTrue(life.isShuttingDown)
        XCTAssertFalse(life.gracePeriodEnded(), "the calls are cancelled once")
        life.drained()
        XCTAssertEqual(life.state, .stopped)
        XCTAssertFalse(life.gracePeriodEnded())
    }

    func testAShutdownBeforeTheStartClosesAndTheStartThenServesNothing() {
        var life = ServerLifecycle()
        XCTAssertEqual(life.beginShutdown(), .closeUnstarted)
        XCTAssertEqual(life.state, .stopped)
        XCTAssertEqual(life.start(), .alreadyStopped)
        XCTAssertEqual(life.state, .stopped)
        XCTAssertFalse(life.admitsConnections)
    }

    func testALaterShutdownWaitsForTheFirst() {
        var life = ServerLifecycle()
        _ = life.start()
        XCTAssertEqual(life.beginShutdown(), .drain)
        XCTAssertEqual(life.beginShutdown(), .awaitStopped, "while draining")
        _ = life.gracePeriodEnded()
        XCTAssertEqual(life.beginShutdown(), .awaitStopped, "while cancelling")
        life.drained()
        XCTAssertEqual(life.beginShutdown(), .awaitStopped, "once stopped")
        XCTAssertEqual(life.state, .stopped)
    }
}
