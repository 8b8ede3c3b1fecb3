@testable import MTPProvider
import PTPWire
import XCTest

/// `MTPError.kind(forResponse:)`: which response codes, and which of libmtp's own codes, say a kind of failure.
final class ResponseKindTests: XCTestCase {
    private func kind(_ code: ResponseCode) -> MTPError.Kind? { MTPError.kind(forResponse: code.rawValue) }

    func testDeviceResponsesThatNameAKind() {
        XCTAssertEqual(kind(.storeFull), .storeFull)
        XCTAssertEqual(kind(.operationNotSupported), .notSupported)
        XCTAssertEqual(kind(.specificationByFormatUnsupported), .notSupported)
        XCTAssertEqual(kind(.specificationOfDestinationUnsupported), .notSupported)
        XCTAssertEqual(kind(.invalidStorageID), .notFound)
        XCTAssertEqual(kind(.invalidObjectHandle), .notFound)
        XCTAssertEqual(kind(.invalidParentObject), .notFound)
        XCTAssertEqual(kind(.transactionCancelled), .cancelled)
    }

    func testLibmtpsOwnCodesByTheirNumbersInPTPLayerErrors() {
        XCTAssertEqual(MTPError.kind(forResponse: 0x02FB), .cancelled)
        XCTAssertEqual(MTPError.kind(forResponse: 0x02FF), .connectionFailed)
        XCTAssertEqual(MTPError.kind(forResponse: 0x02F9), .connectionFailed)
        XCTAssertEqual(MTPError.kind(forResponse: 0x02FA), .connectionFailed)
        XCTAssertNil(MTPError.kind(forResponse: 0x02FE), "a dropped response says nothing of its kind")
    }

    func testResponsesThatNameNoKind() {
        XCTAssertNil(kind(.ok))
        XCTAssertNil(kind(.generalError))
        XCTAssertNil(kind(.deviceBusy))
        XCTAssertNil(kind(.accessDenied))
    }
}
