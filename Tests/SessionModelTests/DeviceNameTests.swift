import SessionModel
import XCTest

/// Names a device gives its objects become path components clients can use and cannot be misled by.
final class DeviceNameTests: XCTestCase {
    func testOrdinaryNamesAreKept() {
        for name in ["track01.mp3", "Müsik", ".hidden", "...", "a b", "e\u{301}"] {
            XCTAssertEqual(ObjectName.pathComponent(forDeviceName: name), name)
        }
    }

    func testNamesNoClientCouldWriteGetASafeSpelling() {
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: ""), "_")
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: "."), "_")
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: ".."), "__")
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: "AC/DC"), "AC_DC")
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: "../../etc"), ".._.._etc")
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: "a\u{0}b"), "a_b")
        XCTAssertEqual(ObjectName.pathComponent(forDeviceName: "a/\u{301}b"), "a_\u{301}b", "a slash with a combining mark")
    }

    func testListedPathsReadBackAsOneChildOfTheFolder() throws {
        let folder = try ObjectPath("/Music")
        XCTAssertEqual(ObjectPath.root.childPath(deviceName: "x"), "/x")
        XCTAssertEqual(folder.childPath(deviceName: ".."), "/Music/__")
        let path = try ObjectPath(folder.childPath(deviceName: "../AC/DC"))
        XCTAssertEqual(path.components.map(\.text), ["Music", ".._AC_DC"])
    }
}
