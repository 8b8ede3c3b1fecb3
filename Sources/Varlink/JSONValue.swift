/// A JSON value as varlink carries it; integers stay exact 64-bit integers.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The string, if this is one.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The integer, if this is one (a double with an integral value counts).
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }
    /// The number as a double, if this is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
    /// The boolean, if this is one.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    /// Whether this is null.
    public var isNull: Bool { self == .null }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// Lets a string literal stand for `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Lets an integer literal stand for `.int`.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// Lets `true` or `false` stand for `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Lets a floating-point literal stand for `.double`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Lets an array literal stand for `.array`.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Lets a dictionary literal stand for `.object`; of repeated keys the last wins.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// Lets `nil` stand for `.null`.
    public init(nilLiteral: ()) { self = .null }
}
