import SessionModel
import XCTest

final class ObjectPathTests: XCTestCase {
    func testParsesAbsolutePaths() throws {
        XCTAssertEqual(try ObjectPath("/").components, [])
        XCTAssertEqual(try ObjectPath("//Music///a.mp3/").description, "/Music/a.mp3")
        let p = try ObjectPath("/Music/Album/t.mp3")
        XCTAssertEqual(p.name?.text, "t.mp3")
        XCTAssertEqual(p.parent.description, "/Music/Album")
        XCTAssertEqual(ObjectPath.root.parent, .root)
    }

    func testRefusesRelativeDotAndOverlongPaths() {
        XCTAssertThrowsError(try ObjectPath("Music")) {
            guard case .invalidPath? = $0 as? NameRejection else { return XCTFail("\($0)") }
        }
        for bad in ["/a/./b", "/a/../b", "/" + String(repeating: "x", count: 256), "/a\u{0}b"] {
            XCTAssertThrowsError(try ObjectPath(bad), bad) {
                guard case .invalidName? = $0 as? NameRejection else { return XCTFail("\($0)") }
            }
        }
    }

    func testNameRules() {
        for bad in ["", ".", "..", "a/b", "a\u{0}", String(repeating: "é", count: 128)] {
            XCTAssertThrowsError(try ObjectName(bad), bad)
        }
        XCTAssertNoThrow(try ObjectName(String(repeating: "x", count: 255)))
        XCTAssertNoThrow(try ObjectName("...")); XCTAssertNoThrow(try ObjectName(".hidden"))
    }

    /// Found by DeviceDataFuzzer: compared as characters, "/" followed by a combining mark is not "/", so such a
    /// name was accepted with a '/' in it and a path did not split there.
    func testASlashWithACombiningMarkIsStillASlash() throws {
        XCTAssertThrowsError(try ObjectName("a/\u{301}b"))
        XCTAssertEqual(
            try ObjectPath("/\u{301}Music").components.map(\.text), ["\u{301}Music"],
            "absolute, though its first character is not \"/\"")
        XCTAssertEqual(try ObjectPath("/Music/\u{301}x").components.map(\.text), ["Music", "\u{301}x"])
    }
}

final class DeviceSelectorTests: XCTestCase {
    func testExactPrefixAndEmpty() {
        XCTAssertEqual(DeviceSelector.resolve("MTPSIM0001", among: ["MTPSIM0001", "MTPSIM0002"]), .success("MTPSIM0001"))
        XCTAssertEqual(DeviceSelector.resolve("ABC", among: ["ABCDEF", "XYZ"]), .success("ABCDEF"))
        XCTAssertEqual(DeviceSelector.resolve("", among: ["ONLY"]), .success("ONLY"))
    }

    func testAmbiguousAndMissing() {
        XCTAssertEqual(
            DeviceSelector.resolve("MTPSIM", among: ["MTPSIM0002", "MTPSIM0001"]),
            .failure(.ambiguous(name: "MTPSIM", candidates: ["MTPSIM0001", "MTPSIM0002"])))
        XCTAssertEqual(DeviceSelector.resolve("", among: []), .failure(.noMatch(name: "", attached: [])))
        XCTAssertEqual(DeviceSelector.resolve("Q", among: ["A"]), .failure(.noMatch(name: "Q", attached: ["A"])))
    }

    func testAnExactSerialWinsOverALongerOneItPrefixes() {
        XCTAssertEqual(DeviceSelector.resolve("AB", among: ["AB", "ABC"]), .success("AB"))
    }
}
