import Foundation
import Glibc
import IntegrationSupport
import XCTest

/// `mtpctl sync` of a real tagged music library (nested Artist/Album folders, mixed formats, a playlist, covers)
/// through the real daemon, libmtp and the virtual player, in both personalities; libmtp's own tools check the
/// metadata, albums and playlist it made (`python/sync_library.py` drives the steps under the player).
final class SyncTests: XCTestCase {
    func testALibrarySyncsWholeResyncsNothingAndComesBackOnAndroid() throws { try library(personality: "android") }
    func testALibrarySyncsWholeResyncsNothingAndComesBackOnClassic() throws { try library(personality: "classic") }

    private func library(personality: String) throws {
        let sim = try VirtualPlayerFixture(personality: personality)
        let music = try MusicLibrary.generate(under: sim.root.appendingPathComponent("library"), trackCount: 54)
        let changed = music.tracks[7].relativePath
        // One album whose cover is only embedded in its tracks: its art must come from the tags.
        let embedded = try XCTUnwrap(music.albums.first { $0.coverIsEmbedded })
        let embeddedCover = sim.root.appendingPathComponent("embedded-cover.jpg")
        try FileManager.default.moveItem(
            at: music.root.appendingPathComponent(embedded.relativePath + "/cover.jpg"), to: embeddedCover)
        var covers: [String: String] = [:]
        for track in music.tracks {
            guard let album = track.tags.album, covers[album] == nil else { continue }
            let folder = (track.relativePath as NSString).deletingLastPathComponent
            covers[album] = folder == embedded.relativePath ? embeddedCover.path : folder + "/cover.jpg"
        }
        let expect: [String: Any] = [
            "albums": music.albums.count, "tracks": music.tracks.count, "playlistTracks": music.playlistTracks.count,
            "changeTrack": changed, "titles": music.tracks.compactMap(\.tags.title),
            "albumNames": Array(Set(music.tracks.compactMap(\.tags.album))).sorted(),
            "covers": covers,
            "sampleTracks": music.tracks.prefix(3).map { [$0.tags.title ?? "", $0.tags.artist ?? "", $0.tags.album ?? ""] },
        ]
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/sync_library.py")
        let r = try sim.run(
            [
                "/usr/bin/env", "python3", "-u", script.path, Binaries.directory, sim.root.path, sim.controlSocket,
                sim.storage.path, music.root.path,
                String(decoding: try JSONSerialization.data(withJSONObject: expect), as: UTF8.self),
            ], timeout: 900)
        print(r.stdout)
        XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
        for check in [
            "ok first sync", "ok second sync: 0 sent", "ok after a change", "ok --delete removed exactly",
            "ok get -r matched", "ok sync --delete from the device", "ok --delete removed the playlist", "ok --times",
            "ok mtp-tracks", "ok mtp-albums",
            "ok album art", "ok mtp-playlists",
            "ok sync of a library",
        ] {
            XCTAssertTrue(r.stdout.contains(check), "\(personality): \(check) missing")
        }
    }
}
