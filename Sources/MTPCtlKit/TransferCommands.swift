#if canImport(Glibc)
import Glibc
#endif
import ManagerContract
import Varlink

/// put and get: file data crosses as descriptors passed to the daemon, never as paths it opens.
public enum TransferCommands {
    /// Metadata for a single-file put sent as a track: the contract's own value.
    public typealias Track = Manager.Track

    /// Sends files and folders into a device folder, all in one session (the caller's, or one begun here
    /// with the bundle's total size so free space is checked once). "-" is standard input (`StandardInput`), named
    /// by `name`. What a folder holds that cannot be sent (`LocalTree`) is named on stderr, never dropped silently.
    public static func put(
        _ ctx: Context, sources: [String], destination: RemotePath, overwrite: Bool, name: String?,
        track: Track, storage: Int?, session: String?, dereference: Bool = true, tags: Bool = true
    ) throws(MTPCtlError) {
        var tree: LocalTree
        var input: (fd: Int32, size: Int64)?
        if sources == ["-"] {
            guard name != nil else {
                throw .usage("put - needs the file's name on the device: --name NAME (e.g. put - --name notes.txt :/Documents)")
            }
            input = try StandardInput.spooled()
            tree = LocalTree(files: [LocalItem(path: "-", relativeFolder: "", name: "-", size: input!.size, modified: 0)])
        } else {
            guard !sources.contains("-") else { throw .usage("- (standard input) must be the only file given") }
            tree = try LocalTree.expand(sources, dereference: dereference)
        }
        defer { if let input { close(input.fd) } }
        let (files, folders) = (tree.files, tree.folders)
        if (name != nil || !track.isEmpty) && (files.count != 1 || !folders.isEmpty) {
            throw .usage("--name and track metadata apply to a single file; \(files.count) files were given")
        }
        reportSkipped(ctx, tree.skipped)
        let client = try ctx.connect()
        let total = files.reduce(0) { $0 + $1.size }
        var display = ProgressDisplay(json: ctx.json)
        var sent = 0
        let scope = try SessionScope.run(
            ctx, client, device: destination.device, types: ["transferToDevice"],
            context: Manager.SessionContext(expectedBytes: Int(total), folder: destination.path, storage: storage),
            given: session
        ) { scope throws(MTPCtlError) in
            do throws(MTPCtlError) {
                let base = destination.path == "/" ? "" : destination.path
                for folder in folders {
                    try client.call(
                        Manager.MakeDirectory.self,
                        .init(
                            .init(
                                device: destination.device, path: base + "/" + folder,
                                storage: storage, session: scope.id, timeoutSeconds: ctx.timeout), parents: true),
                        onUpdate: ctx.waitingUpdates(destination.device))
                }
                for file in files {
                    let folder = file.relativeFolder.isEmpty ? destination.path : base + "/" + file.relativeFolder
                    let remoteName = name ?? file.name
                    let fd = if let input { input.fd } else { try LocalTree.openForReading(file.path) }
                    defer { if input == nil { close(fd) } }
                    // The file's own tags, under what the command line gave; stdin's data has no name to go by.
                    let sentTrack = TrackMetadata.track(
                        tags && input == nil
                            ? TrackMetadata.tags(of: file.path, name: file.name) { SyncCommand.note(ctx, $0) } : nil,
                        given: track)
                    display.begin(remoteName, total: file.size)
                    let r = try client.call(
                        Manager.Put.self,
                        .init(
                            device: destination.device, folder: folder, name: remoteName, fd: 0, size: Int(file.size),
                            overwrite: overwrite, track: sentTrack,
                            storage: storage, session: scope.id,
                            timeoutSeconds: ctx.timeout,
                        ), fileDescriptors: [fd]
                    ) { update throws(MTPCtlError) in
                        if let wait = update.waiting { return ctx.sayWaiting(wait, device: scope.deviceName) }
                        guard let progress = update.progress else { return }
                        if ctx.json { ctx.emit(.object(update.fields)) }
                        display.update(done: Int64(progress.done), total: Int64(progress.total))
                    }
                    display.end()
                    sent += 1
                    if ctx.json {
                        ctx.emit(.object(r.fields))
                    } else {
                        let from = input == nil ? file.path : "standard input"
                        ctx.say("sent \(from) → \(scope.deviceName):\(r.entry.path) (\(ProgressDisplay.bytes(file.size)))")
                    }
                }
            } catch {
                display.end()
                throw error
            }
            return scope
        }
        if !ctx.json {
            ctx.say(
                "\(sent) files (\(ProgressDisplay.bytes(total))) sent to \(scope.deviceName):\(destination.path) in \(scope.described)"
                    + (tree.skipped.isEmpty ? "" : "; \(tree.skipped.count) not sent (named above)"))
        }
    }

    /// Names on stderr (or as JSON lines) what a folder held that was not sent, and why.
    static func reportSkipped(_ ctx: Context, _ skipped: [String]) {
        for line in skipped {
            if ctx.json {
                ctx.emit(.object(["skipped": .string(line)]))
            } else {
                writeStderr("mtpctl: not sent: \(line)\n")
            }
        }
    }

    /// Copies a device file (or a byte range) to a local file (`ReceivedFile`), or to stdout for "-".
    public static func get(
        _ ctx: Context, source: RemotePath, local: String, offset: Int?, length: Int?, storage: Int?,
        session: String?
    ) throws(MTPCtlError) {
        var target = local
        var st = stat()
        if local != "-", stat(local, &st) == 0, st.st_mode & S_IFMT == S_IFDIR {
            guard !source.name.isEmpty else { throw .usage("\(source) is a storage root, not a file; get -r copies a folder") }
            target = local + "/" + source.name
        }
        let client = try ctx.connect()
        var display = ProgressDisplay(json: ctx.json || target == "-")
        display.begin(source.name, total: 0)
        let onProgress = { (update: Manager.ProgressUpdate) throws(MTPCtlError) in
            guard let progress = update.progress else { return }
            if ctx.json && target != "-" { ctx.emit(.object(update.fields)) }
            display.update(done: Int64(progress.done), total: Int64(progress.total))
        }
        do throws(MTPCtlError) {
            let size: Int64
            if target == "-" {
                size = Int64(
                    try client.call(
                        Manager.Get.self,
                        .init(
                            device: source.device, path: source.path, fd: 0, offset: offset, length: length,
                            storage: storage, session: session, timeoutSeconds: ctx.timeout),
                        fileDescriptors: [STDOUT_FILENO]
                    ) { update throws(MTPCtlError) in
                        if let wait = update.waiting { return ctx.sayWaiting(wait, device: source.device) }
                        try onProgress(update)
                    }.size)
            } else {
                size = try ReceivedFile.receive(
                    ctx, client, device: source.device, path: source.path, offset: offset, length: length,
                    storage: storage, session: session, target: target, progress: onProgress)
            }
            display.end()
            if ctx.json && target != "-" {
                ctx.emit(.object(["size": .int(size), "path": .string(target)]))
            } else if target != "-" {
                ctx.say("got \(source) → \(target) (\(ProgressDisplay.bytes(size)))")
            }
        } catch {
            display.end()
            throw error
        }
    }
}

extension Manager.Track {
    /// No metadata given: the file is sent as a plain object.
    var isEmpty: Bool {
        [title, artist, album, albumArtist, genre].allSatisfy { $0 == nil } && trackNumber == nil && year == nil
            && durationMs == nil
    }
}
