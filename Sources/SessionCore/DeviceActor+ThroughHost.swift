#if canImport(Glibc)
import Glibc
#endif
import MTPProvider
import SessionModel
import SystemCalls

/// Moving and renaming on devices that can do neither (no MoveObject or CopyObject, no settable object name:
/// QEMU's usb-mtp, uMTP-Responder, many players): the object is copied off the device through a private
/// temporary file and back on under its new name or folder, and only when the whole copy is there, with the
/// original's size, does the original go. A failure before that leaves the original whole and removes the copy.
/// What a copy through the host reports to, and is cancelled by: the Move or Rename call's transfer.
struct HostCopyProgress {
    let transfer: TransferHandle
    let sink: @Sendable (TransferProgress) -> Void
}

extension DeviceActor {
    /// Copies `entry` (a folder with everything in it) through the host into `parent` under `name`, then deletes
    /// the original. Returns the copy. Each file's progress (off the device, then back on: twice its size) goes
    /// to `progress`.
    func relocateThroughHost(
        _ entry: ObjectEntry, at path: ObjectPath, into parent: UInt32, at folder: ObjectPath, name: String,
        on device: any DeviceSurface, progress: HostCopyProgress
    ) throws(ServiceError) -> ObjectEntry {
        logger.info(
            "the device cannot move or rename this in place; copying it through the host",
            metadata: ["path": "\(path)", "name": "\(name)"])
        let copy = try copyThroughHost(entry, into: parent, at: folder, name: name, on: device, progress: progress)
        do throws(MTPError) {
            try device.delete(id: entry.id)
            madeChange(.objectRemoved, object: entry.id, storage: entry.storage)
        } catch where entry.isFolder && error.kind != .connectionFailed {
            // The copy is whole: from here on it is kept, and what of the original will not go is reported.
            var remaining: [String] = []
            try deleteBottomUp(entry, at: path, on: device, remaining: &remaining)
            if !remaining.isEmpty {
                cache.removeAll()
                throw .partiallyDeleted(device: self.name, path: path.description, remaining: remaining, message: error.message)
            }
        } catch where error.kind != .connectionFailed {
            // The original stays (a protected object, say): the copy goes, and nothing has changed.
            removeQuietly(copy, on: device)
            cache.removeAll()
            throw map(error)
        } catch {
            cache.removeAll()
            throw map(error)
        }
        cache.removeAll()
        return copy
    }

    /// A copy of `entry` in `parent` (at path `folder`) under `name`; on failure, whatever of the copy was made
    /// is removed.
    private func copyThroughHost(
        _ entry: ObjectEntry, into parent: UInt32, at folder: ObjectPath, name: String,
        on device: any DeviceSurface, progress: HostCopyProgress
    ) throws(ServiceError) -> ObjectEntry {
        guard entry.isFolder else {
            return try copyFileThroughHost(entry, into: parent, at: folder, name: name, on: device, progress: progress)
        }
        let created: ObjectEntry
        do throws(MTPError) { created = try device.createFolder(name: name, parent: parent, storage: entry.storage) } catch {
            throw map(error)
        }
        madeChange(.objectAdded, object: created.id, storage: entry.storage)
        do throws(ServiceError) {
            let children: [ObjectEntry]
            do throws(MTPError) { children = try device.children(of: entry.id, storage: entry.storage) } catch {
                throw map(error)
            }
            let inside = try? ObjectPath(folder.childPath(deviceName: created.name))
            for child in children {
                _ = try copyThroughHost(
                    child, into: created.id, at: inside ?? folder, name: child.name, on: device, progress: progress)
            }
        } catch {
            removeQuietly(created, on: device)
            throw error
        }
        return created
    }

    /// One file off the device into an unlinked temporary file, and back on; journalled like any send, so a
    /// daemon killed half way leaves no partial copy after its restart.
    private func copyFileThroughHost(
        _ entry: ObjectEntry, into parent: UInt32, at folder: ObjectPath, name: String,
        on device: any DeviceSurface, progress: HostCopyProgress
    ) throws(ServiceError) -> ObjectEntry {
        let fd = try Self.privateTemporaryFile()
        defer { FileIO.close(fd) }
        let transfer = progress.transfer
        // Off the device, then back on: the file crosses the link twice, and is watched for stalls both ways.
        var reporter = ProgressReporter(transfer: transfer, total: entry.size * 2, sink: progress.sink)
        func failed(_ error: MTPError) -> ServiceError {
            if error.kind == .cancelled || transfer.isCancelled { return .transferCancelled(transfer.id) }
            return map(error)
        }
        let reading = startWatchdog()
        do throws(MTPError) {
            try device.getFile(id: entry.id, to: fd) { done, _ in
                reading?.alive(); return reporter.advance(done)
            }
            reading?.stop()
        } catch {
            reading?.stop()
            throw reading?.fired == true ? stalled() : failed(error)
        }
        let read = (try? systemCall("lseek") { lseek(fd, 0, SEEK_END) }) ?? -1
        guard read >= 0, UInt64(read) == entry.size, (try? systemCall("lseek") { lseek(fd, 0, SEEK_SET) }) == 0 else {
            throw .deviceError(
                device: self.name, function: "copy through the host",
                message: "read \(read) bytes of \(entry.size) from the device; the original is untouched",
                responseCode: nil, errno: nil)
        }
        let journalID = journalBegin(
            InFlightObject(
                serial: identity?.serial ?? self.name, storage: entry.storage, parent: parent,
                name: name, finalName: name, size: entry.size, folder: folder.description))
        let sent: ObjectEntry
        let writing = startWatchdog()
        do throws(MTPError) {
            let journal = journal, size = entry.size
            sent = try device.sendFile(
                from: fd, name: name, size: size, parent: parent, storage: entry.storage, track: nil,
                accepted: { handle in if let journalID { try? journal?.accepted(journalID, handle: handle) } },
                progress: { done, _ in
                    writing?.alive(); return reporter.advance(size + done)
                })
            writing?.stop()
        } catch {
            writing?.stop()
            defer { settleFailedSend(journalID) }
            throw writing?.fired == true ? stalled() : failed(error)
        }
        reporter.end()
        journalEnd(journalID)
        madeChange(.objectAdded, object: sent.id, storage: entry.storage)
        guard sent.size == entry.size else {
            removeQuietly(sent, on: device)
            throw .deviceError(
                device: self.name, function: "copy through the host",
                message: "the copy holds \(sent.size) bytes of \(entry.size); it was removed and the original is untouched",
                responseCode: nil, errno: nil)
        }
        return sent
    }

    /// Removes an object this daemon just made (a copy being rolled back); best effort, logged when it fails.
    private func removeQuietly(_ object: ObjectEntry, on device: any DeviceSurface) {
        var remaining: [String] = []
        do throws(MTPError) {
            try device.delete(id: object.id)
            madeChange(.objectRemoved, object: object.id, storage: object.storage)
        } catch where object.isFolder && error.kind != .connectionFailed {
            try? deleteBottomUp(object, at: .root, on: device, remaining: &remaining)
        } catch {
            remaining.append(object.name)
        }
        if !remaining.isEmpty {
            logger.warning("could not remove a copy made through the host", metadata: ["name": "\(object.name)"])
        }
    }

    /// An unlinked file in $TMPDIR (systemd's PrivateTmp for the service): nobody else can open it, and it is
    /// gone when closed, whatever happens to the daemon.
    private static func privateTemporaryFile() throws(ServiceError) -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((directory + "/mtpsessiond-copy-XXXXXX").utf8CString)
        let fd: Int32
        do throws(SystemCallError) {
            // Not retried: a failed mkstemp leaves its X's replaced, and a second try would be refused.
            fd = try systemCall("mkstemp", retryOnInterrupt: false) {
                template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            }
        } catch {
            throw .deviceError(
                device: "", function: "copy through the host",
                message: "no temporary file in \(directory): \(error.reason)", responseCode: nil, errno: error.errno)
        }
        _ = try? systemCall("unlink") { template.withUnsafeBufferPointer { unlink($0.baseAddress!) } }
        _ = try? systemCall("fcntl") { fcntl(fd, F_SETFD, FD_CLOEXEC) }  // Never inherited by a child (mkostemp does not import).
        return fd
    }
}
