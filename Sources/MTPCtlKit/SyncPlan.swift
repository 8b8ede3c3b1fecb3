/// One object on either side of a sync: where it is below the synced folder and what can be compared.
public struct SyncItem: Sendable, Equatable {
    /// The path below the synced folder, without a leading slash ("Artist/Album/01 Song.mp3").
    public var path: String
    /// Whether it is a folder.
    public var isFolder: Bool
    /// Its size in bytes (0 for a folder).
    public var size: Int64
    /// Its modification time in seconds since the epoch, when that side knows it.
    public var modified: Int64?

    /// Creates an item.
    public init(path: String, isFolder: Bool, size: Int64 = 0, modified: Int64? = nil) {
        self.path = path; self.isFolder = isFolder; self.size = size; self.modified = modified
    }

    /// The folder holding it ("" at the top).
    public var folder: String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Its name in its folder.
    public var name: String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Whether `path` is one of `folders` or lies below one of them, at any depth.
    static func lies(_ path: String, in folders: Set<String>) -> Bool {
        var folder = path
        while !folder.isEmpty {
            if folders.contains(folder) { return true }
            folder = SyncItem(path: folder, isFolder: true).folder
        }
        return false
    }
}

/// What a sync does, decided from the two sides' listings alone (no I/O), so every rule is unit-tested.
///
/// A file is up to date when the destination has a file of the same name and size whose modification time is
/// no more than `tolerance` seconds older than the source's — or when either side has no time, or with
/// `sizeOnly`. MTP has no checksums. "Not older" rather than "equal" because many devices (Android among them)
/// keep the time a file arrived, not the time it is given; a file changed since it was sent is newer than that.
public struct SyncPlan: Sendable, Equatable {
    /// Why a file is sent.
    public enum Reason: String, Sendable, Equatable {
        /// The destination lacks it.
        case missing
        /// The destination's copy has another size.
        case size
        /// The source's copy is newer.
        case newer
        /// The destination holds a folder of that name, which `delete` removes first.
        case replacesFolder
    }

    /// One file to send and why.
    public struct Transfer: Sendable, Equatable {
        /// The source's file.
        public var item: SyncItem
        /// Why it goes.
        public var reason: Reason
        /// Whether the destination has an object of that name to replace.
        public var replaces: Bool { reason != .missing }
    }

    /// Folders to create at the destination, parents first.
    public var folders: [String] = []
    /// Files to send, in path order.
    public var transfers: [Transfer] = []
    /// Files already up to date.
    public var upToDate: [SyncItem] = []
    /// Objects to delete at the destination (with `delete`): files and whole folders, each folder once, before
    /// anything it held; a folder in the way of a source file comes first.
    public var deletions: [SyncItem] = []
    /// Source objects that cannot be synced as things stand: a file where the destination has a folder, or a
    /// folder where it has a file, without `delete`.
    public var conflicts: [(source: SyncItem, destination: SyncItem)] = []

    /// Bytes the transfers move.
    public var bytes: Int64 { transfers.reduce(0) { $0 + $1.item.size } }

    /// Seconds by which a destination's time may trail the source's and still count as the same: FAT-backed
    /// devices keep times to 2 s.
    public static let tolerance: Int64 = 2

    /// Plans a sync that makes `destination` hold what `source` holds.
    public init(source: [SyncItem], destination: [SyncItem], sizeOnly: Bool = false, delete: Bool = false) {
        let there = Dictionary(destination.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let here = Dictionary(source.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var cleared: Set<String> = []  // Destination folders deleted to make way, with all below them.
        func isCleared(_ path: String) -> Bool { SyncItem.lies(path, in: cleared) }
        for item in source.sorted(by: { $0.path < $1.path }) {
            let existing = isCleared(item.path) ? nil : there[item.path]
            if item.isFolder {
                switch existing {
                case nil: folders.append(item.path)
                case let found? where found.isFolder: break
                case let found?:
                    guard delete else { conflicts.append((item, found)); continue }
                    deletions.append(found)
                    folders.append(item.path)
                }
                continue
            }
            switch existing {
            case nil:
                transfers.append(Transfer(item: item, reason: .missing))
            case let found? where found.isFolder:
                guard delete else { conflicts.append((item, found)); continue }
                deletions.append(found)
                cleared.insert(found.path)
                transfers.append(Transfer(item: item, reason: .replacesFolder))
            case let found?:
                if found.size != item.size {
                    transfers.append(Transfer(item: item, reason: .size))
                } else if !sizeOnly, let mine = item.modified, let theirs = found.modified, theirs < mine - Self.tolerance {
                    transfers.append(Transfer(item: item, reason: .newer))
                } else {
                    upToDate.append(item)
                }
            }
        }
        // A folder in conflict is not created, so nothing below it can be synced either.
        let blocked = Set(conflicts.filter { $0.source.isFolder }.map(\.source.path))
        if !blocked.isEmpty {
            func under(_ path: String) -> Bool { blocked.contains { path.hasPrefix($0 + "/") } }
            folders.removeAll(where: under)
            transfers.removeAll { under($0.item.path) }
        }
        guard delete else { return }
        // Extras: the topmost of each extra subtree only, since deleting a folder deletes what it holds.
        let extras = destination.filter { here[$0.path] == nil }.map(\.path)
        let extraSet = Set(extras)
        for path in extras.sorted() {
            let item = there[path]!
            guard !extraSet.contains(item.folder), !isCleared(path) else { continue }
            deletions.append(item)
            if item.isFolder { cleared.insert(path) }
        }
    }

    public static func == (a: SyncPlan, b: SyncPlan) -> Bool {
        a.folders == b.folders && a.transfers == b.transfers && a.upToDate == b.upToDate && a.deletions == b.deletions
            && a.conflicts.map { [$0.source, $0.destination] } == b.conflicts.map { [$0.source, $0.destination] }
    }
}
