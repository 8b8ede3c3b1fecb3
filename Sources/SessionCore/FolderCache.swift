import MTPProvider

/// What a device's folders held when last listed, so a session resolves paths and checks names without
/// listing again; emptied at each teardown and when the device reports a change the daemon did not make.
struct FolderCache {
    struct Key: Hashable { var storage: UInt32; var folder: UInt32 }
    private var listings: [Key: [ObjectEntry]] = [:]

    /// The cached listing of `folder`, if any.
    func listing(_ folder: UInt32, storage: UInt32) -> [ObjectEntry]? { listings[Key(storage: storage, folder: folder)] }

    /// Records a fresh listing.
    mutating func store(_ entries: [ObjectEntry], folder: UInt32, storage: UInt32) {
        listings[Key(storage: storage, folder: folder)] = entries
    }

    /// Adds an object the daemon just made to its folder's listing, if that listing is cached.
    mutating func added(_ entry: ObjectEntry, folder: UInt32) {
        listings[Key(storage: entry.storage, folder: folder)]?.append(entry)
    }

    /// Removes an object the daemon just deleted or moved away; its own listing goes too.
    mutating func removed(_ id: UInt32, folder: UInt32, storage: UInt32) {
        listings[Key(storage: storage, folder: folder)]?.removeAll { $0.id == id }
        listings[Key(storage: storage, folder: id)] = nil
    }

    /// Replaces an entry in its folder's listing (renamed).
    mutating func replaced(_ entry: ObjectEntry, folder: UInt32) {
        let key = Key(storage: entry.storage, folder: folder)
        if let i = listings[key]?.firstIndex(where: { $0.id == entry.id }) { listings[key]![i] = entry }
    }

    /// Forgets everything.
    mutating func removeAll() { listings.removeAll() }

    /// How many folders are cached, for logs.
    var count: Int { listings.count }
}
