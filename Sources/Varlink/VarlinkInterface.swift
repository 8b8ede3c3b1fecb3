/// A varlink type, as an interface description writes it.
public indirect enum VarlinkType: Sendable, Equatable {
    case bool, int, float, string, object
    /// `?T`: the value may be null or absent.
    case optional(VarlinkType)
    /// `[]T`.
    case array(VarlinkType)
    /// `[string]T`.
    case map(VarlinkType)
    /// `(a, b, c)`.
    case enumeration([String])
    /// `(name: T, ...)`.
    case structure([VarlinkField])
    /// A type defined with `type NAME`.
    case named(String)
}

/// A field of a struct, a method's input or output, or an error.
public struct VarlinkField: Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Its type.
    public var type: VarlinkType
}

/// An interface description, parsed: what the server checks each call against and serves to introspection.
public struct VarlinkInterface: Sendable {
    /// The interface's reverse-domain name.
    public var name: String
    /// The text it was parsed from.
    public var description: String
    /// Named types.
    public var types: [String: VarlinkType] = [:]
    /// Methods: inputs and outputs.
    public var methods: [String: (input: [VarlinkField], output: [VarlinkField])] = [:]
    /// Errors and their parameters.
    public var errors: [String: [VarlinkField]] = [:]

    /// Why an interface description does not parse, with its line.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var reason: String
        /// 1-based line.
        public var line: Int
        /// "line N: reason".
        public var description: String { "interface description, line \(line): \(reason)" }
    }

    /// Parses `text`.
    public init(parsing text: String) throws(ParseError) {
        description = text
        var p = IDLParser(text)
        var typeLines: [String: Int] = [:]
        guard try p.word() == "interface" else { throw p.fail("expected 'interface'") }
        name = try p.word()
        guard name.split(separator: ".").count >= 2 else {
            throw p.fail("interface names are reverse-domain, like org.example.Name")
        }
        while !p.atEnd {
            let line = p.line
            switch try p.word() {
            case "type":
                let typeName = try p.word()
                typeLines[typeName] = line
                types[typeName] = try p.typeExpression()
            case "method":
                let methodName = try p.word()
                guard case .structure(let input) = try p.typeExpression() else {
                    throw p.fail("expected the method's input fields")
                }
                try p.expect("->")
                guard case .structure(let output) = try p.typeExpression() else {
                    throw p.fail("expected the method's output fields")
                }
                methods[methodName] = (input, output)
            case "error":
                let errorName = try p.word()
                guard case .structure(let fields) = try p.typeExpression() else { throw p.fail("expected the error's fields") }
                errors[errorName] = fields
            case let other:
                throw ParseError(reason: "unexpected '\(other)'", line: line)
            }
        }
        for (n, line) in p.namedTypes where types[n] == nil { throw ParseError(reason: "unknown type \(n)", line: line) }
        // `type A ?B` with `type B A` describes no value: checking a call against it would recurse forever.
        for typeName in types.keys.sorted() where !Self.reachesAShape(typeName, in: types) {
            throw ParseError(reason: "type \(typeName) is defined only by itself", line: typeLines[typeName] ?? 1)
        }
    }

    /// Whether `name`, followed through `?` and other names, ends at a type with a shape of its own.
    private static func reachesAShape(_ name: String, in types: [String: VarlinkType]) -> Bool {
        var seen: Set = [name]
        var type = types[name]
        while let t = type {
            switch t {
            case .optional(let inner): type = inner
            case .named(let next):
                guard seen.insert(next).inserted else { return false }
                type = types[next]
            default: return true
            }
        }
        return true
    }

    /// The first parameter of a call to `method` that does not fit its declared input, or nil when all do.
    /// Unknown parameters, missing non-optional ones and values of the wrong type are all caught.
    public func invalidParameter(in parameters: [String: JSONValue], method: String) -> String? {
        guard let signature = methods[method] else { return nil }
        return firstMismatch(parameters, fields: signature.input)
    }

    private func firstMismatch(_ object: [String: JSONValue], fields: [VarlinkField]) -> String? {
        let known = Set(fields.map(\.name))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { return unknown }
        for field in fields {
            let value = object[field.name] ?? .null
            if let inner = mismatch(value, field.type) { return inner.isEmpty ? field.name : field.name + "." + inner }
        }
        return nil
    }

    /// nil when `value` fits `type`; otherwise the path below it that does not ("" for the value itself).
    private func mismatch(_ value: JSONValue, _ type: VarlinkType) -> String? {
        switch type {
        case .optional(let inner): return value == .null ? nil : mismatch(value, inner)
        case _ where value == .null: return ""
        case .bool: return value.boolValue != nil ? nil : ""
        case .int: if case .int = value { return nil }; return ""
        case .float: return value.doubleValue != nil ? nil : ""
        case .string: return value.stringValue != nil ? nil : ""
        case .object: return value.objectValue != nil ? nil : ""
        case .array(let element):
            guard let items = value.arrayValue else { return "" }
            for (i, item) in items.enumerated() {
                if let m = mismatch(item, element) { return "\(i)" + (m.isEmpty ? "" : "." + m) }
            }
            return nil
        case .map(let element):
            guard let members = value.objectValue else { return "" }
            for (k, v) in members { if let m = mismatch(v, element) { return k + (m.isEmpty ? "" : "." + m) } }
            return nil
        case .enumeration(let cases):
            guard let s = value.stringValue, cases.contains(s) else { return "" }
            return nil
        case .structure(let fields):
            guard let members = value.objectValue else { return "" }
            return firstMismatch(members, fields: fields)
        case .named(let n):
            guard let t = types[n] else { return "" }
            return mismatch(value, t)
        }
    }
}

/// Tokens of the interface description language: words, `->`, and single punctuation; `#` comments skipped.
private struct IDLParser {
    let chars: [Character]
    var i = 0
    var line = 1
    /// Every use of a named type, with its line, to check once all types are known.
    var namedTypes: [(name: String, line: Int)] = []

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { mutating get { skip(); return i >= chars.count } }

    func fail(_ reason: String) -> VarlinkInterface.ParseError { .init(reason: reason, line: line) }

    mutating func skip() {
        while i < chars.count {
            if chars[i] == "\n" {
                line += 1; i += 1
            } else if chars[i].isWhitespace {
                i += 1
            } else if chars[i] == "#" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else {
                break
            }
        }
    }

    mutating func peek() -> Character? { skip(); return i < chars.count ? chars[i] : nil }

    mutating func word() throws(VarlinkInterface.ParseError) -> String {
        skip()
        let start = i
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." { i += 1 }
        guard i > start else { throw fail(i < chars.count ? "unexpected '\(chars[i])'" : "unexpected end") }
        return String(chars[start..<i])
    }

    mutating func expect(_ token: String) throws(VarlinkInterface.ParseError) {
        skip()
        for c in token {
            guard i < chars.count, chars[i] == c else { throw fail("expected '\(token)'") }
            i += 1
        }
    }

    mutating func typeExpression() throws(VarlinkInterface.ParseError) -> VarlinkType {
        switch peek() {
        case "?":
            i += 1
            return .optional(try typeExpression())
        case "[":
            i += 1
            if peek() == "]" { i += 1; return .array(try typeExpression()) }
            guard try word() == "string" else { throw fail("map keys are strings: [string]T") }
            try expect("]")
            return .map(try typeExpression())
        case "(":
            i += 1
            if peek() == ")" { i += 1; return .structure([]) }
            var fields: [VarlinkField] = []
            var names: [String] = []
            while true {
                let name = try word()
                if peek() == ":" {
                    i += 1
                    fields.append(VarlinkField(name: name, type: try typeExpression()))
                } else {
                    names.append(name)
                }
                if peek() == "," { i += 1; continue }
                try expect(")")
                break
            }
            guard fields.isEmpty || names.isEmpty else { throw fail("a type is either an enum or a struct") }
            return names.isEmpty ? .structure(fields) : .enumeration(names)
        default:
            switch try word() {
            case "bool": return .bool
            case "int": return .int
            case "float": return .float
            case "string": return .string
            case "object": return .object
            case let name:
                namedTypes.append((name, line))
                return .named(name)
            }
        }
    }
}
