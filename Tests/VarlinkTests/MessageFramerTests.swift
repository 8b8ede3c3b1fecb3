@testable import Varlink
import XCTest

/// The server's framing, without a socket: messages end at NUL, however the bytes arrive.
final class MessageFramerTests: XCTestCase {
    private func frame(_ bytes: [UInt8], readSize: Int, cap: Int = 1 << 20) -> (messages: [[UInt8]], framer: MessageFramer) {
        var framer = MessageFramer(maxMessageBytes: cap)
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            framer.append(bytes[offset..<min(bytes.count, offset + readSize)])
            offset += readSize
            while let m = framer.next() { messages.append(m) }
            if framer.isOverCap { break }
        }
        return (messages, framer)
    }

    func testMessagesAreTheSameWhateverTheReadSize() {
        let stream = Array("{\"a\":1}\u{0}\u{0}{\"b\":[2]}\u{0}tail".utf8)
        for readSize in 1...stream.count {
            let (messages, framer) = frame(stream, readSize: readSize)
            XCTAssertEqual(messages, [Array("{\"a\":1}".utf8), [], Array("{\"b\":[2]}".utf8)], "read size \(readSize)")
            XCTAssertEqual(Array(framer.pending), Array("tail".utf8))
            XCTAssertFalse(framer.isOverCap)
        }
    }

    func testAMessageAtTheCapIsFramedAndOneBeyondItIsRefused() {
        let atCap = [UInt8](repeating: 0x61, count: 8) + [0]
        XCTAssertEqual(frame(atCap, readSize: 3, cap: 8).messages.count, 1)
        let beyond = [UInt8](repeating: 0x61, count: 9) + [0, 0x62, 0]
        let (messages, framer) = frame(beyond, readSize: 100, cap: 8)
        XCTAssertEqual(messages, [], "a complete message over the cap is not handed on, nor any after it")
        XCTAssertTrue(framer.isOverCap)
    }

    func testAnUnfinishedMessageOverTheCapIsRefusedBeforeItsEnd() {
        var framer = MessageFramer(maxMessageBytes: 4)
        framer.append([1, 2, 3, 4])
        XCTAssertNil(framer.next())
        XCTAssertFalse(framer.isOverCap)
        framer.append([5])
        XCTAssertNil(framer.next())
        XCTAssertTrue(framer.isOverCap)
    }

    /// Many small messages in one read, then more: framed bytes are dropped without losing pending ones.
    func testManySmallMessagesKeepTheirOrder() {
        var stream: [UInt8] = []
        for i in 0..<2000 { stream += Array("\(i)".utf8) + [0] }
        let (messages, framer) = frame(stream, readSize: 4093)
        XCTAssertEqual(messages.map { String(decoding: $0, as: UTF8.self) }, (0..<2000).map { "\($0)" })
        XCTAssertTrue(framer.pending.isEmpty)
    }
}
