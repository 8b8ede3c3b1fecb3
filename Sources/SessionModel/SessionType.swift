/// What a session is for, as the seed's WMDM_SESSION_TYPE: a bitwise OR of these, which EndSession must repeat.
public struct SessionType: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The WMDM_SESSION_TYPE bits, as the client sends them.
    public let rawValue: UInt32
    /// Creates a set from its WMDM_SESSION_TYPE mask.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Files go to the device (WMDM_SESSION_TRANSFER_TO_DEVICE).
    public static let transferToDevice = SessionType(rawValue: 0x1)
    /// Files come from the device (WMDM_SESSION_TRANSFER_FROM_DEVICE).
    public static let transferFromDevice = SessionType(rawValue: 0x10)
    /// Objects are deleted (WMDM_SESSION_DELETE).
    public static let delete = SessionType(rawValue: 0x100)
    /// Anything the service provider and client agree on (WMDM_SESSION_CUSTOM).
    public static let custom = SessionType(rawValue: 0x1000)

    /// Every type with its client-facing name, in mask order.
    public static let named: [(name: String, type: SessionType)] = [
        ("transferToDevice", .transferToDevice), ("transferFromDevice", .transferFromDevice),
        ("delete", .delete), ("custom", .custom),
    ]
    private static let all = SessionType(named.map(\.type))

    /// The names of the types in the set, in mask order.
    public var names: [String] { Self.named.filter { contains($0.type) }.map(\.name) }

    /// `names`, comma-separated.
    public var description: String { names.isEmpty ? "none" : names.joined(separator: ",") }

    /// Parses names ("transferToDevice") or numeric masks ("0x110", "16"), in any mix; each item may itself be
    /// comma-separated. Throws the first item that is neither, or a mask with unknown bits.
    public init(parsing items: [String]) throws(InvalidSessionType) {
        var set: SessionType = []
        for item in items.flatMap({ $0.split(separator: ",") }) {
            let word = item.trimmingWhitespace()
            if let known = Self.named.first(where: { $0.name.lowercased() == word.lowercased() }) {
                set.insert(known.type)
            } else if let mask = Self.parseMask(word), SessionType(rawValue: mask).isSubset(of: Self.all) {
                set.formUnion(SessionType(rawValue: mask))
            } else {
                throw InvalidSessionType(text: String(word))
            }
        }
        self = set
    }

    private static func parseMask(_ word: Substring) -> UInt32? {
        if word.lowercased().hasPrefix("0x") { return UInt32(word.dropFirst(2), radix: 16) }
        return UInt32(word)
    }
}

/// A session type that is neither a known name nor a mask of known bits.
public struct InvalidSessionType: Error, Sendable, Equatable {
    /// The offending text.
    public var text: String
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}
