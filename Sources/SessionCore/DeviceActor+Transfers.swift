#if canImport(Glibc)
import Glibc
#endif
import MTPProvider
import SessionModel

/// Turns libmtp's frequent progress callbacks into a few steps a client can show, and answers "go on?"
/// from the transfer's cancellation flag.
struct ProgressReporter {
    let transfer: TransferHandle
    let total: UInt64
    let sink: @Sendable (TransferProgress) -> Void
    /// Hears every report, however small, so a transfer that still moves is never taken for a stalled one.
    let watchdog: StallWatchdog?
    private var reported: UInt64 = 0
    private let step: UInt64

    init(
        transfer: TransferHandle, total: UInt64, watchdog: StallWatchdog? = nil,
        sink: @escaping @Sendable (TransferProgress) -> Void
    ) {
        self.transfer = transfer
        self.total = total
        self.watchdog = watchdog
        self.sink = sink
        self.step = max(total / 100, 256 * 1024)
        sink(TransferProgress(transfer: transfer.id, phase: .begin, done: 0, total: total))
    }

    /// Reports `done` when it moved a step on; false when the transfer should stop.
    mutating func advance(_ done: UInt64) -> Bool {
        watchdog?.alive()
        if done >= reported + step && done < total {
            reported = done
            sink(TransferProgress(transfer: transfer.id, phase: .progress, done: done, total: total))
        }
        return !transfer.isCancelled
    }

    func end() { sink(TransferProgress(transfer: transfer.id, phase: .end, done: total, total: total)) }
}

extension DeviceActor {
    /// Sends a file into a folder. The new object is complete before an old one of the same name is deleted;
    /// a failed or cancelled send leaves nothing on the device.
    func put(
        _ request: PutRequest, storage: UInt32?, session: String?, transfer: TransferHandle,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) throws(ServiceError) -> EntrySummary {
        let name: ObjectName, folder: ObjectPath
        do { name = try ObjectName(request.name); folder = try ObjectPath(request.folder) } catch { throw error.serviceError }
        try FileDescriptorChecks.readable(request.fd, index: request.fdIndex, size: request.size)
        return try perform(session: session) { device throws(ServiceError) in
            let storage = try storageID(storage)
            let target = try resolveFolder(folder, storage: storage)
            let path = folder.appending(name)
            let existing = try listing(target.folderID, storage: storage).first { $0.name == name.text }
            if let existing {
                guard request.overwrite else { throw .alreadyExists(device: self.name, path: path.description) }
                guard !existing.isFolder else {
                    throw .alreadyExists(device: self.name, path: path.description + " (a folder; delete it first)")
                }
            }
            try checkSpace(for: request.size, storage: storage, session: session)
            let watchdog = startWatchdog()
            defer { watchdog?.stop() }
            var reporter = ProgressReporter(transfer: transfer, total: request.size, watchdog: watchdog, sink: progress)
            // An overwrite sends under a temporary name first: on devices that store objects as files, two
            // objects of one name would be one file, and the old one must survive until the new one is whole.
            let sendName = existing == nil ? name.text : Self.temporaryName(for: name.text)
            let journalID = journalBegin(
                InFlightObject(
                    serial: identity?.serial ?? self.name, storage: storage, parent: target.folderID,
                    name: sendName, finalName: name.text, size: request.size,
                    folder: folder.description))
            var sent: ObjectEntry
            do throws(MTPError) {
                let journal = journal
                sent = try device.sendFile(
                    from: request.fd, name: sendName, size: request.size, parent: target.folderID,
                    storage: storage, track: request.track,
                    accepted: { handle in if let journalID { try? journal?.accepted(journalID, handle: handle) } }
                ) { done, _ in
                    reporter.advance(done)
                }
                watchdog?.stop()  // Only the transfer is watched; what follows is a transaction or two.
            } catch {
                defer { settleFailedSend(journalID) }
                if watchdog?.fired == true { throw stalled() }
                if error.kind == .cancelled || transfer.isCancelled { throw .transferCancelled(transfer.id) }
                if error.kind == .storeFull {
                    throw .storeFull(
                        device: self.name, needed: request.size, free: storages.first { $0.id == storage }?.freeForDecisions ?? 0)
                }
                throw map(error)
            }
            madeChange(.objectAdded, object: sent.id, storage: storage)
            spent(request.size, storage: storage, session: session)
            if let existing {
                // Only now, with the new object complete, does the old one go; then the new one takes its name.
                do throws(MTPError) {
                    try device.delete(id: existing.id)
                    madeChange(.objectRemoved, object: existing.id, storage: storage)
                    cache.removed(existing.id, folder: target.folderID, storage: storage)
                    try device.rename(id: sent.id, isFolder: false, to: name.text)
                    sent.name = name.text
                } catch {
                    defer { settleFailedSend(journalID) }
                    throw map(error)
                }
            }
            if let modified = request.modified { keepModifiedTime(modified, of: &sent, on: device) }
            journalEnd(journalID)
            cache.added(sent, folder: target.folderID)
            reporter.end()
            return summary(of: sent, at: path)
        }
    }

    /// Gives a file just sent its own modification time, so a later sync can tell whether the file changed.
    /// Not a failure when the device refuses: the object keeps the time it was received, which the entry shows.
    private func keepModifiedTime(_ seconds: Int64, of sent: inout ObjectEntry, on device: any DeviceSurface) {
        guard !refusesModifiedTimes else { return }
        do throws(MTPError) {
            try device.setModified(id: sent.id, to: seconds)
            sent.modified = seconds
        } catch {
            // A lost connection says nothing about the device's dates; the next operation finds it gone.
            guard error.kind != .connectionFailed else { return }
            refusesModifiedTimes = true
            logger.info(
                "the device keeps the time a file was received, not the file's own time",
                metadata: ["function": "\(error.function)", "error": "\(error.message)"])
        }
    }

    /// A watchdog for one transfer, which resets the device's port when the transfer stops moving.
    func startWatchdog() -> StallWatchdog? {
        guard let stallTimeout else { return nil }
        let attached = attached, access = access, logger = logger
        return StallWatchdog(timeout: stallTimeout) {
            logger.warning("transfer stalled: no progress for \(stallTimeout) s; resetting the device's USB port")
            if let failure = access.resetPort(attached) {
                logger.error("the port reset failed; the transfer ends when libmtp gives up", metadata: ["errno": "\(failure)"])
            }
        }
    }

    /// The failure of a transfer the watchdog cut short: the reset ended the device's session, so the handle goes
    /// and the next use opens the device afresh.
    func stalled() -> ServiceError {
        handleLost()
        return .deviceError(
            device: name, function: "transfer watchdog",
            message: "the device stopped answering for \(stallTimeout ?? 0) s and its USB port was reset; "
                + "nothing partial was kept — try again, and if it recurs, unplug and replug the device",
            responseCode: nil, errno: nil)
    }

    /// The name a replacement travels under until the old object is gone: hidden, and unlikely to clash.
    static func temporaryName(for name: String) -> String {
        // The extension stays: the device files an object by the format sent with it (audio formats carry track
        // metadata), and the format is not sent again when the name changes.
        let ext = name.lastIndex(of: ".").map { name[$0...] }.flatMap { $0.count > 1 && $0.count <= 9 ? String($0) : nil } ?? ""
        return ".mtpsessiond-new-" + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ext
    }

    /// Writes a file, or a byte range of it, to the client's descriptor.
    func get(
        _ request: GetRequest, storage: UInt32?, session: String?, transfer: TransferHandle,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) throws(ServiceError) -> UInt64 {
        let path: ObjectPath
        do { path = try ObjectPath(request.path) } catch { throw error.serviceError }
        try FileDescriptorChecks.writable(request.fd, index: request.fdIndex)
        return try perform(session: session) { device throws(ServiceError) in
            let found = try resolve(path, storage: try storageID(storage))
            guard let entry = found.entry, !entry.isFolder else {
                throw .invalidPath(path: path.description, reason: "a folder; get takes a file")
            }
            guard request.offset <= entry.size else {
                throw .invalidParameter("offset: \(request.offset) is past the end of the file (\(entry.size) bytes)")
            }
            let length = min(request.length ?? (entry.size - request.offset), entry.size - request.offset)
            let watchdog = startWatchdog()
            defer { watchdog?.stop() }
            var reporter = ProgressReporter(transfer: transfer, total: length, watchdog: watchdog, sink: progress)
            do {
                if request.offset == 0 && length == entry.size {
                    try device.getFile(id: entry.id, to: request.fd) { done, _ in reporter.advance(done) }
                } else if capabilities.partialRead {
                    try copyRange(
                        of: entry.id, from: request.offset, length: length, to: request.fd, index: request.fdIndex,
                        device: device, reporter: &reporter)
                } else {
                    throw ServiceError.notSupported(
                        device: name, operation: "reading part of a file (the device has no GetPartialObject)")
                }
            } catch let error as MTPError {
                if watchdog?.fired == true { throw stalled() }
                if error.kind == .cancelled || transfer.isCancelled { throw ServiceError.transferCancelled(transfer.id) }
                throw map(error)
            } catch let error as ServiceError {
                throw error
            } catch { preconditionFailure("\(error)") }
            reporter.end()
            return length
        }
    }

    private func copyRange(
        of id: UInt32, from offset: UInt64, length: UInt64, to fd: Int32, index: Int,
        device: any DeviceSurface, reporter: inout ProgressReporter
    ) throws {
        let chunk: UInt64 = 1 << 20
        var done: UInt64 = 0
        while done < length {
            let bytes = try device.readPartial(id: id, offset: offset + done, length: UInt32(min(chunk, length - done)))
            guard !bytes.isEmpty else { break }
            let written: ServiceError? = bytes.withUnsafeBytes { buffer in
                do throws(ServiceError) { try FileDescriptorChecks.writeAll(fd, buffer, index: index); return nil } catch {
                    return error
                }
            }
            if let written { throw written }
            done += UInt64(bytes.count)
            guard reporter.advance(done) else { throw MTPError(kind: .cancelled, function: "readPartial", message: "cancelled") }
        }
    }

    /// Fails with StoreFull when `bytes` will not fit in what `storage` has free less what other sessions
    /// reserved. The figure held (read at opening, booked for each send since) is trusted to say yes, with the
    /// device's own StoreFull answer behind it; a no is asked of the device again first, since space can have
    /// been freed on it behind the daemon's back.
    func checkSpace(for bytes: UInt64, storage: UInt32, session: String?) throws(ServiceError) {
        let fresh = !storagesCurrent
        try currentStorages()
        func available() -> UInt64 {
            let free = storages.first { $0.id == storage }?.freeForDecisions ?? 0
            return free - min(free, reserved(on: storage, except: session))
        }
        if bytes <= available() { return }
        if !fresh {
            try refreshStorages()
            if bytes <= available() { return }
        }
        throw .storeFull(device: name, needed: bytes, free: available())
    }

    /// Books `bytes` as sent, from the session's reservation and from the storage's free space, so later checks
    /// need no device round trip.
    func spent(_ bytes: UInt64, storage: UInt32, session: String?) {
        if let session, var own = sessions[session], own.storage == storage {
            own.reserved -= min(own.reserved, bytes)
            sessions[session] = own
        }
        storagesDidChange(
            storages.map { s in
                var s = s
                if s.id == storage, let free = s.free { s.free = free - min(free, bytes) }
                return s
            })
        storagesBooked = true
    }
}
