/// Why a name or path from a client cannot name an object on a device.
public enum NameRejection: Error, Sendable, Equatable {
    /// A single object name is unusable; `reason` says why in words a user can act on.
    case invalidName(name: String, reason: String)
    /// A path is unusable (not absolute).
    case invalidPath(path: String, reason: String)
}

/// A valid object name on a device: not empty, not "." or "..", no '/' or NUL, at most 255 bytes of UTF-8.
public struct ObjectName: Sendable, Hashable, CustomStringConvertible {
    /// The name as the device stores it.
    public let text: String
    /// The longest name, in bytes of UTF-8, that MTP devices reliably store.
    public static let maxBytes = 255

    /// Validates `text`. The checks are on bytes: compared as characters, "/" followed by a combining mark is
    /// not "/", and such a name slipped through with a '/' in it.
    public init(_ text: String) throws(NameRejection) {
        let reason: String? =
            if text.isEmpty {
                "a name cannot be empty"
            } else if text.utf8.elementsEqual(".".utf8) || text.utf8.elementsEqual("..".utf8) {
                "\"\(text)\" is not a name an object can have"
            } else if text.utf8.contains(UInt8(ascii: "/")) { "a name cannot contain '/'" } else if text.utf8.contains(0) {
                "a name cannot contain a NUL byte"
            } else if text.utf8.count > Self.maxBytes {
                "a name is at most \(Self.maxBytes) bytes of UTF-8, this one has \(text.utf8.count)"
            } else { nil }
        if let reason { throw .invalidName(name: text, reason: reason) }
        self.text = text
    }

    /// The name.
    public var description: String { text }
}

/// An absolute path on one storage of a device: "/" or "/Music/Album/track.mp3". Empty components from
/// doubled or trailing slashes are dropped; ".", "..", NUL and over-long components are refused.
public struct ObjectPath: Sendable, Hashable, CustomStringConvertible {
    /// The folders and the final name, from the storage root down; empty for the root.
    public let components: [ObjectName]

    /// Parses `text`, splitting at '/' bytes (not characters, which would keep "/" plus a combining mark whole).
    public init(_ text: String) throws(NameRejection) {
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw .invalidPath(path: text, reason: "a device path starts with '/', e.g. /Music/\(text)")
        }
        var names: [ObjectName] = []
        for part in text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            names.append(try ObjectName(String(decoding: part, as: UTF8.self)))
        }
        components = names
    }

    /// A path made of `components`.
    public init(components: [ObjectName]) { self.components = components }

    /// The root of the storage.
    public static let root = ObjectPath(components: [])

    /// Whether this is the storage root.
    public var isRoot: Bool { components.isEmpty }
    /// The folder holding this object (the root holds itself).
    public var parent: ObjectPath { ObjectPath(components: Array(components.dropLast())) }
    /// The final component, nil for the root.
    public var name: ObjectName? { components.last }
    /// This path with `name` appended.
    public func appending(_ name: ObjectName) -> ObjectPath { ObjectPath(components: components + [name]) }

    /// "/a/b".
    public var description: String { "/" + components.map(\.text).joined(separator: "/") }
}
