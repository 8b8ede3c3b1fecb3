import AudioTags
import Foundation

/// A small real music library on disk, for integration tests and benchmarks: `Artist/Album/NN Title.ext`, each
/// track a real silent file fully tagged, a `cover.jpg` beside each album's tracks, the cover also embedded in
/// every fourth album's files (the first included), and `Playlist.m3u8` at the top naming every third track.
///
/// Formats cycle track by track through those this machine can encode. Each format is encoded once; every track
/// is a copy whose tags are then written with TagLib, so a library of a few hundred tracks takes about a second.
public struct MusicLibrary: Sendable {
    /// One track of the library.
    public struct Track: Sendable {
        /// Its path below the library's root, as the playlist spells it: `Artist/Album/NN Title.ext`.
        public var relativePath: String
        /// Its format.
        public var format: AudioFormat
        /// The tags written into it (the picture is the album's cover when embedded; no duration).
        public var tags: TrackTags
    }

    /// One album's folder and its cover.
    public struct Album: Sendable {
        /// Its folder below the library's root: `Artist/Album`.
        public var relativePath: String
        /// The bytes of its `cover.jpg`.
        public var cover: [UInt8]
        /// Whether its tracks carry the cover embedded too.
        public var coverIsEmbedded: Bool
    }

    /// How many tracks an album has.
    public static let tracksPerAlbum = 6
    /// The playlist's name at the library's root.
    public static let playlistName = "Playlist.m3u8"

    /// The directory the library was made in.
    public let root: URL
    /// Every track, in album order.
    public let tracks: [Track]
    /// Every album, in order.
    public let albums: [Album]
    /// The tracks the playlist names, in its order.
    public let playlistTracks: [Track]

    /// The playlist's location.
    public var playlist: URL { root.appendingPathComponent(Self.playlistName) }

    /// Makes a library of `trackCount` tracks under `root` (created if missing), formats cycling through
    /// `formats`; throws `SilentAudio.EncodingError` when none of them can be encoded here.
    public static func generate(
        under root: URL, trackCount: Int, formats: [AudioFormat] = SilentAudio.availableFormats
    ) throws -> MusicLibrary {
        let usable = formats.filter { SilentAudio.unavailableReason($0) == nil }
        guard !usable.isEmpty else {
            throw SilentAudio.EncodingError(
                description: formats.first.flatMap(SilentAudio.unavailableReason) ?? "no audio format to make a library of")
        }
        let files = FileManager.default
        try files.createDirectory(at: root, withIntermediateDirectories: true)
        var tracks: [Track] = []
        var albums: [Album] = []
        for index in 0..<trackCount {
            let albumIndex = index / tracksPerAlbum
            let number = index % tracksPerAlbum + 1
            let plan = AlbumPlan(index: albumIndex)
            if number == 1 {
                let album = Album(
                    relativePath: plan.artistFolder + "/" + plan.title,
                    cover: try SilentAudio.jpeg(label: "cover of \(plan.title)"), coverIsEmbedded: albumIndex % 4 == 0)
                try files.createDirectory(
                    at: root.appendingPathComponent(album.relativePath), withIntermediateDirectories: true)
                try Data(album.cover).write(to: root.appendingPathComponent(album.relativePath + "/cover.jpg"))
                albums.append(album)
            }
            let album = albums[albums.count - 1]
            let format = usable[index % usable.count]
            let title = titleWords[index % titleWords.count] + " \(index + 1)"
            let tags = TrackTags(
                title: title, artist: plan.trackArtist(number), album: plan.title, albumArtist: plan.albumArtist,
                genre: genres[albumIndex % genres.count], trackNumber: number, discNumber: plan.discNumber,
                year: 1990 + albumIndex % 35,
                picture: album.coverIsEmbedded ? EmbeddedPicture(bytes: album.cover, mimeType: "image/jpeg") : nil)
            let relativePath = album.relativePath + "/" + twoDigits(number) + " " + title + "." + format.fileExtension
            let path = root.appendingPathComponent(relativePath).path
            try SilentAudio.make(format, at: path)
            try AudioTags.write(path: path, tags: tags)
            tracks.append(Track(relativePath: relativePath, format: format, tags: tags))
        }
        let listed = stride(from: 0, to: tracks.count, by: 3).map { tracks[$0] }
        var playlist = "#EXTM3U\n"
        let seconds = (SilentAudio.durationMs + 999) / 1000
        for track in listed {
            playlist += "#EXTINF:\(seconds),\(track.tags.artist ?? "") - \(track.tags.title ?? "")\n\(track.relativePath)\n"
        }
        try Data(playlist.utf8).write(to: root.appendingPathComponent(playlistName))
        return MusicLibrary(root: root, tracks: tracks, albums: albums, playlistTracks: listed)
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    // Names with spaces, accents and an ampersand, as real libraries have.
    private static let artists = ["The Quiet Ones", "Ana Müller", "Sons & Daughters", "Øresund Trio", "DJ Silence"]
    private static let albumWords = ["Nothing Heard", "Still Air", "Hush", "Empty Rooms", "Pause", "Café Nights"]
    private static let titleWords = ["Intro", "Déjà Vu", "Long Rest", "Night Drive", "Tacet", "Coda", "Echo", "Blank"]
    private static let genres = ["Ambient", "Rock", "Jazz", "Electronic", "Classical", "Folk"]

    /// Who an album is by and what it is called; every fourth album (the fourth, eighth...) is a compilation whose
    /// tracks' artists differ, and every third is disc 2 of a set.
    private struct AlbumPlan {
        var index: Int
        var isCompilation: Bool { index % 4 == 3 }
        var albumArtist: String {
            isCompilation ? "Various Artists" : MusicLibrary.artists[index / 2 % MusicLibrary.artists.count]
        }
        var artistFolder: String { albumArtist }
        var discNumber: Int { index % 3 == 2 ? 2 : 1 }
        var title: String {
            let name = MusicLibrary.albumWords[index % MusicLibrary.albumWords.count] + " \(index + 1)"
            return discNumber == 2 ? name + " (Disc 2)" : name
        }
        func trackArtist(_ number: Int) -> String {
            isCompilation ? MusicLibrary.artists[(index + number) % MusicLibrary.artists.count] : albumArtist
        }
    }
}
