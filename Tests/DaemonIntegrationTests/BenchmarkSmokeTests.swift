import Foundation
import IntegrationSupport
import XCTest

/// `make bench`'s scenarios at tiny sizes, so the benchmarks keep working between runs of the real thing. They
/// assert counts and outcomes, never times.
final class BenchmarkSmokeTests: XCTestCase {
    private let benchmarks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("benchmarks")
    private var results: URL!

    override func setUpWithError() throws {
        results = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: results) }

    /// Runs a benchmark script with the debug binaries; its result JSON.
    private func run(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let out = results.appendingPathComponent(script.replacingOccurrences(of: ".py", with: ".json"))
        let r = try runCommand(
            "/usr/bin/env",
            ["python3", benchmarks.appendingPathComponent(script).path, Binaries.directory]
                + arguments + ["--out", out.path], timeout: 300)
        XCTAssertEqual(r.status, 0, r.combined)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [String: Any]
    }

    /// BENCHMARKS.md as report.py writes it from the results so far.
    private func report() throws -> String {
        let report = results.appendingPathComponent("BENCHMARKS.md")
        let r = try runCommand(
            "/usr/bin/env",
            [
                "python3", benchmarks.appendingPathComponent("report.py").path,
                "--results", results.path, "--output", report.path,
            ])
        XCTAssertEqual(r.status, 0, r.combined)
        return try String(contentsOf: report, encoding: .utf8)
    }

    private func rows(_ json: [String: Any]) -> [[String: Any]] { json["rows"] as? [[String: Any]] ?? [] }

    func testManySmallFilesRunsAllFourWays() throws {
        let row = try XCTUnwrap(
            rows(
                try run(
                    "many-small-files.py",
                    [
                        "--files", "5", "--objects", "0", "--links", "none",
                        "--personalities", "android", "--sample", "1",
                    ])
            ).first)
        func tx(_ way: String) -> Double { (row[way] as! [String: Any])["transactions_per_file"] as! Double }
        XCTAssertLessThan(tx("c"), tx("a"), "a session costs fewer transactions per file than libmtp's tool")
        XCTAssertEqual(tx("c"), tx("d"), accuracy: 1.0, "mtpctl's bundle and a raw varlink session cost about the same")
        // The device's listings outlive a command on a device that reports changes: separate puts cost what a
        // bundle does, give or take each command's own session.
        XCTAssertLessThanOrEqual(tx("b"), tx("c") * 1.2, "separate puts repeat what the device already told the daemon")
    }

    func testSyncSendsTheLibraryOnceAndItsReSyncNothing() throws {
        // No FUSE tool here: `make test` does not install them (`make bench` compares with them). The script checks
        // every path and size that arrived; it fails on any file missing.
        let json = try run("sync.py", ["--tracks", "12", "--links", "none", "--tools", "", "--rounds", "1"])
        let row = try XCTUnwrap(rows(json).first)
        func measure(_ name: String) throws -> [String: Any] { try XCTUnwrap(row[name] as? [String: Any], name) }
        func summary(_ name: String) throws -> [String: Any] {
            try XCTUnwrap(try measure(name)["summary"] as? [String: Any], "\(name) has mtpctl's summary")
        }
        XCTAssertGreaterThanOrEqual(try summary("first")["sent"] as? Int ?? 0, 12, "the first sync sent every track")
        XCTAssertEqual(try summary("resync")["sent"] as? Int, 0, "a re-sync of the unchanged library sends nothing")
        XCTAssertEqual(try measure("resync")["changing_operations"] as? Int, 0, "nor changes anything on the device")

        XCTAssertTrue(try report().contains("## Syncing a library: 12 tracks"))
    }

    func testTheOtherScenariosRunAndTheReportShowsThemAll() throws {
        // The scripts check the bytes that come back and the entries listed; they fail on any mismatch.
        let large = rows(try run("large-file.py", ["--size", String(3 << 20), "--links", "none"]))
        XCTAssertEqual(large.count, 1)
        XCTAssertGreaterThan(large.first?["rss_samples"] as? Int ?? 0, 0, "memory was sampled during the transfers")
        let listing = rows(try run("listing.py", ["--objects", "40", "--links", "none", "--personalities", "classic"]))
        let warm = try XCTUnwrap(listing.first?["warm"] as? [String: Any])
        let cold = try XCTUnwrap(listing.first?["cold"] as? [String: Any])
        XCTAssertEqual(warm["transactions"] as? Int, 0, "a warm listing comes from the session's cache")
        XCTAssertGreaterThanOrEqual(cold["transactions"] as? Int ?? 0, 40, "a cold one asks the device about each object")
        let scale = rows(try run("scale.py", ["--size", String(1 << 20), "--devices", "1,2", "--links", "none"]))
        XCTAssertEqual(scale.map { $0["devices"] as? Int }, [1, 2])
        // Each start also checks that the device the STATUS= line reports is listed at once; it fails otherwise.
        let startup = try XCTUnwrap(rows(try run("startup.py", ["--starts", "3", "--links", "none"])).first)
        XCTAssertEqual(startup["starts"] as? Int, 3)
        XCTAssertEqual((startup["attached_ms"] as? [Double])?.count, 3, "each start was timed")
        let sharing = try XCTUnwrap(rows(try run("sharing.py", ["--files", "8", "--links", "none"])).first)
        XCTAssertGreaterThan(sharing["list_tries"] as? Int ?? 0, 0, "lists were answered while the bundle ran")
        XCTAssertEqual(
            sharing["separate_tx_per_file"] as? Double ?? 0, sharing["bundle_tx_per_file"] as? Double ?? -1, accuracy: 0.5,
            "separate puts cost what the bundle costs a file on a device that reports changes")
        // The script checks that every file sent arrived with its bytes and that the folder's objects are still there.
        let full = try XCTUnwrap(
            rows(
                try run(
                    "full-folder.py",
                    ["--files", "5", "--existing", "20", "--links", "none", "--tools", "", "--rounds", "1"])
            ).first)
        let put = try XCTUnwrap(full["mtpctl"] as? [String: Any])
        XCTAssertEqual((put["arrived"] as? [String: Any])?["existing_kept"] as? Int, 20)
        XCTAssertEqual((put["operations"] as? [String: Any])?["SendObject"] as? Int, 5, "one put sent each file once")

        let text = try report()
        for section in [
            "## One large file", "## Listing a folder of 40 objects", "## Scale", "## Sharing one device",
            "## Start to device attached", "## Into a full folder: 5 files of 4 KiB into a folder of 20 objects",
        ] {
            XCTAssertTrue(text.contains(section), "\(section) missing from:\n\(text)")
        }
    }
}
