import Foundation
import IntegrationSupport
import XCTest

/// What a session buys, counted by the virtual player: a 200-file bundled put costs, per file, no more PTP
/// transactions than libmtp's own minimum for sending one file.
final class BundleCostTests: XCTestCase {
    func testTwoHundredFileBundleOnAndroid() throws { try bundle(personality: "android") }
    func testTwoHundredFileBundleOnClassic() throws { try bundle(personality: "classic") }

    private func bundle(personality: String) throws {
        // libmtp's minimum for one send: open the device uncached, send one file, release it.
        let single = try VirtualPlayerFixture(personality: personality)
        let one = try single.makeFile("one.bin", size: 1000)
        let probe = try single.run([Binaries.probe, "send", one.path])
        XCTAssertEqual(probe.status, 0, probe.combined)
        let minimum = try XCTUnwrap((single.stats()["devices"] as? [[String: Any]])?.first?["counters"] as? [String: Any])["transactions"] as! Int

        let d = try DaemonFixture(personality: personality)
        let folder = d.sim.root.appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = try (0..<200).map { i -> String in
            let url = folder.appendingPathComponent(String(format: "track%03d.mp3", i))
            try Data(repeating: UInt8(i & 0xFF), count: 2000 + i).write(to: url)
            return url.path
        }
        let before = try d.transactions()
        let r = try d.ctlOK(["put"] + files + [":/"])
        XCTAssertTrue(r.stdout.contains("200 files"), r.stdout)
        let after = try d.transactions()
        let spent = after.total - before.total
        let perFile = Double(spent) / 200
        print("bundle-cost \(personality): \(spent) transactions for 200 files = \(perFile) per file; libmtp's minimum for one send: \(minimum)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path).count, 200)
        XCTAssertLessThanOrEqual(perFile, Double(minimum))
        // The session opened nothing anew and listed nothing per file.
        XCTAssertEqual(after.byName["OpenSession", default: 0] - before.byName["OpenSession", default: 0], 0)
        XCTAssertLessThanOrEqual(after.byName["GetObjectHandles", default: 0] - before.byName["GetObjectHandles", default: 0], 2)
    }
}
