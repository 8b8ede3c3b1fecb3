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
    /// with the bundle's total size so free space is checked once).
    public static func put(
        _ ctx: Context, sources: [String], destination: RemotePath, overwrite: Bool, name: String?,
        track: Track, storage: Int?, session: String?
    ) throws(MTPCtlError) {
        let (files, folders) = try LocalFiles.expand(sources)
        if (name != nil || !track.isEmpty) && (files.count != 1 || !folders.isEmpty) {
            throw .usage("--name and track metadata apply to a single file; \(files.count) files were given")
        }
        let client = try ctx.connect()
        let total = files.reduce(0) { $0 + $1.size }
        var sessionID = session
        var deviceName = destination.device
        let ownSession = session == nil
        if ownSession {
            let r = try client.call(
                Manager.BeginSession.self,
                .init(
                    device: destination.device, types: ["transferToDevice"],
                    context: Manager.SessionContext(expectedBytes: Int(total), folder: destination.path, storage: storage),
                    timeoutSeconds: ctx.timeout), onUpdate: ctx.waitingUpdates(destination.device))
            sessionID = r.session
            deviceName = r.device
        }
        var display = ProgressDisplay(json: ctx.json)
        var failure: MTPCtlError?
        var sent = 0
        do throws(MTPCtlError) {
            let base = destination.path == "/" ? "" : destination.path
            for folder in folders {
                try client.call(
                    Manager.MakeDirectory.self,
                    .init(
                        .init(
                            device: destination.device, path: base + "/" + folder,
                            storage: storage, session: sessionID, timeoutSeconds: ctx.timeout), parents: true),
                    onUpdate: ctx.waitingUpdates(destination.device))
            }
            for file in files {
                let folder = file.relativeFolder.isEmpty ? destination.path : base + "/" + file.relativeFolder
                let remoteName = name ?? file.name
                let fd = try LocalFiles.openForReading(file.path)
                defer { close(fd) }
                display.begin(remoteName, total: file.size)
                let r = try client.call(
                    Manager.Put.self,
                    .init(
                        device: destination.device, folder: folder, name: remoteName, fd: 0, size: Int(file.size),
                        overwrite: overwrite,
                        track: track.isEmpty ? nil : track, storage: storage, session: sessionID,
                        timeoutSeconds: ctx.timeout,
                    ), fileDescriptors: [fd]
                ) { update throws(MTPCtlError) in
                    if let wait = update.waiting { return ctx.sayWaiting(wait, device: deviceName) }
                    guard let progress = update.progress else { return }
                    if ctx.json { ctx.emit(.object(update.fields)) }
                    display.update(done: Int64(progress.done), total: Int64(progress.total))
                }
                display.end()
                sent += 1
                if ctx.json {
                    ctx.emit(.object(r.fields))
                } else {
                    ctx.say("sent \(file.path) → \(deviceName):\(r.entry.path) (\(ProgressDisplay.bytes(file.size)))")
                }
            }
        } catch {
            display.end()
            failure = error
        }
        if ownSession, let id = sessionID {
            do throws(MTPCtlError) {
                try client.call(Manager.EndSession.self, .init(session: id, types: ["transferToDevice"]))
            } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        if !ctx.json {
            ctx.say(
                "\(sent) files (\(ProgressDisplay.bytes(total))) sent to \(deviceName):\(destination.path) in \(ownSession ? "one session" : "session \(session!)")"
            )
        }
    }

    /// Copies a device file (or a byte range) to a local file. The data lands in a temporary file beside the
    /// target, renamed over it only when complete, so a failure never leaves a truncated or half-written file.
    public static func get(
        _ ctx: Context, source: RemotePath, local: String, offset: Int?, length: Int?, storage: Int?,
        session: String?
    ) throws(MTPCtlError) {
        var target = local
        var st = stat()
        if local != "-", stat(local, &st) == 0, st.st_mode & S_IFMT == S_IFDIR {
            guard !source.name.isEmpty else { throw .usage("\(source) is a storage root, not a file") }
            target = local + "/" + source.name
        }
        let client = try ctx.connect()
        let temporary = target == "-" ? nil : "\(target).partial-\(getpid())"
        let fd: Int32
        if let temporary {
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .localFile("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        } else {
            fd = STDOUT_FILENO
        }
        var fdOpen = temporary != nil
        var display = ProgressDisplay(json: ctx.json || target == "-")
        display.begin(source.name, total: 0)
        do throws(MTPCtlError) {
            let r = try client.call(
                Manager.Get.self,
                .init(
                    device: source.device, path: source.path, fd: 0, offset: offset, length: length, storage: storage,
                    session: session, timeoutSeconds: ctx.timeout
                ), fileDescriptors: [fd]
            ) { update throws(MTPCtlError) in
                if let wait = update.waiting { return ctx.sayWaiting(wait, device: source.device) }
                guard let progress = update.progress else { return }
                if ctx.json && target != "-" { ctx.emit(.object(update.fields)) }
                display.update(done: Int64(progress.done), total: Int64(progress.total))
            }
            display.end()
            if let temporary {
                let synced = fsync(fd) == 0
                fdOpen = false
                guard synced, close(fd) == 0 else {
                    throw .localFile("writing \(target) failed: \(String(cString: strerror(errno)))")
                }
                guard rename(temporary, target) == 0 else {
                    throw .localFile("cannot move the data into \(target): \(String(cString: strerror(errno)))")
                }
            }
            let size = Int64(r.size)
            if ctx.json && target != "-" {
                ctx.emit(.object(["size": .int(size), "path": .string(target)]))
            } else if target != "-" {
                ctx.say("got \(source) → \(target) (\(ProgressDisplay.bytes(size)))")
            }
        } catch {
            display.end()
            if let temporary {
                if fdOpen { close(fd) }
                unlink(temporary)
            }
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
