/// Builds little-endian PTP datasets byte by byte.
public struct WireWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Starts empty, with room reserved for `capacity` bytes.
    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }
    /// Appends a signed byte.
    public mutating func write(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }
    /// Appends a little-endian UInt16.
    public mutating func write(_ value: UInt16) { appendLittleEndian(value) }
    /// Appends a little-endian Int16.
    public mutating func write(_ value: Int16) { appendLittleEndian(value) }
    /// Appends a little-endian UInt32.
    public mutating func write(_ value: UInt32) { appendLittleEndian(value) }
    /// Appends a little-endian Int32.
    public mutating func write(_ value: Int32) { appendLittleEndian(value) }
    /// Appends a little-endian UInt64.
    public mutating func write(_ value: UInt64) { appendLittleEndian(value) }
    /// Appends a little-endian Int64.
    public mutating func write(_ value: Int64) { appendLittleEndian(value) }
    /// Appends a little-endian UInt128 (low 64 bits first).
    public mutating func write(_ value: UInt128) { appendLittleEndian(value) }
    /// Appends a little-endian Int128.
    public mutating func write(_ value: Int128) { appendLittleEndian(value) }

    /// Appends raw bytes.
    public mutating func write<Bytes: Sequence<UInt8>>(contentsOf raw: Bytes) { bytes.append(contentsOf: raw) }

    /// Appends a PTP string: a UInt8 count of UTF-16 code units including the terminating NUL, then the units;
    /// the empty string is the single byte 0.
    ///
    /// Strings longer than 254 code units are cut (never inside a surrogate pair) because the count is one byte.
    public mutating func writePTPString(_ string: String) {
        var units = Array(string.utf16)
        if units.count > 254 {
            units.removeSubrange(254...)
            // A high surrogate left without its partner would decode as garbage.
            if let last = units.last, UTF16.isLeadSurrogate(last) { units.removeLast() }
        }
        guard !units.isEmpty else {
            write(UInt8(0))
            return
        }
        write(UInt8(units.count + 1))
        for unit in units { write(unit) }
        write(UInt16(0))
    }

    /// Appends a PTP array of UInt16: a UInt32 element count, then the elements.
    public mutating func writeArray(_ values: [UInt16]) {
        write(UInt32(truncatingIfNeeded: values.count))
        for value in values { write(value) }
    }

    /// Appends a PTP array of UInt32: a UInt32 element count, then the elements.
    public mutating func writeArray(_ values: [UInt32]) {
        write(UInt32(truncatingIfNeeded: values.count))
        for value in values { write(value) }
    }

    /// Overwrites four bytes at `offset` with a little-endian UInt32 (for lengths known only at the end).
    public mutating func patch(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "patch outside the written bytes")
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value
        for _ in 0..<(T.bitWidth / 8) {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v = v >> 8
        }
    }
}
