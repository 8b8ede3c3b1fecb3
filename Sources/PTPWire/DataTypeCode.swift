/// A PTP data type code: how a property value is laid out on the wire.
public struct DataTypeCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// No type.
    public static let undefined = DataTypeCode(0x0000)
    /// Int8.
    public static let int8 = DataTypeCode(0x0001)
    /// UInt8.
    public static let uint8 = DataTypeCode(0x0002)
    /// Int16.
    public static let int16 = DataTypeCode(0x0003)
    /// UInt16.
    public static let uint16 = DataTypeCode(0x0004)
    /// Int32.
    public static let int32 = DataTypeCode(0x0005)
    /// UInt32.
    public static let uint32 = DataTypeCode(0x0006)
    /// Int64.
    public static let int64 = DataTypeCode(0x0007)
    /// UInt64.
    public static let uint64 = DataTypeCode(0x0008)
    /// Int128.
    public static let int128 = DataTypeCode(0x0009)
    /// UInt128.
    public static let uint128 = DataTypeCode(0x000A)
    /// A PTP string.
    public static let string = DataTypeCode(0xFFFF)

    /// Array types are the scalar code with this bit set (AUINT16 is 0x4004).
    static let arrayBit: UInt16 = 0x4000

    /// The array type whose elements are of this scalar type.
    public var arrayType: DataTypeCode { DataTypeCode(rawValue | Self.arrayBit) }
    /// For an array type, the element type; nil for scalars and strings.
    public var elementType: DataTypeCode? {
        guard self != .string, rawValue & Self.arrayBit != 0 else { return nil }
        let element = DataTypeCode(rawValue & ~Self.arrayBit)
        return (0x0001...0x000A).contains(element.rawValue) ? element : nil
    }

    /// `0x0006`.
    public var description: String { hex16(rawValue) }
}
