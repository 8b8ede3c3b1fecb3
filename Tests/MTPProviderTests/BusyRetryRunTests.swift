@testable import MTPProvider
import PTPWire
import XCTest

/// `BusyRetry.run`, the one loop every busy-retrying call goes through, with pauses of zero.
final class BusyRetryRunTests: XCTestCase {
    private let busy = MTPError(kind: .general, function: "f", message: "busy", responseCode: ResponseCode.deviceBusy.rawValue)
    private let other = MTPError(
        kind: .notFound, function: "f", message: "gone", responseCode: ResponseCode.invalidObjectHandle.rawValue)

    func testRetriesWhileRetryableAndReturnsTheFirstSuccess() throws {
        var calls = 0
        let value = try BusyRetry(delays: [0, 0, 0]).run(while: \.isDeviceBusy) { () throws(MTPError) -> Int in
            calls += 1
            if calls < 3 { throw busy }
            return 42
        }
        XCTAssertEqual(value, 42)
        XCTAssertEqual(calls, 3)
    }

    func testAnErrorThatIsNotRetryableIsThrownAsItIs() {
        var calls = 0
        XCTAssertThrowsError(
            try BusyRetry(delays: [0, 0]).run(while: \.isDeviceBusy) { () throws(MTPError) -> Int in
                calls += 1
                throw other
            }
        ) { XCTAssertEqual(($0 as? MTPError)?.responseCode, ResponseCode.invalidObjectHandle.rawValue) }
        XCTAssertEqual(calls, 1)
    }

    func testUsedUpPausesHandTheLastErrorToExhausted() {
        var calls = 0
        XCTAssertThrowsError(
            try BusyRetry(delays: [0, 0]).run(
                while: \.isDeviceBusy,
                exhausted: { error, retry in
                    var error = error
                    error.message = "tries \(retry.tries)"
                    return error
                }
            ) { () throws(MTPError) -> Int in
                calls += 1
                throw busy
            }
        ) { XCTAssertEqual(($0 as? MTPError)?.message, "tries 3") }
        XCTAssertEqual(calls, 3)
    }
}
