import AudioTags
import ManagerContract

/// Track metadata for an audio file sent to a device, read from the file's own tags (TagLib): classic players
/// build their library from the MTP properties sent with a file, not from the tags inside it.
enum TrackMetadata {
    /// Extensions of the audio files whose tags are read; others are sent as plain files.
    static let audioExtensions: Set<String> = ["mp3", "flac", "ogg", "oga", "opus", "m4a", "m4b", "aac", "mp4", "wma", "wav"]

    /// Whether `name` looks like an audio file.
    static func isAudio(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return audioExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The tags of the audio file at `path`, or why there are none (the file is then sent without them).
    static func tags(of path: String) -> Result<TrackTags, AudioTagsError> {
        Result { () throws(AudioTagsError) in try AudioTags.read(path: path) }
    }

    /// The contract's track for `tags`; nil when they hold nothing worth sending.
    static func track(_ tags: TrackTags) -> Manager.Track? {
        let track = Manager.Track(
            title: tags.title, artist: tags.artist, album: tags.album, albumArtist: tags.albumArtist, genre: tags.genre,
            trackNumber: tags.trackNumber, year: tags.year, durationMs: tags.durationMs)
        return track.isEmpty ? nil : track
    }

    /// The track to send with the file at `path` when tags are wanted, `given` (the command line's) over the
    /// file's; a file whose tags cannot be read goes without them, and `note` says so.
    static func track(for path: String, name: String, given: Manager.Track, note: (String) -> Void) -> Manager.Track? {
        guard isAudio(name) else { return given.isEmpty ? nil : given }
        var merged: Manager.Track
        switch tags(of: path) {
        case .success(let tags): merged = track(tags) ?? Manager.Track()
        case .failure(let error):
            note("\(path): no tags read (\(error)); sent without track metadata")
            merged = Manager.Track()
        }
        merged.title = given.title ?? merged.title
        merged.artist = given.artist ?? merged.artist
        merged.album = given.album ?? merged.album
        merged.albumArtist = given.albumArtist ?? merged.albumArtist
        merged.genre = given.genre ?? merged.genre
        merged.trackNumber = given.trackNumber ?? merged.trackNumber
        merged.year = given.year ?? merged.year
        merged.durationMs = given.durationMs ?? merged.durationMs
        return merged.isEmpty ? nil : merged
    }
}
