import PTPWire

/// A storage whose objects live in memory: quick, private to the process, gone at exit.
public final class MemoryObjectStore: ObjectStore {
    /// The PTP storage id.
    public let storageID: UInt32
    /// Capacity in bytes.
    public let capacity: UInt64
    private let label: String
    private let allocator: HandleAllocator
    private var table = ObjectTable()
    private var contents: [UInt32: [UInt8]] = [:]
    private var usedBytes: UInt64 = 0
    /// Bytes promised to writers in flight, so two uploads cannot both claim the last free space.
    fileprivate var reservedBytes: UInt64 = 0

    /// An empty storage of `capacity` bytes.
    public init(storageID: UInt32, capacity: UInt64, label: String = "Internal storage", allocator: HandleAllocator) {
        self.storageID = storageID
        self.capacity = capacity
        self.label = label
        self.allocator = allocator
    }

    /// The StorageInfo dataset.
    public var storageInfo: StorageInfo {
        var info = StorageInfo()
        info.storageType = 0x0003
        info.maxCapacity = capacity
        info.freeSpaceInBytes = freeBytes
        info.storageDescription = label
        info.volumeLabel = label
        return info
    }

    /// Free bytes.
    public var freeBytes: UInt64 { capacity - min(capacity, usedBytes + reservedBytes) }
    /// Number of objects.
    public var objectCount: Int { table.count }
    /// The object with `handle`.
    public func object(_ handle: UInt32) -> StoredObject? { table[handle] }
    /// Every handle.
    public func allHandles() -> [UInt32] { table.allHandles }
    /// Children of `parent`.
    public func childHandles(of parent: UInt32) -> [UInt32] { table.childHandles(of: parent) }

    /// Adds a file with `bytes` directly (fixtures, tests); returns its record.
    @discardableResult
    public func addFile(
        named name: String, parent: UInt32 = 0, bytes: [UInt8], format: ObjectFormatCode = .undefined,
        metadata: [ObjectPropertyCode: PropertyValue] = [:]
    ) throws(StoreError) -> StoredObject {
        let writer = try beginWrite(
            ObjectDraft(
                parent: parent, name: name, format: format,
                size: UInt64(bytes.count), metadata: metadata),
            handle: allocator.next())
        do throws(StoreError) {
            let failure: StoreError? = bytes.withUnsafeBytes { raw in
                do throws(StoreError) { try writer.write(raw) } catch { return error }
                return nil
            }
            if let failure { throw failure }
            return try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Adds a folder directly; returns its record.
    @discardableResult
    public func addFolder(named name: String, parent: UInt32 = 0) throws(StoreError) -> StoredObject {
        try createFolder(ObjectDraft(parent: parent, name: name, format: .association, size: 0), handle: allocator.next())
    }

    /// Creates a folder.
    public func createFolder(_ draft: ObjectDraft, handle: UInt32) throws(StoreError) -> StoredObject {
        guard table.isContainer(draft.parent) else { throw .invalidParent }
        guard isAcceptableName(draft.name) else { throw .invalidValue }
        let now = nowSince1970()
        let folder = StoredObject(
            handle: handle, storageID: storageID, parent: draft.parent,
            name: table.unusedName(draft.name, under: draft.parent), format: .association,
            size: 0, modified: draft.modified ?? now, added: now, metadata: draft.metadata)
        table.insert(folder)
        return folder
    }

    /// Starts receiving a file.
    public func beginWrite(_ draft: ObjectDraft, handle: UInt32) throws(StoreError) -> any ObjectWriter {
        guard table.isContainer(draft.parent) else { throw .invalidParent }
        guard isAcceptableName(draft.name) else { throw .invalidValue }
        let reservation = draft.size ?? 0
        guard reservation <= freeBytes else { throw .full }
        reservedBytes += reservation
        return Writer(store: self, draft: draft, handle: handle, reservation: reservation)
    }

    /// Opens a file for reading.
    public func openReader(_ handle: UInt32) throws(StoreError) -> any ObjectReader {
        guard let bytes = contents[handle] else {
            throw table[handle] == nil ? .invalidHandle : .invalidValue
        }
        return Reader(bytes: bytes)
    }

    /// Opens a file for in-place editing.
    public func openEditor(_ handle: UInt32) throws(StoreError) -> any ObjectEditor {
        guard contents[handle] != nil else { throw table[handle] == nil ? .invalidHandle : .invalidValue }
        return Editor(store: self, handle: handle)
    }

    /// Replaces a file's contents during an edit, keeping size and usage right.
    fileprivate func edit(_ handle: UInt32, _ change: (inout [UInt8]) throws(StoreError) -> Void) throws(StoreError) {
        guard var bytes = contents[handle], var object = table[handle] else { throw .invalidHandle }
        let before = UInt64(bytes.count)
        contents[handle] = nil  // Let the array be mutated in place rather than copied.
        defer { contents[handle] = bytes }
        try change(&bytes)
        let after = UInt64(bytes.count)
        if after > before, after - before > freeBytes {
            bytes.removeSubrange(Int(before)...)
            throw .full
        }
        usedBytes = usedBytes - before + after
        object.size = after
        object.modified = nowSince1970()
        table.update(object)
    }

    /// Deletes an object and everything below it.
    public func delete(_ handle: UInt32) throws(StoreError) -> [UInt32] {
        guard table[handle] != nil else { throw .invalidHandle }
        let removed = table.remove(handle)
        for gone in removed {
            if let bytes = contents.removeValue(forKey: gone) { usedBytes -= UInt64(bytes.count) }
        }
        return removed
    }

    /// Moves an object under another parent.
    public func move(_ handle: UInt32, to parent: UInt32) throws(StoreError) {
        guard var object = table[handle] else { throw .invalidHandle }
        guard table.isContainer(parent), !table.isWithin(parent, handle) else { throw .invalidParent }
        guard object.parent != parent else { return }
        object.name = table.unusedName(object.name, under: parent)
        object.parent = parent
        table.update(object)
    }

    /// Sets a property.
    public func setProperty(_ code: ObjectPropertyCode, to value: PropertyValue, of handle: UInt32) throws(StoreError) {
        guard var object = table[handle] else { throw .invalidHandle }
        let parent = object.parent
        try applyProperty(code, value, to: &object) { name throws(StoreError) in
            guard isAcceptableName(name) else { throw .invalidValue }
            let holder = table.child(named: name, of: parent)
            return holder == nil || holder == handle ? name : table.unusedName(name, under: parent)
        }
        table.update(object)
    }

    /// Sets an album's cover art.
    public func setRepresentativeSample(_ sample: [UInt8], of handle: UInt32) throws(StoreError) {
        guard var object = table[handle] else { throw .invalidHandle }
        object.representativeSample = sample
        table.update(object)
    }

    /// Renumbers the objects and their contents.
    public func renumber(_ newHandles: [UInt32: UInt32]) {
        precondition(reservedBytes == 0, "renumbering with a write in flight")
        table.renumber(newHandles)
        contents = Dictionary(uniqueKeysWithValues: contents.map { (newHandles[$0.key]!, $0.value) })
    }

    /// Memory has no outside world that could change it.
    public func refresh() -> StoreChanges { StoreChanges() }

    fileprivate func finish(_ writer: Writer) throws(StoreError) -> StoredObject {
        reservedBytes -= writer.reservation
        guard table.isContainer(writer.draft.parent) else { throw .invalidParent }
        let size = UInt64(writer.buffer.count)
        guard size <= freeBytes else { throw .full }
        let now = nowSince1970()
        let object = StoredObject(
            handle: writer.handle, storageID: storageID, parent: writer.draft.parent,
            name: table.unusedName(writer.draft.name, under: writer.draft.parent),
            format: writer.draft.format, size: size, modified: writer.draft.modified ?? now,
            added: now, metadata: writer.draft.metadata)
        table.insert(object)
        contents[object.handle] = writer.buffer
        usedBytes += size
        return object
    }

    fileprivate func release(_ writer: Writer) { reservedBytes -= writer.reservation }

    /// Receives a new file into an array that becomes the object on commit.
    fileprivate final class Writer: ObjectWriter {
        unowned let store: MemoryObjectStore
        let draft: ObjectDraft
        let handle: UInt32
        let reservation: UInt64
        var buffer: [UInt8] = []
        var done = false

        init(store: MemoryObjectStore, draft: ObjectDraft, handle: UInt32, reservation: UInt64) {
            self.store = store
            self.draft = draft
            self.handle = handle
            self.reservation = reservation
        }

        var bytesWritten: UInt64 { UInt64(buffer.count) }

        func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            precondition(!done, "write after commit or abort")
            // Beyond the reservation the bytes must also fit what is still free.
            let extra = UInt64(buffer.count + bytes.count) > reservation ? UInt64(buffer.count + bytes.count) - reservation : 0
            guard extra <= store.freeBytes else { throw .full }
            buffer.append(contentsOf: bytes)
        }

        func commit() throws(StoreError) -> StoredObject {
            precondition(!done, "commit twice")
            done = true
            return try store.finish(self)
        }

        func abort() {
            guard !done else { return }
            done = true
            buffer = []
            store.release(self)
        }

        deinit { abort() }
    }

    /// Edits one file in place.
    fileprivate final class Editor: ObjectEditor {
        unowned let store: MemoryObjectStore
        let handle: UInt32

        init(store: MemoryObjectStore, handle: UInt32) {
            self.store = store
            self.handle = handle
        }

        func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            try store.edit(handle) { contents throws(StoreError) in
                guard offset <= UInt64(Int.max - bytes.count) else { throw .full }
                let start = Int(offset)
                if contents.count < start + bytes.count {
                    contents += [UInt8](repeating: 0, count: start + bytes.count - contents.count)
                }
                contents.replaceSubrange(start..<start + bytes.count, with: bytes)
            }
        }

        func truncate(to size: UInt64) throws(StoreError) {
            try store.edit(handle) { contents throws(StoreError) in
                guard size <= UInt64(Int.max) else { throw .full }
                if contents.count > Int(size) {
                    contents.removeSubrange(Int(size)...)
                } else {
                    contents += [UInt8](repeating: 0, count: Int(size) - contents.count)
                }
            }
        }

        func close() -> StoredObject? { store.object(handle) }
    }

    /// Reads one file in chunks.
    fileprivate final class Reader: ObjectReader {
        var bytes: [UInt8]?
        init(bytes: [UInt8]) { self.bytes = bytes }

        func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int {
            guard let bytes else { throw .io(errno: 9, operation: "read after close") }
            guard offset < UInt64(bytes.count) else { return 0 }
            let start = Int(offset)
            let count = min(buffer.count, bytes.count - start)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: count)
            }
            return count
        }

        func close() { bytes = nil }
    }
}

/// Applies a host-settable property to an object record; `rename` vets (and may adjust) a new file name.
func applyProperty(
    _ code: ObjectPropertyCode, _ value: PropertyValue, to object: inout StoredObject,
    rename: (String) throws(StoreError) -> String
) throws(StoreError) {
    guard let spec = ObjectPropertyCatalog.spec(code), spec.writable else { throw .propertyNotSupported }
    guard value.dataType == spec.dataType else { throw .invalidValue }
    switch code {
    case .objectFileName:
        guard let name = value.stringValue else { throw .invalidValue }
        object.name = try rename(name)
    case .dateModified:
        guard let seconds = value.stringValue.flatMap(PTPDateTime.secondsSince1970) else { throw .invalidValue }
        object.modified = seconds
    case .representativeSampleData:
        guard case .array(.uint8, let elements) = value, elements.count <= ObjectPropertyCatalog.sampleByteLimit else {
            throw .invalidValue
        }
        object.representativeSample = elements.map { if case .uint8(let byte) = $0 { byte } else { 0 } }
    default:
        object.metadata[code] = value
    }
}
