import PTPWire
import XCTest

final class WireFormatTests: XCTestCase {
    func testIntegersAreLittleEndian() {
        var writer = WireWriter()
        writer.write(UInt8(0x01))
        writer.write(UInt16(0x0302))
        writer.write(UInt32(0x0706_0504))
        writer.write(UInt64(0x0F0E_0D0C_0B0A_0908))
        writer.write(Int16(-2))
        XCTAssertEqual(writer.bytes, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0xFE, 0xFF])
        var reader = WireReader(writer.bytes)
        XCTAssertEqual(try reader.readUInt8(), 1)
        XCTAssertEqual(try reader.readUInt16(), 0x0302)
        XCTAssertEqual(try reader.readUInt32(), 0x0706_0504)
        XCTAssertEqual(try reader.readUInt64(), 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(try reader.readInt16(), -2)
        XCTAssertThrowsError(try reader.readUInt8()) { XCTAssertEqual($0 as? WireReadError, .truncated(offset: 17, needed: 1)) }
    }

    func testUInt128LowHalfFirst() {
        var writer = WireWriter()
        writer.write(UInt128(0x0102) << 64 | UInt128(0x0304))
        XCTAssertEqual(writer.bytes, [4, 3, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0])
    }

    func testPTPStringCountsUTF16UnitsIncludingTheTerminator() throws {
        var writer = WireWriter()
        writer.writePTPString("Hé")
        XCTAssertEqual(writer.bytes, [3, 0x48, 0, 0xE9, 0, 0, 0])
        var empty = WireWriter()
        empty.writePTPString("")
        XCTAssertEqual(empty.bytes, [0])
        var reader = WireReader(writer.bytes + [0])
        XCTAssertEqual(try reader.readPTPString(), "Hé")
        XCTAssertEqual(try reader.readPTPString(), "")
        XCTAssertTrue(reader.isAtEnd)
    }

    func testPTPStringKeepsSurrogatePairsAndCutsLongStringsWhole() throws {
        var writer = WireWriter()
        writer.writePTPString("🎵")
        XCTAssertEqual(writer.bytes, [3, 0x3C, 0xD8, 0xB5, 0xDF, 0, 0])
        // 253 letters then an emoji: cutting at 254 units would split the pair, so the emoji goes entirely.
        var long = WireWriter()
        long.writePTPString(String(repeating: "a", count: 253) + "🎵")
        XCTAssertEqual(long.bytes.first, 254)
        var reader = WireReader(long.bytes)
        XCTAssertEqual(try reader.readPTPString(), String(repeating: "a", count: 253))
    }

    func testTruncatedStringAndHostileArrayCountsThrow() {
        var reader = WireReader([5, 0x41, 0])
        XCTAssertThrowsError(try reader.readPTPString())
        var arrays = WireReader([0xFF, 0xFF, 0xFF, 0xFF, 1, 0])
        XCTAssertThrowsError(try arrays.readUInt32Array())
    }

    func testArraysAreCountThenElements() throws {
        var writer = WireWriter()
        writer.writeArray([UInt16(0x1001), 0x1002])
        XCTAssertEqual(writer.bytes, [2, 0, 0, 0, 0x01, 0x10, 0x02, 0x10])
        var reader = WireReader(writer.bytes)
        XCTAssertEqual(try reader.readUInt16Array(), [0x1001, 0x1002])
    }

    func testDateTimeStrings() {
        XCTAssertEqual(PTPDateTime.string(secondsSince1970: 0), "19700101T000000")
        XCTAssertEqual(PTPDateTime.string(secondsSince1970: 1_609_459_199), "20201231T235959")
        XCTAssertEqual(PTPDateTime.secondsSince1970("20201231T235959"), 1_609_459_199)
        XCTAssertEqual(PTPDateTime.secondsSince1970("20210101T000000.0Z"), 1_609_459_200)
        XCTAssertNil(PTPDateTime.secondsSince1970("2021"))
        XCTAssertNil(PTPDateTime.secondsSince1970("20211301T000000"))
    }
}
