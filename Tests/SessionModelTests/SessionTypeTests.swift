import SessionModel
import XCTest

final class SessionTypeTests: XCTestCase {
    func testMaskValuesAreTheSeeds() {
        XCTAssertEqual(SessionType.transferToDevice.rawValue, 0x1)
        XCTAssertEqual(SessionType.transferFromDevice.rawValue, 0x10)
        XCTAssertEqual(SessionType.delete.rawValue, 0x100)
        XCTAssertEqual(SessionType.custom.rawValue, 0x1000)
    }

    func testParsesNamesMasksAndMixes() throws {
        XCTAssertEqual(try SessionType(parsing: ["transferToDevice", "delete"]), [.transferToDevice, .delete])
        XCTAssertEqual(try SessionType(parsing: ["0x110"]), [.transferFromDevice, .delete])
        XCTAssertEqual(try SessionType(parsing: ["4096"]), .custom)
        XCTAssertEqual(try SessionType(parsing: ["transferToDevice,0x10"]), [.transferToDevice, .transferFromDevice])
        XCTAssertEqual(try SessionType(parsing: ["TRANSFERTODEVICE"]), .transferToDevice)
        XCTAssertEqual(try SessionType(parsing: []), [])
    }

    func testRefusesUnknownNamesAndBits() {
        XCTAssertThrowsError(try SessionType(parsing: ["upload"])) { XCTAssertEqual(($0 as? InvalidSessionType)?.text, "upload") }
        XCTAssertThrowsError(try SessionType(parsing: ["0x2"]))
        XCTAssertThrowsError(try SessionType(parsing: ["0xZZ"]))
        XCTAssertThrowsError(try SessionType(parsing: ["-1"]))
    }

    func testNamesRoundTrip() throws {
        let all: SessionType = [.transferToDevice, .transferFromDevice, .delete, .custom]
        XCTAssertEqual(all.names, ["transferToDevice", "transferFromDevice", "delete", "custom"])
        XCTAssertEqual(try SessionType(parsing: all.names), all)
        XCTAssertEqual(SessionType().description, "none")
    }
}
