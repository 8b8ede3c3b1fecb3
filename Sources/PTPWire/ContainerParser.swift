/// Why bytes are not a PTP container.
public enum ContainerParseError: Error, Equatable, Sendable {
    /// Fewer than the 12 header bytes.
    case shorterThanHeader(count: Int)
    /// The header's type field names no container type.
    case unknownType(UInt16)
    /// The header's length field disagrees with the number of bytes (or is below 12).
    case lengthMismatch(declared: UInt32, actual: Int)
    /// A command, response or event whose parameter bytes are not whole UInt32s.
    case partialParameter(parameterBytes: Int)
    /// A command, response or event with more than five parameters.
    case tooManyParameters(count: Int)
}

/// Turns bytes into PTP containers; total by design (fuzzed): every input yields a container or a typed error,
/// none traps, none allocates more than the input's size.
public struct ContainerParser: Sendable {
    /// A parser; it holds no state.
    public init() {}

    /// Reads just the 12-byte header at the start of `bytes`, whatever follows (the first USB transfer of a
    /// data phase holds the header and only a first part of the payload).
    public func parseHeader(_ bytes: some Collection<UInt8>) -> Result<ContainerHeader, ContainerParseError> {
        var iterator = bytes.makeIterator()
        var raw = [UInt8]()
        raw.reserveCapacity(ContainerHeader.size)
        while raw.count < ContainerHeader.size, let byte = iterator.next() { raw.append(byte) }
        guard raw.count == ContainerHeader.size else { return .failure(.shorterThanHeader(count: raw.count)) }
        let length = UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24
        let rawType = UInt16(raw[4]) | UInt16(raw[5]) << 8
        let code = UInt16(raw[6]) | UInt16(raw[7]) << 8
        let transactionID = UInt32(raw[8]) | UInt32(raw[9]) << 8 | UInt32(raw[10]) << 16 | UInt32(raw[11]) << 24
        guard let type = ContainerType(rawValue: rawType) else { return .failure(.unknownType(rawType)) }
        guard length >= UInt32(ContainerHeader.size) else {
            return .failure(.lengthMismatch(declared: length, actual: bytes.count))
        }
        return .success(ContainerHeader(length: length, type: type, code: code, transactionID: transactionID))
    }

    /// Parses one whole container: the header's length must equal the number of bytes.
    public func parse(_ bytes: some Collection<UInt8>) -> Result<Container, ContainerParseError> {
        let header: ContainerHeader
        switch parseHeader(bytes) {
        case .success(let parsed): header = parsed
        case .failure(let error): return .failure(error)
        }
        let count = bytes.count
        guard UInt64(header.length) == UInt64(count) else {
            return .failure(.lengthMismatch(declared: header.length, actual: count))
        }
        let body = Array(bytes.dropFirst(ContainerHeader.size))
        if header.type == .data {
            return .success(Container(dataFor: header.code, transactionID: header.transactionID, payload: body))
        }
        guard body.count % 4 == 0 else { return .failure(.partialParameter(parameterBytes: body.count)) }
        guard body.count / 4 <= Container.maximumParameterCount else {
            return .failure(.tooManyParameters(count: body.count / 4))
        }
        var parameters: [UInt32] = []
        for i in stride(from: 0, to: body.count, by: 4) {
            parameters.append(UInt32(body[i]) | UInt32(body[i + 1]) << 8 | UInt32(body[i + 2]) << 16 | UInt32(body[i + 3]) << 24)
        }
        return .success(
            Container(
                type: header.type, code: header.code, transactionID: header.transactionID,
                parameters: parameters))
    }
}
