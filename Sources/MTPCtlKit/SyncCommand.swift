#if canImport(Glibc)
import Glibc
#endif
import AudioTags
import ManagerContract
import SystemCalls
import Varlink

/// `mtpctl sync SRC DEST` and `mtpctl get -r`: make one folder hold what another holds, a local folder and a
/// device folder either way round, in one session. What to do is decided by `SyncPlan` from the two listings; a
/// rerun after an interruption sends just what is missing, because the daemon never leaves a partial object and
/// a file received here is renamed into place only when whole.
public enum SyncCommand {
    /// How a sync runs.
    public struct Options: Sendable {
        /// Compare sizes only, not times.
        public var sizeOnly = false
        /// Give each file sent to a device its own modification time (rsync's -t): a transaction more a file, and
        /// not needed for comparing, since a file's arrival time is later than its own.
        public var keepTimes = false
        /// Delete what the source lacks.
        public var delete = false
        /// Print the plan and change nothing.
        public var dryRun = false
        /// Patterns of what to leave out, on both sides.
        public var exclude: [String] = []
        /// Follow symbolic links in the local source.
        public var dereference = true
        /// Print each file as it is done.
        public var verbose = false
        /// Send audio files' tags as track metadata, and make albums and playlists on devices that keep them.
        public var tags = true
        /// The storage; nil for the device's first.
        public var storage: Int?
        /// The caller's session; nil to run in one begun for the sync.
        public var session: String?

        /// Creates options; the defaults are rsync's.
        public init() {}
    }

    /// What a sync did, for the summary and the exit status.
    struct Outcome {
        var sent = 0
        var bytes: Int64 = 0
        var upToDate = 0
        var deleted = 0
        var failed: [(path: String, error: MTPCtlError)] = []
        var notSent = 0
        /// Paths sent or deleted in this run.
        var changed: Set<String> = []
        /// Albums and playlists made or made again.
        var albums = 0
        var playlists = 0
    }

    /// Which way a sync goes, from which argument is the device's.
    enum Direction {
        case toDevice(local: String, device: RemotePath)
        case fromDevice(device: RemotePath, local: String)
    }

    /// Reads SRC and DEST: exactly one must be a device path written with its colon (`:/Music`, `SERIAL:/Music`).
    static func direction(source: String, destination: String) throws(MTPCtlError) -> Direction {
        func remote(_ text: String) throws(MTPCtlError) -> RemotePath? {
            guard let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") else { return nil }
            return try RemotePath(parsing: text)
        }
        switch (try remote(source), try remote(destination)) {
        case (nil, let device?): return .toDevice(local: source, device: device)
        case (let device?, nil): return .fromDevice(device: device, local: destination)
        case (_?, _?): throw .usage("both \(source) and \(destination) are device paths; one side of a sync is a local folder")
        case (nil, nil):
            throw .usage(
                "neither \(source) nor \(destination) is a device path; write the device's side with its colon, e.g. :/Music")
        }
    }

    /// Runs `mtpctl sync SRC DEST`.
    public static func sync(_ ctx: Context, source: String, destination: String, options: Options) throws(MTPCtlError) {
        switch try direction(source: source, destination: destination) {
        case .toDevice(let local, let device): try toDevice(ctx, local: local, device: device, options: options)
        case .fromDevice(let device, let local): try fromDevice(ctx, device: device, local: local, options: options)
        }
    }

    /// Runs `mtpctl get -r DEV:FOLDER LOCAL`: the folder copied into LOCAL/NAME (LOCAL made if missing; the
    /// storage root's contents into LOCAL itself), files already there with the same size and time skipped. Always
    /// into LOCAL/NAME, unlike `cp -r`, whose target changes once the first run has made it: a rerun must land on
    /// the first run's files to find them there.
    public static func getRecursive(_ ctx: Context, source: RemotePath, local: String, options: Options) throws(MTPCtlError) {
        let base = local.count > 1 && local.hasSuffix("/") ? String(local.dropLast()) : local
        try fromDevice(ctx, device: source, local: source.name.isEmpty ? base : base + "/" + source.name, options: options)
    }

    // MARK: Local folder to device

    private static func toDevice(_ ctx: Context, local: String, device: RemotePath, options: Options) throws(MTPCtlError) {
        let exclude = ExcludeRules(options.exclude)
        let tree = try LocalTree.contents(of: local, dereference: options.dereference, exclude: exclude)
        TransferCommands.reportSkipped(ctx, tree.skipped)
        let client = try ctx.connect()
        let types = ["transferToDevice"] + (options.delete ? ["delete"] : [])
        let byPath = Dictionary(tree.files.map { ($0.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
        var outcome = Outcome(notSent: tree.skipped.count)
        let started = MonotonicClock.seconds()
        let scope = try SessionScope.run(
            ctx, client, device: device.device, types: types,
            // No folder to resolve up front: the first sync creates it.
            context: Manager.SessionContext(storage: options.storage), given: options.session
        ) { scope throws(MTPCtlError) in
            let at = Located(ctx: ctx, client: client, device: device.device, storage: options.storage, session: scope.id)
            if !options.dryRun && device.path != "/" {
                try client.call(
                    Manager.MakeDirectory.self, .init(at.place(device.path), parents: true),
                    onUpdate: ctx.waitingUpdates(device.device))
            }
            let there = try listing(at, device.path, exclude: exclude, mayBeAbsent: options.dryRun)
            var plan = SyncPlan(
                source: tree.syncItems, destination: there.items.map(\.syncItem), sizeOnly: options.sizeOnly,
                delete: options.delete)
            if options.delete {
                plan.deletions += LibraryLists.stalePlaylists(
                    files: tree.files.map(\.relativePath), onDevice: there.trackLists,
                    deletedFolders: Set(plan.deletions.filter(\.isFolder).map(\.path))
                ).map { SyncItem(path: $0, isFolder: false) }
            }
            var tags: [String: TrackTags] = [:]  // Read once, for the track and again for its album.
            if options.dryRun {
                describe(ctx, plan, &outcome)
                return scope
            }
            let base = device.path == "/" ? "" : device.path
            execute(ctx, plan, &outcome, verbose: options.verbose) { action throws(MTPCtlError) in
                switch action {
                case .delete(let item):
                    try client.call(
                        Manager.Delete.self, .init(at.place(base + "/" + item.path), recursive: item.isFolder),
                        onUpdate: ctx.waitingUpdates(device.device))
                case .folder(let path):
                    try client.call(
                        Manager.MakeDirectory.self, .init(at.place(base + "/" + path), parents: true),
                        onUpdate: ctx.waitingUpdates(device.device))
                case .file(let transfer, let progress):
                    let file = byPath[transfer.item.path]!
                    let fd = try LocalTree.openForReading(file.path)
                    defer { close(fd) }
                    let folder = file.relativeFolder.isEmpty ? device.path : base + "/" + file.relativeFolder
                    if options.tags {
                        tags[file.relativePath] = TrackMetadata.tags(of: file.path, name: file.name) { note(ctx, $0) }
                    }
                    let track = tags[file.relativePath].flatMap(TrackMetadata.track)
                    try client.call(
                        Manager.Put.self,
                        .init(
                            device: device.device, folder: folder, name: file.name, fd: 0, size: Int(file.size),
                            overwrite: transfer.replaces, track: track, modified: options.keepTimes ? Int(file.modified) : nil,
                            storage: options.storage, session: scope.id, timeoutSeconds: ctx.timeout),
                        fileDescriptors: [fd]
                    ) { update throws(MTPCtlError) in
                        if let wait = update.waiting { return ctx.sayWaiting(wait, device: scope.deviceName) }
                        if let p = update.progress { progress(Int64(p.done)) }
                    }
                }
            }
            if options.tags && !outcome.failed.contains(where: { $0.path.isEmpty }) {
                do throws(MTPCtlError) {
                    try makeLists(at, tree: tree, base: device.path, onDevice: there.trackLists, tags: &tags, &outcome)
                } catch {
                    outcome.failed.append(("", error))
                }
            }
            return scope
        }
        try summarize(
            ctx, outcome, options: options, seconds: MonotonicClock.seconds() - started,
            where: "\(scope.deviceName):\(device.path)", scope: scope)
    }

    // MARK: Device folder to local folder

    private static func fromDevice(_ ctx: Context, device: RemotePath, local: String, options: Options) throws(MTPCtlError) {
        let exclude = ExcludeRules(options.exclude)
        var st = stat()
        let exists = stat(local, &st) == 0
        if exists && st.st_mode & S_IFMT != S_IFDIR { throw .usage("\(local) exists and is not a folder") }
        if !exists && !options.dryRun { try makeLocalFolders(local) }
        // The local side is read without following links: a link is never deleted through, nor its target overwritten.
        let here = exists ? try LocalTree.contents(of: local, dereference: false, exclude: exclude).syncItems : []
        let client = try ctx.connect()
        var outcome = Outcome()
        let started = MonotonicClock.seconds()
        let scope = try SessionScope.run(
            ctx, client, device: device.device, types: ["transferFromDevice"],
            context: Manager.SessionContext(folder: device.path, storage: options.storage), given: options.session
        ) { scope throws(MTPCtlError) in
            let at = Located(ctx: ctx, client: client, device: device.device, storage: options.storage, session: scope.id)
            let there = try DeviceTree.walk(
                ctx, client, device: device.device, root: device.path, storage: options.storage, session: scope.id,
                exclude: exclude)
            let byPath = Dictionary(there.items.map { ($0.relativePath, $0.entry) }, uniquingKeysWith: { a, _ in a })
            let plan = SyncPlan(
                source: there.items.map(\.syncItem), destination: here, sizeOnly: options.sizeOnly, delete: options.delete)
            if options.dryRun {
                describe(ctx, plan, &outcome)
                return scope
            }
            execute(ctx, plan, &outcome, verbose: options.verbose) { action throws(MTPCtlError) in
                switch action {
                case .delete(let item): try removeLocal(local + "/" + item.path)
                case .folder(let path): try makeLocalFolders(local + "/" + path)
                case .file(let transfer, let progress):
                    let entry = byPath[transfer.item.path]!
                    _ = try ReceivedFile.receive(
                        ctx, client, device: device.device, path: entry.path, storage: at.storage, session: scope.id,
                        target: local + "/" + transfer.item.path, modified: entry.modified.map(Int64.init)
                    ) { update throws(MTPCtlError) in
                        if let p = update.progress { progress(Int64(p.done)) }
                    }
                }
            }
            return scope
        }
        try summarize(ctx, outcome, options: options, seconds: MonotonicClock.seconds() - started, where: local, scope: scope)
    }

    // MARK: Shared

    /// Where calls go: device, storage and session.
    struct Located {
        let ctx: Context
        let client: DaemonClient
        let device: String
        let storage: Int?
        let session: String

        func place(_ path: String) -> Manager.Place {
            Manager.Place(device: device, path: path, storage: storage, session: session, timeoutSeconds: ctx.timeout)
        }
    }

    /// The device folder's objects below it, as sync items; none when it does not exist yet and `mayBeAbsent`.
    private static func listing(_ at: Located, _ path: String, exclude: ExcludeRules, mayBeAbsent: Bool) throws(MTPCtlError)
        -> DeviceTree
    {
        do {
            return try DeviceTree.walk(
                at.ctx, at.client, device: at.device, root: path, storage: at.storage, session: at.session, exclude: exclude)
        } catch .daemon(let error) where mayBeAbsent && error.name == .notFound {
            return DeviceTree()
        }
    }

    /// Says something worth knowing that is not a failure: on stderr, or as a JSON line.
    static func note(_ ctx: Context, _ text: String) {
        if ctx.json { ctx.emit(.object(["note": .string(text)])) } else { writeStderr("mtpctl: note: \(text)\n") }
    }

    /// One step of a plan, for the side that carries it out.
    enum Action {
        case delete(SyncItem)
        case folder(String)
        /// A file to copy; the closure hears its bytes done.
        case file(SyncPlan.Transfer, (Int64) -> Void)
    }

    /// Errors after which the next file may still go: the file's own trouble, not the device's or the daemon's.
    static func isPerFile(_ error: MTPCtlError) -> Bool {
        switch error {
        case .localFile: return true
        case .daemon(let e):
            return [.invalidName, .alreadyExists, .notAFolder, .invalidPath, .badFileDescriptor, .notFound, .folderNotEmpty]
                .contains(e.name)
        default: return false
        }
    }

    /// The device lacks what was asked (an album's art on a device that takes none, say).
    static func isNotSupported(_ error: MTPCtlError) -> Bool {
        if case .daemon(let e) = error { return e.name == .notSupported }
        return false
    }

    /// Carries out `plan` (deletions first, to make room; then folders, then files), counting what happened. A
    /// failure of one file is recorded and the sync goes on; one that stops the device or the daemon ends it.
    private static func execute(
        _ ctx: Context, _ plan: SyncPlan, _ outcome: inout Outcome, verbose: Bool,
        _ perform: (Action) throws(MTPCtlError) -> Void
    ) {
        outcome.upToDate = plan.upToDate.count
        for (source, destination) in plan.conflicts {
            let what = destination.isFolder ? "a folder" : "a file"
            outcome.failed.append(
                (source.path, .failed("\(source.path): the destination has \(what) of that name; --delete replaces it")))
        }
        var progress = BundleProgress(json: ctx.json, files: plan.transfers.count, bytes: plan.bytes)
        defer { progress.end() }
        func record(_ path: String, _ error: MTPCtlError) -> Bool {
            outcome.failed.append((path, error))
            if ctx.json {
                ctx.emit(.object(["failed": .string(path), "error": error.json]))
            } else {
                progress.end()
                writeStderr("mtpctl: \(path): \(error.description)\n")
            }
            return isPerFile(error)
        }
        do throws(MTPCtlError) {
            for item in plan.deletions {
                do throws(MTPCtlError) {
                    try perform(.delete(item))
                    outcome.deleted += 1
                    outcome.changed.insert(item.path)
                    if ctx.json {
                        ctx.emit(.object(["deleted": .string(item.path)]))
                    } else if verbose {
                        ctx.say("deleted \(item.path)")
                    }
                } catch { if !record(item.path, error) { throw error } }
            }
            for folder in plan.folders {
                do throws(MTPCtlError) { try perform(.folder(folder)) } catch { if !record(folder, error) { throw error } }
            }
            for transfer in plan.transfers {
                let item = transfer.item
                progress.begin(item.path)
                do throws(MTPCtlError) {
                    try perform(.file(transfer, { progress.update(done: $0) }))
                    progress.finished(arrived: true, size: item.size)
                    outcome.sent += 1
                    outcome.bytes += item.size
                    outcome.changed.insert(item.path)
                    if ctx.json {
                        ctx.emit(
                            .object([
                                "sent": .string(item.path), "size": .int(item.size), "reason": .string(transfer.reason.rawValue),
                            ]))
                    } else if verbose {
                        ctx.say("sent \(item.path) (\(ProgressDisplay.bytes(item.size)))")
                    }
                } catch {
                    progress.finished(arrived: false, size: item.size)
                    if !record(item.path, error) { throw error }
                }
            }
        } catch {
            // The device or the daemon is gone: what was not tried is not sent, and a rerun sends it.
            outcome.failed.append(("", error))
        }
    }

    /// Prints the plan of a dry run and counts it as if done.
    private static func describe(_ ctx: Context, _ plan: SyncPlan, _ outcome: inout Outcome) {
        outcome.upToDate = plan.upToDate.count
        for item in plan.deletions {
            if ctx.json {
                ctx.emit(.object(["action": .string("delete"), "path": .string(item.path)]))
            } else {
                ctx.say("delete \(item.path)\(item.isFolder ? "/" : "")")
            }
        }
        for folder in plan.folders {
            if ctx.json {
                ctx.emit(.object(["action": .string("mkdir"), "path": .string(folder)]))
            } else {
                ctx.say("mkdir  \(folder)/")
            }
        }
        for t in plan.transfers {
            if ctx.json {
                ctx.emit(
                    .object([
                        "action": .string("send"), "path": .string(t.item.path), "size": .int(t.item.size),
                        "reason": .string(t.reason.rawValue),
                    ]))
            } else {
                ctx.say("send   \(t.item.path) (\(ProgressDisplay.bytes(t.item.size)), \(reasonText(t.reason)))")
            }
        }
        for (source, _) in plan.conflicts {
            outcome.failed.append((source.path, .failed("\(source.path): in the way at the destination; --delete replaces it")))
        }
        outcome.sent = plan.transfers.count
        outcome.bytes = plan.bytes
        outcome.deleted = plan.deletions.count
    }

    static func reasonText(_ reason: SyncPlan.Reason) -> String {
        switch reason {
        case .missing: "new"
        case .size: "size differs"
        case .newer: "newer"
        case .replacesFolder: "replaces a folder"
        }
    }

    /// The last line: what was sent, skipped, deleted and failed; then the exit status says whether all arrived.
    private static func summarize(
        _ ctx: Context, _ o: Outcome, options: Options, seconds: Double, where destination: String, scope: SessionScope
    ) throws(MTPCtlError) {
        let failedFiles = o.failed.filter { !$0.path.isEmpty }.count
        if ctx.json {
            ctx.emit(
                .object([
                    "summary": .object([
                        "sent": .int(Int64(o.sent)), "bytes": .int(o.bytes), "skipped": .int(Int64(o.upToDate)),
                        "deleted": .int(Int64(o.deleted)), "failed": .int(Int64(failedFiles)),
                        "notSent": .int(Int64(o.notSent)), "albums": .int(Int64(o.albums)),
                        "playlists": .int(Int64(o.playlists)), "seconds": .double(seconds), "dryRun": .bool(options.dryRun),
                    ])
                ]))
        } else {
            let verb = options.dryRun ? "would send" : "sent"
            var line =
                "\(verb) \(o.sent) file\(o.sent == 1 ? "" : "s") (\(ProgressDisplay.bytes(o.bytes))), \(o.upToDate) up to date, "
                + "\(o.deleted) \(options.dryRun ? "to delete" : "deleted"), \(failedFiles) failed"
            if o.notSent > 0 { line += ", \(o.notSent) not files (named above)" }
            if o.albums + o.playlists > 0 { line += ", \(o.albums) albums and \(o.playlists) playlists made" }
            if !options.dryRun {
                let tenths = Int((seconds * 10).rounded())
                line += " in \(tenths / 10).\(tenths % 10) s"
                if seconds > 0 && o.bytes > 0 { line += " (\(ProgressDisplay.bytes(Int64(Double(o.bytes) / seconds)))/s)" }
                line += ", \(scope.described)"
            }
            ctx.say(line + " — \(destination)")
        }
        if let stop = o.failed.first(where: { $0.path.isEmpty })?.error {
            throw stop
        }
        if !o.failed.isEmpty {
            throw .failed(
                "\(failedFiles) of \(o.sent + failedFiles) files did not arrive (named above); run the same sync again to send what is missing"
            )
        }
    }

    /// mkdir -p.
    static func makeLocalFolders(_ path: String) throws(MTPCtlError) {
        var made = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            made += "/" + part
            if mkdir(made, 0o755) != 0 && errno != EEXIST {
                throw .localFile("cannot create folder \(made): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Removes a local file, or a folder with all it holds (never following a link out of it).
    static func removeLocal(_ path: String) throws(MTPCtlError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard let names = LocalTree.names(in: path) else {
                throw .localFile("cannot read folder \(path): \(String(cString: strerror(errno)))")
            }
            for name in names { try removeLocal(path + "/" + name) }
            guard rmdir(path) == 0 else { throw .localFile("cannot remove folder \(path): \(String(cString: strerror(errno)))") }
        } else if unlink(path) != 0 {
            throw .localFile("cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension SyncCommand {
    /// Makes the albums and playlists a synced library needs (`LibraryLists`), where the device keeps them; a
    /// device that does not gets a note, its files having arrived with their track metadata all the same.
    fileprivate static func makeLists(
        _ at: Located, tree: LocalTree, base: String, onDevice: [String: Set<String>], tags: inout [String: TrackTags],
        _ outcome: inout Outcome
    ) throws(MTPCtlError) {
        let work = LibraryLists.pending(files: tree.files.map(\.relativePath), changed: outcome.changed, onDevice: onDevice)
        guard !work.albumFolders.isEmpty || !work.playlists.isEmpty else { return }
        let devices = try at.client.call(Manager.ListDevices.self, Empty()).devices
        guard let device = devices.first(where: { $0.serial == at.device }) ?? (devices.count == 1 ? devices.first : nil) else {
            return
        }
        let ctx = at.ctx
        let prefix = base == "/" ? "" : base
        func devicePath(_ relative: String) -> String { prefix + "/" + relative }
        func deviceFolder(_ relative: String) -> String { relative.isEmpty ? base : devicePath(relative) }
        let byPath = Dictionary(tree.files.map { ($0.relativePath, $0) }, uniquingKeysWith: { a, _ in a })

        if !work.albumFolders.isEmpty && device.albums != true {
            note(ctx, "\(device.serial) keeps no albums: the tracks arrived with their own metadata, without albums")
        } else {
            var artRefused = false
            for folder in work.albumFolders {
                let files = tree.files.filter { $0.relativeFolder == folder }
                var groups: [(name: String, tracks: [LocalItem])] = []
                for file in files where TrackMetadata.isAudio(file.name) {
                    if tags[file.relativePath] == nil {
                        // Unsent tracks were read on an earlier run, which said then what could not be read.
                        tags[file.relativePath] = TrackMetadata.tags(of: file.path, name: file.name) { _ in }
                    }
                    guard let album = tags[file.relativePath]?.album, !album.isEmpty else { continue }
                    if let i = groups.firstIndex(where: { $0.name == album }) {
                        groups[i].tracks.append(file)
                    } else {
                        groups.append((album, [file]))
                    }
                }
                for group in groups {
                    let first = group.tracks.compactMap { tags[$0.relativePath] }
                    var art: (fd: Int32, size: Int)?
                    if device.albumArt != false && !artRefused { art = try coverArt(in: files, tracks: first) }
                    defer { if let art { close(art.fd) } }
                    func setAlbum(_ art: (fd: Int32, size: Int)?) throws(MTPCtlError) {
                        try at.client.call(
                            Manager.SetAlbum.self,
                            .init(
                                device: at.device, name: group.name, tracks: group.tracks.map { devicePath($0.relativePath) },
                                artist: first.lazy.compactMap { $0.albumArtist ?? $0.artist }.first,
                                genre: first.lazy.compactMap(\.genre).first, art: art == nil ? nil : 0, artSize: art?.size,
                                folder: deviceFolder(folder), storage: at.storage, session: at.session,
                                timeoutSeconds: ctx.timeout),
                            fileDescriptors: art.map { [$0.fd] } ?? [], onUpdate: ctx.waitingUpdates(at.device))
                    }
                    do throws(MTPCtlError) {
                        do throws(MTPCtlError) {
                            try setAlbum(art)
                        } catch where art != nil && isNotSupported(error) {
                            // Whether a device takes art is learnt by asking: the albums go without it from here.
                            artRefused = true
                            note(ctx, "\(device.serial) takes no album art: albums are made without covers")
                            try setAlbum(nil)
                        }
                        outcome.albums += 1
                        if ctx.json {
                            ctx.emit(.object(["album": .string(group.name), "tracks": .int(Int64(group.tracks.count))]))
                        }
                    } catch {
                        guard isPerFile(error) || isNotSupported(error) else { throw error }
                        outcome.failed.append(("\(folder) (album \(group.name))", error))
                        writeStderr("mtpctl: album \(group.name): \(error.description)\n")
                    }
                }
            }
        }

        guard !work.playlists.isEmpty else { return }
        guard device.playlists == true else {
            return note(ctx, "\(device.serial) keeps no playlists: the playlist files arrived as files only")
        }
        let library = Set(byPath.keys)
        for path in work.playlists {
            let item = SyncItem(path: path, isFolder: false)
            guard let text = readSmallFile(byPath[path]!.path) else {
                outcome.failed.append((path, .localFile("\(path): cannot read the playlist")))
                continue
            }
            let (tracks, missing) = LibraryLists.entries(ofPlaylist: text, in: item.folder, library: library)
            if missing > 0 {
                note(ctx, "playlist \(path): \(missing) entr\(missing == 1 ? "y" : "ies") not in the synced folder, left out")
            }
            do throws(MTPCtlError) {
                try at.client.call(
                    Manager.SetPlaylist.self,
                    .init(
                        device: at.device, name: LibraryLists.stem(item.name), tracks: tracks.map(devicePath),
                        folder: deviceFolder(item.folder), storage: at.storage, session: at.session, timeoutSeconds: ctx.timeout),
                    onUpdate: ctx.waitingUpdates(at.device))
                outcome.playlists += 1
                if ctx.json { ctx.emit(.object(["playlist": .string(path), "tracks": .int(Int64(tracks.count))])) }
            } catch {
                guard isPerFile(error) else { throw error }
                outcome.failed.append(("\(path) (playlist)", error))
                writeStderr("mtpctl: playlist \(path): \(error.description)\n")
            }
        }
    }

    /// An album's cover: a cover image beside its tracks, else the first picture embedded in one of them (held in
    /// an unnamed temporary file to pass as a descriptor). nil when there is none.
    private static func coverArt(in files: [LocalItem], tracks: [TrackTags]) throws(MTPCtlError) -> (fd: Int32, size: Int)? {
        for name in LibraryLists.coverNames {
            if let cover = files.first(where: { $0.name.lowercased() == name }) {
                return (try LocalTree.openForReading(cover.path), Int(cover.size))
            }
        }
        guard let picture = tracks.lazy.compactMap(\.picture).first, !picture.bytes.isEmpty else { return nil }
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/var/tmp"
        let fd: Int32
        do throws(SystemCallError) {
            fd = try FileIO.openUnnamed(in: folder)
        } catch {
            throw .localFile("cannot hold an embedded cover in \(folder): \(error); set TMPDIR to a folder with room")
        }
        let written = picture.bytes.withUnsafeBytes { b in write(fd, b.baseAddress, b.count) }
        guard written == picture.bytes.count, lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            throw .localFile("cannot hold an embedded cover in \(folder): \(String(cString: strerror(errno)))")
        }
        return (fd, picture.bytes.count)
    }

    /// A playlist file's text (at most 4 MiB: a playlist, not a library).
    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 4 << 20 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes += buffer[..<n]
        }
        return nil
    }
}
