import Logging
@testable import MTPProvider
@testable import SessionCore
import XCTest

/// Playlists and albums through `SessionManager` against `FakeDevice`: tracks resolved as paths, a list of the
/// same name set in place rather than made twice, read back by name or by object, and the refusals (a device
/// without lists, art on a device that takes none, a folder given as a track). The integration suite proves the
/// same through the real daemon, libmtp and the virtual player.
final class TrackListRulesTests: XCTestCase {
    func testTheObjectNameLibmtpGivesAListIsTheListsNameWithItsSuffix() {
        XCTAssertEqual(TrackListName.listName("Mix", .playlist), "Mix")
        XCTAssertEqual(TrackListName.listName("Mix.PLA", .playlist), "Mix")
        XCTAssertEqual(TrackListName.listName("Mix.alb", .playlist), "Mix.alb", "an album's suffix is no playlist's")
        XCTAssertEqual(TrackListName.listName(".pla", .playlist), ".pla", "a name that is all suffix stays")
        XCTAssertTrue(TrackListName.matches(fileName: "Mix.pla", name: "Mix", .playlist))
        XCTAssertTrue(TrackListName.matches(fileName: "Mix.zpl", name: "Mix.pla", .playlist))
        XCTAssertFalse(TrackListName.matches(fileName: "Mix", name: "Mix", .playlist), "the bare name is another object")
        XCTAssertFalse(TrackListName.matches(fileName: "Mix.alb", name: "Mix", .playlist))
        XCTAssertTrue(TrackListName.matches(fileName: "Record.alb", name: "Record", .album))
    }

    func testAPlaylistIsCreatedOnceThenItsTracksAreSetInPlace() async throws {
        let device = FakeDevice()
        let music = device.addFolder("Music")
        let a = device.addFile("a.mp3", in: music, bytes: [1]), b = device.addFile("b.mp3", in: music, bytes: [2])
        let manager = await start(device)

        let made = try await manager.setTrackList(
            alice, device: serial, kind: .playlist,
            request: TrackListRequest(name: "Mix", tracks: ["/Music/a.mp3", "/Music/b.mp3"]),
            storage: nil, session: nil)
        XCTAssertEqual(made.created, true)
        XCTAssertEqual(made.entry.path, "/Mix.pla")
        XCTAssertEqual(made.entry.format, "playlist")
        XCTAssertEqual(made.tracks, ["/Music/a.mp3", "/Music/b.mp3"])

        let again = try await manager.setTrackList(
            alice, device: serial, kind: .playlist, request: TrackListRequest(name: "Mix", tracks: ["/Music/b.mp3"]),
            storage: nil, session: nil)
        XCTAssertEqual(again.created, false)
        XCTAssertEqual(again.entry.id, made.entry.id)
        XCTAssertEqual(device.calls(["createPlaylist", "updatePlaylist"]), ["createPlaylist Mix", "updatePlaylist Mix"])

        for path in ["/Mix", "/Mix.pla"] {
            let back = try await manager.trackList(alice, device: serial, kind: .playlist, path: path, storage: nil, session: nil)
            XCTAssertEqual(back.tracks, ["/Music/b.mp3"], path)
        }
        _ = (a, b)
        await manager.shutdown()
    }

    func testTracksMustBeFilesThatAreThere() async throws {
        let device = FakeDevice()
        device.addFile("a.mp3", in: device.addFolder("Music"), bytes: [1])
        let manager = await start(device)
        await assertThrows(.notFound(device: serial, path: "/Music/none.mp3")) {
            _ = try await manager.setTrackList(
                alice, device: serial, kind: .album, request: TrackListRequest(name: "R", tracks: ["/Music/none.mp3"]),
                storage: nil, session: nil)
        }
        await assertThrows(.invalidPath(path: "/Music", reason: "a track is a file, not a folder, playlist or album")) {
            _ = try await manager.setTrackList(
                alice, device: serial, kind: .album, request: TrackListRequest(name: "R", tracks: ["/Music"]),
                storage: nil, session: nil)
        }
        XCTAssertEqual(device.calls(["createAlbum", "updateAlbum"]), [], "nothing made")
        await manager.shutdown()
    }

    func testADeviceWithoutListsOrArtSaysNotSupported() async throws {
        let device = FakeDevice(trackLists: false)
        device.addFile("a.mp3", bytes: [1])
        let manager = await start(device)
        await assertThrows(.notSupported(device: serial, operation: "playlists")) {
            _ = try await manager.setTrackList(
                alice, device: serial, kind: .playlist, request: TrackListRequest(name: "Mix", tracks: ["/a.mp3"]),
                storage: nil, session: nil)
        }
        let summary = await manager.listDevices().first
        XCTAssertEqual(summary?.playlists, false)
        XCTAssertEqual(summary?.albumArt, false)
        await manager.shutdown()

        let withLists = FakeDevice()
        withLists.addFile("a.mp3", bytes: [1])
        let other = await start(withLists)
        var pipe: [Int32] = [0, 0]
        XCTAssertEqual(Glibc.pipe(&pipe), 0)
        defer { close(pipe[0]); close(pipe[1]) }
        await assertThrows(.notSupported(device: serial, operation: "album art")) {
            _ = try await other.setTrackList(
                alice, device: serial, kind: .album,
                request: TrackListRequest(name: "R", tracks: ["/a.mp3"], art: (pipe[0], 0, 0)), storage: nil, session: nil)
        }
        XCTAssertEqual(withLists.calls(["createAlbum"]), [], "refused before anything is made")
        await other.shutdown()
    }
}

private let serial = "FAKE-1"
private let alice = Caller(uid: 1000, pid: 100)

private func start(_ device: FakeDevice) async -> SessionManager {
    let manager = SessionManager(
        configuration: .init(linger: 60, transferStallTimeout: nil, access: device.access),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    await manager.attached(
        AttachedDevice(bus: 1, address: 2, vendorID: 0x1209, productID: 0x0001, vendorName: "", productName: ""))
    return manager
}

private func assertThrows(
    _ expected: ServiceError, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
) async {
    do {
        try await body()
        XCTFail("expected \(expected)", file: file, line: line)
    } catch {
        XCTAssertEqual(error as? ServiceError, expected, file: file, line: line)
    }
}
