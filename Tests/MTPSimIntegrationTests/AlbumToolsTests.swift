import Foundation
import IntegrationSupport
import XCTest

/// Albums, playlists, cover art and a host-set modification time, the way a classic player's host software
/// makes them: libmtp's own tools (mtp-sendtr, mtp-albumart, mtp-newplaylist, and the listings), plus the
/// libmtp calls no tool makes (reading art back, setting one property) through `python/libmtp_calls.py`. Each
/// test runs in one mtpsim run, because the player keeps metadata in memory as long as it runs.
final class AlbumToolsTests: XCTestCase {
    static let personalities = ["android", "classic"]

    /// The ctypes client of the installed libmtp.
    private let libmtpCalls = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("python/libmtp_calls.py").path

    func testAlbumsPlaylistsAndCoverArtThroughLibmtpTools() throws {
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            let first = try sim.makeFile("first.mp3", size: 20_000)
            let second = try sim.makeFile("second.mp3", size: 15_000)
            let cover = try sim.makeFile("cover.jpg", size: 5_000)
            let tooBig = try sim.makeFile("huge.jpg", size: (4 << 20) + 1)
            let back = sim.root.appendingPathComponent("back.jpg")
            let script = """
                set -e
                mtp-newfolder Music 0 0 > /dev/null
                t1=$(mtp-sendtr -q -t First -a Band -l Debut -g Rock -n 1 \(first.path) /Music/first.mp3 | sed -n 's/^New track ID: //p')
                t2=$(mtp-sendtr -q -t Second -a Band -l Debut -g Rock -n 2 \(second.path) /Music/second.mp3 | sed -n 's/^New track ID: //p')
                test -n "$t1" && test -n "$t2"
                echo "tracks $t1 $t2"
                mtp-albumart -i "$t1" -i "$t2" -n Covers \(cover.path)
                mtp-albumart -i "$t1" -n Huge \(tooBig.path)
                mtp-newplaylist -i "$t2" -i "$t1" -n Mix
                mtp-tracks
                mtp-albums
                mtp-playlists
                covers=$(mtp-albums | awk '/^Album ID:/ { id = $3 } /Name: +Covers$/ { print id }')
                test -n "$covers"
                python3 \(libmtpCalls) sample-format
                python3 \(libmtpCalls) get-art "$covers" \(back.path)
                """
            let r = try sim.run(["sh", "-c", script])
            XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
            let ids = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("tracks ") }, r.combined)
                .split(separator: " ").dropFirst().map(String.init)
            XCTAssertEqual(ids.count, 2, "\(personality): \(r.combined)")
            let (t1, t2) = (ids[0], ids[1])

            // mtp-tracks: both tracks, filed into the album mtp-sendtr made.
            for expected in ["Title: First", "Title: Second", "Album: Debut"] {
                XCTAssertTrue(r.stdout.contains(expected), "\(personality): mtp-tracks shows \(expected): \(r.stdout)")
            }
            // mtp-albums: the album mtp-sendtr made holds both tracks, as does the one mtp-albumart made.
            let albums = blocks(r.stdout, startingWith: "Album ID:")
            let debut = try XCTUnwrap(albums.first { $0.contains("Name:   Debut") }, "\(personality): \(r.stdout)")
            XCTAssertTrue(debut.contains("Artist: Band") && debut.contains("Tracks: 2"), "\(personality): \(debut)")
            let covers = try XCTUnwrap(albums.first { $0.contains("Name:   Covers") }, "\(personality): \(r.stdout)")
            XCTAssertTrue(covers.contains("Tracks: 2"), "\(personality): \(covers)")
            // mtp-playlists: the playlist's members in the order given.
            let playlists = blocks(r.stdout, startingWith: "Playlist ID:")
            let mix = try XCTUnwrap(playlists.first { $0.contains("Name: Mix") }, "\(personality): \(r.stdout)")
            let secondAt = try XCTUnwrap(mix.range(of: "\(t2): Band - Second"), "\(personality): \(mix)")
            let firstAt = try XCTUnwrap(mix.range(of: "\(t1): Band - First"), "\(personality): \(mix)")
            XCTAssertLessThan(secondAt.lowerBound, firstAt.lowerBound, "\(personality): \(mix)")

            // libmtp sees an image sample on albums (JPEG is filetype 14), and reads back the art sent.
            XCTAssertTrue(
                r.stdout.contains("sample-format filetype=14 width=1024 height=1024 size=4194304"),
                "\(personality): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("art filetype=14 width=0 height=0 size=5000"), "\(personality): \(r.stdout)")
            XCTAssertEqual(try? Data(contentsOf: back), try Data(contentsOf: cover), "\(personality): the art read back")
            // Only the art past 4 MiB was refused, with a response libmtp can name.
            XCTAssertEqual(
                r.combined.components(separatedBy: "Couldn't send album art").count, 2, "\(personality): \(r.combined)")
            XCTAssertTrue(r.combined.contains("Invalid ObjectProp Value"), "\(personality): \(r.combined)")
        }
    }

    func testModificationTimeSetThroughLibmtpIsReadBack() throws {
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            let file = try sim.makeFile("synced.bin", size: 1000)
            // libmtp reads a PTP time as local time (mktime), so read it back in a zone that is not UTC.
            let script = """
                set -e
                id=$(mtp-sendfile \(file.path) / | sed -n 's/^New file ID: //p')
                test -n "$id"
                TZ=America/New_York python3 \(libmtpCalls) get-date "$id"
                python3 \(libmtpCalls) set-date "$id" 20240131T101112
                TZ=America/New_York python3 \(libmtpCalls) get-date "$id"
                TZ=UTC python3 \(libmtpCalls) get-date "$id"
                """
            let r = try sim.run(["sh", "-c", script])
            XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
            let dates = r.stdout.split(separator: "\n").filter { $0.hasPrefix("date ") }.map {
                $0.split(separator: " ").map(String.init)
            }
            XCTAssertEqual(dates.count, 3, "\(personality): \(r.combined)")
            guard dates.count == 3 else { continue }
            XCTAssertNotEqual(dates[0][2], "20240131T101112", "\(personality): before the change")
            XCTAssertEqual(dates[1][2], "20240131T101112", "\(personality): \(r.stdout)")
            XCTAssertEqual(dates[2][2], "20240131T101112", "\(personality): \(r.stdout)")
            // The same wall-clock time read in two zones: mktime made two instants of it, 5 hours apart in January.
            XCTAssertEqual(dates[2][1], "1706695872", "\(personality): 2024-01-31 10:11:12 UTC")
            if FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/America/New_York") {
                XCTAssertEqual(dates[1][1], "1706713872", "\(personality): 2024-01-31 10:11:12 in New York")
            }
        }
    }

    /// The parts of `output` that each begin with a line starting `marker`, up to the next.
    private func blocks(_ output: String, startingWith marker: String) -> [String] {
        output.components(separatedBy: "\n" + marker).dropFirst().map { marker + $0 }
    }
}
