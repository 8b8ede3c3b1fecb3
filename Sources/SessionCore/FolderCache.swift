import MTPProvider

/// What a device's folders held when last listed, so sessions and operations resolve paths and check names
/// without listing again. It belongs to the device, shared by everyone using it; each listing is stamped with
/// the spell of use that read it and trusted only within that spell (`DeviceActor.spell`). Emptied when the
/// device is released and when it reports a change the daemon did not make.
struct FolderCache {
    struct Key: Hashable { var storage: UInt32; var folder: UInt32 }
    private var listings: [Key: (spell: UInt64, entries: [ObjectEntry])] = [:]

    /// The cached listing of `folder`, if one was read in `spell`.
    func listing(_ folder: UInt32, storage: UInt32, spell: UInt64) -> [ObjectEntry]? {
        guard let cached = listings[Key(storage: storage, folder: folder)], cached.spell == spell else { return nil }
        return cached.entries
    }

    /// Records a fresh listing, read in `spell`.
    mutating func store(_ entries: [ObjectEntry], folder: UInt32, storage: UInt32, spell: UInt64) {
        listings[Key(storage: storage, folder: folder)] = (spell, entries)
    }

    /// Adds an object the daemon just made to its folder's listing, if that listing is cached.
    mutating func added(_ entry: ObjectEntry, folder: UInt32) {
        listings[Key(storage: entry.storage, folder: folder)]?.entries.append(entry)
    }

    /// Removes an object the daemon just deleted or moved away; its own listing goes too.
    mutating func removed(_ id: UInt32, folder: UInt32, storage: UInt32) {
        listings[Key(storage: storage, folder: folder)]?.entries.removeAll { $0.id == id }
        listings[Key(storage: storage, folder: id)] = nil
    }

    /// Replaces an entry in its folder's listing (renamed).
    mutating func replaced(_ entry: ObjectEntry, folder: UInt32) {
        let key = Key(storage: entry.storage, folder: folder)
        if let i = listings[key]?.entries.firstIndex(where: { $0.id == entry.id }) { listings[key]!.entries[i] = entry }
    }

    /// Forgets everything.
    mutating func removeAll() { listings.removeAll() }

    /// How many folders are cached, for logs.
    var count: Int { listings.count }
}
