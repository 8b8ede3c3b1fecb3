import MTPProvider
import SessionModel
import SystemCalls

/// How a playlist's or album's object is named: libmtp gives the object of a list named "Mix" the file name
/// "Mix.pla" (".zpl" on a Zune), an album's ".alb"; a client names the list, the device lists the file.
enum TrackListName {
    /// The suffixes libmtp gives the objects of lists of `kind`.
    static func suffixes(_ kind: TrackListKind) -> [String] { kind == .playlist ? [".pla", ".zpl"] : [".alb"] }

    /// The list name a client's name stands for: less libmtp's suffix for `kind`, if the client wrote it.
    static func listName(_ name: String, _ kind: TrackListKind) -> String {
        for suffix in suffixes(kind) where name.count > suffix.count && name.lowercased().hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    /// Whether an object named `fileName` is list `name`'s object of `kind`, or a file in its way (one that has
    /// the name libmtp would give that object).
    static func matches(fileName: String, name: String, _ kind: TrackListKind) -> Bool {
        let stem = listName(name, kind)
        return suffixes(kind).contains { fileName.lowercased() == (stem + $0).lowercased() }
    }
}

extension TrackListKind {
    /// Whether `entry` is an object of this kind.
    func holds(_ entry: ObjectEntry) -> Bool { self == .playlist ? entry.isPlaylist : entry.isAlbum }
    /// The operation NotSupported names.
    var operation: String { self == .playlist ? "playlists" : "albums" }
}

extension DeviceActor {
    /// The most art bytes the daemon reads from a client for one album (devices take tens of kilobytes).
    static let maximumArtBytes: UInt64 = 16 << 20

    /// Creates list `request.name` of `kind` in its folder, or sets the tracks (and an album's words) of the one
    /// already there; an album's art is sent after. Tracks are resolved as paths, folder by folder, like any
    /// other operation's; the device is never listed whole.
    func setTrackList(
        _ kind: TrackListKind, _ request: TrackListRequest, storage: UInt32?, session: String?
    ) throws(ServiceError) -> TrackListSummary {
        let listName: ObjectName, folder: ObjectPath?, tracks: [ObjectPath]
        do {
            listName = try ObjectName(request.name)
            folder = try request.folder.map { text throws(NameRejection) in try ObjectPath(text) }
            tracks = try request.tracks.map { text throws(NameRejection) in try ObjectPath(text) }
        } catch { throw error.serviceError }
        let art = try request.art.map { art throws(ServiceError) in try Self.readArt(art) }
        return try perform(session: session) { device throws(ServiceError) in
            if art != nil { learnAlbumArt(device) }
            try requireSupport(kind, art: art != nil)
            let storage = try storageID(storage)
            let target: Resolved
            if let folder {
                target = try resolveFolder(folder, storage: storage)
            } else {
                target = try defaultFolder(kind, storage: storage, on: device)
            }
            var handles: [UInt32] = []
            for path in tracks {
                let found = try resolve(path, storage: storage)
                guard let entry = found.entry, !entry.isFolder, !entry.isPlaylist, !entry.isAlbum else {
                    throw .invalidPath(path: path.description, reason: "a track is a file, not a folder, playlist or album")
                }
                handles.append(entry.id)
            }
            let existing = try listing(target.folderID, storage: storage).first {
                !$0.isFolder && TrackListName.matches(fileName: $0.name, name: listName.text, kind)
            }
            if let existing, !kind.holds(existing) {
                throw .alreadyExists(
                    device: name, path: target.path.childPath(deviceName: existing.name) + " (not a \(kind.rawValue))")
            }
            let album = AlbumMetadata(name: listName.text, artist: request.artist, genre: request.genre)
            let object: ObjectEntry
            do throws(MTPError) {
                if let existing {
                    switch kind {
                    case .playlist: try device.updatePlaylist(id: existing.id, name: listName.text, tracks: handles)
                    case .album: try device.updateAlbum(id: existing.id, album, tracks: handles)
                    }
                    object = existing
                } else {
                    switch kind {
                    case .playlist:
                        object = try device.createPlaylist(
                            name: listName.text, parent: target.folderID, storage: storage, tracks: handles)
                    case .album:
                        object = try device.createAlbum(album, parent: target.folderID, storage: storage, tracks: handles)
                    }
                    madeChange(.objectAdded, object: object.id, storage: storage)
                    cache.added(object, folder: target.folderID)
                }
                if let art { try device.sendAlbumArt(id: object.id, data: art) }
            } catch where error.kind == .notSupported {
                throw .notSupported(device: name, operation: art != nil ? "album art" : kind.operation)
            } catch { throw map(error) }
            var summary = try readTrackList(kind, object, at: target.path.childPath(deviceName: object.name), on: device)
            summary.created = existing == nil
            return summary
        }
    }

    /// Reads back the playlist or album at `path`: the object itself ("/Playlists/Mix.pla"), or the list by its
    /// name in its folder ("/Playlists/Mix").
    func trackList(_ kind: TrackListKind, at path: ObjectPath, storage: UInt32?, session: String?) throws(ServiceError)
        -> TrackListSummary
    {
        guard let last = path.name else { throw .invalidPath(path: "/", reason: "the storage root is not a \(kind.rawValue)") }
        return try perform(session: session) { device throws(ServiceError) in
            try requireSupport(kind, art: false)
            let storage = try storageID(storage)
            let folder = try resolveFolder(path.parent, storage: storage)
            let entries = try listing(folder.folderID, storage: storage)
            guard
                let entry = entries.first(where: { $0.name == last.text && kind.holds($0) })
                    ?? entries.first(where: { kind.holds($0) && TrackListName.matches(fileName: $0.name, name: last.text, kind) })
            else {
                if entries.contains(where: { $0.name == last.text }) {
                    throw .invalidPath(path: path.description, reason: "not a \(kind.rawValue)")
                }
                throw .notFound(device: name, path: path.description)
            }
            return try readTrackList(kind, entry, at: path.parent.childPath(deviceName: entry.name), on: device)
        }
    }

    /// NotSupported unless the device keeps lists of `kind` (and takes album art, when `art`).
    private func requireSupport(_ kind: TrackListKind, art: Bool) throws(ServiceError) {
        let supported = kind == .playlist ? capabilities.playlists : capabilities.albums
        guard supported else { throw .notSupported(device: name, operation: kind.operation) }
        if art, albumArt != true { throw .notSupported(device: name, operation: "album art") }
    }

    /// The folder a list of `kind` goes in when the client names none: libmtp's default folder for it, else the
    /// storage root.
    private func defaultFolder(_ kind: TrackListKind, storage: UInt32, on device: any DeviceSurface) throws(ServiceError)
        -> Resolved
    {
        let known = kind == .playlist ? device.defaultPlaylistFolder : device.defaultAlbumFolder
        guard let known else { return Resolved(path: .root, storage: storage, entry: nil) }
        do throws(MTPError) {
            let entry = try device.object(known)
            guard entry.storage == storage, entry.isFolder, let path = try ObjectPath(pathOf: known, on: device) else {
                return Resolved(path: .root, storage: storage, entry: nil)
            }
            return Resolved(path: path, storage: storage, entry: entry)
        } catch { throw map(error) }
    }

    /// A list's object, words and tracks, each track named by its path (found from the track up, one object's
    /// info at a time, which libmtp keeps once read).
    private func readTrackList(_ kind: TrackListKind, _ entry: ObjectEntry, at path: String, on device: any DeviceSurface)
        throws(ServiceError) -> TrackListSummary
    {
        let list: TrackListObject
        var artBytes: Int?
        var paths: [String] = []
        do throws(MTPError) {
            list = kind == .playlist ? try device.playlist(entry.id) : try device.album(entry.id)
            for track in list.tracks {
                guard let trackPath = try ObjectPath(pathOf: track, on: device) else {
                    logger.debug("a listed track is gone from the device", metadata: ["object": "\(track)"])
                    continue
                }
                paths.append(trackPath.description)
            }
            if kind == .album {
                learnAlbumArt(device)
                if albumArt == true { artBytes = (try? device.albumArtSize(id: entry.id)) ?? 0 }
            }
        } catch { throw map(error) }
        return TrackListSummary(
            entry: summary(of: entry, atPath: path), name: list.name, artist: list.artist, genre: list.genre, tracks: paths,
            artBytes: artBytes)
    }

    /// Reads an album's art from the client's descriptor, whole.
    private static func readArt(_ art: (fd: Int32, fdIndex: Int, size: UInt64)) throws(ServiceError) -> [UInt8] {
        guard art.size <= maximumArtBytes else {
            throw .invalidParameter("artSize: \(art.size) bytes; album art is at most \(maximumArtBytes) bytes")
        }
        try FileDescriptorChecks.readable(art.fd, index: art.fdIndex, size: art.size)
        var bytes = [UInt8](repeating: 0, count: Int(art.size))
        var done = 0
        while done < bytes.count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemCallError) in
                    try FileIO.read(art.fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                }
            }
            let n: Int
            switch read {
            case .success(let count): n = count
            case .failure(let error): throw .badFileDescriptor(fd: art.fdIndex, reason: "reading failed: \(error.reason)")
            }
            guard n > 0 else {
                throw .badFileDescriptor(fd: art.fdIndex, reason: "it ended after \(done) of \(art.size) bytes")
            }
            done += n
        }
        return bytes
    }
}

extension ObjectPath {
    /// The path of object `id`, found by walking up its parents; nil when the device no longer has it. Names a
    /// client could not write are spelled safely, as listings spell them.
    init?(pathOf id: UInt32, on device: any DeviceSurface) throws(MTPError) {
        var names: [String] = []
        var current = id
        // A bound on depth: a device that reports a loop of parents must not hang the daemon.
        for _ in 0..<256 {
            let entry: ObjectEntry
            do throws(MTPError) { entry = try device.object(current) } catch where error.kind == .notFound { return nil }
            names.insert(ObjectName.pathComponent(forDeviceName: entry.name), at: 0)
            guard entry.parent != 0, entry.parent != MTPDevice.rootFolder else {
                guard let path = try? ObjectPath("/" + names.joined(separator: "/")) else { return nil }
                self = path
                return
            }
            current = entry.parent
        }
        return nil
    }
}
