import PTPWire
import XCTest

final class ContainerTests: XCTestCase {
    func testCommandEncodesHeaderThenParameters() {
        let bytes = Container.command(.getObjectHandles, transactionID: 0x0102_0304, [0xFFFF_FFFF, 0, 0x1234_5678]).bytes
        XCTAssertEqual(
            bytes,
            [
                0x18, 0x00, 0x00, 0x00,  // length 24
                0x01, 0x00,  // command
                0x07, 0x10,  // GetObjectHandles
                0x04, 0x03, 0x02, 0x01,  // transaction id
                0xFF, 0xFF, 0xFF, 0xFF,
                0x00, 0x00, 0x00, 0x00,
                0x78, 0x56, 0x34, 0x12,
            ])
    }

    func testDataContainerCarriesPayloadAfterHeader() {
        let bytes = Container(dataFor: 0x100C, transactionID: 7, payload: [0xAA, 0xBB]).bytes
        XCTAssertEqual(bytes, [0x0E, 0, 0, 0, 0x02, 0x00, 0x0C, 0x10, 7, 0, 0, 0, 0xAA, 0xBB])
    }

    func testParseRoundTripsEveryKind() throws {
        let parser = ContainerParser()
        for container in [
            Container.command(.openSession, transactionID: 0, [1]),
            Container.response(.ok, transactionID: 9, [1, 2, 3, 4, 5]),
            Container.event(.objectAdded, transactionID: 0, [0x42]),
            Container(dataFor: 0x1009, transactionID: 3, payload: Array(0..<200)),
        ] {
            XCTAssertEqual(try parser.parse(container.bytes).get(), container)
        }
    }

    func testParseRejectsWithTypedErrors() {
        let parser = ContainerParser()
        XCTAssertEqual(parser.parse([UInt8]()), .failure(.shorterThanHeader(count: 0)))
        XCTAssertEqual(parser.parse([12, 0, 0, 0, 1, 0, 2, 0x10, 0, 0, 0]), .failure(.shorterThanHeader(count: 11)))
        XCTAssertEqual(parser.parse([12, 0, 0, 0, 9, 0, 2, 0x10, 0, 0, 0, 0]), .failure(.unknownType(9)))
        XCTAssertEqual(
            parser.parse([16, 0, 0, 0, 1, 0, 2, 0x10, 0, 0, 0, 0]),
            .failure(.lengthMismatch(declared: 16, actual: 12)))
        XCTAssertEqual(
            parser.parse([0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 2, 0x10, 0, 0, 0, 0]),
            .failure(.lengthMismatch(declared: 0xFFFF_FFFF, actual: 12)))
        XCTAssertEqual(
            parser.parse([4, 0, 0, 0, 1, 0, 2, 0x10, 0, 0, 0, 0]),
            .failure(.lengthMismatch(declared: 4, actual: 12)))
        XCTAssertEqual(
            parser.parse([14, 0, 0, 0, 1, 0, 2, 0x10, 0, 0, 0, 0, 1, 2]),
            .failure(.partialParameter(parameterBytes: 2)))
        XCTAssertEqual(
            parser.parse([36, 0, 0, 0, 1, 0, 2, 0x10, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 24)),
            .failure(.tooManyParameters(count: 6)))
    }

    func testParseHeaderAcceptsTheFirstPartOfALongDataContainer() {
        let first = Array(
            Container(dataFor: 0x100D, transactionID: 5, payload: [UInt8](repeating: 1, count: 1000)).bytes.prefix(512))
        XCTAssertEqual(
            try ContainerParser().parseHeader(first).get(),
            ContainerHeader(length: 1012, type: .data, code: 0x100D, transactionID: 5))
    }

    func testParserIsTotalOnArbitraryBytes() {
        // A cheap stand-in for the fuzzer: every prefix of structured and random inputs parses or fails, never traps.
        var generator = SystemRandomNumberGenerator()
        let parser = ContainerParser()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...40, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if count >= 12, Bool.random(using: &generator) {
                bytes[0] = UInt8(count); bytes[1] = 0; bytes[2] = 0; bytes[3] = 0
                bytes[4] = UInt8.random(in: 0...5, using: &generator); bytes[5] = 0
            }
            switch parser.parse(bytes) {
            case .success(let container): XCTAssertEqual(container.bytes, bytes)
            case .failure: break
            }
        }
    }
}
