import PTPWire

/// Listing, reading, creating, deleting, moving and copying objects.
extension MTPResponder {
    /// In PTP parameters, "the root" as a parent filter or destination.
    static let rootParent: UInt32 = 0xFFFF_FFFF

    /// The storage index and record of `handle`; O(number of storages).
    func locate(_ handle: UInt32) -> (store: Int, object: StoredObject)? {
        for (index, store) in stores.enumerated() {
            if let object = store.object(handle) { return (index, object) }
        }
        return nil
    }

    /// GetObjectHandles and GetNumObjects: storage 0xFFFFFFFF is all, parent 0 all, 0xFFFFFFFF the root.
    func objectHandles(storage: UInt32, format: UInt32, parent: UInt32, countOnly: Bool) -> Reply {
        let indices: [Int]
        if storage == 0xFFFF_FFFF {
            indices = Array(stores.indices)
        } else if let index = storeIndex(storage) {
            indices = [index]
        } else {
            return .response(.invalidStorageID)
        }
        var handles: [UInt32] = []
        switch parent {
        case 0:
            for index in indices { handles += stores[index].allHandles() }
        case Self.rootParent:
            for index in indices { handles += stores[index].childHandles(of: 0) }
        default:
            guard let (index, object) = locate(parent), indices.contains(index), object.isFolder else {
                return .response(.invalidParentObject)
            }
            handles = stores[index].childHandles(of: parent)
        }
        if format != 0 {
            let wanted = ObjectFormatCode(UInt16(truncatingIfNeeded: format))
            handles = handles.filter { locate($0)?.object.format == wanted }
        }
        if countOnly { return .response(.ok, [UInt32(handles.count)]) }
        var writer = WireWriter(capacity: 4 + 4 * handles.count)
        writer.writeArray(handles)
        return .data(writer.bytes)
    }

    /// The ObjectInfo dataset of `object`.
    func objectInfoDataset(_ object: StoredObject) -> ObjectInfo {
        var info = ObjectInfo()
        info.storageID = object.storageID
        info.objectFormat = object.format.rawValue
        info.objectCompressedSize =
            object.size >= UInt64(ObjectInfo.sizeNotRepresentable)
            ? ObjectInfo.sizeNotRepresentable : UInt32(object.size)
        info.parentObject = object.parent
        info.associationType = object.isFolder ? ObjectInfo.genericFolder : 0
        info.filename = object.name
        info.modificationDate = PTPDateTime.string(secondsSince1970: object.modified)
        info.captureDate = info.modificationDate
        return info
    }

    /// GetObjectInfo.
    func objectInfo(_ handle: UInt32) -> Reply {
        guard let (_, object) = locate(handle) else { return .response(.invalidObjectHandle) }
        return .data(objectInfoDataset(object).bytes)
    }

    /// GetObject, streamed from the store.
    func getObject(_ handle: UInt32) -> Reply {
        guard let (index, object) = locate(handle), !object.isFolder else { return .response(.invalidObjectHandle) }
        do throws(StoreError) {
            let reader = try stores[index].openReader(handle)
            return .object(reader, start: 0, length: object.size, then: [])
        } catch {
            return .response(error.responseCode)
        }
    }

    /// GetPartialObject and GetPartialObject64; the response names the bytes sent.
    func getPartialObject(_ handle: UInt32, offset: UInt64, maxBytes: UInt32) -> Reply {
        guard let (index, object) = locate(handle), !object.isFolder else { return .response(.invalidObjectHandle) }
        guard offset <= object.size else { return .response(.invalidParameter) }
        let length = min(UInt64(maxBytes), object.size - offset)
        do throws(StoreError) {
            let reader = try stores[index].openReader(handle)
            return .object(reader, start: offset, length: length, then: [UInt32(length)])
        } catch {
            return .response(error.responseCode)
        }
    }

    /// DeleteObject; folders go with everything in them (or, as configured, only in part), 0xFFFFFFFF deletes all.
    func deleteObject(_ handle: UInt32, format: UInt32) -> Reply {
        if handle == 0xFFFF_FFFF {
            guard format == 0 else { return .response(.specificationByFormatUnsupported) }
            var complete = true
            do throws(StoreError) {
                for store in stores {
                    for child in store.childHandles(of: 0) {
                        if configuration.deletesNonEmptyFoldersPartially {
                            complete = deleteInPart(child, in: store) && complete
                        } else {
                            forget(try store.delete(child))
                        }
                    }
                }
                return .response(complete ? .ok : .partialDeletion)
            } catch {
                return .response(.partialDeletion)
            }
        }
        guard let (index, object) = locate(handle) else { return .response(.invalidObjectHandle) }
        let store = stores[index]
        if configuration.deletesNonEmptyFoldersPartially, object.isFolder, !store.childHandles(of: handle).isEmpty {
            return .response(deleteInPart(handle, in: store) ? .ok : .partialDeletion)
        }
        do throws(StoreError) {
            forget(try store.delete(handle))
            return .response(.ok)
        } catch {
            return .response(error.responseCode)
        }
    }

    /// Deletes what QEMU's usb-mtp deletes of `handle` and returns whether `handle` itself went. Its recursive
    /// delete descends only through subfolders: for each subfolder it deletes that subfolder's children by the same
    /// rule, then removes the object itself only if it is a file or a folder left empty. So a folder's own files
    /// and its subfolders stay, while the files one level further down go, and every non-empty folder answers
    /// PartialDeletion with part of its tree deleted (or nothing, when no subfolder has children) — the half
    /// tree a host must be ready to finish bottom-up. A file or an empty folder is simply deleted.
    private func deleteInPart(_ handle: UInt32, in store: any ObjectStore) -> Bool {
        for child in store.childHandles(of: handle) where store.object(child)?.isFolder == true {
            for grandchild in store.childHandles(of: child) { _ = deleteInPart(grandchild, in: store) }
        }
        guard store.childHandles(of: handle).isEmpty, let removed = try? store.delete(handle) else { return false }
        forget(removed)
        return true
    }

    /// Drops the references and open edits of deleted objects.
    private func forget(_ removed: [UInt32]) {
        for gone in removed {
            references[gone] = nil
            _ = editors.removeValue(forKey: gone)?.close()
        }
    }

    /// Where a new, moved or copied object goes: a storage index and a parent handle (0 for the root).
    func destination(storage: UInt32, parent: UInt32) -> Result<(store: Int, parent: UInt32), ResponseCode> {
        let parentHandle = parent == Self.rootParent ? 0 : parent
        let index: Int
        if storage == 0 {
            if parentHandle == 0 {
                guard !stores.isEmpty else { return .failure(.invalidStorageID) }
                index = 0
            } else {
                guard let (found, _) = locate(parentHandle) else { return .failure(.invalidParentObject) }
                index = found
            }
        } else {
            guard let found = storeIndex(storage) else { return .failure(.invalidStorageID) }
            index = found
        }
        if parentHandle != 0 {
            guard stores[index].object(parentHandle)?.isFolder == true else { return .failure(.invalidParentObject) }
        }
        return .success((index, parentHandle))
    }

    /// SendObjectInfo, after its data phase.
    func sendObjectInfo(_ command: Container, dataset: [UInt8]) -> Reply {
        pendingObject = nil
        guard let info = try? ObjectInfo(bytes: dataset) else { return .response(.invalidDataset) }
        let p = command.parameters + [0, 0]
        let size: UInt64? = info.objectCompressedSize == ObjectInfo.sizeNotRepresentable ? nil : UInt64(info.objectCompressedSize)
        let draft = ObjectDraft(
            parent: 0, name: info.filename, format: ObjectFormatCode(info.objectFormat), size: size,
            modified: PTPDateTime.secondsSince1970(info.modificationDate))
        return announce(draft, storage: p[0], parent: p[1])
    }

    /// SendObjectPropList, after its data phase; the size comes 64-bit in the parameters.
    func sendObjectPropList(_ command: Container, dataset: [UInt8]) -> Reply {
        pendingObject = nil
        guard let elements = try? ObjectPropertyList.parse(dataset) else { return .response(.invalidDataset) }
        let p = command.parameters + [0, 0, 0, 0, 0]
        let format = ObjectFormatCode(UInt16(truncatingIfNeeded: p[2]))
        var draft = ObjectDraft(parent: 0, name: "", format: format, size: UInt64(p[3]) << 32 | UInt64(p[4]))
        for element in elements {
            switch element.code {
            case .objectFileName:
                guard let name = element.value.stringValue else { return .response(.invalidObjectPropFormat) }
                draft.name = name
            case .dateModified:
                draft.modified = element.value.stringValue.flatMap(PTPDateTime.secondsSince1970)
            default:
                // Keep what the object's format carries and the host may set; ignore the rest as devices do.
                guard let spec = ObjectPropertyCatalog.spec(element.code), spec.writable,
                    ObjectPropertyCatalog.supports(element.code, on: format)
                else { continue }
                guard element.value.dataType == spec.dataType else { return .response(.invalidObjectPropFormat) }
                draft.metadata[element.code] = element.value
            }
        }
        guard !draft.name.isEmpty else { return .response(.invalidDataset) }
        return announce(draft, storage: p[0], parent: p[1])
    }

    /// Creates a folder at once, or remembers a file for the SendObject that follows.
    private func announce(_ proposed: ObjectDraft, storage: UInt32, parent: UInt32) -> Reply {
        let target: (store: Int, parent: UInt32)
        switch destination(storage: storage, parent: parent) {
        case .success(let found): target = found
        case .failure(let code): return .response(code)
        }
        guard isAcceptableName(proposed.name) else { return .response(.invalidDataset) }
        if faults.storeFull { return .response(.storeFull) }
        var draft = proposed
        draft.parent = target.parent
        let store = stores[target.store]
        let handle = handles.next()
        if draft.format == .association {
            do throws(StoreError) {
                _ = try store.createFolder(draft, handle: handle)
            } catch {
                return .response(error.responseCode)
            }
        } else if draft.format.isAbstract {
            do throws(StoreError) {
                draft.size = 0
                _ = try store.beginWrite(draft, handle: handle).commit()
            } catch {
                return .response(error.responseCode)
            }
            pendingObject = PendingObject(storeIndex: target.store, draft: draft, handle: handle, alreadyCreated: true)
        } else {
            if let size = draft.size, size > store.freeBytes { return .response(.storeFull) }
            pendingObject = PendingObject(storeIndex: target.store, draft: draft, handle: handle)
        }
        return .response(.ok, [store.storageID, target.parent, handle])
    }

    /// SendObject's command: where its data phase goes and how its end is known.
    func beginSendObject() -> Reply {
        guard let pending = pendingObject else { return .receive(.discard, .header, failure: .noValidObjectInfo) }
        if pending.alreadyCreated { return .receive(.discard, .header) }
        if faults.storeFull { return .receive(.discard, .header, failure: .storeFull) }
        // The header's length is only trusted when the size fits it: libmtp truncates it past 4 GiB.
        let endRule: IncomingData.EndRule
        switch pending.draft.size {
        case .some(let size) where size > UInt64(UInt32.max) - UInt64(ContainerHeader.size): endRule = .payload(size)
        case .some: endRule = .header
        case .none: endRule = .shortTransfer
        }
        do throws(StoreError) {
            let writer = try stores[pending.storeIndex].beginWrite(pending.draft, handle: pending.handle)
            return .receive(.object(writer), endRule)
        } catch {
            return .receive(.discard, endRule, failure: error.responseCode)
        }
    }

    /// SendObject after its data phase: the object appears only with every announced byte.
    func finishSendObject(_ incoming: IncomingData) -> Reply {
        defer { pendingObject = nil }
        if pendingObject?.alreadyCreated == true {
            return .response(incoming.received == 0 ? .ok : .incompleteTransfer)
        }
        guard case .object(let writer) = incoming.sink else { return .response(.generalError) }
        if let size = pendingObject?.draft.size, size != writer.bytesWritten {
            cutOff(incoming)
            return .response(.incompleteTransfer)
        }
        do throws(StoreError) {
            _ = try writer.commit()
            return .response(.ok)
        } catch {
            return .response(error.responseCode)
        }
    }

    /// MoveObject; across storages it copies then deletes.
    func moveObject(_ handle: UInt32, storage: UInt32, parent: UInt32) -> Reply {
        guard let (source, _) = locate(handle) else { return .response(.invalidObjectHandle) }
        let target: (store: Int, parent: UInt32)
        switch destination(storage: storage == 0 ? stores[source].storageID : storage, parent: parent) {
        case .success(let found): target = found
        case .failure(let code): return .response(code)
        }
        do throws(StoreError) {
            if target.store == source {
                try stores[source].move(handle, to: target.parent)
            } else {
                _ = try copyTree(handle, from: source, to: target.store, parent: target.parent)
                _ = try stores[source].delete(handle)
            }
            return .response(.ok)
        } catch {
            return .response(error.responseCode)
        }
    }

    /// CopyObject; the response names the copy.
    func copyObject(_ handle: UInt32, storage: UInt32, parent: UInt32) -> Reply {
        guard let (source, _) = locate(handle) else { return .response(.invalidObjectHandle) }
        let target: (store: Int, parent: UInt32)
        switch destination(storage: storage == 0 ? stores[source].storageID : storage, parent: parent) {
        case .success(let found): target = found
        case .failure(let code): return .response(code)
        }
        if target.store == source && target.parent != 0 {
            // A folder copied into itself would copy its own copy without end.
            var current = target.parent
            while current != 0 {
                if current == handle { return .response(.invalidParentObject) }
                current = stores[source].object(current)?.parent ?? 0
            }
        }
        do throws(StoreError) {
            return .response(.ok, [try copyTree(handle, from: source, to: target.store, parent: target.parent)])
        } catch {
            return .response(error.responseCode)
        }
    }

    /// Copies an object (a folder with everything in it) and returns the copy's handle; contents stream in
    /// chunks so big files never sit in memory whole.
    private func copyTree(_ handle: UInt32, from source: Int, to target: Int, parent: UInt32) throws(StoreError) -> UInt32 {
        guard let object = stores[source].object(handle) else { throw .invalidHandle }
        let draft = ObjectDraft(
            parent: parent, name: object.name, format: object.format, size: object.size,
            modified: object.modified, metadata: object.metadata)
        let newHandle = handles.next()
        if object.isFolder {
            let children = stores[source].childHandles(of: handle)
            _ = try stores[target].createFolder(draft, handle: newHandle)
            for child in children { _ = try copyTree(child, from: source, to: target, parent: newHandle) }
            return newHandle
        }
        let reader = try stores[source].openReader(handle)
        defer { reader.close() }
        let writer = try stores[target].beginWrite(draft, handle: newHandle)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var offset: UInt64 = 0
        do throws(StoreError) {
            while true {
                let n = try reader.read(at: offset, into: chunk)
                if n == 0 { break }
                try writer.write(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                offset += UInt64(n)
            }
            _ = try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        return newHandle
    }
}

/// Object references: the members of albums and playlists.
extension MTPResponder {
    /// GetObjectReferences.
    func objectReferences(_ handle: UInt32) -> Reply {
        guard locate(handle) != nil else { return .response(.invalidObjectHandle) }
        // Members deleted since the references were set are left out rather than reported dangling.
        let members = (references[handle] ?? []).filter { locate($0) != nil }
        var writer = WireWriter()
        writer.writeArray(members)
        return .data(writer.bytes)
    }

    /// SetObjectReferences, after its data phase.
    func setObjectReferences(_ command: Container, data: [UInt8]) -> Reply {
        let handle = command.parameters.first ?? 0
        guard locate(handle) != nil else { return .response(.invalidObjectHandle) }
        var reader = WireReader(data)
        guard let members = try? reader.readUInt32Array(), reader.isAtEnd else { return .response(.invalidDataset) }
        guard members.allSatisfy({ locate($0) != nil }) else { return .response(.invalidObjectReference) }
        references[handle] = members
        return .response(.ok)
    }
}
