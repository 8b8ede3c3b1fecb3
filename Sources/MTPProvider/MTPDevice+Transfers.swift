internal import CLibMTP
internal import PTPWire
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

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

/// The local end of a get: the descriptor libmtp's data goes to, and the errno of a write that failed.
private final class DescriptorSink {
    let fd: Int32
    var failure: Int32?
    /// Bytes written so far: a busy device is asked again only while nothing was.
    var written: UInt64 = 0
    init(_ fd: Int32) { self.fd = fd }
}

/// libmtp's put function for a get: writes the whole chunk, or records why not and fails the transfer.
private func descriptorWriter(
    _ params: UnsafeMutableRawPointer?, _ priv: UnsafeMutableRawPointer?, _ length: UInt32,
    _ bytes: UnsafeMutablePointer<UInt8>?, _ written: UnsafeMutablePointer<UInt32>?
) -> UInt16 {
    guard let priv else { return UInt16(LIBMTP_HANDLER_RETURN_ERROR) }
    // Unretained: getFile keeps the sink alive for the length of the call.
    let sink = Unmanaged<DescriptorSink>.fromOpaque(priv).takeUnretainedValue()
    do {
        try FileIO.writeAll(sink.fd, UnsafeRawBufferPointer(start: bytes, count: Int(length)))
    } catch {
        sink.failure = error.errno
        return UInt16(LIBMTP_HANDLER_RETURN_ERROR)
    }
    sink.written += UInt64(length)
    written?.pointee = length
    return UInt16(LIBMTP_HANDLER_RETURN_OK)
}

extension MTPDevice {
    private func withProgress<T>(
        _ report: @escaping (UInt64, UInt64) -> Bool,
        _ body: (UnsafeRawPointer) throws(MTPError) -> T
    ) throws(MTPError) -> T {
        let box = ProgressBox(report)
        return try withExtendedLifetime(box) { () throws(MTPError) -> T in
            try body(UnsafeRawPointer(Unmanaged.passUnretained(box).toOpaque()))
        }
    }

    /// Sends `size` bytes read from `fd` as `name` into `parent` (`rootFolder`, or 0, for the root) of `storage`,
    /// with its track metadata when `track` is given. `progress` returns false to cancel.
    ///
    /// A failed or cancelled send leaves nothing behind: once the device has accepted the object's info it
    /// holds an object, which is deleted again when the data or the track metadata then fail (moot when the
    /// device is gone). The entry returned carries the name libmtp sent, which it rewrites in place for
    /// devices flagged as wanting 7-bit names.
    ///
    /// `accepted` hears the new object's id once the device has accepted its info, at the first progress report
    /// (libmtp sets the id before the data phase), so a caller can note what to clean up should it die mid-send.
    public func sendFile(
        from fd: Int32, name: String, size: UInt64, parent: UInt32, storage: UInt32, track: TrackMetadata?,
        accepted: @escaping (UInt32) -> Void = { _ in },
        progress: @escaping (UInt64, UInt64) -> Bool
    ) throws(MTPError) -> ObjectEntry {
        let file = LIBMTP_new_file_t()!
        defer { LIBMTP_destroy_file_t(file) }
        file.pointee.filename = strdup(name)
        file.pointee.filesize = size
        file.pointee.parent_id = Self.folderHandle(parent)
        file.pointee.storage_id = storage
        file.pointee.filetype = Self.filetype(forName: name)
        // A busy device is asked again from the file's start, once its partial object is gone, when the file
        // can be read again from there (not a pipe).
        let start = lseek(fd, 0, SEEK_CUR)
        try BusyRetry.standard.run(while: { $0.isDeviceBusy && start >= 0 }) { () throws(MTPError) in
            if start >= 0 { _ = lseek(fd, start, SEEK_SET) }
            file.pointee.item_id = 0  // A busy try's object is gone: removingPartial deleted it.
            var announced: UInt32 = 0
            let report = { (done: UInt64, total: UInt64) -> Bool in
                let id = file.pointee.item_id
                if id != 0 && id != announced { announced = id; accepted(id) }
                return progress(done, total)
            }
            try withProgress(report) { data throws(MTPError) in
                try removingPartial(file.pointee.item_id) { () throws(MTPError) in
                    do throws(MTPError) {
                        _ = try call(
                            "LIBMTP_Send_File_From_File_Descriptor", retryingBusy: false,
                            { LIBMTP_Send_File_From_File_Descriptor(device, fd, file, progressTrampoline, data) },
                            failed: { $0 != 0 })
                    } catch where file.pointee.item_id != 0 && error.message.contains(Self.unlistedAfterSend) {
                        try awaitSentObject(file.pointee.item_id, size: size, else: error)
                    }
                }
            }
        }
        if let track {
            // What LIBMTP_Send_Track_From_File_Descriptor does after the same send, but that call forgets the
            // new handle when the data fail, so a partial object could not be found again to delete it.
            try removingPartial(file.pointee.item_id) { () throws(MTPError) in try setTrackMetadata(track, of: file) }
        }
        return ObjectEntry(
            id: file.pointee.item_id, parent: file.pointee.parent_id, storage: file.pointee.storage_id,
            name: file.pointee.filename.map { DeviceValues.text($0) } ?? name, size: size, isFolder: false,
            modified: DeviceValues.modificationTime(file.pointee.modificationdate), format: Self.formatName(file.pointee.filetype)
        )
    }

    /// Writes the track properties of a file just sent, one SetObjectPropValue per property given that the device
    /// keeps for the file's format. Not LIBMTP_Update_Track_Metadata: on every call it asks the device which
    /// properties the format has and describes each of them (about 25 transactions a track on an Android-flagged
    /// device, measured by the sync benchmark), where this asks once per format and opening. A property the device
    /// refuses is skipped, and after two refusals not asked again; only a lost connection fails the send.
    private func setTrackMetadata(_ t: TrackMetadata, of file: UnsafeMutablePointer<LIBMTP_file_t>) throws(MTPError) {
        let id = file.pointee.item_id
        let filetype = file.pointee.filetype
        let date = t.year.map { fourDigits($0) + "0101T000000.0" }
        let values: [(LIBMTP_property_t, TrackValue?)] = [
            (LIBMTP_PROPERTY_Name, t.title.map(TrackValue.text)), (LIBMTP_PROPERTY_Artist, t.artist.map(TrackValue.text)),
            (LIBMTP_PROPERTY_AlbumName, t.album.map(TrackValue.text)),
            (LIBMTP_PROPERTY_AlbumArtist, t.albumArtist.map(TrackValue.text)),
            (LIBMTP_PROPERTY_Genre, t.genre.map(TrackValue.text)),
            (LIBMTP_PROPERTY_Track, t.trackNumber.map { .small(UInt16(clamping: $0)) }),
            (LIBMTP_PROPERTY_Duration, t.durationMs.map { .large(UInt32(clamping: $0)) }),
            (LIBMTP_PROPERTY_OriginalReleaseDate, date.map(TrackValue.text)),
        ]
        for case (let property, let value?) in values where try keeps(property, filetype) {
            let key = TrackPropertyKey(filetype: filetype.rawValue, property: property.rawValue)
            do throws(MTPError) {
                switch value {
                case .text(let text):
                    _ = try call(
                        "LIBMTP_Set_Object_String", { LIBMTP_Set_Object_String(device, id, property, text) },
                        failed: { $0 != 0 })
                case .small(let n):
                    _ = try call("LIBMTP_Set_Object_u16", { LIBMTP_Set_Object_u16(device, id, property, n) }, failed: { $0 != 0 })
                case .large(let n):
                    _ = try call("LIBMTP_Set_Object_u32", { LIBMTP_Set_Object_u32(device, id, property, n) }, failed: { $0 != 0 })
                }
                trackProperties.refusals[key] = 0
            } catch where error.kind != .connectionFailed {
                trackProperties.refusals[key, default: 0] += 1
            }
        }
    }

    /// Whether the device keeps `property` for files of `filetype`: asked once per format and property for this
    /// opening (LIBMTP_Is_Property_Supported, one GetObjectPropsSupported), and no longer once refused twice.
    private func keeps(_ property: LIBMTP_property_t, _ filetype: LIBMTP_filetype_t) throws(MTPError) -> Bool {
        let key = TrackPropertyKey(filetype: filetype.rawValue, property: property.rawValue)
        if trackProperties.refusals[key, default: 0] >= 2 { return false }
        if let known = trackProperties.supported[key] { return known }
        let answer = try call(
            "LIBMTP_Is_Property_Supported", isRead: true, { LIBMTP_Is_Property_Supported(device, property, filetype) },
            failed: { $0 < 0 })
        trackProperties.supported[key] = answer > 0
        return answer > 0
    }

    /// What libmtp says when the device answered SendObject with OK but then did not know the object it had
    /// just numbered in SendObjectInfo (libmtp's GetObjectInfo for its cache failed).
    static let unlistedAfterSend = "Could not retrieve updated metadata"

    /// After a send the device acknowledged in full, waits briefly for it to know the new object: QEMU's usb-mtp
    /// registers a file it wrote only when its own inotify watch reports it, which may come after the OK (seen
    /// in `make test-system`; libmtp's mtp-sendfile fails there the same way). Returns when object `id` is there
    /// with all `size` bytes; throws `error` when it does not appear within about 1.6 s, so the send fails and its
    /// object is removed as for any failed send.
    private func awaitSentObject(_ id: UInt32, size: UInt64, else error: MTPError) throws(MTPError) {
        LIBMTP_Clear_Errorstack(device)
        var schedule = BusyRetry.standard
        repeat {
            if let entry = try? object(id), entry.size == size, !entry.isFolder { return }
            LIBMTP_Clear_Errorstack(device)
            guard let delay = schedule.nextDelay() else { throw error }
            BusyRetry.pause(delay)
        } while true
    }

    /// Runs one step of a send; when it fails after the device accepted the object info (libmtp has set the
    /// item id by then), deletes that object so that no partial object is left, and rethrows.
    private func removingPartial(_ created: @autoclosure () -> UInt32, _ step: () throws(MTPError) -> Void) throws(MTPError) {
        do throws(MTPError) {
            try step()
        } catch {
            let id = created()
            // Best effort; when the device has left the bus there is nothing to delete it from.
            let gone = error.kind == .connectionFailed && !attached.isOnBus
            if id != 0, !gone, LIBMTP_Delete_Object(device, id) != 0 { LIBMTP_Clear_Errorstack(device) }
            throw error
        }
    }

    /// Writes object `id`'s data to `fd`; `progress` returns false to cancel. A failing `fd` is told apart from
    /// a failing device: it throws kind `.general` from `write` with the `errno`, where libmtp's own
    /// descriptor writer would report a PTP I/O error that looks like the device going away.
    public func getFile(id: UInt32, to fd: Int32, progress: @escaping (UInt64, UInt64) -> Bool) throws(MTPError) {
        let sink = DescriptorSink(fd)
        try withExtendedLifetime(sink) { () throws(MTPError) in
            // Unretained: the sink is kept alive by withExtendedLifetime around the libmtp call.
            let priv = Unmanaged.passUnretained(sink).toOpaque()
            try withProgress(progress) { data throws(MTPError) in
                do throws(MTPError) {
                    // Asked again while busy only until a byte was written: the descriptor cannot be rewound for it.
                    // libmtp drops a DeviceBusy answered to GetObject ("PTP Data Expected"), so a failure without a
                    // reason before any byte is asked again too, briefly, as any read is.
                    try BusyRetry.standard.run(while: { $0.isDeviceBusy && sink.written == 0 }) { () throws(MTPError) in
                        try BusyRetry.unexplained.run(
                            while: { $0.isUnexplained && $0.kind != .connectionFailed && sink.written == 0 }
                        ) { () throws(MTPError) in
                            _ = try call(
                                "LIBMTP_Get_File_To_Handler", unexplained: .notFound, retryingBusy: false,
                                { LIBMTP_Get_File_To_Handler(device, id, descriptorWriter, priv, progressTrampoline, data) },
                                failed: { $0 != 0 })
                        }
                    }
                } catch {
                    if let code = sink.failure {
                        throw MTPError(kind: .general, function: "write", message: String(cString: strerror(code)), errno: code)
                    }
                    throw error
                }
            }
        }
    }

    /// Up to `length` bytes of object `id` from `offset` (GetPartialObject, or GetPartialObject64 where the
    /// device has it); `.notSupported`, without a transaction, on a device that has neither.
    public func readPartial(id: UInt32, offset: UInt64, length: UInt32) throws(MTPError) -> [UInt8] {
        guard LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_GetPartialObject) != 0 else {
            throw MTPError(
                kind: .notSupported, function: "LIBMTP_GetPartialObject", message: "the device has no GetPartialObject",
                responseCode: ResponseCode.operationNotSupported.rawValue)
        }
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt32 = 0
        _ = try call(
            "LIBMTP_GetPartialObject", unexplained: .notFound,
            { LIBMTP_GetPartialObject(device, id, offset, length, &data, &size) },
            failed: { $0 != 0 })
        defer { free(data) }
        guard let data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(size)))
    }

    /// libmtp's file type for a name's extension, so players see audio as audio.
    static func filetype(forName name: String) -> LIBMTP_filetype_t {
        let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
        switch ext {
        case "mp3": return LIBMTP_FILETYPE_MP3
        // MTP has no Opus format: it travels in an Ogg container, and as Ogg players file it with its metadata.
        case "ogg", "oga", "opus": return LIBMTP_FILETYPE_OGG
        case "flac": return LIBMTP_FILETYPE_FLAC
        case "wav": return LIBMTP_FILETYPE_WAV
        case "wma": return LIBMTP_FILETYPE_WMA
        case "m4a", "m4b", "aac": return LIBMTP_FILETYPE_AAC
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

/// One track property's value, as libmtp's setters take it.
enum TrackValue {
    case text(String)
    case small(UInt16)
    case large(UInt32)
}

/// A property of a format, for what is known of the device's keeping it.
struct TrackPropertyKey: Hashable {
    var filetype: UInt32
    var property: UInt32
}

/// What an opening of a device has learnt about its track properties.
struct TrackPropertyKnowledge {
    /// Whether the device lists the property for the format.
    var supported: [TrackPropertyKey: Bool] = [:]
    /// Refusals in a row of setting it.
    var refusals: [TrackPropertyKey: Int] = [:]
}
