import PTPWire
import XCTest
@testable import VirtualPlayer

/// Plays the USB host against a responder: command containers out, data phases split however a test likes,
/// containers read back through bulk-IN transfers of a chosen size, checking the one-container-per-transfer and
/// zero-length-packet rules on every read.
final class TestHost {
    let responder: MTPResponder
    var nextTransactionID: UInt32 = 0
    let packetSize = 512

    init(_ responder: MTPResponder) { self.responder = responder }

    /// One bulk-OUT transfer.
    func bulkOut(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { responder.bulkOut($0) }
    }

    /// One bulk-IN transfer of `size` bytes; nil when the device has nothing.
    func bulkIn(size: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0xEE, count: size)
        let count = buffer.withUnsafeMutableBytes { responder.bulkIn(into: $0) }
        return count.map { Array(buffer[0..<$0]) }
    }

    /// Reads one whole container with transfers of `urbSize`, as libusb would: until a short transfer, then the
    /// zero-length packet when the container filled its last packet.
    func readContainer(urbSize: Int = 512, file: StaticString = #filePath, line: UInt = #line) -> [UInt8]? {
        var bytes: [UInt8] = []
        var endedByZeroLengthPacket = false
        while true {
            guard let chunk = bulkIn(size: urbSize) else {
                if !bytes.isEmpty { XCTFail("device stalled inside a container", file: file, line: line) }
                return bytes.isEmpty ? nil : bytes
            }
            if chunk.isEmpty && bytes.isEmpty {
                XCTFail("zero-length packet where a container should start", file: file, line: line)
                return nil
            }
            bytes += chunk
            endedByZeroLengthPacket = chunk.isEmpty
            if chunk.count < urbSize { break }
        }
        if bytes.count % packetSize == 0 && !endedByZeroLengthPacket {
            // A short transfer (URB larger than what was left) ended the read; the ZLP is still owed.

            XCTAssertEqual(
                bulkIn(size: urbSize), [], "zero-length packet after a \(bytes.count)-byte container",
                file: file, line: line)
        }
        if bytes.count >= 4, littleEndian32(bytes, 0) != UInt32.max {
            XCTAssertEqual(Int(littleEndian32(bytes, 0)), bytes.count, "container length field", file: file, line: line)
        }
        return bytes
    }

    /// The outcome of one transaction.
    struct Outcome {
        var data: [UInt8]?
        var response: Container
        var code: ResponseCode { ResponseCode(response.code) }
    }

    /// Runs one transaction: the command, an optional data phase cut at `cuts` (byte offsets into the data
    /// container), then reads a data container (if one comes) and the response.
    @discardableResult
    func transact(
        _ operation: OperationCode, _ parameters: [UInt32] = [], data: [UInt8]? = nil, cuts: [Int] = [],
        urbSize: Int = 512, file: StaticString = #filePath, line: UInt = #line
    ) -> Outcome {
        let transactionID = nextTransactionID
        nextTransactionID += 1
        bulkOut(Container.command(operation, transactionID: transactionID, parameters).bytes)
        if let data {
            let container = Container(dataFor: operation.rawValue, transactionID: transactionID, payload: data).bytes
            var start = 0
            for cut in cuts.filter({ $0 > 0 && $0 < container.count }) + [container.count] where cut > start {
                bulkOut(Array(container[start..<cut]))
                start = cut
            }
            if container.count % packetSize == 0 { bulkOut([]) }
        }
        guard let first = readContainer(urbSize: urbSize, file: file, line: line) else {
            XCTFail("no reply to \(operation)", file: file, line: line)
            return Outcome(data: nil, response: .response(.generalError, transactionID: 0))
        }
        var payload: [UInt8]?
        var responseBytes = first
        if first.count >= 6, first[4] == 2 {
            payload = Array(first.dropFirst(12))
            guard let response = readContainer(urbSize: urbSize, file: file, line: line) else {
                XCTFail("no response after data for \(operation)", file: file, line: line)
                return Outcome(data: payload, response: .response(.generalError, transactionID: 0))
            }
            responseBytes = response
        }
        guard case .success(let response) = ContainerParser().parse(responseBytes), response.type == .response else {
            XCTFail("not a response: \(responseBytes.prefix(16))", file: file, line: line)
            return Outcome(data: payload, response: .response(.generalError, transactionID: 0))
        }
        XCTAssertEqual(response.transactionID, transactionID, "response echoes the transaction id", file: file, line: line)
        return Outcome(data: payload, response: response)
    }

    /// GetDeviceInfo and OpenSession(1), asserting both succeed.
    func openSession(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(transact(.openSession, [1], file: file, line: line).code, .ok, file: file, line: line)
    }
}

func littleEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
}

/// Deterministic bytes of `count` length, different at every offset modulo 251.
func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 + seed) % 251) }
}

/// A responder with one in-memory storage.
func makeResponder(_ personality: PlayerPersonality = .android, capacity: UInt64? = nil) throws -> MTPResponder {
    var configuration = PlayerConfiguration(personality: personality)
    configuration.storages = [StorageConfiguration(backing: .memory, capacity: capacity)]
    return try MTPResponder(configuration: configuration)
}

/// ObjectInfo for a new file.
func objectInfo(name: String, size: UInt32, format: ObjectFormatCode = .undefined) -> [UInt8] {
    var info = ObjectInfo()
    info.objectFormat = format.rawValue
    info.objectCompressedSize = size
    info.filename = name
    info.associationType = format == .association ? ObjectInfo.genericFolder : 0
    return info.bytes
}

let storage1: UInt32 = 0x0001_0001
