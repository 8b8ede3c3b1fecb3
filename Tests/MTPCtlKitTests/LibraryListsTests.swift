@testable import MTPCtlKit
import SystemCalls
import XCTest

final class LibraryListsTests: XCTestCase {
    private let files = [
        "A/Album/01 One.mp3", "A/Album/02 Two.flac", "A/Album/cover.jpg", "B/Other/01 x.ogg", "Docs/readme.txt",
        "Mix.m3u8",
    ]

    func testAFirstSyncMakesEveryAlbumFolderAndPlaylist() {
        let work = LibraryLists.pending(files: files, changed: Set(files), onDevice: [:])
        XCTAssertEqual(work.albumFolders, ["A/Album", "B/Other"], "a folder without audio gets no album")
        XCTAssertEqual(work.playlists, ["Mix.m3u8"])
    }

    func testAnUnchangedLibraryWithItsListsOnTheDeviceNeedsNothing() {
        let onDevice: [String: Set<String>] = ["A/Album": ["Album.alb"], "B/Other": ["Other.alb"], "": ["Mix.pla"]]
        XCTAssertEqual(LibraryLists.pending(files: files, changed: [], onDevice: onDevice), LibraryLists.Work())
    }

    func testAChangedTrackRemakesItsAlbumAndThePlaylistsAndAMissingListIsMade() {
        let onDevice: [String: Set<String>] = ["A/Album": ["Album.alb"], "": ["Mix.pla"]]
        let work = LibraryLists.pending(files: files, changed: ["A/Album/02 Two.flac"], onDevice: onDevice)
        XCTAssertEqual(work.albumFolders, ["A/Album", "B/Other"])
        XCTAssertEqual(work.playlists, ["Mix.m3u8"], "a replaced track is a new object a playlist may name")
    }

    func testOnlyPlaylistsWhoseFileLeftTheLibraryAreStaleAndNotInsideAFolderDeletedWhole() {
        let onDevice: [String: Set<String>] = [
            "": ["Mix.pla", "Gone.pla", "Album.alb"], "A/Album": ["Album.alb", "Old.pla"], "Stray/Deeper": ["Lost.pla"],
        ]
        XCTAssertEqual(
            LibraryLists.stalePlaylists(files: files, onDevice: onDevice, deletedFolders: []),
            ["Gone.pla", "A/Album/Old.pla", "Stray/Deeper/Lost.pla"])
        XCTAssertEqual(
            LibraryLists.stalePlaylists(files: files, onDevice: onDevice, deletedFolders: ["Stray"]),
            ["Gone.pla", "A/Album/Old.pla"], "a folder deleted whole takes its playlists with it")
        XCTAssertEqual(LibraryLists.stalePlaylists(files: files, onDevice: ["": ["Mix.pla"]], deletedFolders: []), [])
    }

    func testPlaylistEntriesResolveAgainstTheirFolderAndWhatIsNotSyncedIsCounted() {
        let library: Set<String> = ["A/Album/01 One.mp3", "A/Album/02 Two.flac", "B/Other/01 x.ogg"]
        let text = """
            #EXTM3U
            #EXTINF:1,One
            ../A/Album/01 One.mp3
            ..\\A\\Album\\02 Two.flac\r
            /home/me/elsewhere.mp3
            http://radio.example/stream
            ../../outside.mp3
            ../B/./Other/01 x.ogg
            missing.mp3

            """
        let (tracks, missing) = LibraryLists.entries(ofPlaylist: text, in: "Lists", library: library)
        XCTAssertEqual(tracks, ["A/Album/01 One.mp3", "A/Album/02 Two.flac", "B/Other/01 x.ogg"])
        XCTAssertEqual(missing, 4)
        XCTAssertEqual(LibraryLists.stem("Road Mix.m3u8"), "Road Mix")
        XCTAssertTrue(LibraryLists.isPlaylist("x.M3U"))
    }
}

final class BundleProgressTests: XCTestCase {
    func testTheLineSaysFilesAndBytesOfTheTotalWithRateAndTimeLeft() {
        var progress = BundleProgress(json: false, files: 4, bytes: 4_000_000, terminal: false)
        progress.begin("a.mp3")
        progress.finished(arrived: true, size: 1_000_000)
        progress.begin("b.mp3")
        progress.update(done: 1_000_000)
        let line = progress.line(now: MonotonicClock.seconds() + 1000)
        XCTAssertTrue(line.hasPrefix("[1/4 files] 2.0 MB of 4.0 MB, "), line)
        XCTAssertTrue(line.contains("/s, ETA "), line)
        XCTAssertTrue(line.contains("b.mp3"), line)
    }
}
