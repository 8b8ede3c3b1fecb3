import AudioTags
import Foundation
import IntegrationSupport
import XCTest

/// The test library generator: the tree, the tags in every file, the covers and the playlist.
final class MusicLibraryTests: XCTestCase {
    func testALibraryOfFiftyTracksHasItsLayoutTagsCoversAndPlaylist() throws {
        if SilentAudio.availableFormats.isEmpty { throw XCTSkip(SilentAudio.unavailableReason(.mp3) ?? "no encoder") }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("music-library-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let started = ContinuousClock.now
        let library = try MusicLibrary.generate(under: root, trackCount: 50)
        let took = ContinuousClock.now - started
        XCTAssertLessThan(took, .seconds(30), "generation copies one encoded file per format, so it is quick")

        XCTAssertEqual(library.tracks.count, 50)
        XCTAssertEqual(Set(library.tracks.map(\.format)), Set(SilentAudio.availableFormats), "every format is used")
        XCTAssertEqual(library.albums.count, (50 + MusicLibrary.tracksPerAlbum - 1) / MusicLibrary.tracksPerAlbum)
        XCTAssertGreaterThan(Set(library.tracks.map { $0.relativePath.split(separator: "/")[0] }).count, 2)
        XCTAssertTrue(library.tracks.contains { $0.tags.albumArtist != $0.tags.artist }, "a compilation")
        XCTAssertTrue(library.tracks.contains { $0.tags.discNumber == 2 }, "a second disc")

        for track in library.tracks {
            let parts = track.relativePath.split(separator: "/")
            XCTAssertEqual(parts.count, 3, track.relativePath)
            XCTAssertEqual(String(parts[0]), track.tags.albumArtist)
            XCTAssertEqual(String(parts[1]), track.tags.album)
            let number = try XCTUnwrap(track.tags.trackNumber)
            XCTAssertTrue(parts[2].hasPrefix(number < 10 ? "0\(number) " : "\(number) "), track.relativePath)
            XCTAssertTrue(parts[2].hasSuffix("." + track.format.fileExtension), track.relativePath)
            var read = try AudioTags.read(path: root.appendingPathComponent(track.relativePath).path)
            XCTAssertNotNil(read.durationMs, track.relativePath)
            read.durationMs = nil
            XCTAssertEqual(read, track.tags, track.relativePath)
            XCTAssertNotNil(track.tags.title)
            XCTAssertNotNil(track.tags.genre)
            XCTAssertNotNil(track.tags.year)
        }

        XCTAssertTrue(library.albums.contains { $0.coverIsEmbedded })
        for album in library.albums {
            let cover = try XCTUnwrap(
                FileManager.default.contents(atPath: root.appendingPathComponent(album.relativePath + "/cover.jpg").path))
            XCTAssertEqual(Array(cover), album.cover)
            XCTAssertEqual(Array(cover.prefix(3)), [0xFF, 0xD8, 0xFF], "a JPEG")
        }
        XCTAssertEqual(Set(library.albums.map(\.cover)).count, library.albums.count, "each album's cover differs")

        let playlist = try String(contentsOf: library.playlist, encoding: .utf8)
        let entries = playlist.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        XCTAssertTrue(playlist.hasPrefix("#EXTM3U\n"))
        XCTAssertEqual(entries, library.playlistTracks.map(\.relativePath))
        XCTAssertGreaterThan(entries.count, 10)
        for entry in entries {
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(entry).path), entry)
        }
    }
}
