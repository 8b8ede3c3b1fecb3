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

    /// The tags of the audio file at `path` (named `name`); nil for a file that is not audio, or whose tags cannot be
    /// read, which `note` then hears about (the file is sent without them).
    static func tags(of path: String, name: String, note: (String) -> Void) -> TrackTags? {
        guard isAudio(name) else { return nil }
        do throws(AudioTagsError) {
            return try AudioTags.read(path: path)
        } catch {
            note("\(path): no tags read (\(error)); sent without track metadata")
            return nil
        }
    }

    /// The contract's track for `tags`; nil when they hold nothing worth sending.
    static func track(_ tags: TrackTags) -> Manager.Track? {
        let track = Manager.Track(
            title: tags.title, artist: tags.artist, album: tags.album, albumArtist: tags.albumArtist, genre: tags.genre,
            trackNumber: tags.trackNumber, year: tags.year, durationMs: tags.durationMs)
        return track.isEmpty ? nil : track
    }

    /// The track to send with a file whose own tags are `tags`: `given` (the command line's) over the file's.
    static func track(_ tags: TrackTags?, given: Manager.Track) -> Manager.Track? {
        var merged = tags.flatMap(track) ?? Manager.Track()
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
