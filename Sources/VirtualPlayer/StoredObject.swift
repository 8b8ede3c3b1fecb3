import PTPWire

/// One object (file or folder) on a virtual storage, as the responder describes it to the host.
public struct StoredObject: Equatable, Sendable {
    /// The device-wide handle.
    public let handle: UInt32
    /// The storage holding it.
    public var storageID: UInt32
    /// The parent folder's handle; 0 at the storage's root.
    public var parent: UInt32
    /// The file name.
    public var name: String
    /// The format; `.association` for folders.
    public var format: ObjectFormatCode
    /// The size in bytes (0 for folders).
    public var size: UInt64
    /// Last modification, seconds since 1970.
    public var modified: Int64
    /// When the device first saw the object, seconds since 1970.
    public var added: Int64
    /// Track metadata and other settable properties beyond the ones derived from the fields above.
    public var metadata: [ObjectPropertyCode: PropertyValue]
    /// An album's cover art as the host sent it (RepresentativeSampleData); empty when it has none. Kept as
    /// bytes, not in `metadata`, because a `PropertyValue` array spends tens of bytes on each element.
    public var representativeSample: [UInt8]

    /// Creates an object record.
    public init(
        handle: UInt32, storageID: UInt32, parent: UInt32, name: String, format: ObjectFormatCode,
        size: UInt64, modified: Int64, added: Int64, metadata: [ObjectPropertyCode: PropertyValue] = [:],
        representativeSample: [UInt8] = []
    ) {
        self.handle = handle
        self.storageID = storageID
        self.parent = parent
        self.name = name
        self.format = format
        self.size = size
        self.modified = modified
        self.added = added
        self.metadata = metadata
        self.representativeSample = representativeSample
    }

    /// Whether this is a folder.
    public var isFolder: Bool { format == .association }

    /// The same object under another handle and parent handle (the device renumbered its objects).
    func renumbered(handle: UInt32, parent: UInt32) -> StoredObject {
        StoredObject(
            handle: handle, storageID: storageID, parent: parent, name: name, format: format, size: size,
            modified: modified, added: added, metadata: metadata, representativeSample: representativeSample)
    }
}

/// What the host asked for when creating an object, before the object exists.
public struct ObjectDraft: Equatable, Sendable {
    /// The parent folder's handle; 0 for the storage's root.
    public var parent: UInt32
    /// The file name.
    public var name: String
    /// The format.
    public var format: ObjectFormatCode
    /// The announced size; nil when the host could not say (ObjectInfo's 0xFFFFFFFF without a 64-bit size).
    public var size: UInt64?
    /// Modification time, seconds since 1970; nil for "now".
    public var modified: Int64?
    /// Properties sent along (SendObjectPropList), applied when the object is created.
    public var metadata: [ObjectPropertyCode: PropertyValue]

    /// Creates a draft.
    public init(
        parent: UInt32, name: String, format: ObjectFormatCode, size: UInt64?, modified: Int64? = nil,
        metadata: [ObjectPropertyCode: PropertyValue] = [:]
    ) {
        self.parent = parent
        self.name = name
        self.format = format
        self.size = size
        self.modified = modified
        self.metadata = metadata
    }
}

/// What a storage rescan found changed on the host side.
public struct StoreChanges: Equatable, Sendable {
    /// Handles of objects that appeared.
    public var added: [UInt32] = []
    /// Handles of objects that went.
    public var removed: [UInt32] = []
    /// Handles of objects whose size or modification time changed.
    public var changed: [UInt32] = []

    /// No changes.
    public init() {}

    /// Whether nothing changed.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Adds `other`'s changes to these.
    mutating func merge(_ other: StoreChanges) {
        added += other.added
        removed += other.removed
        changed += other.changed
    }
}
