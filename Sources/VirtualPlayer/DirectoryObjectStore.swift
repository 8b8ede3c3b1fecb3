import Glibc
import PTPWire

/// A storage backed by a host directory: folders are directories, files are files, so a test can put files in
/// before the device starts and inspect what a client sent afterwards.
///
/// A file being received lives under a hidden temporary name (`.mtpsim-partial-<handle>`) in its target
/// directory and is renamed only when its data phase completes; aborted writes unlink it, and leftovers of a
/// crash are removed at start. Track metadata, cover art and modification times set by the host are kept in
/// memory only.
public final class DirectoryObjectStore: ObjectStore {
    /// The prefix of in-flight files; scans ignore them.
    public static let partialPrefix = ".mtpsim-partial-"

    /// The PTP storage id.
    public let storageID: UInt32
    /// The directory holding the storage's objects.
    public let root: String
    /// Capacity in bytes; nil means the host filesystem's own size and free space.
    public let capacity: UInt64?
    private let label: String
    private let allocator: HandleAllocator
    private var table = ObjectTable()
    /// Size and mtime last seen on disk per file, to notice changes made behind the responder's back.
    private var seen: [UInt32: (size: UInt64, modified: Int64)] = [:]
    private var usedBytes: UInt64 = 0
    fileprivate var reservedBytes: UInt64 = 0

    /// Opens (creating if needed) the directory at `root`, removes partial files a crash left, and lists what
    /// is already there as objects.
    public init(
        storageID: UInt32, root: String, capacity: UInt64? = nil, label: String = "Internal storage",
        allocator: HandleAllocator
    ) throws(StoreError) {
        self.storageID = storageID
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.capacity = capacity
        self.label = label
        self.allocator = allocator
        try HostFiles.makeDirectory(self.root)
        try removePartials(in: self.root)
        _ = try sync(directory: self.root, parent: 0)
    }

    /// The StorageInfo dataset.
    public var storageInfo: StorageInfo {
        var info = StorageInfo()
        info.storageType = 0x0003
        info.maxCapacity = capacity ?? HostFiles.filesystemSpace(root)?.capacity ?? 0
        info.freeSpaceInBytes = freeBytes
        info.storageDescription = label
        info.volumeLabel = label
        return info
    }

    /// Free bytes: the configured capacity minus what the objects use, or the filesystem's free space.
    public var freeBytes: UInt64 {
        let free = capacity.map { $0 - min($0, usedBytes) } ?? HostFiles.filesystemSpace(root)?.free ?? 0
        return free - min(free, reservedBytes)
    }

    /// Number of objects.
    public var objectCount: Int { table.count }
    /// The object with `handle`.
    public func object(_ handle: UInt32) -> StoredObject? { table[handle] }
    /// Every handle.
    public func allHandles() -> [UInt32] { table.allHandles }
    /// Children of `parent`.
    public func childHandles(of parent: UInt32) -> [UInt32] { table.childHandles(of: parent) }

    /// The host path of `handle` (the root for 0).
    public func path(of handle: UInt32) -> String? {
        var components: [String] = []
        var current = handle
        while current != 0 {
            guard let object = table[current] else { return nil }
            components.append(object.name)
            current = object.parent
        }
        return ([root] + components.reversed()).joined(separator: "/")
    }

    /// Creates a directory.
    public func createFolder(_ draft: ObjectDraft, handle: UInt32) throws(StoreError) -> StoredObject {
        guard table.isContainer(draft.parent), let parentPath = path(of: draft.parent) else { throw .invalidParent }
        guard isAcceptableName(draft.name) else { throw .invalidValue }
        let name = table.unusedName(draft.name, under: draft.parent) { HostFiles.exists(parentPath + "/" + $0) }
        try HostFiles.makeDirectory(parentPath + "/" + name)
        let now = nowSince1970()
        let folder = StoredObject(
            handle: handle, storageID: storageID, parent: draft.parent, name: name,
            format: .association, size: 0, modified: draft.modified ?? now, added: now,
            metadata: draft.metadata)
        table.insert(folder)
        return folder
    }

    /// Starts receiving a file under its temporary name.
    public func beginWrite(_ draft: ObjectDraft, handle: UInt32) throws(StoreError) -> any ObjectWriter {
        guard table.isContainer(draft.parent), let parentPath = path(of: draft.parent) else { throw .invalidParent }
        guard isAcceptableName(draft.name) else { throw .invalidValue }
        let reservation = draft.size ?? 0
        guard reservation <= freeBytes else { throw .full }
        let temporary = parentPath + "/" + Self.partialPrefix + String(handle)
        let file = try HostFile(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        reservedBytes += reservation
        return Writer(
            store: self, draft: draft, handle: handle, file: file, temporaryPath: temporary,
            reservation: reservation)
    }

    /// Opens a file for reading.
    public func openReader(_ handle: UInt32) throws(StoreError) -> any ObjectReader {
        guard let object = table[handle], let path = path(of: handle) else { throw .invalidHandle }
        guard !object.isFolder else { throw .invalidValue }
        return Reader(file: try HostFile(path: path, flags: O_RDONLY))
    }

    /// Opens a file for in-place editing.
    public func openEditor(_ handle: UInt32) throws(StoreError) -> any ObjectEditor {
        guard let object = table[handle], let path = path(of: handle) else { throw .invalidHandle }
        guard !object.isFolder else { throw .invalidValue }
        return Editor(store: self, handle: handle, file: try HostFile(path: path, flags: O_WRONLY))
    }

    /// Whether growing `handle` to `size` bytes fits the storage.
    fileprivate func canGrow(_ handle: UInt32, to size: UInt64) -> Bool {
        let current = seen[handle]?.size ?? 0
        return size <= current || size - current <= freeBytes
    }

    /// Takes a file's new size and mtime after an edit.
    fileprivate func noteEdited(_ handle: UInt32) -> StoredObject? {
        guard var object = table[handle], let path = path(of: handle), let info = try? HostFiles.status(path) else {
            return table[handle]
        }
        let size = UInt64(info.st_size)
        let modified = Int64(info.st_mtim.tv_sec)
        usedBytes = usedBytes - min(usedBytes, seen[handle]?.size ?? 0) + size
        seen[handle] = (size, modified)
        object.size = size
        object.modified = modified
        table.update(object)
        return object
    }

    /// Deletes a file, or a directory with everything in it.
    public func delete(_ handle: UInt32) throws(StoreError) -> [UInt32] {
        guard let path = path(of: handle) else { throw .invalidHandle }
        do {
            try HostFiles.removeTree(path)
        } catch .io(let code, _) where code == ENOENT {
            // Already gone on the host side: the object goes too.
        }
        let removed = table.remove(handle)
        for gone in removed {
            if let last = seen.removeValue(forKey: gone) { usedBytes -= min(usedBytes, last.size) }
        }
        return removed
    }

    /// Moves a file or directory under another parent.
    public func move(_ handle: UInt32, to parent: UInt32) throws(StoreError) {
        guard var object = table[handle], let from = path(of: handle) else { throw .invalidHandle }
        guard table.isContainer(parent), !table.isWithin(parent, handle), let parentPath = path(of: parent) else {
            throw .invalidParent
        }
        guard object.parent != parent else { return }
        object.name = table.unusedName(object.name, under: parent) { HostFiles.exists(parentPath + "/" + $0) }
        try HostFiles.rename(from, parentPath + "/" + object.name)
        object.parent = parent
        table.update(object)
    }

    /// Sets a property; a new file name renames the file.
    public func setProperty(_ code: ObjectPropertyCode, to value: PropertyValue, of handle: UInt32) throws(StoreError) {
        guard var object = table[handle], let from = path(of: handle), let parentPath = path(of: table[handle]!.parent) else {
            throw .invalidHandle
        }
        let oldName = object.name
        let parent = object.parent
        try applyProperty(code, value, to: &object) { name throws(StoreError) in
            guard isAcceptableName(name) else { throw .invalidValue }
            if name == oldName { return name }
            return table.unusedName(name, under: parent) { HostFiles.exists(parentPath + "/" + $0) }
        }
        if object.name != oldName { try HostFiles.rename(from, parentPath + "/" + object.name) }
        table.update(object)
    }

    /// Sets an album's cover art; like track metadata it lives in memory only.
    public func setRepresentativeSample(_ sample: [UInt8], of handle: UInt32) throws(StoreError) {
        guard var object = table[handle] else { throw .invalidHandle }
        object.representativeSample = sample
        table.update(object)
    }

    /// Renumbers the objects and what was last seen of them on disk; the files themselves stay as they are.
    public func renumber(_ newHandles: [UInt32: UInt32]) {
        precondition(reservedBytes == 0, "renumbering with a write in flight")
        table.renumber(newHandles)
        seen = Dictionary(uniqueKeysWithValues: seen.map { (newHandles[$0.key]!, $0.value) })
    }

    /// Rescans the directory: files and folders created, deleted or changed by someone else since the last look.
    public func refresh() -> StoreChanges {
        (try? sync(directory: root, parent: 0)) ?? StoreChanges()
    }

    /// Looks again at just these host paths (what inotify named), so that a change costs one stat, not a scan
    /// of the storage: with 10,000 objects a full rescan per received file dominated every transfer.
    /// Paths outside the storage, in-flight temporaries and entries of folders not known yet are skipped (a new
    /// folder arrives as its own entry, and is scanned whole then).
    public func refresh(paths: [String]) -> StoreChanges {
        var changes = StoreChanges()
        for path in Set(paths) where path.hasPrefix(root + "/") {
            var components = path.dropFirst(root.count + 1).split(separator: "/").map(String.init)
            guard let name = components.popLast(), !name.hasPrefix(Self.partialPrefix), isAcceptableName(name) else { continue }
            var parent: UInt32 = 0
            var known = true
            for component in components {
                guard let handle = table.child(named: component, of: parent) else { known = false; break }
                parent = handle
            }
            guard known else { continue }
            let directory = components.isEmpty ? root : root + "/" + components.joined(separator: "/")
            let entry = HostFiles.entry(named: name, in: directory)
            if let handle = table.child(named: name, of: parent), let object = table[handle],
                entry == nil || entry!.isDirectory != object.isFolder
            {
                changes.merge(remove(handle))
            }
            if let entry { changes.merge((try? reconcile(entry, in: directory, parent: parent)) ?? StoreChanges()) }
        }
        return changes
    }

    /// Brings the table's view of one directory (and, recursively, those below it) in line with the disk.
    private func sync(directory: String, parent: UInt32) throws(StoreError) -> StoreChanges {
        var changes = StoreChanges()
        let entries = try HostFiles.list(directory) { $0.hasPrefix(Self.partialPrefix) }
        var onDisk: [String: HostFiles.Entry] = [:]
        for entry in entries where isAcceptableName(entry.name) { onDisk[entry.name] = entry }
        for handle in table.childHandles(of: parent) {
            guard let object = table[handle] else { continue }
            if let entry = onDisk[object.name], entry.isDirectory == object.isFolder { continue }
            changes.merge(remove(handle))
        }
        for entry in entries.sorted(by: { $0.name < $1.name }) where onDisk[entry.name] != nil {
            changes.merge(try reconcile(entry, in: directory, parent: parent))
        }
        return changes
    }

    /// Takes an object that left the disk out of the table, with everything below it.
    private func remove(_ handle: UInt32) -> StoreChanges {
        var changes = StoreChanges()
        for gone in table.remove(handle) {
            if let last = seen.removeValue(forKey: gone) { usedBytes -= min(usedBytes, last.size) }
            changes.removed.append(gone)
        }
        return changes
    }

    /// Brings one entry on disk into the table: a new object, a file whose size or time changed, or a folder
    /// whose contents are synced in turn. An entry of the other kind under the same name must be removed first.
    private func reconcile(_ entry: HostFiles.Entry, in directory: String, parent: UInt32) throws(StoreError) -> StoreChanges {
        var changes = StoreChanges()
        let path = directory + "/" + entry.name
        if let handle = table.child(named: entry.name, of: parent), var object = table[handle] {
            if entry.isDirectory {
                changes.merge(try sync(directory: path, parent: handle))
            } else if let last = seen[handle], last.size != entry.size || last.modified != entry.modified {
                usedBytes = usedBytes - min(usedBytes, last.size) + entry.size
                seen[handle] = (entry.size, entry.modified)
                object.size = entry.size
                object.modified = entry.modified
                table.update(object)
                changes.changed.append(handle)
            }
            return changes
        }
        let handle = allocator.next()
        table.insert(
            StoredObject(
                handle: handle, storageID: storageID, parent: parent, name: entry.name,
                format: entry.isDirectory ? .association : ObjectFormatGuess.format(forName: entry.name),
                size: entry.size, modified: entry.modified, added: nowSince1970()))
        changes.added.append(handle)
        if entry.isDirectory {
            changes.merge(try sync(directory: path, parent: handle))
        } else {
            seen[handle] = (entry.size, entry.modified)
            usedBytes += entry.size
        }
        return changes
    }

    private func removePartials(in directory: String) throws(StoreError) {
        for entry in try HostFiles.list(directory, skip: { _ in false }) {
            let path = directory + "/" + entry.name
            if entry.name.hasPrefix(Self.partialPrefix) {
                HostFiles.removeFile(path)
            } else if entry.isDirectory {
                try removePartials(in: path)
            }
        }
    }

    fileprivate func finish(_ writer: Writer) throws(StoreError) -> StoredObject {
        reservedBytes -= writer.reservation
        guard table.isContainer(writer.draft.parent), let parentPath = path(of: writer.draft.parent) else {
            HostFiles.removeFile(writer.temporaryPath)
            throw .invalidParent
        }
        let name = table.unusedName(writer.draft.name, under: writer.draft.parent) { HostFiles.exists(parentPath + "/" + $0) }
        let final = parentPath + "/" + name
        do {
            try HostFiles.rename(writer.temporaryPath, final)
        } catch {
            HostFiles.removeFile(writer.temporaryPath)
            throw error
        }
        let info = try? HostFiles.status(final)
        let modified = info.map { Int64($0.st_mtim.tv_sec) } ?? nowSince1970()
        let object = StoredObject(
            handle: writer.handle, storageID: storageID, parent: writer.draft.parent, name: name,
            format: writer.draft.format, size: writer.bytesWritten,
            modified: writer.draft.modified ?? modified, added: nowSince1970(),
            metadata: writer.draft.metadata)
        table.insert(object)
        seen[object.handle] = (writer.bytesWritten, modified)
        usedBytes += writer.bytesWritten
        return object
    }

    fileprivate func release(_ writer: Writer) {
        reservedBytes -= writer.reservation
        HostFiles.removeFile(writer.temporaryPath)
    }

    /// Receives a new file into a file under its temporary name, renamed on commit.
    fileprivate final class Writer: ObjectWriter {
        unowned let store: DirectoryObjectStore
        let draft: ObjectDraft
        let handle: UInt32
        let file: HostFile
        let temporaryPath: String
        let reservation: UInt64
        private(set) var bytesWritten: UInt64 = 0
        var done = false

        init(
            store: DirectoryObjectStore, draft: ObjectDraft, handle: UInt32, file: HostFile, temporaryPath: String,
            reservation: UInt64
        ) {
            self.store = store
            self.draft = draft
            self.handle = handle
            self.file = file
            self.temporaryPath = temporaryPath
            self.reservation = reservation
        }

        func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            precondition(!done, "write after commit or abort")
            guard !bytes.isEmpty else { return }
            let total = bytesWritten + UInt64(bytes.count)
            if total > reservation, total - reservation > store.freeBytes { throw .full }
            try file.write(bytes)
            bytesWritten = total
        }

        func commit() throws(StoreError) -> StoredObject {
            precondition(!done, "commit twice")
            done = true
            file.close()
            return try store.finish(self)
        }

        func abort() {
            guard !done else { return }
            done = true
            file.close()
            store.release(self)
        }

        deinit { abort() }
    }

    /// Edits one file in place.
    fileprivate final class Editor: ObjectEditor {
        unowned let store: DirectoryObjectStore
        let handle: UInt32
        let file: HostFile

        init(store: DirectoryObjectStore, handle: UInt32, file: HostFile) {
            self.store = store
            self.handle = handle
            self.file = file
        }

        func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            guard store.canGrow(handle, to: offset + UInt64(bytes.count)) else { throw .full }
            try file.write(bytes, at: offset)
            _ = store.noteEdited(handle)
        }

        func truncate(to size: UInt64) throws(StoreError) {
            guard store.canGrow(handle, to: size) else { throw .full }
            try file.truncate(to: size)
            _ = store.noteEdited(handle)
        }

        func close() -> StoredObject? {
            file.close()
            return store.noteEdited(handle)
        }
    }

    /// Reads one file in chunks.
    fileprivate final class Reader: ObjectReader {
        let file: HostFile
        init(file: HostFile) { self.file = file }

        func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int {
            try file.read(at: offset, into: buffer)
        }

        func close() { file.close() }
    }
}
