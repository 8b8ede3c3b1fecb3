@testable import MTPProvider
import PTPWire
import XCTest

/// `MTPError.ptpLayerCodes(in:)`, the one reader of codes in libmtp's "PTP Layer error" texts, and the two
/// judgements made from it: a dropped data-phase response (02fe), and a failure libmtp gave no reason for.
final class PTPLayerCodesTests: XCTestCase {
    private func error(_ message: String, responseCode: UInt16? = nil) -> MTPError {
        MTPError(kind: .general, function: "f", message: message, responseCode: responseCode)
    }

    func testReadsTheCodeOfOneLine() {
        XCTAssertEqual(MTPError.ptpLayerCodes(in: "PTP Layer error 200c: Store full"), [0x200C])
        XCTAssertEqual(MTPError.ptpLayerCodes(in: "PTP Layer error 02FE: PTP Data Expected"), [0x02FE])
    }

    func testReadsEveryCodeOfADrainedStackInOrder() {
        let message =
            "get_all_metadata_fast(): could not get proplist; PTP Layer error 2019: Device Busy; "
            + "PTP Layer error 02fe: PTP Data Expected"
        XCTAssertEqual(MTPError.ptpLayerCodes(in: message), [0x2019, 0x02FE])
    }

    func testTextWithoutTheMarkerOrWithoutHexDigitsHasNoCode() {
        XCTAssertEqual(MTPError.ptpLayerCodes(in: silentFailure), [])
        XCTAssertEqual(MTPError.ptpLayerCodes(in: "LIBMTP_Get_Storage(): Could not get storage IDs."), [])
        XCTAssertEqual(MTPError.ptpLayerCodes(in: "PTP Layer error zz: garbled"), [])
        XCTAssertEqual(MTPError.ptpLayerCodes(in: "PTP layer error 2019: not libmtp's capitals"), [])
    }

    func testDataExpectedIsSeenAnywhereInTheMessage() {
        XCTAssertTrue(error("PTP Layer error 02fe: PTP Data Expected").saysDataExpected)
        XCTAssertTrue(error("could not get object info; PTP Layer error 02fe: PTP Data Expected").saysDataExpected)
        XCTAssertFalse(error("PTP Layer error 2009: Invalid Object Handle").saysDataExpected)
        XCTAssertFalse(error("02fe, but not in libmtp's words").saysDataExpected)
    }

    func testUnexplainedIsSilenceOrADroppedResponseWithNoResponseCode() {
        XCTAssertTrue(error(silentFailure).isUnexplained)
        XCTAssertTrue(error("PTP Layer error 02fe: PTP Data Expected").isUnexplained)
        XCTAssertFalse(
            error("PTP Layer error 02fe: PTP Data Expected", responseCode: ResponseCode.deviceBusy.rawValue).isUnexplained)
        XCTAssertFalse(error("PTP Layer error 2009: Invalid Object Handle").isUnexplained)
    }
}
