#if canImport(Glibc)
import Glibc
#endif

/// What a synced music library needs on a player besides its files: an album per album folder (with its cover)
/// and a device playlist per `.m3u`/`.m3u8` file, on devices that keep them. Only what this run touched, or what
/// the device lacks, is made again, so a re-sync of an unchanged library costs the device nothing more.
enum LibraryLists {
    /// Names of a folder's cover image, in order of preference (compared without case).
    static let coverNames = ["cover.jpg", "folder.jpg", "front.jpg", "cover.jpeg", "cover.png", "folder.png"]

    /// Whether `name` is a playlist file.
    static func isPlaylist(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".m3u") || lower.hasSuffix(".m3u8")
    }

    /// A name without its extension: "Mix.m3u8" is the playlist "Mix".
    static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The albums and playlists to make or make again.
    struct Work: Equatable {
        /// Folders (below the synced folder, "" for the top) whose audio files get albums.
        var albumFolders: [String] = []
        /// Playlist files (paths below the synced folder).
        var playlists: [String] = []
    }

    /// Decides the work from the library's files, the paths this run sent or deleted, and the names of the
    /// playlist and album objects already in each device folder.
    static func pending(files: [String], changed: Set<String>, onDevice: [String: Set<String>]) -> Work {
        var work = Work()
        var byFolder: [String: [String]] = [:]
        for path in files { byFolder[SyncItem(path: path, isFolder: false).folder, default: []].append(path) }
        for (folder, paths) in byFolder.sorted(by: { $0.key < $1.key }) {
            let audio = paths.filter { TrackMetadata.isAudio(SyncItem(path: $0, isFolder: false).name) }
            guard !audio.isEmpty else { continue }
            let hasAlbum = onDevice[folder]?.contains { $0.lowercased().hasSuffix(".alb") } ?? false
            if !hasAlbum || paths.contains(where: changed.contains) { work.albumFolders.append(folder) }
        }
        let changedFolders = Set(changed.map { SyncItem(path: $0, isFolder: false).folder })
        for path in files.sorted() where isPlaylist(SyncItem(path: path, isFolder: false).name) {
            let item = SyncItem(path: path, isFolder: false)
            let object = stem(item.name) + ".pla"
            let present = onDevice[item.folder]?.contains(object) ?? false
            // A replaced track is a new object, so a playlist anywhere may refer to it: any change remakes playlists.
            if !present || changed.contains(path) || !changedFolders.isEmpty { work.playlists.append(path) }
        }
        return work
    }

    /// The playlist objects on the device (paths below the synced folder) that no playlist file of the library
    /// accounts for any more, leaving out those in folders deleted whole (`deletedFolders`): what `--delete` removes
    /// besides files, so a playlist dropped from the library leaves the player too.
    static func stalePlaylists(files: [String], onDevice: [String: Set<String>], deletedFolders: Set<String>) -> [String] {
        let kept = Set(
            files.lazy.map { SyncItem(path: $0, isFolder: false) }.filter { isPlaylist($0.name) }.map {
                ($0.folder.isEmpty ? "" : $0.folder + "/") + stem($0.name) + ".pla"
            })
        return onDevice.keys.sorted().filter { !SyncItem.lies($0, in: deletedFolders) }.flatMap { folder in
            onDevice[folder]!.sorted().filter { $0.lowercased().hasSuffix(".pla") }
                .map { folder.isEmpty ? $0 : folder + "/" + $0 }.filter { !kept.contains($0) }
        }
    }

    /// The entries of an M3U playlist in folder `folder` (below the synced folder) as paths below the synced folder,
    /// in order, and how many point outside it or to nothing it holds.
    static func entries(ofPlaylist text: String, in folder: String, library: Set<String>) -> (tracks: [String], missing: Int) {
        var tracks: [String] = [], missing = 0
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingPrefix { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            while line.last == " " || line.last == "\t" { line = line.dropLast() }
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let text = String(line).replacingBackslashes
            guard !text.hasPrefix("/"), !text.contains("://"), let path = resolve(text, in: folder), library.contains(path) else {
                missing += 1
                continue
            }
            tracks.append(path)
        }
        return (tracks, missing)
    }

    /// `relative` resolved against `folder`, "." and ".." applied; nil when it leaves the synced folder.
    static func resolve(_ relative: String, in folder: String) -> String? {
        var parts = folder.split(separator: "/").map(String.init)
        for part in relative.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}

extension String {
    /// Windows-made playlists separate folders with backslashes.
    fileprivate var replacingBackslashes: String { String(map { $0 == "\\" ? "/" : $0 }) }
}
