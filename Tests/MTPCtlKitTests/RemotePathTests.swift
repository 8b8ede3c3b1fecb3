import MTPCtlKit
import XCTest

final class RemotePathTests: XCTestCase {
    func testDeviceAndPathForms() throws {
        XCTAssertEqual(try RemotePath(parsing: "MTPSIM0001:/Music/a.mp3"), RemotePath(device: "MTPSIM0001", path: "/Music/a.mp3"))
        XCTAssertEqual(try RemotePath(parsing: ":/Music"), RemotePath(device: "", path: "/Music"))
        XCTAssertEqual(try RemotePath(parsing: "/Music"), RemotePath(device: "", path: "/Music"))
        XCTAssertEqual(try RemotePath(parsing: "MTP:"), RemotePath(device: "MTP", path: "/"))
        XCTAssertEqual(try RemotePath(parsing: "MTP:Music"), RemotePath(device: "MTP", path: "/Music"))
        XCTAssertEqual(try RemotePath(parsing: "/odd:name"), RemotePath(device: "", path: "/odd:name"))
    }

    func testARelativeLocalLookingPathIsAUsageError() {
        XCTAssertThrowsError(try RemotePath(parsing: "track.mp3")) { XCTAssertEqual(($0 as? MTPCtlError)?.exitStatus, 64) }
    }

    func testNameAndParent() throws {
        let p = try RemotePath(parsing: ":/Music/Album/t.mp3")
        XCTAssertEqual(p.name, "t.mp3")
        XCTAssertEqual(p.parent, "/Music/Album")
        XCTAssertEqual(try RemotePath(parsing: ":/t.mp3").parent, "/")
    }
}
