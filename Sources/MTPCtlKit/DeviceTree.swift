import ManagerContract

/// A device folder and everything below it, read one List per folder in one session: what `ls -R`, `get -r` and
/// `sync` compare and copy. Within a session the daemon keeps each listing, so a second walk asks the device for
/// nothing it already knows.
struct DeviceTree {
    /// An object with its path below the walked folder.
    struct Item {
        /// The path below the walked folder, no leading slash.
        var relativePath: String
        /// The object as the daemon describes it.
        var entry: Manager.Entry

        /// The object as a sync compares it.
        var syncItem: SyncItem {
            SyncItem(
                path: relativePath, isFolder: entry.folder, size: Int64(entry.size), modified: entry.modified.map(Int64.init))
        }
    }

    /// Every object below the folder, each folder before what it holds, names in order; playlists and albums
    /// (abstract objects, with no data of their own) are not among them.
    var items: [Item] = []
    /// The names of the playlist and album objects in each folder, by path below the walked folder ("" at the top).
    var trackLists: [String: Set<String>] = [:]

    /// Walks `root` on `device`; `visit` sees each folder's listing as it is read (for `ls -R`). Excluded objects
    /// are left out, an excluded folder with all it holds.
    static func walk(
        _ ctx: Context, _ client: DaemonClient, device: String, root: String, storage: Int?, session: String?,
        exclude: ExcludeRules = ExcludeRules([]), visit: ((String, [Manager.Entry]) -> Void)? = nil
    ) throws(MTPCtlError) -> DeviceTree {
        var tree = DeviceTree()
        try tree.walk(
            ctx, client, device: device, path: root, relative: "", storage: storage, session: session, exclude: exclude,
            visit: visit)
        return tree
    }

    private mutating func walk(
        _ ctx: Context, _ client: DaemonClient, device: String, path: String, relative: String, storage: Int?,
        session: String?, exclude: ExcludeRules, visit: ((String, [Manager.Entry]) -> Void)?
    ) throws(MTPCtlError) {
        let entries = try client.call(
            Manager.List.self,
            .init(.init(device: device, path: path, storage: storage, session: session, timeoutSeconds: ctx.timeout)),
            onUpdate: ctx.waitingUpdates(device)
        ).entries.sorted { $0.name < $1.name }
        visit?(path, entries)
        for entry in entries {
            let below = relative.isEmpty ? entry.name : relative + "/" + entry.name
            if exclude.excludes(below, isFolder: entry.folder) { continue }
            if entry.isTrackList {
                trackLists[relative, default: []].insert(entry.name)
                continue
            }
            items.append(Item(relativePath: below, entry: entry))
            if entry.folder {
                try walk(
                    ctx, client, device: device, path: entry.path, relative: below, storage: storage, session: session,
                    exclude: exclude, visit: visit)
            }
        }
    }
}
