import PTPWire

/// One device-to-host container waiting in the bulk-IN queue: a response, or a data container whose body is
/// either bytes in memory or a range of an object streamed from its store as the host reads.
struct Outgoing {
    /// What the container is.
    enum Kind {
        /// A data container.
        case data
        /// A response container carrying this code.
        case response(ResponseCode)
    }

    /// Where the bytes after the header come from.
    enum Body {
        /// Bytes in memory (datasets, parameters).
        case bytes([UInt8])
        /// `length` bytes of an object from `start`, read in chunks as the host asks for them.
        case object(any ObjectReader, start: UInt64, length: UInt64)
    }

    /// What the container is.
    let kind: Kind
    /// The transaction it answers.
    let transactionID: UInt32
    /// The header, or the whole container for responses.
    let header: [UInt8]
    /// What follows the header.
    let body: Body
    /// How much has gone out.
    var cursor: BulkInCursor

    /// Whether this is a data container.
    var isData: Bool {
        if case .data = kind { true } else { false }
    }

    /// Releases an object reader, if any.
    func close() {
        if case .object(let reader, _, _) = body { reader.close() }
    }

    /// A response container.
    static func response(_ container: Container, packetSize: Int) -> Outgoing {
        let bytes = container.bytes
        return Outgoing(
            kind: .response(ResponseCode(container.code)), transactionID: container.transactionID,
            header: bytes, body: .bytes([]),
            cursor: BulkInCursor(total: UInt64(bytes.count), packetSize: packetSize))
    }

    /// A data container holding `payload`.
    static func data(_ operation: OperationCode, transactionID: UInt32, payload: [UInt8], packetSize: Int) -> Outgoing {
        let total = UInt64(ContainerHeader.size + payload.count)
        let header = ContainerHeader(
            length: lengthField(total), type: .data, code: operation.rawValue,
            transactionID: transactionID)
        return Outgoing(
            kind: .data, transactionID: transactionID, header: header.bytes, body: .bytes(payload),
            cursor: BulkInCursor(total: total, packetSize: packetSize))
    }

    /// A data container streaming `length` bytes of an object from `start`.
    static func object(
        _ operation: OperationCode, transactionID: UInt32, reader: any ObjectReader, start: UInt64,
        length: UInt64, packetSize: Int
    ) -> Outgoing {
        let total = UInt64(ContainerHeader.size) + length
        let header = ContainerHeader(
            length: lengthField(total), type: .data, code: operation.rawValue,
            transactionID: transactionID)
        return Outgoing(
            kind: .data, transactionID: transactionID, header: header.bytes,
            body: .object(reader, start: start, length: length),
            cursor: BulkInCursor(total: total, packetSize: packetSize))
    }

    /// The header's length field: the true length, or 0xFFFFFFFF when it does not fit (MTP's >4 GiB rule; the
    /// host then reads until the transfer ends short).
    private static func lengthField(_ total: UInt64) -> UInt32 {
        total > UInt64(UInt32.max) ? UInt32.max : UInt32(total)
    }
}
