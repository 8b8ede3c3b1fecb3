import SessionCore
import Varlink

/// Typed access to a call's parameters. The varlink server has already checked them against the interface's
/// types; what remains here is meaning (negative sizes, out-of-range numbers), reported as InvalidParameter.
struct Parameters {
    let values: [String: JSONValue]
    init(_ values: [String: JSONValue]) { self.values = values }

    func string(_ key: String) throws(VarlinkError) -> String {
        guard let s = values[key]?.stringValue else { throw .invalidParameter(key) }
        return s
    }
    func optionalString(_ key: String) -> String? { values[key]?.stringValue }
    func bool(_ key: String) -> Bool { values[key]?.boolValue ?? false }
    func strings(_ key: String) throws(VarlinkError) -> [String] {
        guard let items = values[key]?.arrayValue else { throw .invalidParameter(key) }
        var result: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw .invalidParameter(key) }
            result.append(s)
        }
        return result
    }
    func optionalInt(_ key: String, in range: ClosedRange<Int64>) throws(VarlinkError) -> Int64? {
        guard let v = values[key], v != .null else { return nil }
        guard let i = v.intValue, range.contains(i) else { throw .invalidParameter(key) }
        return i
    }
    func int(_ key: String, in range: ClosedRange<Int64>) throws(VarlinkError) -> Int64 {
        guard let i = try optionalInt(key, in: range) else { throw .invalidParameter(key) }
        return i
    }
    func optionalDouble(_ key: String) throws(VarlinkError) -> Double? {
        guard let v = values[key], v != .null else { return nil }
        guard let d = v.doubleValue, d.isFinite, d >= 0 else { throw .invalidParameter(key) }
        return d
    }
    func storage() throws(VarlinkError) -> UInt32? {
        try optionalInt("storage", in: 0...Int64(UInt32.max)).map(UInt32.init)
    }
    func object(_ key: String) -> [String: JSONValue]? { values[key]?.objectValue }
}
