@testable import MTPProvider
import PTPWire
import XCTest

/// `DeviceInfoReply`: GetDeviceInfo's data and response put together from bulk IN reads however they are split.
final class DeviceInfoReplyTests: XCTestCase {
    private var info: DeviceInfo {
        var info = DeviceInfo()
        info.eventsSupported = [0x4002, 0x4003]
        info.model = "Reply test"
        return info
    }
    private var data: [UInt8] { Container(dataFor: 0x1001, transactionID: 0, payload: info.bytes).bytes }
    private var ok: [UInt8] { Container.response(.ok, transactionID: 0).bytes }

    /// Feeds `reads` one by one; the dataset once it came, and how many reads that took.
    private func feed(_ reads: [[UInt8]]) throws(USBFailure) -> (DeviceInfo, reads: Int)? {
        var reply = DeviceInfoReply(transactionID: 0)
        for (i, read) in reads.enumerated() {
            if let info = try reply.receive(read) { return (info, i + 1) }
        }
        return nil
    }

    func testDataThenResponseInTwoReads() throws {
        let got = try XCTUnwrap(try feed([data, ok]))
        XCTAssertEqual(got.0, info)
        XCTAssertEqual(got.reads, 2)
    }

    func testEverySplitOfTheBytesGivesTheSameDataset() throws {
        let all = data + ok
        for cut in 1..<all.count {
            let got = try XCTUnwrap(try feed([Array(all[..<cut]), Array(all[cut...])]), "cut at \(cut)")
            XCTAssertEqual(got.0, info, "cut at \(cut)")
        }
    }

    func testHeaderAloneAndZeroLengthReadsAreWaitedPast() throws {
        let got = try XCTUnwrap(try feed([Array(data[..<12]), [], Array(data[12...]), [], ok]))
        XCTAssertEqual(got.0, info)
        XCTAssertEqual(got.reads, 5)
    }

    func testNothingBeforeTheResponse() throws {
        XCTAssertNil(try feed([data]))
        XCTAssertNil(try feed([Array((data + ok).dropLast())]))
    }

    func testARefusalIsAFailure() {
        let busy = Container.response(.deviceBusy, transactionID: 0).bytes
        XCTAssertThrowsError(try feed([busy]))
        XCTAssertThrowsError(try feed([data, busy]))
    }

    func testOKWithoutADatasetIsAFailure() {
        XCTAssertThrowsError(try feed([ok]))
        let garbled = Container(dataFor: 0x1001, transactionID: 0, payload: [1, 2, 3]).bytes
        XCTAssertThrowsError(try feed([garbled, ok]))
    }

    func testAnotherTransactionsContainerIsAFailure() {
        XCTAssertThrowsError(try feed([Container.response(.ok, transactionID: 7).bytes]))
    }

    func testAnUnreasonableLengthIsAFailureWithoutWaitingForIt() {
        var header = ContainerHeader(length: 0x7FFF_FFFF, type: .data, code: 0x1001, transactionID: 0).bytes
        header += [0, 0]
        XCTAssertThrowsError(try feed([header]))
    }
}
