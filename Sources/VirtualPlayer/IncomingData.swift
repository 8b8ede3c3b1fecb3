import PTPWire

/// The host-to-device data phase of one transaction, assembled from bulk-OUT transfers of any size.
///
/// The first transfer starts with the 12-byte data header; the payload goes to a sink (memory for datasets,
/// an object writer for SendObject) or is dropped when the transaction is already doomed, so that the host can
/// always finish writing before it reads the response.
struct IncomingData {
    /// Where payload bytes go.
    enum Sink {
        /// Kept in memory up to `IncomingData.memoryLimit` bytes.
        case memory([UInt8])
        /// Streamed into a new object.
        case object(any ObjectWriter)
        /// Written into an object being edited, from `offset` on.
        case edit(any ObjectEditor, offset: UInt64)
        /// Dropped.
        case discard
    }

    /// How the end of the data phase is known.
    enum EndRule: Equatable {
        /// From the header's length field (0xFFFFFFFF meaning "until a short transfer").
        case header
        /// Exactly this many payload bytes, whatever the header says (libmtp truncates lengths past 4 GiB).
        case payload(UInt64)
        /// At the first transfer that is not a whole number of packets (or is empty).
        case shortTransfer
    }

    /// What one bulk-OUT transfer did to the phase.
    enum Outcome: Equatable {
        /// More transfers are expected.
        case needMore
        /// The phase is complete.
        case complete
        /// The transfer is not data but a new command container; the phase is abandoned.
        case notData
    }

    /// Datasets larger than this are dropped and answered with an error rather than buffered.
    static let memoryLimit = 16 << 20

    /// The command whose data this is.
    let command: Container
    /// Where payload bytes go.
    var sink: Sink
    /// How the end is known.
    var endRule: EndRule
    /// The response to send instead of the operation's own, once something went wrong.
    var failure: ResponseCode?
    private var headerBytes: [UInt8] = []
    /// Payload bytes taken so far.
    private(set) var received: UInt64 = 0
    private var expected: UInt64?

    /// A data phase for `command`; `failure` set means the data is taken only to be dropped.
    init(command: Container, sink: Sink, endRule: EndRule = .header, failure: ResponseCode? = nil) {
        self.command = command
        self.sink = sink
        self.endRule = endRule
        self.failure = failure
    }

    /// The command's operation.
    var operation: OperationCode { OperationCode(command.code) }

    /// The buffered payload of a memory sink.
    var payload: [UInt8] {
        if case .memory(let bytes) = sink { bytes } else { [] }
    }

    /// Takes one bulk-OUT transfer; returns the bytes that belonged to the phase, how many of them were object
    /// contents, and where the phase stands.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, packetSize: Int)
        -> (accepted: Int, objectBytes: UInt64, outcome: Outcome)
    {
        var offset = 0
        if headerBytes.count < ContainerHeader.size {
            if bytes.isEmpty { return (0, 0, .needMore) }
            if headerBytes.isEmpty, Self.isCommand(bytes) { return (0, 0, .notData) }
            offset = min(ContainerHeader.size - headerBytes.count, bytes.count)
            headerBytes += bytes[0..<offset]
            guard headerBytes.count == ContainerHeader.size else { return (offset, 0, .needMore) }
            readHeader()
        }
        var take = bytes.count - offset
        if let expected { take = Int(min(UInt64(take), expected - received)) }
        if take > 0 { store(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take])) }
        received += UInt64(take)
        let isObjectData = operation == .sendObject || operation == .sendPartialObject
        let done: Bool
        if let expected {
            done = received == expected
        } else {
            done = bytes.count % packetSize != 0 || bytes.isEmpty
        }
        return (offset + take, isObjectData ? UInt64(take) : 0, done ? .complete : .needMore)
    }

    /// Ends the phase before all its data arrived: a new object's bytes so far are dropped, or, when
    /// `keepingPartial`, kept as an object of that size (what some devices do).
    func abandon(keepingPartial: Bool) {
        guard case .object(let writer) = sink else { return }
        if keepingPartial, (try? writer.commit()) != nil { return }
        writer.abort()
    }

    private mutating func readHeader() {
        switch ContainerParser().parseHeader(headerBytes) {
        case .success(let header) where header.type == .data:
            if header.code != command.code {
                failure = failure ?? .generalError
            } else if header.transactionID != command.transactionID {
                failure = failure ?? .invalidTransactionID
            }
            switch endRule {
            case .payload(let n): expected = n
            case .shortTransfer: expected = nil
            case .header:
                expected = header.length == UInt32.max ? nil : UInt64(header.length) - UInt64(ContainerHeader.size)
            }
        default:
            // Not a data header: without a length to trust, take bytes until the host's transfer ends short.
            failure = failure ?? .generalError
            expected = nil
        }
    }

    private mutating func store(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        switch sink {
        case .discard:
            break
        case .memory(var buffer):
            guard buffer.count + bytes.count <= Self.memoryLimit else {
                // A property value too large to hold is one the device refuses (cover art, a long string).
                failure = operation == .setObjectPropValue ? .invalidObjectPropValue : .generalError
                sink = .discard
                return
            }
            sink = .discard  // Release the array's storage so the append below does not copy it.
            buffer.append(contentsOf: bytes)
            sink = .memory(buffer)
        case .object(let writer):
            do throws(StoreError) {
                try writer.write(bytes)
            } catch {
                failure = error.responseCode
                writer.abort()
                sink = .discard
            }
        case .edit(let editor, let offset):
            do throws(StoreError) {
                try editor.write(at: offset + received, bytes)
            } catch {
                failure = error.responseCode
                sink = .discard
            }
        }
    }

    private static func isCommand(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= ContainerHeader.size + 4 * Container.maximumParameterCount,
            case .success(let header) = ContainerParser().parseHeader(bytes)
        else { return false }
        return header.type == .command && Int(header.length) == bytes.count
    }
}
