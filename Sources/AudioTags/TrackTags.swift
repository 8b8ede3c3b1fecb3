/// What an audio file's tags say about its track: the metadata mtpctl sends a player with the file.
///
/// A field is nil when the file has no such tag (or an empty one). `durationMs` is read from the audio, not a tag,
/// so `AudioTags.write` ignores it.
public struct TrackTags: Equatable, Sendable {
    /// The track's title.
    public var title: String?
    /// The track's performer.
    public var artist: String?
    /// The album the track is on.
    public var album: String?
    /// The album's artist, which differs from `artist` on compilations.
    public var albumArtist: String?
    /// The genre, as the file spells it.
    public var genre: String?
    /// The track's number on its disc ("3" of "3/12").
    public var trackNumber: Int?
    /// The disc's number in a set ("1" of "1/2").
    public var discNumber: Int?
    /// The release year ("2019" of "2019-05-01").
    public var year: Int?
    /// The audio's length in milliseconds, when TagLib could tell.
    public var durationMs: Int?
    /// The embedded picture, the front cover when one is marked as such.
    public var picture: EmbeddedPicture?

    /// Creates tags; every field defaults to absent.
    public init(
        title: String? = nil, artist: String? = nil, album: String? = nil, albumArtist: String? = nil,
        genre: String? = nil, trackNumber: Int? = nil, discNumber: Int? = nil, year: Int? = nil,
        durationMs: Int? = nil, picture: EmbeddedPicture? = nil
    ) {
        self.title = title
        self.artist = artist
        self.album = album
        self.albumArtist = albumArtist
        self.genre = genre
        self.trackNumber = trackNumber
        self.discNumber = discNumber
        self.year = year
        self.durationMs = durationMs
        self.picture = picture
    }
}

/// A picture embedded in an audio file's tags (ID3v2 APIC, a FLAC picture block, MP4 covr, Xiph
/// METADATA_BLOCK_PICTURE, WM/Picture).
public struct EmbeddedPicture: Equatable, Sendable {
    /// The image file's bytes, as stored.
    public var bytes: [UInt8]
    /// The image's MIME type: as the tag gives it, or recognised from the bytes when the tag gives none.
    public var mimeType: String

    /// Creates a picture.
    public init(bytes: [UInt8], mimeType: String) {
        self.bytes = bytes
        self.mimeType = mimeType
    }
}

/// Why an audio file's tags could not be read or written.
public enum AudioTagsError: Error, Equatable, Sendable {
    /// The path could not be opened or examined (missing, no permission): which call failed, with errno.
    case cannotOpen(path: String, call: String, errno: Int32)
    /// The path is a directory, FIFO, socket or device: never handed to TagLib, which would block or misread it.
    case notARegularFile(path: String)
    /// TagLib recognises no audio format it can read in the file.
    case unreadable(path: String)
    /// The file's format cannot hold a field asked for (a picture, say) or TagLib could not save it.
    case cannotWrite(path: String)
}
