import Foundation
import IntegrationSupport
import XCTest

/// `make bench`'s many-small-files scenario at a tiny size, so the benchmark keeps working between runs of
/// the real thing; its one assertion is a count, never a time.
final class BenchmarkSmokeTests: XCTestCase {
    func testManySmallFilesRunsAllFourWays() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("benchmarks/many-small-files.py").path
        let r = try runCommand("/usr/bin/env", ["python3", script, Binaries.directory, "--files", "5", "--objects", "0",
                                                "--links", "none", "--personalities", "android", "--sample", "1", "--out", out.path],
                               timeout: 120)
        XCTAssertEqual(r.status, 0, r.combined)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [String: Any]
        let row = try XCTUnwrap((json["rows"] as? [[String: Any]])?.first)
        func tx(_ way: String) -> Double { (row[way] as! [String: Any])["transactions_per_file"] as! Double }
        XCTAssertLessThan(tx("c"), tx("a"), "a session costs fewer transactions per file than libmtp's tool")
        XCTAssertEqual(tx("c"), tx("d"), accuracy: 1.0, "mtpctl's bundle and a raw varlink session cost about the same")
        XCTAssertLessThan(tx("c"), tx("b"), "one session beats implicit ones")
    }
}
