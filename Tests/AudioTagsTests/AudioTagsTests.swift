import AudioTags
import Foundation
import IntegrationSupport
import XCTest

/// Tags written with TagLib into tiny real files that ffmpeg encodes here, then read back field by field.
final class AudioTagsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("audio-tags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testMP3RoundTrip() throws { try assertRoundTrip(.mp3) }
    func testFLACRoundTrip() throws { try assertRoundTrip(.flac) }
    func testOggVorbisRoundTrip() throws { try assertRoundTrip(.ogg) }
    func testOpusRoundTrip() throws { try assertRoundTrip(.opus) }
    func testM4ARoundTrip() throws { try assertRoundTrip(.m4a) }
    func testWMARoundTrip() throws { try assertRoundTrip(.wma) }

    /// A fresh file has no tags but a duration; written tags come back equal, the picture byte for byte; a second
    /// write with fields left out removes them from the file.
    private func assertRoundTrip(_ format: AudioFormat, file: StaticString = #filePath, line: UInt = #line) throws {
        if let reason = SilentAudio.unavailableReason(format) { throw XCTSkip(reason) }
        let path = directory.appendingPathComponent("track.\(format.fileExtension)").path
        try SilentAudio.make(format, at: path)

        let blank = try AudioTags.read(path: path)
        let duration = try XCTUnwrap(blank.durationMs, "\(format): no duration", file: file, line: line)
        XCTAssertTrue(
            (SilentAudio.durationMs - 100...SilentAudio.durationMs + 100).contains(duration),
            "\(format): \(duration) ms for \(SilentAudio.durationMs) ms of audio", file: file, line: line)
        XCTAssertEqual(blank, TrackTags(durationMs: duration), "\(format): an untagged file", file: file, line: line)

        let cover = EmbeddedPicture(bytes: try SilentAudio.jpeg(label: "\(format) cover"), mimeType: "image/jpeg")
        let written = TrackTags(
            title: "Déjà Vu — 夜", artist: "Ana Müller", album: "Still Air", albumArtist: "Various Artists",
            genre: "Ambient", trackNumber: 7, discNumber: 2, year: 2019, picture: cover)
        try AudioTags.write(path: path, tags: written)
        var expected = written
        expected.durationMs = duration
        XCTAssertEqual(try AudioTags.read(path: path), expected, "\(format): every field back", file: file, line: line)

        let fewer = TrackTags(title: "Only a Title", artist: "Ana Müller", trackNumber: 1)
        try AudioTags.write(path: path, tags: fewer)
        expected = fewer
        expected.durationMs = duration
        XCTAssertEqual(try AudioTags.read(path: path), expected, "\(format): fields left out removed", file: file, line: line)
    }

    func testAPictureWithoutAMimeTypeIsRecognisedFromItsBytes() throws {
        if let reason = SilentAudio.unavailableReason(.flac) { throw XCTSkip(reason) }
        let path = directory.appendingPathComponent("track.flac").path
        try SilentAudio.make(.flac, at: path)
        let jpeg = try SilentAudio.jpeg(label: "no mime type")
        try AudioTags.write(path: path, tags: TrackTags(picture: EmbeddedPicture(bytes: jpeg, mimeType: "")))
        XCTAssertEqual(try AudioTags.read(path: path).picture, EmbeddedPicture(bytes: jpeg, mimeType: "image/jpeg"))
    }

    func testAMissingFileCannotBeOpened() {
        let path = directory.appendingPathComponent("missing.mp3").path
        XCTAssertThrowsError(try AudioTags.read(path: path)) { error in
            XCTAssertEqual(error as? AudioTagsError, .cannotOpen(path: path, call: "open", errno: ENOENT))
        }
    }

    func testAnEmptyFileIsUnreadable() throws {
        let path = directory.appendingPathComponent("empty.mp3").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        XCTAssertThrowsError(try AudioTags.read(path: path)) { error in
            XCTAssertEqual(error as? AudioTagsError, .unreadable(path: path))
        }
        XCTAssertThrowsError(try AudioTags.write(path: path, tags: TrackTags(title: "x")))
    }

    func testADirectoryIsRefused() {
        let path = directory.path
        XCTAssertThrowsError(try AudioTags.read(path: path)) { error in
            XCTAssertEqual(error as? AudioTagsError, .notARegularFile(path: path))
        }
    }

    /// A FIFO with no writer would block an open without O_NONBLOCK, and TagLib's reads after it, for ever.
    func testAFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let path = directory.appendingPathComponent("fifo.mp3").path
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        XCTAssertThrowsError(try AudioTags.read(path: path)) { error in
            XCTAssertEqual(error as? AudioTagsError, .notARegularFile(path: path))
        }
        XCTAssertThrowsError(try AudioTags.write(path: path, tags: TrackTags(title: "x"))) { error in
            XCTAssertEqual(error as? AudioTagsError, .notARegularFile(path: path))
        }
    }

    func testADeviceIsRefused() {
        XCTAssertThrowsError(try AudioTags.read(path: "/dev/zero")) { error in
            XCTAssertEqual(error as? AudioTagsError, .notARegularFile(path: "/dev/zero"))
        }
    }

    /// Random bytes, and random bytes behind each format's magic, named as each format: an error or empty tags,
    /// never a crash or a hang.
    func testGarbageIsReadWithoutCrashing() throws {
        var generator = SeededGenerator(seed: 20_240_601)
        let magics: [[UInt8]] = [
            [], Array("ID3\u{4}\u{0}\u{0}".utf8) + [0, 0, 0x7F, 0x7F], Array("fLaC".utf8), Array("OggS".utf8),
            [0, 0, 0, 0x18] + Array("ftypM4A ".utf8), [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11],
            [0xFF, 0xFB, 0x90, 0x64], Array("RIFF".utf8),
        ]
        for (index, magic) in magics.enumerated() {
            for length in [0, 1, 16, 300, 5000] {
                let bytes = magic + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                for format in AudioFormat.allCases {
                    let path = directory.appendingPathComponent("garbage-\(index)-\(length).\(format.fileExtension)").path
                    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
                    _ = try? AudioTags.read(path: path)
                }
            }
        }
    }

    /// Each format's real tagged file cut short at many lengths: read without crashing.
    func testTruncatedFilesAreReadWithoutCrashing() throws {
        let formats = AudioFormat.allCases.filter { SilentAudio.unavailableReason($0) == nil }
        if formats.isEmpty { throw XCTSkip(SilentAudio.unavailableReason(.mp3) ?? "no format can be made") }
        let cover = EmbeddedPicture(bytes: try SilentAudio.jpeg(label: "truncated"), mimeType: "image/jpeg")
        for format in formats {
            let whole = directory.appendingPathComponent("whole.\(format.fileExtension)").path
            try SilentAudio.make(format, at: whole)
            try AudioTags.write(path: whole, tags: TrackTags(title: "Cut", artist: "Short", picture: cover))
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: whole))
            for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
                let path = directory.appendingPathComponent("cut-\(length).\(format.fileExtension)").path
                XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: bytes.prefix(length)))
                _ = try? AudioTags.read(path: path)
            }
        }
    }
}

/// SplitMix64: the same garbage on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
