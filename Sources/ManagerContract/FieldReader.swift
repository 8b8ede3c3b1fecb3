import Varlink

/// Reads the fields of one varlink object into Swift values. The server has already checked a call's fields
/// against the interface's types; what remains is meaning (a negative size, a storage id beyond 32 bits),
/// reported as `InvalidParameter` naming the field, as the daemon always has.
struct FieldReader {
    /// The object's fields.
    let values: [String: JSONValue]
    /// Reads `values`.
    init(_ values: [String: JSONValue]) { self.values = values }

    /// A string that must be there.
    func string(_ key: String) throws(VarlinkError) -> String {
        guard let s = values[key]?.stringValue else { throw .invalidParameter(key) }
        return s
    }
    /// A string, or nil when absent or null.
    func optionalString(_ key: String) throws(VarlinkError) -> String? {
        guard let v = values[key], v != .null else { return nil }
        guard let s = v.stringValue else { throw .invalidParameter(key) }
        return s
    }
    /// A boolean that must be there.
    func bool(_ key: String) throws(VarlinkError) -> Bool {
        guard let v = values[key]?.boolValue else { throw .invalidParameter(key) }
        return v
    }
    /// A boolean, or nil when absent or null.
    func optionalBool(_ key: String) throws(VarlinkError) -> Bool? {
        guard let v = values[key], v != .null else { return nil }
        guard let b = v.boolValue else { throw .invalidParameter(key) }
        return b
    }
    /// An array of strings that must be there.
    func strings(_ key: String) throws(VarlinkError) -> [String] {
        guard let items = values[key]?.arrayValue else { throw .invalidParameter(key) }
        var result: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw .invalidParameter(key) }
            result.append(s)
        }
        return result
    }
    /// An integer within `range`, or nil when absent or null.
    func optionalInt(_ key: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws(VarlinkError) -> Int? {
        guard let v = values[key], v != .null else { return nil }
        guard let i = v.intValue, range.contains(i) else { throw .invalidParameter(key) }
        return Int(i)
    }
    /// An integer within `range` that must be there.
    func int(_ key: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws(VarlinkError) -> Int {
        guard let i = try optionalInt(key, in: range) else { throw .invalidParameter(key) }
        return i
    }
    /// A number that must be there.
    func double(_ key: String) throws(VarlinkError) -> Double {
        guard let d = values[key]?.doubleValue else { throw .invalidParameter(key) }
        return d
    }
    /// A duration or similar: finite and not negative.
    func optionalSeconds(_ key: String) throws(VarlinkError) -> Double? {
        guard let v = values[key], v != .null else { return nil }
        guard let d = v.doubleValue, d.isFinite, d >= 0 else { throw .invalidParameter(key) }
        return d
    }
    /// An object, or nil when absent or null.
    func optionalObject(_ key: String) throws(VarlinkError) -> [String: JSONValue]? {
        guard let v = values[key], v != .null else { return nil }
        guard let o = v.objectValue else { throw .invalidParameter(key) }
        return o
    }
    /// A value of one of the interface's types that must be there.
    func value<T: VarlinkObject>(_ key: String, as: T.Type = T.self) throws(VarlinkError) -> T {
        guard let o = values[key]?.objectValue else { throw .invalidParameter(key) }
        return try T(fields: o)
    }
    /// A value of one of the interface's types, or nil when absent or null.
    func optionalValue<T: VarlinkObject>(_ key: String, as: T.Type = T.self) throws(VarlinkError) -> T? {
        guard let o = try optionalObject(key) else { return nil }
        return try T(fields: o)
    }
    /// An array of values of one of the interface's types that must be there.
    func values<T: VarlinkObject>(_ key: String, as: T.Type = T.self) throws(VarlinkError) -> [T] {
        guard let items = values[key]?.arrayValue else { throw .invalidParameter(key) }
        var result: [T] = []
        for item in items {
            guard let o = item.objectValue else { throw .invalidParameter(key) }
            result.append(try T(fields: o))
        }
        return result
    }
    /// A member of a varlink enum, `(a, b, c)`.
    func member<T: RawRepresentable>(_ key: String, as: T.Type = T.self) throws(VarlinkError) -> T where T.RawValue == String {
        guard let m = T(rawValue: try string(key)) else { throw .invalidParameter(key) }
        return m
    }
}

/// A storage id: the interface's int, 32 bits on the device.
let storageRange: ClosedRange<Int64> = 0...Int64(UInt32.max)
/// A byte count or offset: not negative.
let byteRange: ClosedRange<Int64> = 0...Int64.max
/// A time in seconds since the epoch that an MTP date (four-digit years from 1970) can hold.
let timeRange: ClosedRange<Int64> = 0...253_402_300_799
/// A descriptor index or a small track figure.
let smallRange: ClosedRange<Int64> = 0...Int64(Int32.max)

extension JSONValue {
    /// `.string`, or null for nil.
    static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    /// `.int`, or null for nil.
    static func optional(_ i: Int?) -> JSONValue { i.map { .int(Int64($0)) } ?? .null }
    /// `.bool`, or null for nil.
    static func optional(_ b: Bool?) -> JSONValue { b.map(JSONValue.bool) ?? .null }
    /// An object value, or null for nil.
    static func optional<T: VarlinkObject>(_ v: T?) -> JSONValue { v.map { .object($0.fields) } ?? .null }
    /// `.int` from an `Int`.
    static func integer(_ i: Int) -> JSONValue { .int(Int64(i)) }
    /// An array of strings.
    static func strings(_ s: [String]) -> JSONValue { .array(s.map(JSONValue.string)) }
    /// An array of objects.
    static func objects<T: VarlinkObject>(_ v: [T]) -> JSONValue { .array(v.map { .object($0.fields) }) }
}
