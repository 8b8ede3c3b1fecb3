import XCTest
@testable import MTPSimKit

final class ControlCommandTests: XCTestCase {
    func testParsesEachAction() throws {
        XCTAssertEqual(try ControlCommand(parsing: "stats").action, .stats)
        XCTAssertEqual(try ControlCommand(parsing: "replug").action, .plug)
        XCTAssertEqual(try ControlCommand(parsing: "event 0x4002 7").action, .event(code: 0x4002, params: [7]))
        XCTAssertEqual(try ControlCommand(parsing: "busy 3").action, .busy(3))
        XCTAssertEqual(try ControlCommand(parsing: "store-full on").action, .storeFull(true))
        XCTAssertEqual(try ControlCommand(parsing: "hang on").action, .hang(true))
        XCTAssertEqual(try ControlCommand(parsing: "hang off").action, .hang(false))
        XCTAssertEqual(try ControlCommand(parsing: "stall on device=1").action, .stall(true))
        XCTAssertEqual(try ControlCommand(parsing: "stall off").action, .stall(false))
        let targeted = try ControlCommand(parsing: "unplug device=SER")
        XCTAssertEqual(targeted.action, .unplug)
        XCTAssertEqual(targeted.device, "SER")
    }

    func testRejectsMalformedRequestsWithUsage() {
        for bad in [
            "", "frobnicate", "event", "event 0x10000", "event 1 2 3 4 5", "event 1 x", "busy", "busy -1",
            "store-full maybe", "hang", "hang forever", "stall", "stall maybe",
        ] {
            XCTAssertThrowsError(try ControlCommand(parsing: bad), bad) { error in
                XCTAssertFalse((error as! ControlCommand.ParseError).message.isEmpty)
            }
        }
    }
}
