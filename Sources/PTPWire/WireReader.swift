/// Why a dataset could not be read.
public enum WireReadError: Error, Equatable, Sendable {
    /// The bytes ended `needed` bytes short at `offset`.
    case truncated(offset: Int, needed: Int)
    /// A value was read but is not valid where it appeared (a data type code no one defines, say).
    case invalidValue(offset: Int, what: String)
}

/// Reads little-endian PTP datasets from a byte array; every read checks bounds and throws instead of trapping.
public struct WireReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// Where the next read starts.
    public private(set) var offset: Int

    /// Reads `bytes` from the start.
    public init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes)
        offset = 0
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }
    /// Whether everything has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// Reads one byte.
    public mutating func readUInt8() throws(WireReadError) -> UInt8 { try readInteger() }
    /// Reads a signed byte.
    public mutating func readInt8() throws(WireReadError) -> Int8 { try readInteger() }
    /// Reads a little-endian UInt16.
    public mutating func readUInt16() throws(WireReadError) -> UInt16 { try readInteger() }
    /// Reads a little-endian Int16.
    public mutating func readInt16() throws(WireReadError) -> Int16 { try readInteger() }
    /// Reads a little-endian UInt32.
    public mutating func readUInt32() throws(WireReadError) -> UInt32 { try readInteger() }
    /// Reads a little-endian Int32.
    public mutating func readInt32() throws(WireReadError) -> Int32 { try readInteger() }
    /// Reads a little-endian UInt64.
    public mutating func readUInt64() throws(WireReadError) -> UInt64 { try readInteger() }
    /// Reads a little-endian Int64.
    public mutating func readInt64() throws(WireReadError) -> Int64 { try readInteger() }
    /// Reads a little-endian UInt128.
    public mutating func readUInt128() throws(WireReadError) -> UInt128 { try readInteger() }
    /// Reads a little-endian Int128.
    public mutating func readInt128() throws(WireReadError) -> Int128 { try readInteger() }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(WireReadError) -> ArraySlice<UInt8> {
        try need(count)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Reads a PTP string; invalid UTF-16 decodes with replacement characters rather than failing, and trailing
    /// NULs are dropped, because devices and hosts differ in how they terminate.
    public mutating func readPTPString() throws(WireReadError) -> String {
        let count = Int(try readUInt8())
        guard count > 0 else { return "" }
        try need(count * 2)
        var units: [UInt16] = []
        units.reserveCapacity(count)
        for _ in 0..<count { units.append(try readUInt16()) }
        while units.last == 0 { units.removeLast() }
        return String(decoding: units, as: UTF16.self)
    }

    /// Reads a PTP array of UInt16.
    public mutating func readUInt16Array() throws(WireReadError) -> [UInt16] {
        let count = Int(try readUInt32())
        // Check the whole array fits before allocating, so a hostile count cannot ask for gigabytes.
        try need(count.multipliedReportingOverflow(by: 2).overflow ? Int.max : count * 2)
        var values: [UInt16] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readUInt16()) }
        return values
    }

    /// Reads a PTP array of UInt32.
    public mutating func readUInt32Array() throws(WireReadError) -> [UInt32] {
        let count = Int(try readUInt32())
        try need(count.multipliedReportingOverflow(by: 4).overflow ? Int.max : count * 4)
        var values: [UInt32] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readUInt32()) }
        return values
    }

    /// Throws unless `count` more bytes are available.
    public func need(_ count: Int) throws(WireReadError) {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset, needed: count) }
    }

    private mutating func readInteger<T: FixedWidthInteger>() throws(WireReadError) -> T {
        let size = T.bitWidth / 8
        try need(size)
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }
}
