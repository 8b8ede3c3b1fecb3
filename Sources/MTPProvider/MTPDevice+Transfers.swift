internal import CLibMTP
#if canImport(Glibc)
import Glibc
#endif

/// Carries a Swift progress closure through libmtp's `void *` callback data for the length of one call.
private final class ProgressBox {
    let report: (UInt64, UInt64) -> Bool
    init(_ report: @escaping (UInt64, UInt64) -> Bool) { self.report = report }
}

/// libmtp's progress callback: returning non-zero makes libmtp cancel the transfer.
private func progressTrampoline(_ sent: UInt64, _ total: UInt64, _ data: UnsafeRawPointer?) -> Int32 {
    guard let data else { return 0 }
    // Unretained: the box is kept alive by withExtendedLifetime around the libmtp call.
    let box = Unmanaged<ProgressBox>.fromOpaque(data).takeUnretainedValue()
    return box.report(sent, total) ? 0 : 1
}

extension MTPDevice {
    private func withProgress<T>(_ report: @escaping (UInt64, UInt64) -> Bool,
                                 _ body: (UnsafeRawPointer) throws(MTPError) -> T) throws(MTPError) -> T {
        let box = ProgressBox(report)
        return try withExtendedLifetime(box) { () throws(MTPError) -> T in
            try body(UnsafeRawPointer(Unmanaged.passUnretained(box).toOpaque()))
        }
    }

    /// Sends `size` bytes read from `fd` as `name` into `parent` (`rootFolder` for the root) of `storage`, as a
    /// track when `track` is given. `progress` returns false to cancel. A failed or cancelled send leaves
    /// nothing behind: an object the device created before the data failed is deleted again.
    public func sendFile(from fd: Int32, name: String, size: UInt64, parent: UInt32, storage: UInt32, track: TrackMetadata?,
                         progress: @escaping (UInt64, UInt64) -> Bool) throws(MTPError) -> ObjectEntry {
        let filetype = Self.filetype(forName: name)
        return try withProgress(progress) { data throws(MTPError) in
                if let track { return try sendTrack(fd, name, size, parent, storage, filetype, track, data) }
                let file = LIBMTP_new_file_t()!
                defer { LIBMTP_destroy_file_t(file) }
                file.pointee.filename = strdup(name)
                file.pointee.filesize = size
                file.pointee.parent_id = parent
                file.pointee.storage_id = storage
                file.pointee.filetype = filetype
                try sendRemovingPartial("LIBMTP_Send_File_From_File_Descriptor",
                                        { LIBMTP_Send_File_From_File_Descriptor(device, fd, file, progressTrampoline, data) },
                                        created: { file.pointee.item_id })
                return ObjectEntry(id: file.pointee.item_id, parent: file.pointee.parent_id, storage: file.pointee.storage_id,
                                   name: name, size: size, isFolder: false, modified: nil)
        }
    }

    private func sendTrack(_ fd: Int32, _ name: String, _ size: UInt64, _ parent: UInt32, _ storage: UInt32,
                           _ filetype: LIBMTP_filetype_t, _ t: TrackMetadata, _ data: UnsafeRawPointer) throws(MTPError) -> ObjectEntry {
        let track = LIBMTP_new_track_t()!
        defer { LIBMTP_destroy_track_t(track) }
        track.pointee.filename = strdup(name)
        track.pointee.filesize = size
        track.pointee.parent_id = parent
        track.pointee.storage_id = storage
        track.pointee.filetype = filetype
        track.pointee.title = t.title.map { strdup($0) } ?? nil
        track.pointee.artist = t.artist.map { strdup($0) } ?? nil
        track.pointee.album = t.album.map { strdup($0) } ?? nil
        track.pointee.composer = nil
        track.pointee.genre = t.genre.map { strdup($0) } ?? nil
        // libmtp's track has no album-artist field; that key is accepted and not stored.
        track.pointee.tracknumber = UInt16(clamping: t.trackNumber ?? 0)
        track.pointee.duration = UInt32(clamping: t.durationMs ?? 0)
        if let year = t.year { track.pointee.date = strdup(fourDigits(year) + "0101T000000.0") }
        try sendRemovingPartial("LIBMTP_Send_Track_From_File_Descriptor",
                                { LIBMTP_Send_Track_From_File_Descriptor(device, fd, track, progressTrampoline, data) },
                                created: { track.pointee.item_id })
        return ObjectEntry(id: track.pointee.item_id, parent: track.pointee.parent_id, storage: track.pointee.storage_id,
                           name: name, size: size, isFolder: false, modified: nil)
    }

    /// Runs a libmtp send; when it fails after the device accepted the object info (libmtp has set the item
    /// id by then), deletes that object, so no partial object is left.
    private func sendRemovingPartial(_ function: String, _ send: () -> Int32, created: () -> UInt32) throws(MTPError) {
        do throws(MTPError) {
            _ = try libmtpCall(function, device: device, send, failed: { $0 != 0 })
        } catch {
            let id = created()
            if id != 0, LIBMTP_Delete_Object(device, id) != 0 { LIBMTP_Clear_Errorstack(device) }
            throw error
        }
    }

    /// Writes object `id`'s data to `fd`; `progress` returns false to cancel.
    public func getFile(id: UInt32, to fd: Int32, progress: @escaping (UInt64, UInt64) -> Bool) throws(MTPError) {
        try withProgress(progress) { data throws(MTPError) in
            _ = try libmtpCall("LIBMTP_Get_File_To_File_Descriptor", device: device,
                               { LIBMTP_Get_File_To_File_Descriptor(device, id, fd, progressTrampoline, data) },
                               failed: { $0 != 0 })
        }
    }

    /// Up to `length` bytes of object `id` from `offset` (GetPartialObject, or the 64-bit variant).
    public func readPartial(id: UInt32, offset: UInt64, length: UInt32) throws(MTPError) -> [UInt8] {
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt32 = 0
        _ = try libmtpCall("LIBMTP_GetPartialObject", device: device,
                           { LIBMTP_GetPartialObject(device, id, offset, length, &data, &size) }, failed: { $0 != 0 })
        defer { free(data) }
        guard let data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(size)))
    }

    /// libmtp's file type for a name's extension, so players see audio as audio.
    static func filetype(forName name: String) -> LIBMTP_filetype_t {
        let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
        switch ext {
        case "mp3": return LIBMTP_FILETYPE_MP3
        case "ogg", "oga": return LIBMTP_FILETYPE_OGG
        case "flac": return LIBMTP_FILETYPE_FLAC
        case "wav": return LIBMTP_FILETYPE_WAV
        case "wma": return LIBMTP_FILETYPE_WMA
        case "m4a", "aac": return LIBMTP_FILETYPE_AAC
        case "mp4", "m4v": return LIBMTP_FILETYPE_MP4
        case "jpg", "jpeg": return LIBMTP_FILETYPE_JPEG
        case "png": return LIBMTP_FILETYPE_PNG
        case "txt": return LIBMTP_FILETYPE_TEXT
        default: return LIBMTP_FILETYPE_UNKNOWN
        }
    }
}

/// A year as four digits, as MTP dates want it.
func fourDigits(_ n: Int) -> String {
    let digits = String(Swift.max(0, Swift.min(n, 9999)))
    return String(repeating: "0", count: 4 - digits.count) + digits
}
