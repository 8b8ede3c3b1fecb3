internal import CLibMTP
#if canImport(Glibc)
import Glibc
#endif

// Playlists and albums: abstract objects (no data of their own) whose object references list tracks. libmtp's
// list readers (LIBMTP_Get_Playlist_List, LIBMTP_Get_Album_List) walk every object on the device; this file never
// calls them, and reads one list by its handle only.

extension MTPDevice {
    /// The file types of the formats the device's DeviceInfo lists, as libmtp maps them (no transaction).
    var supportedFiletypes: [LIBMTP_filetype_t] {
        var types: UnsafeMutablePointer<UInt16>? = nil
        var count: UInt16 = 0
        guard LIBMTP_Get_Supported_Filetypes(device, &types, &count) == 0, let types else { return [] }
        defer { free(types) }
        return (0..<Int(count)).map { LIBMTP_filetype_t(UInt32(types[$0])) }
    }

    /// The folder libmtp would put a playlist in when given none; nil for the storage root. A device opened
    /// uncached (as here) has libmtp's root there unless something listed the whole device.
    public var defaultPlaylistFolder: UInt32? { Self.knownFolder(device.pointee.default_playlist_folder) }

    /// The folder libmtp would put an album in when given none; nil for the storage root.
    public var defaultAlbumFolder: UInt32? { Self.knownFolder(device.pointee.default_album_folder) }

    /// libmtp's default folder handle as a folder, nil when it means the root (0 or all ones).
    static func knownFolder(_ handle: UInt32) -> UInt32? { handle == 0 || handle == rootFolder ? nil : handle }

    /// Whether the device takes album art: a representative sample for the album format (one
    /// GetObjectPropsSupported, and the sample properties' descriptions when it has them).
    public func supportsAlbumArt() throws(MTPError) -> Bool {
        guard let sample = try albumArtFormat() else { return false }
        LIBMTP_destroy_filesampledata_t(sample)
        return true
    }

    /// The representative sample the device takes for albums, or nil when it takes none; the caller frees it.
    private func albumArtFormat() throws(MTPError) -> UnsafeMutablePointer<LIBMTP_filesampledata_t>? {
        var sample: UnsafeMutablePointer<LIBMTP_filesampledata_t>? = nil
        _ = try call(
            "LIBMTP_Get_Representative_Sample_Format", isRead: true,
            { LIBMTP_Get_Representative_Sample_Format(device, LIBMTP_FILETYPE_ALBUM, &sample) }, failed: { $0 != 0 })
        return sample
    }

    /// Creates an abstract playlist `name` in `parent` (`rootFolder`, or 0, for the root) of `storage` listing
    /// `tracks`; returns its object (whose file name libmtp gives a ".pla" suffix).
    public func createPlaylist(name: String, parent: UInt32, storage: UInt32, tracks: [UInt32]) throws(MTPError) -> ObjectEntry {
        let list = LIBMTP_new_playlist_t()!
        defer { LIBMTP_destroy_playlist_t(list) }  // Frees the name and the track array set below.
        list.pointee.name = strdup(name)
        list.pointee.parent_id = Self.folderHandle(parent)
        list.pointee.storage_id = storage
        (list.pointee.tracks, list.pointee.no_tracks) = Self.trackArray(tracks)
        // Not asked again when busy: a creation that half happened would leave two.
        _ = try call(
            "LIBMTP_Create_New_Playlist", retryingBusy: false, { LIBMTP_Create_New_Playlist(device, list) },
            failed: { $0 != 0 })
        return try object(list.pointee.playlist_id)
    }

    /// Sets an existing playlist's name and tracks (its references replaced as a whole).
    public func updatePlaylist(id: UInt32, name: String, tracks: [UInt32]) throws(MTPError) {
        let list = LIBMTP_new_playlist_t()!
        defer { LIBMTP_destroy_playlist_t(list) }
        list.pointee.playlist_id = id
        list.pointee.name = strdup(name)
        (list.pointee.tracks, list.pointee.no_tracks) = Self.trackArray(tracks)
        _ = try call("LIBMTP_Update_Playlist", { LIBMTP_Update_Playlist(device, list) }, failed: { $0 != 0 })
    }

    /// Reads one playlist: its name and its tracks (GetObjectReferences), without listing the device.
    public func playlist(_ id: UInt32) throws(MTPError) -> TrackListObject {
        try primeObjectCache(id)
        let list = try call(
            "LIBMTP_Get_Playlist", unexplained: .notFound, isRead: true, { LIBMTP_Get_Playlist(device, id) },
            failed: { $0 == nil })!
        defer { LIBMTP_destroy_playlist_t(list) }
        try checkReferencesRead("LIBMTP_Get_Playlist", tracks: list.pointee.tracks)
        return TrackListObject(
            id: id, parent: list.pointee.parent_id, storage: list.pointee.storage_id,
            name: list.pointee.name.map { DeviceValues.text($0) } ?? "",
            tracks: Self.handles(list.pointee.tracks, list.pointee.no_tracks))
    }

    /// Creates an album in `parent` (`rootFolder`, or 0, for the root) of `storage` listing `tracks`; returns its
    /// object (whose file name libmtp gives an ".alb" suffix).
    public func createAlbum(_ album: AlbumMetadata, parent: UInt32, storage: UInt32, tracks: [UInt32]) throws(MTPError)
        -> ObjectEntry
    {
        let list = LIBMTP_new_album_t()!
        defer { LIBMTP_destroy_album_t(list) }  // Frees the strings and the track array set below.
        Self.fill(list, with: album, tracks: tracks)
        list.pointee.parent_id = Self.folderHandle(parent)
        list.pointee.storage_id = storage
        _ = try call(
            "LIBMTP_Create_New_Album", retryingBusy: false, { LIBMTP_Create_New_Album(device, list) }, failed: { $0 != 0 })
        return try object(list.pointee.album_id)
    }

    /// Sets an existing album's name, artist, genre and tracks (its references replaced as a whole).
    public func updateAlbum(id: UInt32, _ album: AlbumMetadata, tracks: [UInt32]) throws(MTPError) {
        let list = LIBMTP_new_album_t()!
        defer { LIBMTP_destroy_album_t(list) }
        Self.fill(list, with: album, tracks: tracks)
        list.pointee.album_id = id
        _ = try call("LIBMTP_Update_Album", { LIBMTP_Update_Album(device, list) }, failed: { $0 != 0 })
    }

    /// Reads one album: its name, artist, genre and tracks, without listing the device.
    public func album(_ id: UInt32) throws(MTPError) -> TrackListObject {
        try primeObjectCache(id)
        let list = try call(
            "LIBMTP_Get_Album", unexplained: .notFound, isRead: true, { LIBMTP_Get_Album(device, id) }, failed: { $0 == nil })!
        defer { LIBMTP_destroy_album_t(list) }
        try checkReferencesRead("LIBMTP_Get_Album", tracks: list.pointee.tracks)
        return TrackListObject(
            id: id, parent: list.pointee.parent_id, storage: list.pointee.storage_id,
            name: list.pointee.name.map { DeviceValues.text($0) } ?? "",
            artist: list.pointee.artist.map { DeviceValues.text($0) }, genre: list.pointee.genre.map { DeviceValues.text($0) },
            tracks: Self.handles(list.pointee.tracks, list.pointee.no_tracks))
    }

    /// Sends `data` as album `id`'s art (its representative sample, in the first sample format the device
    /// names); `.notSupported`, without sending, when the device takes none, or more bytes than it says it takes.
    public func sendAlbumArt(id: UInt32, data: [UInt8]) throws(MTPError) {
        guard let sample = try albumArtFormat() else {
            throw MTPError(
                kind: .notSupported, function: "LIBMTP_Get_Representative_Sample_Format",
                message: "the device takes no representative sample (art) for albums")
        }
        defer { LIBMTP_destroy_filesampledata_t(sample) }  // Frees the copy of the data set below.
        if sample.pointee.size > 0, UInt64(data.count) > sample.pointee.size {
            throw MTPError(
                kind: .notSupported, function: "LIBMTP_Send_Representative_Sample",
                message: "the art is \(data.count) bytes; the device takes at most \(sample.pointee.size)")
        }
        let bytes = malloc(max(1, data.count))!.assumingMemoryBound(to: CChar.self)
        data.withUnsafeBytes { UnsafeMutableRawPointer(bytes).copyMemory(from: $0.baseAddress!, byteCount: data.count) }
        sample.pointee.data = bytes
        sample.pointee.size = UInt64(data.count)
        _ = try call(
            "LIBMTP_Send_Representative_Sample", { LIBMTP_Send_Representative_Sample(device, id, sample) }, failed: { $0 != 0 })
    }

    /// How many bytes of art album `id` carries (GetObjectPropValue of its representative sample); 0 for none.
    public func albumArtSize(id: UInt32) throws(MTPError) -> Int {
        let sample = LIBMTP_new_filesampledata_t()!
        defer { LIBMTP_destroy_filesampledata_t(sample) }
        _ = try call(
            "LIBMTP_Get_Representative_Sample", isRead: true, { LIBMTP_Get_Representative_Sample(device, id, sample) },
            failed: { $0 != 0 })
        return Int(clamping: sample.pointee.size)
    }

    /// Puts object `id` in libmtp's object cache (one GetObjectInfo when it is not there yet). LIBMTP_Get_Playlist
    /// and LIBMTP_Get_Album list every object on the device (flush_handles) when that cache is empty; with one
    /// object in it they read just the one asked for.
    private func primeObjectCache(_ id: UInt32) throws(MTPError) { _ = try object(id) }

    /// libmtp reads a list's references last and, when that read fails, returns the list without tracks and the
    /// failure on the error stack: a failure, not an empty list.
    private func checkReferencesRead(_ function: String, tracks: UnsafeMutablePointer<UInt32>?) throws(MTPError) {
        guard tracks == nil, LIBMTP_Get_Errorstack(device) != nil else { return }
        let error = drainErrorStack(function, device: device, kind: .general)
        guard error.message.lowercased().contains("references") else { return }
        throw error
    }

    /// A malloc'ed copy of `tracks` for a libmtp list, which frees it with the list.
    private static func trackArray(_ tracks: [UInt32]) -> (UnsafeMutablePointer<UInt32>?, UInt32) {
        guard !tracks.isEmpty else { return (nil, 0) }
        let array = malloc(tracks.count * MemoryLayout<UInt32>.stride)!.assumingMemoryBound(to: UInt32.self)
        array.initialize(from: tracks, count: tracks.count)
        return (array, UInt32(tracks.count))
    }

    private static func handles(_ tracks: UnsafeMutablePointer<UInt32>?, _ count: UInt32) -> [UInt32] {
        guard let tracks else { return [] }
        return Array(UnsafeBufferPointer(start: tracks, count: Int(count)))
    }

    private static func fill(_ list: UnsafeMutablePointer<LIBMTP_album_t>, with album: AlbumMetadata, tracks: [UInt32]) {
        list.pointee.name = strdup(album.name)
        list.pointee.artist = album.artist.map { strdup($0) } ?? nil
        list.pointee.genre = album.genre.map { strdup($0) } ?? nil
        (list.pointee.tracks, list.pointee.no_tracks) = trackArray(tracks)
    }

    /// The short name `ObjectEntry.format` gives libmtp's file type; nil for a type libmtp does not know.
    static func formatName(_ type: LIBMTP_filetype_t) -> String? {
        switch type {
        case LIBMTP_FILETYPE_FOLDER: ObjectFormatName.folder
        case LIBMTP_FILETYPE_PLAYLIST: ObjectFormatName.playlist
        case LIBMTP_FILETYPE_ALBUM: ObjectFormatName.album
        case LIBMTP_FILETYPE_WAV: "wav"
        case LIBMTP_FILETYPE_MP3: "mp3"
        case LIBMTP_FILETYPE_MP2: "mp2"
        case LIBMTP_FILETYPE_WMA: "wma"
        case LIBMTP_FILETYPE_OGG: "ogg"
        case LIBMTP_FILETYPE_FLAC: "flac"
        case LIBMTP_FILETYPE_AAC: "aac"
        case LIBMTP_FILETYPE_M4A: "m4a"
        case LIBMTP_FILETYPE_AUDIBLE: "audible"
        case LIBMTP_FILETYPE_UNDEF_AUDIO: "audio"
        case LIBMTP_FILETYPE_MP4: "mp4"
        case LIBMTP_FILETYPE_WMV: "wmv"
        case LIBMTP_FILETYPE_AVI: "avi"
        case LIBMTP_FILETYPE_MPEG: "mpeg"
        case LIBMTP_FILETYPE_ASF: "asf"
        case LIBMTP_FILETYPE_QT: "quicktime"
        case LIBMTP_FILETYPE_UNDEF_VIDEO: "video"
        case LIBMTP_FILETYPE_JPEG: "jpeg"
        case LIBMTP_FILETYPE_JFIF: "jfif"
        case LIBMTP_FILETYPE_TIFF: "tiff"
        case LIBMTP_FILETYPE_BMP: "bmp"
        case LIBMTP_FILETYPE_GIF: "gif"
        case LIBMTP_FILETYPE_PICT: "pict"
        case LIBMTP_FILETYPE_PNG: "png"
        case LIBMTP_FILETYPE_JP2: "jp2"
        case LIBMTP_FILETYPE_JPX: "jpx"
        case LIBMTP_FILETYPE_WINDOWSIMAGEFORMAT: "wif"
        case LIBMTP_FILETYPE_VCALENDAR1: "vcalendar1"
        case LIBMTP_FILETYPE_VCALENDAR2: "vcalendar2"
        case LIBMTP_FILETYPE_VCARD2: "vcard2"
        case LIBMTP_FILETYPE_VCARD3: "vcard3"
        case LIBMTP_FILETYPE_WINEXEC: "exe"
        case LIBMTP_FILETYPE_TEXT: "text"
        case LIBMTP_FILETYPE_HTML: "html"
        case LIBMTP_FILETYPE_XML: "xml"
        case LIBMTP_FILETYPE_MHT: "mht"
        case LIBMTP_FILETYPE_DOC: "doc"
        case LIBMTP_FILETYPE_XLS: "xls"
        case LIBMTP_FILETYPE_PPT: "ppt"
        case LIBMTP_FILETYPE_FIRMWARE: "firmware"
        case LIBMTP_FILETYPE_MEDIACARD: "mediacard"
        default: nil
        }
    }
}
