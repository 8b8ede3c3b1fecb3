@testable import AudioTags
import XCTest

final class TagValuesTests: XCTestCase {
    func testLeadingNumberReadsTheNumberBeforeAnySeparator() {
        XCTAssertEqual(TagValues.leadingNumber("3"), 3)
        XCTAssertEqual(TagValues.leadingNumber("3/12"), 3)
        XCTAssertEqual(TagValues.leadingNumber("07"), 7)
        XCTAssertEqual(TagValues.leadingNumber(" 2019-05-01"), 2019)
        XCTAssertEqual(TagValues.leadingNumber("2019-05-01T10:00:00"), 2019)
    }

    func testLeadingNumberIsAbsentForNoneZeroOrNonsense() {
        XCTAssertNil(TagValues.leadingNumber(nil))
        XCTAssertNil(TagValues.leadingNumber(""))
        XCTAssertNil(TagValues.leadingNumber("0"))
        XCTAssertNil(TagValues.leadingNumber("0/0"))
        XCTAssertNil(TagValues.leadingNumber("/12"))
        XCTAssertNil(TagValues.leadingNumber("abc"))
        XCTAssertNil(TagValues.leadingNumber("-3"))
        XCTAssertNil(TagValues.leadingNumber("١٢"), "only ASCII digits count")
        XCTAssertNil(TagValues.leadingNumber(String(repeating: "9", count: 40)), "no overflow on a huge number")
    }

    func testEmptyTextIsAbsent() {
        XCTAssertNil(TagValues.text(nil))
        XCTAssertNil(TagValues.text(""))
        XCTAssertEqual(TagValues.text(" "), " ")
    }

    func testAGivenMimeTypeIsKeptAndAMissingOneIsRecognisedFromTheBytes() {
        XCTAssertEqual(TagValues.mimeType(given: "image/png", bytes: [0xFF, 0xD8, 0xFF]), "image/png")
        XCTAssertEqual(TagValues.mimeType(given: "", bytes: [0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg")
        XCTAssertEqual(TagValues.mimeType(given: "", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D]), "image/png")
        XCTAssertEqual(TagValues.mimeType(given: "", bytes: Array("GIF89a".utf8)), "image/gif")
        XCTAssertEqual(TagValues.mimeType(given: "", bytes: Array("BM....".utf8)), "image/bmp")
        XCTAssertEqual(TagValues.mimeType(given: "", bytes: [0x00]), "application/octet-stream")
        XCTAssertEqual(TagValues.mimeType(given: "", bytes: []), "application/octet-stream")
    }
}
