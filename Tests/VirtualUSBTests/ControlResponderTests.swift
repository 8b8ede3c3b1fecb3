import XCTest
@testable import VirtualUSB

final class ControlResponderTests: XCTestCase {
    final class RecordingFunction: PTPFunction {
        var cancelled: [UInt32] = []
        var resets = 0
        func bulkOut(_ bytes: UnsafeRawBufferPointer) {}
        func bulkIn(into buffer: UnsafeMutableRawBufferPointer) -> Int? { nil }
        func interruptIn(into buffer: UnsafeMutableRawBufferPointer) -> Int? { nil }
        func cancelTransaction(_ transactionID: UInt32) { cancelled.append(transactionID) }
        func reset() { resets += 1 }
        func deviceStatus() -> [UInt8] { [4, 0, 0x01, 0x20] }
        func clientVanished() {}
        var transactionsBegun: Int { 0 }
        var objectBytesTransferred: UInt64 { 0 }
    }

    let responder = ControlResponder(
        descriptors: USBDescriptors(
            identity: USBIdentity(
                vendorID: 1, productID: 2, manufacturer: "M", product: "P", serial: "S")))

    func reply(_ r: ControlRequest, payload: [UInt8] = [], _ f: RecordingFunction = RecordingFunction()) -> ControlReply {
        payload.withUnsafeBytes { responder.reply(to: r, payload: $0, function: f) }
    }

    func testSetupPacketDecodesLittleEndian() throws {
        let bytes: [UInt8] = [0x80, 6, 0x03, 0x03, 0x09, 0x04, 0xFF, 0x00]
        let r = try XCTUnwrap(bytes.withUnsafeBytes { ControlRequest($0) })
        XCTAssertEqual(r, ControlRequest(requestType: 0x80, request: 6, value: 0x0303, index: 0x0409, length: 255))
        XCTAssertNil([UInt8](repeating: 0, count: 7).withUnsafeBytes { ControlRequest($0) })
    }

    func testDescriptorRepliesAreClippedToWLength() {
        XCTAssertEqual(
            reply(.init(requestType: 0x80, request: 6, value: 0x0100, index: 0, length: 8)),
            .data(Array(responder.descriptors.deviceDescriptor.prefix(8))))
        XCTAssertEqual(reply(.init(requestType: 0x80, request: 6, value: 0x0309, index: 0x409, length: 255)), .stall)
    }

    func testPTPClassRequestsReachTheFunction() {
        let f = RecordingFunction()
        XCTAssertEqual(
            reply(
                .init(requestType: 0x21, request: 0x64, value: 0, index: 0, length: 6),
                payload: [0x01, 0x40, 0x2A, 0, 0, 0], f), .data([]))
        XCTAssertEqual(f.cancelled, [42])
        XCTAssertEqual(reply(.init(requestType: 0x21, request: 0x64, value: 0, index: 0, length: 6), payload: [1], f), .stall)
        XCTAssertEqual(reply(.init(requestType: 0x21, request: 0x66, value: 0, index: 0, length: 0), f), .data([]))
        XCTAssertEqual(f.resets, 1)
        XCTAssertEqual(reply(.init(requestType: 0xA1, request: 0x67, value: 0, index: 0, length: 4), f), .data([4, 0, 1, 0x20]))
    }

    func testUnknownRequestsStall() {
        XCTAssertEqual(reply(.init(requestType: 0x40, request: 0x99, value: 0, index: 0, length: 0)), .stall)
    }
}
