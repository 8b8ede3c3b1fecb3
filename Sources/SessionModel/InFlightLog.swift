/// An object being sent to a device, as the in-flight journal knows it: enough to find it again after the
/// daemon died mid-transfer, and to tell it from anything else on the device.
public struct InFlightObject: Equatable, Sendable {
    /// The device's serial number as the device reports it.
    public var serial: String
    /// The id of the storage the object goes to.
    public var storage: UInt32
    /// The folder's object id (0 or 0xFFFFFFFF for a storage's root).
    public var parent: UInt32
    /// The name the object travels under (a temporary one when it replaces another).
    public var name: String
    /// The name it ends with: `name`, or the name of the object it replaces.
    public var finalName: String
    /// The size announced to the device.
    public var size: UInt64
    /// The object's id, once the device accepted its info.
    public var handle: UInt32?
    /// The folder's path from the storage root ("/Music"): what still finds the folder on a device that numbers
    /// its objects afresh at every session, where `parent` and `handle` may name nothing, or something else.
    /// nil in a record written before paths were kept.
    public var folder: String?

    /// Describes an object about to be sent; `handle` stays nil until the device accepts the object's info.
    public init(
        serial: String, storage: UInt32, parent: UInt32, name: String, finalName: String, size: UInt64,
        handle: UInt32? = nil, folder: String? = nil
    ) {
        self.serial = serial
        self.storage = storage
        self.parent = parent
        self.name = name
        self.finalName = finalName
        self.size = size
        self.handle = handle
        self.folder = folder
    }

    /// Whether the send replaces an object of `finalName`, travelling under a temporary name.
    public var isReplacement: Bool { name != finalName }
}

/// The in-flight journal's contents as a pure value: lines in, objects still in flight out.
///
/// A line is one event: `begin ID SERIAL STORAGE PARENT SIZE NAME FINAL [FOLDER]`, `handle ID HANDLE` or `end ID`,
/// strings percent-encoded so that a line never holds a space or a newline of its own. Lines are appended as
/// the transfers go; a last line cut short by a crash, and anything not understood, are ignored.
public struct InFlightLog: Equatable, Sendable {
    /// Objects begun and not ended, by id.
    public private(set) var pending: [UInt64: InFlightObject] = [:]
    /// The next id `begin` hands out: above every id read.
    public private(set) var nextID: UInt64 = 1

    /// An empty journal: nothing in flight.
    public init() {}

    /// Reads a journal's whole text.
    public init(text: Substring) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }  // Cut short mid-write.
        for line in lines { apply(line) }
    }

    /// Starts tracking `object`; returns its id and the line to append.
    public mutating func begin(_ object: InFlightObject) -> (id: UInt64, line: String) {
        let id = nextID
        nextID += 1
        pending[id] = object
        let fields =
            [
                "begin", String(id), Self.encode(object.serial), String(object.storage), String(object.parent),
                String(object.size), Self.encode(object.name), Self.encode(object.finalName),
            ]
            + (object.folder.map { [Self.encode($0)] } ?? [])
        return (id, fields.joined(separator: " ") + "\n")
    }

    /// Records the object id the device gave `id`'s object; the line to append, or nil when `id` is not pending.
    public mutating func accepted(_ id: UInt64, handle: UInt32) -> String? {
        guard pending[id] != nil else { return nil }
        pending[id]!.handle = handle
        return "handle \(id) \(handle)\n"
    }

    /// Stops tracking `id`; the line to append, or nil when `id` is not pending.
    public mutating func end(_ id: UInt64) -> String? {
        guard pending.removeValue(forKey: id) != nil else { return nil }
        return "end \(id)\n"
    }

    /// The whole journal rewritten with only what is pending, in id order.
    public var compacted: String {
        var copy = InFlightLog()
        copy.nextID = nextID
        var text = ""
        for (id, object) in pending.sorted(by: { $0.key < $1.key }) {
            copy.nextID = id
            text += copy.begin(object).line
            if let handle = object.handle { text += copy.accepted(id, handle: handle)! }
        }
        return text
    }

    private mutating func apply(_ line: Substring) {
        let f = line.split(separator: " ", omittingEmptySubsequences: false)
        guard f.count >= 2, let id = UInt64(f[1]) else { return }
        switch f[0] {
        case "begin":
            guard f.count == 8 || f.count == 9, let serial = Self.decode(f[2]), let storage = UInt32(f[3]),
                let parent = UInt32(f[4]), let size = UInt64(f[5]), let name = Self.decode(f[6]),
                let finalName = Self.decode(f[7])
            else { return }
            let folder = f.count == 9 ? Self.decode(f[8]) : nil
            if f.count == 9 && folder == nil { return }
            pending[id] = InFlightObject(
                serial: serial, storage: storage, parent: parent, name: name, finalName: finalName,
                size: size, folder: folder)
            nextID = max(nextID, id &+ 1)
        case "handle":
            guard f.count == 3, let handle = UInt32(f[2]), pending[id] != nil else { return }
            pending[id]!.handle = handle
        case "end":
            pending[id] = nil
        default:
            return
        }
    }

    /// Percent-encodes every byte that is not printable ASCII, and '%' and ' '; the empty string is "%".
    static func encode(_ s: String) -> String {
        if s.isEmpty { return "%" }
        var out = ""
        for byte in s.utf8 {
            if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    static func decode(_ s: Substring) -> String? {
        if s == "%" { return "" }
        let utf8 = Array(s.utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i < utf8.count {
            guard utf8[i] == UInt8(ascii: "%") else { bytes.append(utf8[i]); i += 1; continue }
            guard i + 2 < utf8.count, let hi = hexDigit(utf8[i + 1]), let lo = hexDigit(utf8[i + 2]) else { return nil }
            bytes.append(hi << 4 | lo)
            i += 3
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
