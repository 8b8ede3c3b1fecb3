import Foundation
import Glibc
import IntegrationSupport
import XCTest

/// Resume is a rerun: a sync killed mid-way, then run again, leaves the device exactly as an uninterrupted sync
/// would (the daemon never keeps a partial object), and the rerun sends only what had not arrived.
final class SyncResumeTests: XCTestCase {
    private let trials = Int(ProcessInfo.processInfo.environment["MTPSESSIOND_TRIALS"] ?? "") ?? 3

    func testAKilledSyncRerunLeavesWhatAnUninterruptedOneWould() throws {
        // 8 MB/s: 30 files of 160-250 kB take about a second, so a kill lands mid-transfer.
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "8"])
        let library = d.sim.root.appendingPathComponent("library")
        var expected: [String: Data] = [:]
        for i in 0..<30 {
            let folder = "Artist \(i % 3)/Album \(i % 6)"
            try FileManager.default.createDirectory(at: library.appendingPathComponent(folder), withIntermediateDirectories: true)
            let data = Data((0..<(160_000 + i * 3000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) })
            try data.write(to: library.appendingPathComponent("\(folder)/track \(i).mp3"))
            expected["\(folder)/track \(i).mp3"] = data
        }
        for trial in 1...trials {
            if trial > 1 { try d.ctlOK(["rm", "-r", ":/Music"]) }  // Through the daemon, which then knows.
            let cutAfter = 3 + (trial * 7) % 20  // Files arrived before the kill.
            let sync = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "sync", library.path, ":/Music"])
            var arrived = 0
            try sync.waitForLine(timeout: 120) { line in
                if line.hasPrefix("{\"sent\"") || line.contains("\"sent\":\"") { arrived += 1 }
                return arrived >= cutAfter
            }
            sync.kill()
            XCTAssertNotEqual(sync.waitForExit(timeout: 60), 0, "#\(trial): killed before it ended")
            let r = try d.ctlOK(["--json", "sync", library.path, ":/Music"])
            let summary = try XCTUnwrap(
                r.stdout.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                .compactMap { $0["summary"] as? [String: Any] }.last)
            let sent = summary["sent"] as? Int ?? -1
            XCTAssertGreaterThan(sent, 0, "#\(trial): the rerun sends what had not arrived")
            XCTAssertLessThanOrEqual(sent, 30 - cutAfter + 1, "#\(trial): at most the file cut off is sent again")
            XCTAssertEqual(summary["failed"] as? Int, 0, "#\(trial): \(r.stdout)")
            XCTAssertEqual(
                try tree(d.sim.storage.appendingPathComponent("Music")), expected,
                "#\(trial): the device holds the library, nothing partial")
            print(
                "sync kill trial #\(trial): killed after \(cutAfter) files; the rerun sent \(sent), skipped \(summary["skipped"] ?? 0)"
            )
        }
    }

    /// Every file below `root` by its relative path, with its bytes; any temporary or partial file shows up too.
    private func tree(_ root: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            found[String(url.path.dropFirst(root.path.count + 1))] = try Data(contentsOf: url)
        }
        return found
    }
}
