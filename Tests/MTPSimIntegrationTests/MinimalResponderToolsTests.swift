import Foundation
import IntegrationSupport
import XCTest

/// libmtp's own tools against the `minimal` personality, the player made like QEMU's usb-mtp and
/// uMTP-Responder: every tool invocation opens its own session, and this device numbers its objects afresh at
/// each, so an id one tool printed means nothing (or another object) to the next. Paths stay good, so files
/// are found by path: `mtp-connect --getfile PATH` and `mtp-delfile -f PATH` resolve them in their own session.
final class MinimalResponderToolsTests: XCTestCase {
    func testDetectProbesAGenericDeviceThatListsNeitherTheMissingOperationsNorEvents() throws {
        let sim = try VirtualPlayerFixture(personality: "minimal")
        let r = try sim.run(["mtp-detect"])
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertTrue(r.stdout.contains("1209:4d4e"), r.stdout)
        XCTAssertTrue(r.stdout.contains("MTPSIM0003"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Model: Minimal Responder (mtpsim)"), r.stdout)
        XCTAssertTrue(r.combined.contains("is UNKNOWN in libmtp"), "not in libmtp's device table, so probed: \(r.combined)")
        XCTAssertTrue(r.stdout.contains("Events supported:\n   None."), r.stdout)
        let operations = try XCTUnwrap(
            r.stdout.components(separatedBy: "Supported operations:").dropFirst().first?
                .components(separatedBy: "Events supported:").first)
        XCTAssertTrue(operations.contains("   100b: Delete object"), "the section is read right: \(operations)")
        for code in ["1019", "101a", "9802", "9804", "9805", "9808"] {
            XCTAssertFalse(operations.contains("   \(code):"), "operation \(code) is not offered: \(operations)")
        }
    }

    func testHandlesDifferBetweenInvocationsWhileNamesStay() throws {
        let sim = try VirtualPlayerFixture(personality: "minimal")
        let fm = FileManager.default
        try fm.createDirectory(at: sim.storage.appendingPathComponent("Music/Album"), withIntermediateDirectories: true)
        try fm.createDirectory(at: sim.storage.appendingPathComponent("Docs"), withIntermediateDirectories: true)
        try Data("top\n".utf8).write(to: sim.storage.appendingPathComponent("top.txt"))
        try Data(repeating: 7, count: 3000).write(to: sim.storage.appendingPathComponent("Music/Album/one.mp3"))
        try Data(repeating: 9, count: 1000).write(to: sim.storage.appendingPathComponent("Music/two.mp3"))
        let out = sim.root.appendingPathComponent("stale.bin").path
        let script = """
            mtp-files; echo ===; mtp-files; echo ===; mtp-folders; echo ===; mtp-folders; echo ===
            id=$(mtp-files 2>/dev/null | awk '/^File ID:/ {id=$3} $1=="Filename:" && $2=="top.txt" {print id}')
            echo "top.txt was $id"
            mtp-getfile "$id" \(out)
            true
            """
        let r = try sim.run(["sh", "-c", script])
        XCTAssertEqual(r.status, 0, r.combined)
        let parts = r.stdout.components(separatedBy: "===\n")
        XCTAssertEqual(parts.count, 5, r.stdout)
        let first = Self.files(parts[0]), second = Self.files(parts[1])
        XCTAssertEqual(Set(first.keys), ["top.txt", "one.mp3", "two.mp3"], parts[0])
        XCTAssertEqual(Set(second.keys), Set(first.keys), "the same files by name")
        for (name, id) in first { XCTAssertNotEqual(second[name], id, "\(name) has a new id in the second session") }
        let firstFolders = Self.folders(parts[2]), secondFolders = Self.folders(parts[3])
        XCTAssertEqual(Set(firstFolders.keys), ["Music", "Album", "Docs"], parts[2])
        XCTAssertEqual(Set(secondFolders.keys), Set(firstFolders.keys))
        for (name, id) in firstFolders { XCTAssertNotEqual(secondFolders[name], id, "folder \(name) has a new id") }
        // The id a listing printed, used by the next tool, is stale: it fails or fetches another object.
        XCTAssertTrue(r.stdout.contains("top.txt was "), r.stdout)
        XCTAssertNotEqual(
            try? Data(contentsOf: URL(fileURLWithPath: out)), Data("top\n".utf8),
            "a stale id must not still name top.txt")
    }

    func testFilesRoundTripByteForByteFoundByPathInEachSession() throws {
        let sim = try VirtualPlayerFixture(personality: "minimal")
        let sizes = [1, 511, 512, 513, 70_000, 1 << 20]
        var script = "set -e\nmtp-newfolder Music 0 0\n"
        for size in sizes {
            let file = try sim.makeFile("f\(size).bin", size: size)
            script += "mtp-sendfile \(file.path) /Music\n"
        }
        for size in sizes {
            let out = sim.root.appendingPathComponent("back\(size).bin").path
            script += "mtp-connect --getfile /Music/f\(size).bin \(out) > /dev/null\n"
        }
        script += "mtp-files\n"
        let r = try sim.run(["sh", "-c", script], timeout: 300)
        XCTAssertEqual(r.status, 0, r.combined)
        let listed = Self.files(r.stdout)
        for size in sizes {
            let sent = try Data(contentsOf: sim.root.appendingPathComponent("f\(size).bin"))
            XCTAssertEqual(
                try? Data(contentsOf: sim.storage.appendingPathComponent("Music/f\(size).bin")), sent,
                "\(size) bytes on the device's storage")
            XCTAssertEqual(
                try? Data(contentsOf: sim.root.appendingPathComponent("back\(size).bin")), sent,
                "\(size) bytes read back")
            XCTAssertNotNil(listed["f\(size).bin"], "listed by name: \(r.stdout)")
        }
    }

    func testDeletingAFolderTreeLeavesWhatQEMULeaves() throws {
        let sim = try VirtualPlayerFixture(personality: "minimal")
        let fm = FileManager.default
        for folder in ["F/S/T", "F/E", "Empty"] {
            try fm.createDirectory(at: sim.storage.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in ["F/a.txt", "F/S/b.txt", "F/S/T/c.txt", "lone.txt"] {
            try Data(file.utf8).write(to: sim.storage.appendingPathComponent(file))
        }
        let r = try sim.run(["sh", "-c", "mtp-delfile -f /F; mtp-delfile -f /lone.txt; mtp-delfile -f /Empty"])
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertTrue(r.combined.contains("Partial Deletion"), "libmtp reports 0x2012: \(r.combined)")
        XCTAssertTrue(r.combined.contains("Failed to delete file:/F"), r.combined)
        let left = try fm.subpathsOfDirectory(atPath: sim.storage.path).sorted()
        XCTAssertEqual(
            left, ["F", "F/E", "F/S", "F/S/T", "F/S/T/c.txt", "F/a.txt"],
            "F's own file and subfolders stay, S's file goes, T keeps its file; the file and the empty folder went")
    }

    // MARK: Parsing the tools' output

    /// mtp-files' listing: file name to id.
    static func files(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        var id: String?
        for line in output.split(separator: "\n") {
            if line.hasPrefix("File ID: ") { id = String(line.dropFirst("File ID: ".count)) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Filename: "), let id { result[String(trimmed.dropFirst("Filename: ".count))] = id }
        }
        return result
    }

    /// mtp-folders' tree: folder name to id (lines "ID<TAB>  name").
    static func folders(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2, fields[0].allSatisfy(\.isNumber) else { continue }
            result[fields[1].trimmingCharacters(in: .whitespaces)] = String(fields[0])
        }
        return result
    }
}
