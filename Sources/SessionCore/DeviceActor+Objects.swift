import MTPProvider
import SessionModel

/// An object found at a path: the provider's entry, or the storage root.
struct Resolved {
    var path: ObjectPath
    var storage: UInt32
    /// nil for the root.
    var entry: ObjectEntry?
    var isFolder: Bool { entry?.isFolder ?? true }
    /// The handle to list or send into.
    var folderID: UInt32 { entry?.id ?? MTPDevice.rootFolder }
}

extension DeviceActor {
    // MARK: Resolving paths, one listing per folder per session

    /// The contents of `folder`, from the cache or one listing.
    func listing(_ folder: UInt32, storage: UInt32) throws(ServiceError) -> [ObjectEntry] {
        if let cached = cache.listing(folder, storage: storage, spell: spell) { return cached }
        do throws(MTPError) {
            let entries = try handle!.children(of: folder, storage: storage)
            cache.store(entries, folder: folder, storage: storage, spell: spell)
            return entries
        } catch { throw map(error) }
    }

    /// Walks `path` folder by folder; fails with NotFound naming the first missing component.
    func resolve(_ path: ObjectPath, storage: UInt32) throws(ServiceError) -> Resolved {
        var current = Resolved(path: .root, storage: storage, entry: nil)
        for name in path.components {
            guard current.isFolder else { throw .notAFolder(device: self.name, path: current.path.description) }
            let next = current.path.appending(name)
            // A device's own spelling, or the safe one a listing showed for a name no client could write.
            guard
                let entry = try listing(current.folderID, storage: storage)
                    .first(where: { $0.name == name.text || ObjectName.pathComponent(forDeviceName: $0.name) == name.text })
            else {
                throw .notFound(device: self.name, path: next.description)
            }
            current = Resolved(path: next, storage: storage, entry: entry)
        }
        return current
    }

    /// Like `resolve`, but the result must be a folder.
    func resolveFolder(_ path: ObjectPath, storage: UInt32) throws(ServiceError) -> Resolved {
        let found = try resolve(path, storage: storage)
        guard found.isFolder else { throw .notAFolder(device: name, path: path.description) }
        return found
    }

    func summary(of entry: ObjectEntry, at path: ObjectPath) -> EntrySummary { summary(of: entry, atPath: path.description) }

    func summary(of entry: ObjectEntry, atPath path: String) -> EntrySummary {
        EntrySummary(
            id: entry.id, storage: entry.storage, parent: entry.parent, name: entry.name, path: path,
            isFolder: entry.isFolder, size: entry.size, modified: entry.modified, format: entry.format)
    }

    func summary(of resolved: Resolved) -> EntrySummary {
        if let entry = resolved.entry { return summary(of: entry, at: resolved.path) }
        return EntrySummary(
            id: MTPDevice.rootFolder, storage: resolved.storage, parent: 0, name: "", path: "/",
            isFolder: true, size: 0, modified: nil, format: ObjectFormatName.folder)
    }

    // MARK: Operations

    /// Lists a folder (a file lists as itself, like ls).
    func list(_ path: ObjectPath, storage: UInt32?, session: String?) throws(ServiceError) -> [EntrySummary] {
        try perform(session: session) { _ throws(ServiceError) in
            let found = try resolve(path, storage: try storageID(storage))
            guard found.isFolder else { return [summary(of: found)] }
            // Device-supplied names are shown as they are, even ones a client could not create; their paths use
            // a safe spelling, so a name like ".." or "a/b" never turns into another path.
            return try listing(found.folderID, storage: found.storage).map {
                summary(of: $0, atPath: path.childPath(deviceName: $0.name))
            }
        }
    }

    /// Describes one object.
    func stat(_ path: ObjectPath, storage: UInt32?, session: String?) throws(ServiceError) -> EntrySummary {
        try perform(session: session) { _ throws(ServiceError) in
            summary(of: try resolve(path, storage: try storageID(storage)))
        }
    }

    /// Creates a folder; with `parents`, the missing ones above it too, and an existing folder is fine.
    func makeDirectory(_ path: ObjectPath, parents: Bool, storage: UInt32?, session: String?) throws(ServiceError) -> EntrySummary
    {
        guard !path.isRoot else {
            if parents { return try stat(path, storage: storage, session: session) }
            throw .alreadyExists(device: name, path: "/")
        }
        return try perform(session: session) { device throws(ServiceError) in
            let storage = try storageID(storage)
            var current = Resolved(path: .root, storage: storage, entry: nil)
            for (i, component) in path.components.enumerated() {
                let isLast = i == path.components.count - 1
                let next = current.path.appending(component)
                if let existing = try listing(current.folderID, storage: storage).first(where: { $0.name == component.text }) {
                    guard existing.isFolder else { throw .notAFolder(device: name, path: next.description) }
                    if isLast && !parents { throw .alreadyExists(device: name, path: next.description) }
                    current = Resolved(path: next, storage: storage, entry: existing)
                    continue
                }
                guard parents || isLast else { throw .notFound(device: name, path: next.description) }
                let created: ObjectEntry
                do throws(MTPError) {
                    created = try device.createFolder(name: component.text, parent: current.folderID, storage: storage)
                } catch { throw map(error) }
                madeChange(.objectAdded, object: created.id, storage: storage)
                cache.added(created, folder: current.folderID)
                cache.store([], folder: created.id, storage: storage, spell: spell)
                current = Resolved(path: next, storage: storage, entry: created)
            }
            return summary(of: current)
        }
    }

    /// Deletes a file, or a folder and everything in it when `recursive`. A device that will not delete a
    /// folder with contents in one operation (QEMU answers Partial Deletion, others a general error) has the
    /// folder emptied bottom-up; what still will not go is named in the error.
    func delete(_ path: ObjectPath, recursive: Bool, storage: UInt32?, session: String?) throws(ServiceError) {
        guard !path.isRoot else { throw .invalidPath(path: "/", reason: "the storage root cannot be deleted") }
        try perform(session: session) { device throws(ServiceError) in
            let found = try resolve(path, storage: try storageID(storage))
            let entry = found.entry!
            if entry.isFolder, !recursive, !(try listing(entry.id, storage: found.storage).isEmpty) {
                throw .folderNotEmpty(device: name, path: path.description)
            }
            defer {
                cache.removed(entry.id, folder: entry.parentFolder, storage: found.storage)
                if entry.isFolder { cache.removeAll() }  // Its descendants' listings are stale too.
            }
            do throws(MTPError) {
                try device.delete(id: entry.id)
            } catch where entry.isFolder && error.kind != .connectionFailed {
                logger.info(
                    "the device would not delete a folder with its contents; deleting bottom-up",
                    metadata: ["path": "\(path)", "error": "\(error)"])
                var remaining: [String] = []
                try deleteBottomUp(entry, at: path, on: device, remaining: &remaining)
                guard remaining.isEmpty else {
                    throw .partiallyDeleted(device: name, path: path.description, remaining: remaining, message: error.message)
                }
                return
            } catch { throw map(error) }
            madeChange(.objectRemoved, object: entry.id, storage: found.storage)
        }
    }

    /// Deletes what is in `folder`, deepest first, then the folder; adds to `remaining` each object the device
    /// refused (a folder only when it refused the folder itself, not because something in it stayed). A device
    /// that goes away ends it at once.
    func deleteBottomUp(
        _ folder: ObjectEntry, at path: ObjectPath, on device: any DeviceSurface,
        remaining: inout [String]
    ) throws(ServiceError) {
        let before = remaining.count
        let children: [ObjectEntry]
        do throws(MTPError) { children = try device.children(of: folder.id, storage: folder.storage) } catch { throw map(error) }
        for child in children {
            let childPath = path.childPath(deviceName: child.name)
            if child.isFolder, let sub = try? ObjectPath(childPath) {
                try deleteBottomUp(child, at: sub, on: device, remaining: &remaining)
                continue
            }
            do throws(MTPError) {
                try device.delete(id: child.id)
                madeChange(.objectRemoved, object: child.id, storage: child.storage)
            } catch where error.kind == .notFound {
                continue  // Gone already: a partial deletion took it.
            } catch where error.kind == .connectionFailed {
                throw map(error)
            } catch {
                remaining.append(childPath)
            }
        }
        guard remaining.count == before else { return }  // Not empty: the device would refuse it too.
        do throws(MTPError) {
            try device.delete(id: folder.id)
            madeChange(.objectRemoved, object: folder.id, storage: folder.storage)
        } catch where error.kind == .notFound {
            return
        } catch where error.kind == .connectionFailed {
            throw map(error)
        } catch {
            remaining.append(path.description)
        }
    }

    /// Renames an object in its folder: by setting its name where the device allows it, else through the host.
    func rename(
        _ path: ObjectPath, to newName: ObjectName, storage: UInt32?, session: String?,
        progress: HostCopyProgress
    ) throws(ServiceError) -> Relocation {
        guard !path.isRoot else { throw .invalidPath(path: "/", reason: "the storage root has no name") }
        return try perform(session: session) { device throws(ServiceError) in
            let found = try resolve(path, storage: try storageID(storage))
            return try renameInPlace(found.entry!, at: path, to: newName, on: device, progress: progress)
        }
    }

    /// `entry`, found at `path`, under `newName` in the same folder.
    private func renameInPlace(
        _ entry: ObjectEntry, at path: ObjectPath, to newName: ObjectName, on device: any DeviceSurface,
        progress: HostCopyProgress
    ) throws(ServiceError) -> Relocation {
        var entry = entry
        let target = path.parent.appending(newName)
        if entry.name == newName.text { return Relocation(entry: summary(of: entry, at: path), method: .none) }
        if try listing(entry.parentFolder, storage: entry.storage).contains(where: { $0.name == newName.text }) {
            throw .alreadyExists(device: name, path: target.description)
        }
        do throws(MTPError) {
            try device.rename(id: entry.id, isFolder: entry.isFolder, to: newName.text)
        } catch where error.kind != .connectionFailed && error.kind != .notFound {
            // No settable name (no GetObjectPropDesc or SetObjectPropValue, or a refusal): a copy under the new
            // name replaces it.
            let copy = try relocateThroughHost(
                entry, at: path, into: entry.parentFolder, at: path.parent, name: newName.text,
                on: device, progress: progress)
            return Relocation(entry: summary(of: copy, at: target), method: .throughHost)
        } catch { throw map(error) }
        entry.name = newName.text
        cache.replaced(entry, folder: entry.parentFolder)
        return Relocation(entry: summary(of: entry, at: target), method: .objectName)
    }

    /// Moves an object into another folder of the same storage, under `newName` when given: the device's
    /// MoveObject, else its CopyObject and then the deletion of the original, else one copy through the host
    /// under the final name (never deleting first, so nothing is lost).
    func move(
        _ path: ObjectPath, into folder: ObjectPath, as newName: ObjectName?, storage: UInt32?, session: String?,
        progress: HostCopyProgress
    ) throws(ServiceError) -> Relocation {
        guard !path.isRoot else { throw .invalidPath(path: "/", reason: "the storage root cannot be moved") }
        if folder.components.starts(with: path.components) {
            throw .invalidPath(path: folder.description, reason: "a folder cannot be moved into itself")
        }
        return try perform(session: session) { device throws(ServiceError) in
            let storage = try storageID(storage)
            let source = try resolve(path, storage: storage)
            let target = try resolveFolder(folder, storage: storage)
            var entry = source.entry!
            let finalName = newName ?? path.name!
            if entry.parentFolder == target.folderID {
                return try renameInPlace(entry, at: path, to: finalName, on: device, progress: progress)
            }
            let destination = folder.appending(finalName)
            if try listing(target.folderID, storage: storage).contains(where: { $0.name == finalName.text }) {
                throw .alreadyExists(device: name, path: destination.description)
            }
            let method: Relocation.Method
            do {
                if capabilities.move {
                    try device.move(id: entry.id, toParent: target.folderID, storage: storage)
                    method = .moveObject
                } else if capabilities.copy {
                    let copy = try device.copy(id: entry.id, toParent: target.folderID, storage: storage)
                    try device.delete(id: entry.id)
                    madeChange(.objectAdded, object: copy, storage: storage)
                    madeChange(.objectRemoved, object: entry.id, storage: storage)
                    entry.id = copy
                    method = .copyObject
                } else {
                    let copy = try relocateThroughHost(
                        entry, at: path, into: target.folderID, at: folder, name: finalName.text,
                        on: device, progress: progress)
                    return Relocation(entry: summary(of: copy, at: destination), method: .throughHost)
                }
            } catch let error as MTPError {
                throw map(error)
            } catch let error as ServiceError {
                throw error
            } catch { preconditionFailure("\(error)") }
            cache.removed(source.entry!.id, folder: source.entry!.parentFolder, storage: storage)
            entry.parent = target.entry == nil ? 0 : target.folderID
            cache.added(entry, folder: target.folderID)
            let moved = folder.appending(path.name!)
            guard finalName.text != entry.name else { return Relocation(entry: summary(of: entry, at: moved), method: method) }
            let renamed = try renameInPlace(entry, at: moved, to: finalName, on: device, progress: progress)
            return Relocation(entry: renamed.entry, method: renamed.method == .throughHost ? .throughHost : method)
        }
    }
}
