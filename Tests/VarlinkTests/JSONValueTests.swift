@testable import Varlink
import XCTest

/// JSONValue.parse and serialized(): exact round trips, and a parser that is total on hostile input.
final class JSONValueTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }
    private func text(_ value: JSONValue) -> String { String(decoding: value.serialized(), as: UTF8.self) }

    /// Asserts that `bytes` do not parse, and returns the error for further checks.
    @discardableResult
    private func assertRejects(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        do {
            let value = try JSONValue.parse(bytes)
            XCTFail("parsed \(String(decoding: bytes.prefix(80), as: UTF8.self)) as \(value)", file: file, line: line)
            return nil
        } catch {
            XCTAssertGreaterThanOrEqual(error.offset, 0, file: file, line: line)
            XCTAssertLessThanOrEqual(error.offset, bytes.count, file: file, line: line)
            return error
        }
    }

    @discardableResult
    private func assertRejects(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        assertRejects(Array(text.utf8), file: file, line: line)
    }

    // MARK: Round trips

    func testNestedValueRoundTripsAndSerializesWithSortedKeys() throws {
        let value: JSONValue = [
            "zeta": [1, -2, 3.5, true, false, nil, "x"],
            "alpha": ["inner": ["deeper": [[], [:], [[:]]]], "empty": ""],
            "mid": .object([:]),
        ]
        let bytes = value.serialized()
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            #"{"alpha":{"empty":"","inner":{"deeper":[[],{},[{}]]}},"mid":{},"zeta":[1,-2,3.5,true,false,null,"x"]}"#)
        XCTAssertEqual(try JSONValue.parse(bytes), value)
    }

    func testWhitespaceAroundAndInsideIsAccepted() throws {
        XCTAssertEqual(try parse(" \t\r\n{ \"a\" : [ 1 , 2 ] ,\n\"b\":null }\n "), ["a": [1, 2], "b": nil])
    }

    func testDuplicateMemberNamesKeepTheLastValue() throws {
        XCTAssertEqual(try parse(#"{"a":1,"a":2}"#), ["a": 2])
    }

    func testUnicodeTextRoundTripsAsRawUTF8() throws {
        let s = "héllo 🎵 日本語 Ω \u{7F} \u{2028}"
        let bytes = JSONValue.string(s).serialized()
        XCTAssertEqual(bytes, Array("\"\(s)\"".utf8), "non-ASCII goes out as UTF-8, not escaped")
        XCTAssertEqual(try JSONValue.parse(bytes), .string(s))
    }

    func testEscapesAreWrittenAndReadBack() throws {
        let s = "quote\" backslash\\ nl\n cr\r tab\t bs\u{8} ff\u{C} nul\u{0} us\u{1F}"
        XCTAssertEqual(
            text(.string(s)),
            #""quote\" backslash\\ nl\n cr\r tab\t bs\u0008 ff\u000c nul\u0000 us\u001f""#)
        XCTAssertEqual(try parse(text(.string(s))), .string(s))
    }

    func testEveryEscapeAndUnicodeEscapeParses() throws {
        XCTAssertEqual(try parse(#""\"\\\/\b\f\n\r\t""#), .string("\"\\/\u{8}\u{C}\n\r\t"))
        XCTAssertEqual(try parse(#""\u00e9\u00C9\u65e5""#), .string("éÉ日"))
        XCTAssertEqual(try parse(#""\ud83c\udfb5 \uD834\uDD1E""#), .string("🎵 𝄞"), "surrogate pairs join")
        XCTAssertEqual(try parse(#""\u0000""#), .string("\u{0}"))
    }

    func testInt64ExtremesStayExactIntegers() throws {
        XCTAssertEqual(try parse("9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(try parse("-9223372036854775808"), .int(Int64.min))
        XCTAssertEqual(text(.int(Int64.max)), "9223372036854775807")
        XCTAssertEqual(text(.int(Int64.min)), "-9223372036854775808")
        XCTAssertEqual(try parse(text(.int(Int64.max - 1))), .int(Int64.max - 1), "not rounded through a double")
        XCTAssertEqual(try parse("0"), .int(0))
        XCTAssertEqual(try parse("-0"), .int(0))
    }

    func testIntegersBeyondInt64BecomeDoubles() throws {
        XCTAssertEqual(try parse("9223372036854775808"), .double(9223372036854775808.0))
        XCTAssertEqual(try parse("-9223372036854775809"), .double(-9223372036854775809.0))
        XCTAssertEqual(try parse("123456789012345678901234567890"), .double(1.2345678901234568e29))
    }

    func testDoublesParseAndRoundTripBitForBit() throws {
        XCTAssertEqual(try parse("1.5"), .double(1.5))
        XCTAssertEqual(try parse("-0.25e2"), .double(-25))
        XCTAssertEqual(try parse("1E3"), .double(1000))
        XCTAssertEqual(try parse("1e+3"), .double(1000))
        XCTAssertEqual(try parse("2.5e-3"), .double(0.0025))
        XCTAssertEqual(try parse("1.0"), .double(1.0), "a fraction makes a double even when integral")
        for d in [
            0.1, -1e300, Double.leastNonzeroMagnitude, 1.0, 1e16, 123456.789, Double.pi, -Double.greatestFiniteMagnitude, 1e-7,
        ] {
            let back = try JSONValue.parse(JSONValue.double(d).serialized())
            guard case .double(let e) = back else { return XCTFail("\(d) came back as \(back)") }
            XCTAssertEqual(e.bitPattern, d.bitPattern, "\(d) -> \(text(.double(d)))")
        }
    }

    func testNonFiniteDoublesSerializeAsNull() {
        XCTAssertEqual(text(.double(.infinity)), "null")
        XCTAssertEqual(text(.double(-.infinity)), "null")
        XCTAssertEqual(text(.double(.nan)), "null")
    }

    func testAccessors() {
        XCTAssertEqual(JSONValue.double(42).intValue, 42, "an integral double counts as an int")
        XCTAssertNil(JSONValue.double(42.5).intValue)
        XCTAssertNil(JSONValue.double(1e19).intValue, "outside Int64")
        XCTAssertEqual(JSONValue.int(3).doubleValue, 3)
        XCTAssertNil(JSONValue.string("3").intValue)
        XCTAssertEqual(JSONValue.bool(true).boolValue, true)
        XCTAssertNil(JSONValue.int(1).boolValue)
        XCTAssertTrue(JSONValue.null.isNull)
        XCTAssertFalse(JSONValue.object([:]).isNull)
        XCTAssertEqual(JSONValue.array([1]).arrayValue, [1])
        XCTAssertEqual(JSONValue.object(["a": 1]).objectValue, ["a": 1])
    }

    // MARK: Bad input

    func testTruncatedInputIsRejected() {
        for s in [
            "", " ", "[", "[1", "[1,", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "\"abc", "\"\\", "\"\\u12",
            "\"\\ud83c\\u", "tru", "fals", "nul", "-", "1.", "1e", "1e+",
        ] {
            assertRejects(s)
        }
    }

    func testEveryProperPrefixOfADocumentIsRejected() throws {
        let document = Array(#"{"a":[1,-2.5e3,true,null,"x\"\u00e9"],"b":{"c":false}}"#.utf8)
        XCTAssertNoThrow(try JSONValue.parse(document))
        for n in 0..<document.count { assertRejects(Array(document[..<n])) }
    }

    func testTrailingGarbageIsRejectedWithItsOffset() {
        XCTAssertEqual(assertRejects("1 2")?.offset, 2)
        XCTAssertEqual(assertRejects("{}x")?.offset, 2)
        XCTAssertEqual(assertRejects("[1]]")?.offset, 3)
        XCTAssertEqual(assertRejects("null\0")?.offset, 4)
        XCTAssertEqual(assertRejects("truex")?.reason, "trailing characters after the value")
    }

    func testMalformedSyntaxIsRejectedWithTheOffsetWhereItStopped() {
        XCTAssertEqual(assertRejects("[1,2,]")?.offset, 5)
        XCTAssertEqual(assertRejects(#"{"a":1,}"#)?.offset, 7)
        XCTAssertEqual(assertRejects("{a:1}")?.offset, 1)
        for s in [
            "'x'", "[1 2]", #"{"a" 1}"#, #"{"a":1 "b":2}"#, "+1", ".5", "NaN", "Infinity", "-Infinity", "True",
            "nulll", "\"\\x\"", "\"\\u12g4\"", "[,]", "{,}", "\u{FEFF}1",
        ] {
            assertRejects(s)
        }
    }

    func testLeadingZerosAreRejected() {
        for s in ["01", "00", "-01", "007", "01.5", "[01]"] { assertRejects(s) }
        XCTAssertNoThrow(try parse("0.5"))
        XCTAssertNoThrow(try parse("-0.5"))
        XCTAssertNoThrow(try parse("0e5"))
    }

    func testHugeExponentsAreRejectedNotInfinite() throws {
        XCTAssertEqual(assertRejects("1e400")?.reason, "number out of range")
        assertRejects("-1e400")
        assertRejects("1e99999999999999999999")
        assertRejects("[1, 2e999]")
        // Underflow is not an error: it is as near as a double gets.
        XCTAssertEqual(try parse("1e-400"), .double(0))
    }

    func testControlCharactersInStringsAreRejected() {
        for c: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x1F] { assertRejects([0x22, c, 0x22]) }
    }

    func testInvalidUTF8IsRejected() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0xC3, 0x22],  // truncated two-byte sequence
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // an encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // beyond U+10FFFF
            [0x22, 0x80, 0x22],  // a lone continuation byte
            [0xC3, 0xA9],  // non-ASCII outside a string
        ]
        for bytes in cases {
            assertRejects(bytes)
        }
        XCTAssertEqual(assertRejects([0x22, 0xFF, 0x22])?.reason, "invalid UTF-8 in a string")
    }

    func testLoneSurrogatesAreRejected() {
        XCTAssertEqual(assertRejects(#""\ud800""#)?.reason, "lone high surrogate")
        XCTAssertEqual(assertRejects(#""\udc00""#)?.reason, "lone low surrogate")
        XCTAssertEqual(assertRejects(#""\ud800x""#)?.reason, "lone high surrogate")
        XCTAssertEqual(assertRejects(#""\ud800\u0041""#)?.reason, "invalid surrogate pair")
        XCTAssertEqual(assertRejects(#""\ud800\ud800""#)?.reason, "invalid surrogate pair")
        assertRejects(#""\udfff\ud800""#)
    }

    func testNestingUpToTheLimitParses() throws {
        let depth = JSONValue.maximumDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try parse(arrays)
        for _ in 1..<depth { value = try XCTUnwrap(value.arrayValue?.first) }
        XCTAssertEqual(value, [])
    }

    func testNestingBeyondTheLimitIsAnErrorNotACrash() {
        let depth = JSONValue.maximumDepth + 1
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertEqual(assertRejects(arrays)?.reason, "nesting deeper than \(JSONValue.maximumDepth)")
        // Far deeper than any stack would survive by recursion, arrays and objects, closed and not.
        assertRejects(String(repeating: "[", count: 1_000_000))
        assertRejects(String(repeating: #"{"a":"#, count: 200_000) + "1" + String(repeating: "}", count: 200_000))
        assertRejects(String(repeating: "[{\"a\":", count: 100_000))
    }

    /// Random documents from JSON's own alphabet: each either throws or parses to a value that round-trips.
    func testRandomInputEitherThrowsOrRoundTrips() throws {
        let alphabet = Array(#"{}[]:,"\/bfnrtu0123456789-+.eEaxl "#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF, 0xED]
        var rng = SplitMix64(seed: 0x5EED)
        var parsed = 0
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 24)
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            guard let value = try? JSONValue.parse(bytes) else { continue }
            parsed += 1
            XCTAssertEqual(try JSONValue.parse(value.serialized()), value, String(decoding: bytes, as: UTF8.self))
        }
        XCTAssertGreaterThan(parsed, 0, "the generator should hit some valid documents")
    }
}

/// A small seeded generator, so the random test is the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
