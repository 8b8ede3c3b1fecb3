import Foundation

/// An audio format a test can make a real file of, with the ffmpeg encoder that makes it.
public enum AudioFormat: String, CaseIterable, Sendable {
    /// MPEG-1 Layer III (LAME through ffmpeg), tagged with ID3v2.
    case mp3
    /// FLAC, Vorbis comments and picture blocks.
    case flac
    /// Vorbis in Ogg.
    case ogg
    /// Opus in Ogg.
    case opus
    /// AAC in an MP4 container.
    case m4a
    /// Windows Media Audio 2 in ASF.
    case wma

    /// The file name extension, which is also the raw value.
    public var fileExtension: String { rawValue }

    /// The name of ffmpeg's encoder for the format.
    var encoder: String {
        switch self {
        case .mp3: "libmp3lame"
        case .flac: "flac"
        case .ogg: "libvorbis"
        case .opus: "libopus"
        case .m4a: "aac"
        case .wma: "wmav2"
        }
    }
}

/// Tiny real audio files of silence, made with ffmpeg (the one Debian encoder that covers M4A and WMA, and it
/// covers the rest too); `make test` installs it. Each format is encoded once per process and copied from then on.
public enum SilentAudio {
    /// How long each file's audio lasts.
    public static let durationMs = 500

    /// ffmpeg's path, nil when it is not installed.
    public static let ffmpeg: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The formats whose encoder this machine's ffmpeg has, in `AudioFormat` order (none without ffmpeg).
    public static let availableFormats: [AudioFormat] = {
        guard let ffmpeg, let result = try? runCommand(ffmpeg, ["-hide_banner", "-encoders"], timeout: 30),
            result.status == 0
        else { return [] }
        let encoders = Set(result.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").dropFirst().first })
        return AudioFormat.allCases.filter { encoders.contains(Substring($0.encoder)) }
    }()

    /// Why `format` cannot be made here, for a test's skip message; nil when it can.
    public static func unavailableReason(_ format: AudioFormat) -> String? {
        if ffmpeg == nil { return "ffmpeg is not installed (make test installs it): cannot make a .\(format.fileExtension) file" }
        if !availableFormats.contains(format) {
            return "this ffmpeg has no \(format.encoder) encoder for .\(format.fileExtension)"
        }
        return nil
    }

    /// Writes a silent file of `format` at `path`: a copy of the one encoded for this process, untagged.
    public static func make(_ format: AudioFormat, at path: String) throws {
        let template = try templates.withLock { cache throws in
            if let made = cache[format] { return made }
            let made = try encode(format)
            cache[format] = made
            return made
        }
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: template, toPath: path)
    }

    /// Why a file could not be made.
    public struct EncodingError: Error, CustomStringConvertible {
        /// What ffmpeg said, or that it is missing.
        public var description: String
    }

    private static let templates = LockedCache()

    private static let templateDirectory: String = {
        let directory = NSTemporaryDirectory() + "silent-audio-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }()

    private static func encode(_ format: AudioFormat) throws -> String {
        if let reason = unavailableReason(format) { throw EncodingError(description: reason) }
        let path = templateDirectory + "/silence." + format.fileExtension
        // Bit-exact and without metadata: no encoder tag, so a file's tags are only those a test writes.
        let result = try runCommand(
            ffmpeg!,
            [
                "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "anullsrc=r=44100:cl=mono", "-t", String(Double(durationMs) / 1000), "-c:a", format.encoder,
                "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", path,
            ], timeout: 60)
        guard result.status == 0 else {
            throw EncodingError(description: "ffmpeg could not make \(path): \(result.combined)")
        }
        return path
    }

    /// A tiny valid JPEG (8x8, one colour), made once by ffmpeg, with a comment segment holding `label` after its
    /// start-of-image marker, so that each label gives different bytes.
    public static func jpeg(label: String) throws -> [UInt8] {
        let base = try templates.withJPEG { () throws -> [UInt8] in
            guard let ffmpeg else { throw EncodingError(description: "ffmpeg is not installed: cannot make a JPEG") }
            let path = templateDirectory + "/cover.jpg"
            let result = try runCommand(
                ffmpeg,
                [
                    "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x3366cc:s=8x8",
                    "-frames:v", "1", "-fflags", "+bitexact", "-flags", "+bitexact", path,
                ], timeout: 60)
            guard result.status == 0, let bytes = FileManager.default.contents(atPath: path), bytes.count > 4 else {
                throw EncodingError(description: "ffmpeg could not make a JPEG: \(result.combined)")
            }
            return Array(bytes)
        }
        // COM segment: FF FE, then a big-endian length that counts itself but not the marker.
        let text = Array(label.utf8.prefix(1000))
        let length = text.count + 2
        return Array(base[0..<2]) + [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + text + base[2...]
    }
}

/// The per-process encoded files and JPEG, behind one lock (tests may run generators from several threads).
private final class LockedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [AudioFormat: String] = [:]
    private var jpeg: [UInt8]?

    func withLock<T>(_ body: (inout [AudioFormat: String]) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&files)
    }

    func withJPEG(_ make: () throws -> [UInt8]) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if let jpeg { return jpeg }
        let made = try make()
        jpeg = made
        return made
    }
}
