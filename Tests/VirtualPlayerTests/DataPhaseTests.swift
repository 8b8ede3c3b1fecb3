import PTPWire
import XCTest
@testable import VirtualPlayer

/// The pure pieces of the endpoint logic: how containers are cut into bulk-IN transfers and how data phases
/// are reassembled from bulk-OUT transfers.
final class DataPhaseTests: XCTestCase {
    func testCursorCutsAtBufferSizeAndOwesAZeroLengthPacket() {
        var cursor = BulkInCursor(total: 1024, packetSize: 512)
        XCTAssertEqual(cursor.next(capacity: 700), .bytes(0..<700))
        cursor.advance(.bytes(0..<700))
        XCTAssertTrue(cursor.isInProgress)
        XCTAssertEqual(cursor.next(capacity: 700), .bytes(700..<1024))
        cursor.advance(.bytes(700..<1024))
        XCTAssertEqual(cursor.next(capacity: 700), .zeroLengthPacket)
        cursor.advance(.zeroLengthPacket)
        XCTAssertEqual(cursor.next(capacity: 700), .finished)
        XCTAssertTrue(cursor.isFinished)

        var short = BulkInCursor(total: 13, packetSize: 512)
        short.advance(short.next(capacity: 512))
        XCTAssertEqual(short.next(capacity: 512), .finished, "no zero-length packet after a short packet")
    }

    func testHeaderSplitAcrossTransfers() {
        let command = Container.command(.sendObjectInfo, transactionID: 3)
        var incoming = IncomingData(command: command, sink: .memory([]))
        let container = Container(dataFor: command.code, transactionID: 3, payload: [1, 2, 3, 4, 5]).bytes
        XCTAssertEqual(feed(&incoming, Array(container[0..<5])), .needMore)
        XCTAssertEqual(feed(&incoming, Array(container[5..<13])), .needMore)
        XCTAssertEqual(feed(&incoming, Array(container[13...])), .complete)
        XCTAssertEqual(incoming.payload, [1, 2, 3, 4, 5])
        XCTAssertNil(incoming.failure)
    }

    func testAnnouncedSizeOverridesATruncatedLength() {
        // libmtp writes (12 + size) mod 2^32 in the header of objects past 4 GiB: the announced size wins.
        let command = Container.command(.sendObject, transactionID: 1)
        var incoming = IncomingData(command: command, sink: .memory([]), endRule: .payload(20))
        let header = ContainerHeader(length: 16, type: .data, code: command.code, transactionID: 1).bytes
        XCTAssertEqual(feed(&incoming, header + pattern(10)), .needMore)
        XCTAssertEqual(feed(&incoming, pattern(10, seed: 10)), .complete)
        XCTAssertEqual(incoming.received, 20)
    }

    func testShortTransferEndsAnUnsizedPhase() {
        let command = Container.command(.sendObject, transactionID: 1)
        var incoming = IncomingData(command: command, sink: .memory([]), endRule: .shortTransfer)
        let header = ContainerHeader(length: 0xFFFF_FFFF, type: .data, code: command.code, transactionID: 1).bytes
        XCTAssertEqual(feed(&incoming, header + pattern(500)), .needMore, "a full 512-byte packet")
        XCTAssertEqual(feed(&incoming, pattern(1024)), .needMore)
        XCTAssertEqual(feed(&incoming, []), .complete, "the zero-length packet")
        XCTAssertEqual(incoming.received, 1524)
    }

    func testACommandInsteadOfDataAbandonsThePhase() {
        var incoming = IncomingData(command: .command(.sendObject, transactionID: 1), sink: .discard)
        XCTAssertEqual(feed(&incoming, Container.command(.getDeviceInfo, transactionID: 2).bytes), .notData)
    }

    func testOversizedDatasetIsDroppedNotBuffered() {
        let command = Container.command(.sendObjectPropList, transactionID: 1)
        var incoming = IncomingData(command: command, sink: .memory([]))
        let size = IncomingData.memoryLimit + 1
        let header = ContainerHeader(length: UInt32(12 + size), type: .data, code: command.code, transactionID: 1).bytes
        XCTAssertEqual(feed(&incoming, header), .needMore)
        XCTAssertEqual(feed(&incoming, [UInt8](repeating: 0, count: size)), .complete)
        XCTAssertEqual(incoming.failure, .generalError)
        XCTAssertEqual(incoming.payload, [])
    }

    private func feed(_ incoming: inout IncomingData, _ bytes: [UInt8]) -> IncomingData.Outcome {
        bytes.withUnsafeBytes { incoming.consume($0, packetSize: 512).outcome }
    }
}
