import MTPProvider
import SessionModel

/// Sends in flight, kept in the journal so that no partial object outlives a daemon killed mid-transfer, or a
/// send cut off by the device leaving: the next opening of the device settles them.
extension DeviceActor {
    /// Notes a send about to start; nil without a journal, or when it cannot be written (logged; the send goes on).
    func journalBegin(_ object: InFlightObject) -> UInt64? {
        guard let journal else { return nil }
        do throws(JournalError) {
            return try journal.begin(object)
        } catch {
            logger.warning(
                "in-flight journal not written; a partial object would survive a crash", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The send `id` is settled: its object is complete, or gone from the device.
    func journalEnd(_ id: UInt64?) {
        guard let id, let journal else { return }
        do throws(JournalError) { try journal.end(id) } catch {
            logger.warning("in-flight journal not written", metadata: ["error": "\(error)"])
        }
    }

    /// After a failed send: settled now when the device is still there (the provider has normally deleted the
    /// partial object already), else left for the next opening.
    func settleFailedSend(_ id: UInt64?) {
        guard let id, let device = handle, let record = journal?.pending(id: id) else { return }
        if settle(record, on: device) { journalEnd(id) }
    }

    /// At an opening: settles whatever an earlier run, or a send the device left in the middle, left in flight.
    func settleInFlight(on device: any DeviceSurface, serial: String) {
        guard let journal else { return }
        for (id, record) in journal.pending(serial: serial) where settle(record, on: device) {
            journalEnd(id)
        }
    }

    /// Removes what is left of one send. A client was never told such a send succeeded, so its object goes,
    /// whatever its size; except that a replacement whose old object is already gone is finished instead (its
    /// new object, when whole, is then the only copy).
    ///
    /// The object's id is trusted only while it still names an object of that name in that folder: many devices
    /// number their objects afresh at every session, so after a replug the id may name nothing, or another object.
    /// Then (and when the daemon died before the device gave an id) the folder is found again by its path and the
    /// object by its name and a size below the one announced. Returns false when the device could not be asked
    /// (the record stays for the next opening).
    func settle(_ record: InFlightObject, on device: any DeviceSurface) -> Bool {
        do throws(MTPError) {
            guard let folder = try folderHandle(of: record, on: device) else {
                logger.notice(
                    "an interrupted transfer's folder is gone, and the object with it", metadata: ["name": "\(record.name)"])
                return true
            }
            // The folder's listing, read at most once: to find the object without its id, and to see whether a
            // replacement's old file is still there.
            var listing: [ObjectEntry]?
            func children() throws(MTPError) -> [ObjectEntry] {
                if let listing { return listing }
                let fresh = try device.children(of: folder, storage: record.storage)
                listing = fresh
                return fresh
            }
            var found: ObjectEntry?
            // Said in the log, so that a stale id's fallback can be seen at work on a real device.
            var foundBy = "by its id"
            if let id = record.handle {
                do throws(MTPError) {
                    let entry = try device.object(id)
                    let same =
                        entry.name == record.name && MTPDevice.folderHandle(entry.parent) == folder
                        && entry.storage == record.storage
                    found = same ? entry : nil
                } catch where error.kind == .notFound {
                    found = nil
                }
            }
            if found == nil {
                foundBy = record.handle == nil ? "by name and size (no id was recorded)" : "by name and size (the id is stale)"
                found = try children().first {
                    $0.name == record.name && !$0.isFolder && ($0.size < record.size || record.isReplacement)
                }
            }
            guard let entry = found else {
                logger.debug("an interrupted transfer left nothing on the device", metadata: ["name": "\(record.name)"])
                return true
            }
            cache.removeAll()
            if record.isReplacement, entry.size == record.size,
                try !children().contains(where: { $0.name == record.finalName })
            {
                try device.rename(id: entry.id, isFolder: false, to: record.finalName)
                madeChange(.objectAdded, object: entry.id, storage: record.storage)
                logger.notice(
                    "finished a replacement an earlier run left half done",
                    metadata: ["object": "\(entry.id)", "name": "\(record.finalName)"])
            } else {
                try device.delete(id: entry.id)
                madeChange(.objectRemoved, object: entry.id, storage: record.storage)
                logger.notice(
                    "removed a partial object left by an interrupted transfer",
                    metadata: [
                        "object": "\(entry.id)", "name": "\(record.name)", "bytes": "\(entry.size) of \(record.size)",
                        "found": "\(foundBy)",
                    ])
            }
            return true
        } catch {
            logger.warning(
                "could not settle an interrupted transfer; will try at the next opening",
                metadata: ["name": "\(record.name)", "error": "\(error)"])
            return false
        }
    }

    /// The handle of the folder `record` was sent into, as the device numbers it now: found by its path, folder
    /// by folder, where the record has one; nil when that folder is gone.
    private func folderHandle(of record: InFlightObject, on device: any DeviceSurface) throws(MTPError) -> UInt32? {
        guard let text = record.folder else { return MTPDevice.folderHandle(record.parent) }
        guard let path = try? ObjectPath(text) else { return nil }
        var current = MTPDevice.rootFolder
        for name in path.components {
            guard
                let next = try device.children(of: current, storage: record.storage).first(where: {
                    $0.isFolder && ($0.name == name.text || ObjectName.pathComponent(forDeviceName: $0.name) == name.text)
                })
            else { return nil }
            current = next.id
        }
        return current
    }
}
