import PTPWire

/// Guesses an object format from a file name's extension, for files that appear in a directory store without
/// a host having said what they are.
enum ObjectFormatGuess {
    private static let byExtension: [String: ObjectFormatCode] = [
        "txt": .text, "htm": .html, "html": .html, "aif": .aiff, "aiff": .aiff, "wav": .wav, "mp3": .mp3,
        "avi": .avi, "mpg": .mpeg, "mpeg": .mpeg, "jpg": .exifJPEG, "jpeg": .exifJPEG, "bmp": .bmp, "gif": .gif,
        "png": .png, "wma": .wma, "ogg": .ogg, "oga": .ogg, "aac": .aac, "flac": .flac, "wmv": .wmv,
        "mp4": .mp4, "m4a": .mp4, "m3u": .m3uPlaylist,
        // libmtp names albums and playlists it creates with these suffixes.
        "alb": .abstractAudioAlbum, "pla": .abstractAudioVideoPlaylist, "zpl": .abstractAudioVideoPlaylist,
    ]

    /// The format of a file called `name`; `.undefined` when the extension says nothing.
    static func format(forName name: String) -> ObjectFormatCode {
        guard let dot = name.lastIndex(of: ".") else { return .undefined }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? .undefined
    }
}
