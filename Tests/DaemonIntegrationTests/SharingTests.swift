import Foundation
import IntegrationSupport
import XCTest

/// One device, many programs, through the real daemon, libmtp and the virtual player: sessions are contexts,
/// not locks; the device's queue gives every session and operation its turn; a reservation is a promise no
/// other session can also be given.
final class SharingTests: XCTestCase {
    /// Local files anyone may read (another uid sends some), in a folder removed after the test.
    private func files(_ count: Int, prefix: String, size: Int = 4096) throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mtpshare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return try (0..<count).map { i in
            let url = folder.appendingPathComponent(String(format: "\(prefix)%03d.bin", i))
            try Data(repeating: UInt8(i & 0xFF), count: size).write(to: url)
            return url.path
        }
    }

    private func entries(_ d: DaemonFixture, _ path: String) throws -> [[String: Any]] {
        let r = try d.ctlOK(["--json", "ls", path])
        // The listing is the last line; a line before it may say why the call waited for the device.
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [[String: Any]], r.stdout)
    }

    private func queued(_ d: DaemonFixture) throws -> Int {
        let r = try d.ctlOK(["--json", "devices"])
        let devices = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return try XCTUnwrap(devices.first?["queued"] as? Int, r.stdout)
    }

    func testAListDuringABundleIsAnsweredAfterTheFileInFlightNotAfterTheBundle() throws {
        // 2 ms a transaction, like a phone on USB 2.0: the 200-file bundle lasts seconds.
        let d = try DaemonFixture(simOptions: ["--latency-ms", "2"])
        let local = try files(200, prefix: "track")
        try d.ctlOK(["mkdir", ":/bundle"])
        let bundle = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put"] + local + [":/bundle"])
        try bundle.waitForLine { $0.hasPrefix("{\"entry\"") }  // The first file is on the device.
        // What the list saw is the order of events on the device: had it waited for the bundle, it would see all.
        let seen = try entries(d, ":/bundle").count
        XCTAssertEqual(bundle.waitForExit(timeout: 300), 0, bundle.stderrText)
        XCTAssertGreaterThanOrEqual(seen, 1)
        XCTAssertLessThan(seen, 200, "the list was answered only after the whole bundle")
        XCTAssertEqual(try entries(d, ":/bundle").count, 200)
    }

    func testThreeConcurrentPutsToOneDeviceAllSucceed() throws {
        let d = try DaemonFixture()
        let local = try files(3, prefix: "put", size: 256 * 1024)
        let puts = try local.map { try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "put", $0, ":/"]) }
        for p in puts { XCTAssertEqual(p.waitForExit(timeout: 120), 0, p.stderrText) }
        let names = Set(try entries(d, ":/").compactMap { $0["name"] as? String })
        for path in local { XCTAssertTrue(names.contains(URL(fileURLWithPath: path).lastPathComponent), "\(names)") }
    }

    func testTwoUsersSessionsOnOneDeviceBothCompleteInterleaved() throws {
        guard getuid() == 0 else { throw XCTSkip("switching to an unprivileged uid needs root") }
        let d = try DaemonFixture(simOptions: ["--latency-ms", "2"], daemonOptions: ["--socket-mode", "666"])
        try d.ctlOK(["mkdir", ":/root"])
        try d.ctlOK(["mkdir", ":/nobody"])
        let mine = try files(30, prefix: "root"), theirs = try files(30, prefix: "nobody")
        let root = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "put"] + mine + [":/root"])
        let nobody = try RunningProcess(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.mtpctl, "--socket", d.socket, "put"] + theirs
                + [":/nobody"])
        XCTAssertEqual(root.waitForExit(timeout: 120), 0, root.stderrText)
        XCTAssertEqual(nobody.waitForExit(timeout: 120), 0, nobody.stderrText)
        // The player numbers objects as they arrive: whose file came when is in the handles.
        let arrivals =
            (try entries(d, ":/root").map { ($0["id"] as! Int, "root") }
            + entries(d, ":/nobody").map { ($0["id"] as! Int, "nobody") }).sorted { $0.0 < $1.0 }.map(\.1)
        XCTAssertEqual(arrivals.count, 60)
        let turns = zip(arrivals, arrivals.dropFirst()).filter { $0 != $1 }.count
        XCTAssertGreaterThanOrEqual(turns, 2, "one bundle ran after the other instead of taking turns: \(arrivals)")
    }

    func testAKilledClientsQueuedOperationLeavesTheQueueAtOnce() throws {
        let d = try DaemonFixture()
        let held = try d.ctlOK(["session", "begin", "--exclusive"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let waiting = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "ls", ":/"])
        try d.waitForLog("waiting for the device")
        XCTAssertEqual(try queued(d), 1)
        waiting.kill()
        _ = waiting.waitForExit(timeout: 60)
        try d.waitForLog("left the queue")
        XCTAssertEqual(try queued(d), 0, "the dead client's operation is gone while the session still holds the device")
        try d.ctlOK(["session", "end", held])
    }

    func testTwoReservationsThatTogetherExceedFreeSpaceTheSecondIsRefusedAtBeginSession() throws {
        let d = try DaemonFixture(simOptions: ["--capacity", "1000000"])
        let first = try d.ctlOK(["session", "begin", "--expected-bytes", "600000"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let second = try d.ctl(["session", "begin", "--expected-bytes", "600000"])
        XCTAssertEqual(second.status, 1, second.combined)
        XCTAssertTrue(second.stderr.contains("not enough space"), second.stderr)
        // What is left unreserved can still be had, and the first's space comes back when it ends.
        let small = try d.ctlOK(["session", "begin", "--expected-bytes", "300000"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        try d.ctlOK(["session", "end", first])
        let again = try d.ctlOK(["session", "begin", "--expected-bytes", "600000"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        try d.ctlOK(["session", "end", small])
        try d.ctlOK(["session", "end", again])
    }

    func testOnADeviceThatReportsChangesTheNextCommandListsNothingAgainYetSeesAChangeMadeThere() throws {
        let d = try DaemonFixture(linger: 30)
        try d.ctlOK(["ls", ":/"])
        let before = try d.transactions()
        try d.ctlOK(["ls", ":/"])
        let after = try d.transactions()
        XCTAssertEqual(after.total, before.total, "the device says it reports changes: its folder is not listed again")
        // A change made on the device itself comes as an event, which empties the daemon's listings.
        try Data("x".utf8).write(to: d.sim.storage.appendingPathComponent("behind.txt"))
        _ = try d.sim.control("refresh")
        try d.waitForLog("device changed underneath")
        XCTAssertTrue(try entries(d, ":/").contains { $0["name"] as? String == "behind.txt" })
    }

    func testOnADeviceThatSendsNoEventsTheNextCommandListsAgainAndSeesAChangeMadeThere() throws {
        let d = try DaemonFixture(linger: 30, simOptions: ["--no-events"])
        let first = try entries(d, ":/").count
        try Data("x".utf8).write(to: d.sim.storage.appendingPathComponent("behind.txt"))
        _ = try d.sim.control("refresh")  // The player now holds the file, and tells nobody.
        let before = try d.transactions()
        let seen = try entries(d, ":/")
        let after = try d.transactions()
        XCTAssertEqual(seen.count, first + 1, "a listing from an earlier command was trusted: \(seen)")
        XCTAssertEqual(
            after.byName["GetObjectHandles", default: 0] - before.byName["GetObjectHandles", default: 0], 1,
            "one GetObjectHandles checks the folder")
    }
}
