/// A device or object property value, tagged with its PTP data type.
public enum PropertyValue: Hashable, Sendable {
    /// INT8.
    case int8(Int8)
    /// UINT8.
    case uint8(UInt8)
    /// INT16.
    case int16(Int16)
    /// UINT16.
    case uint16(UInt16)
    /// INT32.
    case int32(Int32)
    /// UINT32.
    case uint32(UInt32)
    /// INT64.
    case int64(Int64)
    /// UINT64.
    case uint64(UInt64)
    /// INT128.
    case int128(Int128)
    /// UINT128.
    case uint128(UInt128)
    /// STR: a PTP string.
    case string(String)
    /// An array of scalars of `element` type (AINT8…AUINT128).
    case array(element: DataTypeCode, [PropertyValue])

    /// The wire data type of this value.
    public var dataType: DataTypeCode {
        switch self {
        case .int8: .int8
        case .uint8: .uint8
        case .int16: .int16
        case .uint16: .uint16
        case .int32: .int32
        case .uint32: .uint32
        case .int64: .int64
        case .uint64: .uint64
        case .int128: .int128
        case .uint128: .uint128
        case .string: .string
        case .array(let element, _): element.arrayType
        }
    }

    /// The value widened to UInt64 when it is a non-negative integer that fits, for lenient comparisons.
    public var unsignedValue: UInt64? {
        switch self {
        case .int8(let v): UInt64(exactly: v)
        case .uint8(let v): UInt64(v)
        case .int16(let v): UInt64(exactly: v)
        case .uint16(let v): UInt64(v)
        case .int32(let v): UInt64(exactly: v)
        case .uint32(let v): UInt64(v)
        case .int64(let v): UInt64(exactly: v)
        case .uint64(let v): v
        case .int128(let v): UInt64(exactly: v)
        case .uint128(let v): UInt64(exactly: v)
        case .string, .array: nil
        }
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    /// The zero (or empty) value of `type`; nil for types no one defines.
    public static func zero(of type: DataTypeCode) -> PropertyValue? {
        switch type {
        case .int8: .int8(0)
        case .uint8: .uint8(0)
        case .int16: .int16(0)
        case .uint16: .uint16(0)
        case .int32: .int32(0)
        case .uint32: .uint32(0)
        case .int64: .int64(0)
        case .uint64: .uint64(0)
        case .int128: .int128(0)
        case .uint128: .uint128(0)
        case .string: .string("")
        default: type.elementType.map { .array(element: $0, []) }
        }
    }

    /// Appends the value as its data type is laid out (no type code).
    public func write(to writer: inout WireWriter) {
        switch self {
        case .int8(let v): writer.write(v)
        case .uint8(let v): writer.write(v)
        case .int16(let v): writer.write(v)
        case .uint16(let v): writer.write(v)
        case .int32(let v): writer.write(v)
        case .uint32(let v): writer.write(v)
        case .int64(let v): writer.write(v)
        case .uint64(let v): writer.write(v)
        case .int128(let v): writer.write(v)
        case .uint128(let v): writer.write(v)
        case .string(let s): writer.writePTPString(s)
        case .array(_, let elements):
            writer.write(UInt32(truncatingIfNeeded: elements.count))
            for element in elements { element.write(to: &writer) }
        }
    }

    /// Reads a value of `type`.
    public static func read(_ type: DataTypeCode, from reader: inout WireReader) throws(WireReadError) -> PropertyValue {
        switch type {
        case .int8: return .int8(try reader.readInt8())
        case .uint8: return .uint8(try reader.readUInt8())
        case .int16: return .int16(try reader.readInt16())
        case .uint16: return .uint16(try reader.readUInt16())
        case .int32: return .int32(try reader.readInt32())
        case .uint32: return .uint32(try reader.readUInt32())
        case .int64: return .int64(try reader.readInt64())
        case .uint64: return .uint64(try reader.readUInt64())
        case .int128: return .int128(try reader.readInt128())
        case .uint128: return .uint128(try reader.readUInt128())
        case .string: return .string(try reader.readPTPString())
        default:
            guard let element = type.elementType else {
                throw .invalidValue(offset: reader.offset, what: "data type \(type)")
            }
            let count = Int(try reader.readUInt32())
            // Every element takes at least one byte: refuse counts the remaining bytes cannot hold.
            try reader.need(count)
            var elements: [PropertyValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try read(element, from: &reader)) }
            return .array(element: element, elements)
        }
    }
}
