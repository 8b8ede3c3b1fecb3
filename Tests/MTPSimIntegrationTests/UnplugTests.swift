import Foundation
import IntegrationSupport
import XCTest

/// Pulling the cable mid-transfer: the client's libmtp call fails promptly and nothing partial is left.
final class UnplugTests: XCTestCase {
    func testUnplugDuringHundredMebibyteSendEndsTheToolWithAnErrorWithinFiveSeconds() throws {
        let sim = try VirtualPlayerFixture()
        sim.extraOptions = ["--unplug-after-bytes", String(30 << 20)]
        let file = try sim.makeFile("big.bin", size: 100 << 20)
        let tool = try sim.start(["mtp-sendfile", file.path, "/"])
        try tool.waitForLine(onStderr: true, timeout: 120) { $0.contains("unplugged") }
        let unpluggedAt = Date()
        let status = tool.waitForExit(timeout: 30)
        let elapsed = Date().timeIntervalSince(unpluggedAt)
        XCTAssertLessThan(elapsed, 5, "the tool must notice the unplug within 5 s")
        let output = tool.stdoutLines.joined(separator: "\n") + tool.stderrText
        XCTAssertTrue(output.contains("Error sending file"), output)
        XCTAssertFalse(output.contains("New file ID"), output)
        _ = status
        // The device never completed the object: no file, and no temporary left behind in its storage.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sim.storage.path), [])
    }
}
