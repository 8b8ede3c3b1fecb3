import Foundation
import Glibc
import IntegrationSupport
import XCTest

/// Local input is never silently wrong: standard input is spooled and sent whole, a pipe or FIFO named as a file
/// is refused with the way to send it, and a symbolic link inside a sent folder is followed or named, never
/// dropped without a word. Through the real daemon, libmtp and the virtual player.
final class LocalInputTests: XCTestCase {
    private func shell(_ d: DaemonFixture, _ script: String) throws -> CommandResult {
        try runCommand(
            "/bin/bash", ["-c", script], environment: ["CTL": Binaries.mtpctl, "SOCK": d.socket, "ROOT": d.sim.root.path])
    }

    func testStandardInputIsSentWholeAndPipesAreRefusedWithTheWayToSendThem() throws {
        let d = try DaemonFixture()
        // Standard input from a pipe: spooled, then sent whole under --name.
        var r = try shell(
            d, #"head -c 300000 /dev/urandom | tee "$ROOT/expected" | "$CTL" --socket "$SOCK" put - --name piped.bin :/"#)
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertEqual(
            try Data(contentsOf: d.sim.storage.appendingPathComponent("piped.bin")),
            try Data(contentsOf: d.sim.root.appendingPathComponent("expected")))
        // Standard input redirected from a file: sent as it is.
        r = try shell(
            d, #"printf 'from a file\n' > "$ROOT/f.txt"; "$CTL" --socket "$SOCK" put - --name redirected.txt :/ < "$ROOT/f.txt""#)
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertEqual(
            try String(contentsOf: d.sim.storage.appendingPathComponent("redirected.txt"), encoding: .utf8), "from a file\n")
        // Without a name there is nothing to call it.
        r = try shell(d, #"echo x | "$CTL" --socket "$SOCK" put - :/"#)
        XCTAssertEqual(r.status, 64, r.combined)
        XCTAssertTrue(r.stderr.contains("--name"), r.stderr)
        // A process substitution is a pipe: refused, not sent empty (it used to arrive as an empty file).
        r = try shell(d, #""$CTL" --socket "$SOCK" put <(echo hi) :/"#)
        XCTAssertEqual(r.status, 74, r.combined)
        XCTAssertTrue(r.stderr.contains("is a pipe") && r.stderr.contains("put - --name"), r.stderr)
        // So is a FIFO named on the command line, without waiting for a writer.
        XCTAssertEqual(mkfifo(d.sim.root.appendingPathComponent("fifo").path, 0o600), 0)
        r = try d.ctl(["put", d.sim.root.appendingPathComponent("fifo").path, ":/"])
        XCTAssertEqual(r.status, 74, r.combined)
        XCTAssertTrue(r.stderr.contains("is a pipe"), r.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path).sorted()
        XCTAssertEqual(names, ["piped.bin", "redirected.txt"], "nothing else arrived, nothing empty")
    }

    func testLinksInASentFolderAreFollowedOrNamedAndSpecialFilesNamed() throws {
        let d = try DaemonFixture()
        let folder = d.sim.root.appendingPathComponent("Album")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("real".utf8).write(to: folder.appendingPathComponent("real.mp3"))
        try Data("elsewhere".utf8).write(to: d.sim.root.appendingPathComponent("outside.mp3"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("linked.mp3").path, withDestinationPath: "../outside.mp3")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: ".")
        XCTAssertEqual(mkfifo(folder.appendingPathComponent("fifo").path, 0o600), 0)

        var r = try d.ctlOK(["put", folder.path, ":/"])
        XCTAssertEqual(
            try String(contentsOf: d.sim.storage.appendingPathComponent("Album/linked.mp3"), encoding: .utf8), "elsewhere",
            "a link is followed: its target's data arrives under the link's name")
        XCTAssertTrue(r.stderr.contains("loop: a symbolic link to a folder it is in (a loop)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("fifo: a pipe, not a regular file"), r.stderr)
        XCTAssertTrue(r.stdout.contains("2 not sent (named above)"), r.stdout)

        try d.ctlOK(["mkdir", ":/Again"])
        r = try d.ctlOK(["put", "--no-dereference", folder.path, ":/Again"])
        XCTAssertTrue(r.stderr.contains("linked.mp3: a symbolic link (not followed: --no-dereference)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("loop: a symbolic link (not followed: --no-dereference)"), r.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.appendingPathComponent("Again/Album").path),
            ["real.mp3"])
    }
}
