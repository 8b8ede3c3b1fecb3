import DaemonRuntime
import XCTest

/// One service's life without any service: what a start or a stop may follow.
final class ServiceLifecycleTests: XCTestCase {
    func testAServiceStartsRunsStopsOnce() {
        var life = ServiceLifecycle()
        XCTAssertEqual(life.state, .idle)
        XCTAssertTrue(life.beginStart())
        XCTAssertEqual(life.state, .starting)
        life.finishStart(succeeded: true)
        XCTAssertEqual(life.state, .running)
        XCTAssertEqual(life.beginStop(), .stop)
        XCTAssertEqual(life.state, .stopping)
        XCTAssertEqual(life.beginStop(), .awaitStopped, "a second stop waits for the first")
        life.finishStop()
        XCTAssertEqual(life.state, .stopped)
        XCTAssertEqual(life.beginStop(), .nothingToStop)
    }

    func testAFailedStartLeavesNothingToStop() {
        var life = ServiceLifecycle()
        XCTAssertTrue(life.beginStart())
        life.finishStart(succeeded: false)
        XCTAssertEqual(life.state, .stopped)
        XCTAssertEqual(life.beginStop(), .nothingToStop)
    }

    func testAStopBeforeAnyStartMeansItNeverStarts() {
        var life = ServiceLifecycle()
        XCTAssertEqual(life.beginStop(), .nothingToStop)
        XCTAssertEqual(life.state, .stopped)
        XCTAssertFalse(life.beginStart(), "stopped for good")
        XCTAssertEqual(life.state, .stopped)
    }
}
