@testable import Varlink
import XCTest

/// One connection's life without a socket: reader and output ending in either order, a drain, and when the
/// descriptor may still be shut.
final class ConnectionLifecycleTests: XCTestCase {
    func testAClientThatLeavesHasItsCallsCancelledAndTheirRepliesStillSent() {
        var life = ConnectionLifecycle()
        XCTAssertTrue(life.acceptsReplies)
        XCTAssertFalse(life.readerIsDone)
        XCTAssertTrue(life.readerEnded(), "the calls of a client that left are cancelled")
        XCTAssertEqual(life.state, .answering)
        XCTAssertTrue(life.readerIsDone)
        XCTAssertTrue(life.acceptsReplies, "the replies of calls already taken still go out")
        life.callsEnded()
        XCTAssertEqual(life.state, .closing)
        XCTAssertFalse(life.acceptsReplies)
        life.descriptorClosed()
        XCTAssertEqual(life.state, .closed)
    }

    func testADrainingServerLetsTheCallsEnd() {
        var life = ConnectionLifecycle()
        XCTAssertTrue(life.drain(), "an open descriptor is shut for reading")
        XCTAssertEqual(life.state, .open(draining: true))
        XCTAssertTrue(life.acceptsReplies)
        XCTAssertFalse(life.readerEnded(), "the server cancels them itself once its grace period is over")
        XCTAssertEqual(life.state, .answering)
        XCTAssertTrue(life.drain(), "a drain after the reader ended still finds the descriptor open")
        XCTAssertEqual(life.state, .answering)
    }

    func testOutputStoppedWhileReadingWaitsForTheReader() {
        var life = ConnectionLifecycle()
        XCTAssertTrue(life.stopOutput(), "the descriptor is shut down to wake the reader")
        XCTAssertEqual(life.state, .closingWhileReading(draining: false))
        XCTAssertFalse(life.acceptsReplies)
        XCTAssertFalse(life.readerIsDone, "the writer waits for the reader before closing")
        XCTAssertTrue(life.drain())
        XCTAssertEqual(life.state, .closingWhileReading(draining: true), "a drain is remembered for the reader's end")
        XCTAssertFalse(life.readerEnded())
        XCTAssertEqual(life.state, .closing)
        XCTAssertTrue(life.readerIsDone)
        life.callsEnded()
        XCTAssertEqual(life.state, .closing)
        life.descriptorClosed()
        XCTAssertEqual(life.state, .closed)
    }

    func testOutputStoppedAfterTheReaderDropsTheRemainingReplies() {
        var life = ConnectionLifecycle()
        _ = life.readerEnded()
        XCTAssertTrue(life.stopOutput())
        XCTAssertEqual(life.state, .closing)
        XCTAssertFalse(life.acceptsReplies)
        XCTAssertTrue(life.stopOutput(), "a second stop finds the descriptor still open")
        XCTAssertEqual(life.state, .closing)
    }

    func testCallsMayEndAfterTheDescriptorClosed() {
        var life = ConnectionLifecycle()
        _ = life.stopOutput()
        _ = life.readerEnded()
        life.descriptorClosed()
        life.callsEnded()
        XCTAssertEqual(life.state, .closed, "a connection whose output stopped closes without waiting for its calls")
    }

    func testAClosedDescriptorIsNeverShutAgain() {
        var life = ConnectionLifecycle()
        _ = life.readerEnded()
        life.callsEnded()
        life.descriptorClosed()
        XCTAssertFalse(life.drain(), "its number may already belong to another file")
        XCTAssertFalse(life.stopOutput())
        XCTAssertEqual(life.state, .closed)
        XCTAssertFalse(life.acceptsReplies)
        XCTAssertTrue(life.readerIsDone)
    }
}
