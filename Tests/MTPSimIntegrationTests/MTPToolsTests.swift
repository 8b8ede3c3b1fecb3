import Foundation
import IntegrationSupport
import XCTest

/// libmtp's own command-line tools, a client nobody here wrote, against the virtual player in both
/// personalities. Everything below them is real: libmtp, libusb, the usbdevfs ioctls (answered by mtpsim).
final class MTPToolsTests: XCTestCase {
    static let personalities = ["android", "classic"]

    func testDetectDescribesTheDevice() throws {
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            let r = try sim.run(["mtp-detect"])
            XCTAssertEqual(r.status, 0, r.combined)
            let serial = personality == "android" ? "MTPSIM0001" : "MTPSIM0002"
            XCTAssertTrue(r.stdout.contains(serial), "\(personality): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("Supported operations"), "\(personality): \(r.stdout)")
            XCTAssertFalse(r.combined.contains("PANIC"), r.combined)
        }
    }

    func testRoundTripsAreByteIdenticalAtPacketBoundaries() throws {
        let sizes = [0, 1, 511, 512, 513, 16383, 16384, 16385, 1 << 20]
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            var script = "set -e\n"
            for size in sizes {
                let file = try sim.makeFile("f\(size).bin", size: size)
                let out = sim.root.appendingPathComponent("back\(size).bin").path
                // mtp-sendfile prints the new object's id; fetch that id straight back.
                script += "id=$(mtp-sendfile \(file.path) / | sed -n 's/^New file ID: //p')\n"
                script += "test -n \"$id\"\n"
                script += "mtp-getfile \"$id\" \(out) > /dev/null\n"
            }
            let r = try sim.run(["sh", "-c", script], timeout: 300)
            XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
            for size in sizes {
                let sent = try Data(contentsOf: sim.root.appendingPathComponent("f\(size).bin"))
                let landed = try? Data(contentsOf: sim.storage.appendingPathComponent("f\(size).bin"))
                let back = try? Data(contentsOf: sim.root.appendingPathComponent("back\(size).bin"))
                XCTAssertEqual(landed, sent, "\(personality): \(size) bytes on the device's storage")
                XCTAssertEqual(back, sent, "\(personality): \(size) bytes read back")
            }
        }
    }

    func testHundredMebibyteRoundTrip() throws {
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            let file = try sim.makeFile("big.bin", size: 100 << 20)
            let out = sim.root.appendingPathComponent("big.back").path
            let script = """
                set -e
                id=$(mtp-sendfile \(file.path) / | sed -n 's/^New file ID: //p')
                test -n "$id"
                mtp-getfile "$id" \(out) > /dev/null
                """
            let r = try sim.run(["sh", "-c", script], timeout: 300)
            XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
            // Compare without holding three copies of 100 MiB at once.
            XCTAssertTrue(
                FileManager.default.contentsEqual(
                    atPath: file.path,
                    andPath: sim.storage.appendingPathComponent("big.bin").path),
                "\(personality): the file on the device's storage")
            XCTAssertTrue(FileManager.default.contentsEqual(atPath: file.path, andPath: out), "\(personality): read back")
        }
    }

    func testFoldersFilesAndDelete() throws {
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            try "already here\n".write(
                to: sim.storage.appendingPathComponent("preexisting.txt"), atomically: true, encoding: .utf8)
            let file = try sim.makeFile("doomed.bin", size: 4096)
            let script = """
                set -e
                mtp-newfolder Music 0 0
                mtp-folders
                mtp-files
                id=$(mtp-sendfile \(file.path) /Music | sed -n 's/^New file ID: //p')
                test -n "$id"
                test -f \(sim.storage.path)/Music/doomed.bin
                echo "sent-id $id"
                mtp-delfile -n "$id"
                """
            let r = try sim.run(["sh", "-c", script])
            XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
            XCTAssertTrue(r.stdout.contains("New folder created with ID"), r.stdout)
            XCTAssertTrue(r.stdout.contains("Music"), r.stdout)
            XCTAssertTrue(
                r.stdout.contains("preexisting.txt"), "\(personality): a file put in the directory is listed: \(r.stdout)")
            var isDir: ObjCBool = false
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: sim.storage.appendingPathComponent("Music").path, isDirectory: &isDir)
                    && isDir.boolValue)
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: sim.storage.appendingPathComponent("Music/doomed.bin").path),
                "\(personality): deleted on the device, so gone from the directory")
        }
    }

    func testSendTrackCarriesMetadata() throws {
        for personality in Self.personalities {
            let sim = try VirtualPlayerFixture(personality: personality)
            let song = try sim.makeFile("song.mp3", size: 20_000)
            let script = """
                set -e
                mtp-newfolder Music 0 0
                mtp-sendtr -q -t "Virtual Title" -a "Virtual Artist" -A "Album Artist" -l "Virtual Album" -g Ambient -n 3 -y 2021 -d 185 \(song.path) /Music/song.mp3
                mtp-tracks
                """
            let r = try sim.run(["sh", "-c", script])
            XCTAssertEqual(r.status, 0, "\(personality): \(r.combined)")
            XCTAssertEqual(
                try? Data(contentsOf: sim.storage.appendingPathComponent("Music/song.mp3")), try Data(contentsOf: song),
                "\(personality): the track lands as a real file")
            for expected in ["Virtual Title", "Virtual Artist", "Virtual Album", "Ambient"] {
                XCTAssertTrue(r.stdout.contains(expected), "\(personality): mtp-tracks shows \(expected): \(r.stdout)")
            }
        }
    }
}
