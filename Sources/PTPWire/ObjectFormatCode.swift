/// A PTP/MTP object format code: what kind of content an object holds.
public struct ObjectFormatCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// Content of no known format; what libmtp sends for files it cannot classify.
    public static let undefined = ObjectFormatCode(0x3000)
    /// A folder (association); its AssociationType is GenericFolder.
    public static let association = ObjectFormatCode(0x3001)
    /// A script.
    public static let script = ObjectFormatCode(0x3002)
    /// An executable.
    public static let executable = ObjectFormatCode(0x3003)
    /// Plain text.
    public static let text = ObjectFormatCode(0x3004)
    /// HTML.
    public static let html = ObjectFormatCode(0x3005)
    /// AIFF audio.
    public static let aiff = ObjectFormatCode(0x3007)
    /// WAV audio.
    public static let wav = ObjectFormatCode(0x3008)
    /// MP3 audio.
    public static let mp3 = ObjectFormatCode(0x3009)
    /// AVI video.
    public static let avi = ObjectFormatCode(0x300A)
    /// MPEG video.
    public static let mpeg = ObjectFormatCode(0x300B)
    /// JPEG (EXIF) image.
    public static let exifJPEG = ObjectFormatCode(0x3801)
    /// BMP image.
    public static let bmp = ObjectFormatCode(0x3804)
    /// GIF image.
    public static let gif = ObjectFormatCode(0x3807)
    /// PNG image.
    public static let png = ObjectFormatCode(0x380B)
    /// MTP: audio of unknown codec.
    public static let undefinedAudio = ObjectFormatCode(0xB900)
    /// MTP: WMA audio.
    public static let wma = ObjectFormatCode(0xB901)
    /// MTP: Ogg audio.
    public static let ogg = ObjectFormatCode(0xB902)
    /// MTP: AAC audio.
    public static let aac = ObjectFormatCode(0xB903)
    /// MTP: FLAC audio.
    public static let flac = ObjectFormatCode(0xB906)
    /// MTP: video of unknown codec.
    public static let undefinedVideo = ObjectFormatCode(0xB980)
    /// MTP: WMV video.
    public static let wmv = ObjectFormatCode(0xB981)
    /// MTP: MP4 container.
    public static let mp4 = ObjectFormatCode(0xB982)
    /// MTP: abstract audio album.
    public static let abstractAudioAlbum = ObjectFormatCode(0xBA03)
    /// MTP: abstract audio/video playlist.
    public static let abstractAudioVideoPlaylist = ObjectFormatCode(0xBA05)
    /// MTP: M3U playlist.
    public static let m3uPlaylist = ObjectFormatCode(0xBA11)

    /// Whether objects of this format carry audio track metadata (artist, album, track number…).
    public var isAudio: Bool {
        switch self {
        case .aiff, .wav, .mp3, .undefinedAudio, .wma, .ogg, .aac, .flac: true
        default: false
        }
    }

    /// Whether this is an MTP abstract object (album, playlist): metadata and references, no contents of its own.
    public var isAbstract: Bool { rawValue & 0xFF00 == 0xBA00 }

    /// Every code this module names, with its name.
    public static let names: [ObjectFormatCode: String] = [
        .undefined: "Undefined", .association: "Association", .script: "Script", .executable: "Executable",
        .text: "Text", .html: "HTML", .aiff: "AIFF", .wav: "WAV", .mp3: "MP3", .avi: "AVI", .mpeg: "MPEG",
        .exifJPEG: "EXIF/JPEG", .bmp: "BMP", .gif: "GIF", .png: "PNG", .undefinedAudio: "UndefinedAudio",
        .wma: "WMA", .ogg: "OGG", .aac: "AAC", .flac: "FLAC", .undefinedVideo: "UndefinedVideo", .wmv: "WMV",
        .mp4: "MP4", .abstractAudioAlbum: "AbstractAudioAlbum",
        .abstractAudioVideoPlaylist: "AbstractAudioVideoPlaylist", .m3uPlaylist: "M3UPlaylist",
    ]

    /// The spec's name, or the hex code when unnamed.
    public var name: String { Self.names[self] ?? hex16(rawValue) }
    /// `name (0x3009)`.
    public var description: String { "\(name) (\(hex16(rawValue)))" }
}
