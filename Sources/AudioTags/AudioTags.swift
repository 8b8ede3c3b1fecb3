internal import CTagLib
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes audio files' tags with TagLib: MP3 (ID3v2), FLAC, Ogg Vorbis, Opus, M4A/AAC and WMA, and
/// whatever else TagLib recognises by content.
public enum AudioTags {
    /// The tags of the audio file at `path`; fields the file lacks are nil.
    ///
    /// Only a regular file is handed to TagLib (a FIFO or device would block it or feed it without end), and it is
    /// opened here first and checked through its descriptor, so the path cannot change underneath.
    public static func read(path: String) throws(AudioTagsError) -> TrackTags {
        let file = try TagLibFile(path: path, writable: false)
        var tags = TrackTags()
        tags.title = TagValues.text(file.property("TITLE"))
        tags.artist = TagValues.text(file.property("ARTIST"))
        tags.album = TagValues.text(file.property("ALBUM"))
        tags.albumArtist = TagValues.text(file.property("ALBUMARTIST"))
        tags.genre = TagValues.text(file.property("GENRE"))
        tags.trackNumber = TagValues.leadingNumber(file.property("TRACKNUMBER"))
        tags.discNumber = TagValues.leadingNumber(file.property("DISCNUMBER"))
        tags.year = TagValues.leadingNumber(file.property("DATE"))
        tags.durationMs = file.durationMs
        tags.picture = file.picture
        return tags
    }

    /// Makes the file's tags say `tags`: each field replaces the file's, a nil one removes it, the picture included;
    /// `durationMs` is ignored and tags this type does not know (comments, say) are kept. A picture of no bytes counts as
    /// none. Throws `cannotWrite` when the format holds no picture and one was given, or TagLib could not save.
    public static func write(path: String, tags: TrackTags) throws(AudioTagsError) {
        let file = try TagLibFile(path: path, writable: true)
        let properties: [(String, String?)] = [
            ("TITLE", tags.title), ("ARTIST", tags.artist), ("ALBUM", tags.album), ("ALBUMARTIST", tags.albumArtist),
            ("GENRE", tags.genre), ("TRACKNUMBER", tags.trackNumber.map(String.init)),
            ("DISCNUMBER", tags.discNumber.map(String.init)), ("DATE", tags.year.map(String.init)),
        ]
        for (key, value) in properties where !file.setProperty(key, value) {
            throw .cannotWrite(path: path)
        }
        guard file.setPicture(tags.picture), file.save() else { throw .cannotWrite(path: path) }
    }
}

/// One file open in TagLib: the one owner of its `CTagLibFile`, closed (descriptor included) in deinit.
private final class TagLibFile {
    private let handle: OpaquePointer

    /// Opens `path` (O_NONBLOCK, so that a FIFO cannot block the open) and hands it to TagLib if it is a regular file.
    init(path: String, writable: Bool) throws(AudioTagsError) {
        let flags = (writable ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC
        let descriptor: Int32
        var status = stat()
        do {
            descriptor = try systemCall("open") { open(path, flags) }
        } catch {
            throw .cannotOpen(path: path, call: error.call, errno: error.errno)
        }
        do {
            _ = try systemCall("fstat") { fstat(descriptor, &status) }
        } catch {
            FileIO.close(descriptor)
            throw .cannotOpen(path: path, call: error.call, errno: error.errno)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            FileIO.close(descriptor)
            throw .notARegularFile(path: path)
        }
        // The descriptor is TagLib's from here: ctaglib_open closes it on failure, ctaglib_close otherwise.
        guard let handle = ctaglib_open(descriptor, writable) else { throw .unreadable(path: path) }
        self.handle = handle
    }

    deinit { ctaglib_close(handle) }

    /// The first value of a TagLib property (TITLE, ALBUMARTIST...), nil when absent.
    func property(_ key: String) -> String? {
        guard let value = ctaglib_copy_property(handle, key) else { return nil }
        defer { ctaglib_free(value) }
        return String(cString: value)
    }

    /// The audio's length, nil when TagLib found no audio properties.
    var durationMs: Int? {
        let milliseconds = ctaglib_duration_ms(handle)
        return milliseconds > 0 ? Int(milliseconds) : nil
    }

    /// The embedded picture, copied out of TagLib.
    var picture: EmbeddedPicture? {
        var found = CTagLibPicture()
        guard ctaglib_copy_picture(handle, &found), let bytes = found.bytes else { return nil }
        defer { ctaglib_free_picture(&found) }
        let copied = Array(UnsafeBufferPointer(start: bytes, count: found.count))
        let given = found.mime_type.map { String(cString: $0) } ?? ""
        return EmbeddedPicture(bytes: copied, mimeType: TagValues.mimeType(given: given, bytes: copied))
    }

    /// Sets (or, with nil, removes) a property, applied at `save`.
    func setProperty(_ key: String, _ value: String?) -> Bool {
        guard let value else { return ctaglib_set_property(handle, key, nil) }
        return ctaglib_set_property(handle, key, value)
    }

    /// Replaces the pictures by `picture`, or removes them; false when the format holds none and one was asked for.
    func setPicture(_ picture: EmbeddedPicture?) -> Bool {
        guard let picture else {
            _ = ctaglib_set_picture(handle, nil, 0, "")
            return true
        }
        return picture.bytes.withUnsafeBufferPointer { bytes in
            ctaglib_set_picture(handle, bytes.baseAddress, bytes.count, picture.mimeType)
        }
    }

    /// Writes what was set to the file.
    func save() -> Bool { ctaglib_save(handle) }
}
