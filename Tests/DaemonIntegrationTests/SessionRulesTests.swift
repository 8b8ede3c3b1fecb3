import Foundation
import IntegrationSupport
import XCTest

/// The session rules, through the real daemon: type match, sharing and exclusive sessions, leases, ownership by
/// uid, clients that die, and implicit sessions.
final class SessionRulesTests: XCTestCase {
    private func begin(_ d: DaemonFixture, _ extra: [String] = []) throws -> String {
        let r = try d.ctlOK(["session", "begin"] + extra)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testEndWithOtherTypesIsRefusedAndTheSessionStaysOpen() throws {
        let d = try DaemonFixture()
        let id = try begin(d, ["--types", "transferToDevice,delete"])
        let r = try d.ctl(["session", "end", "--types", "transferToDevice", id])
        XCTAssertEqual(r.status, 1, r.combined)
        XCTAssertTrue(r.stderr.contains("transferToDevice,delete"), "the message names the types to repeat: \(r.stderr)")
        try d.ctlOK(["ls", "--session", id, ":/"])  // Still open and usable.
        try d.ctlOK(["session", "end", "--types", "0x101", id])  // The numeric mask is the same set.
        XCTAssertEqual(try d.ctl(["ls", "--session", id, ":/"]).status, 1)
    }

    func testSessionsShareADeviceAndAnExclusiveOneHoldsItUntilItEnds() throws {
        let d = try DaemonFixture()
        // Sessions are contexts, not locks: a second one, and an operation outside both, go ahead.
        let first = try begin(d)
        let second = try begin(d)
        XCTAssertNotEqual(first, second)
        try d.ctlOK(["ls", ":/"])
        try d.ctlOK(["ls", "--session", first, ":/"])
        try d.ctlOK(["session", "end", first])
        try d.ctlOK(["session", "end", second])

        // An exclusive session holds the device: another command waits, and gives up when its time runs out.
        let held = try begin(d, ["--exclusive"])
        let busy = try d.ctl(["ls", "--timeout", "1", ":/"])
        XCTAssertEqual(busy.status, 75, busy.combined)
        XCTAssertTrue(busy.stderr.contains(held) && busy.stderr.contains("--timeout"), "names the holder: \(busy.stderr)")
        try d.ctlOK(["ls", "--session", held, ":/"])  // The holder itself goes ahead.

        // A command waiting behind it runs as soon as it ends.
        // Both say why they wait while they wait: words on stderr, an object on stdout with --json.
        let waiter = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "mkdir", ":/after"])
        let said = try waiter.waitForLine(onStderr: true) { $0.contains("waiting for") }
        XCTAssertTrue(said.contains("held by your exclusive session \(held)"), said)
        let lister = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "ls", ":/"])
        let notice = try lister.waitForLine { $0.contains("\"waiting\"") }
        XCTAssertTrue(notice.contains("\"heldBy\":\"\(held)\"") && notice.contains("\"ahead\""), notice)
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("after").path))
        try d.ctlOK(["session", "end", held])
        XCTAssertEqual(waiter.waitForExit(timeout: 60), 0, waiter.stderrText)
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("after").path))
        XCTAssertEqual(lister.waitForExit(timeout: 60), 0, lister.stderrText)
        XCTAssertTrue(lister.stdoutLines.last?.hasPrefix("[") == true, "then the listing: \(lister.stdoutLines)")
    }

    func testAnUnusedSessionExpiresAfterItsLease() throws {
        let d = try DaemonFixture()
        let id = try begin(d, ["--lease", "1"])
        let log = try d.waitForLog("session expired", timeout: 60)
        XCTAssertTrue(log.contains(id), log)
        let r = try d.ctl(["ls", "--session", id, ":/"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no session"), r.stderr)
        try d.ctlOK(["session", "begin"])  // The device is free again.
    }

    func testAnotherUserCanNeitherUseNorEndASession() throws {
        guard getuid() == 0 else { throw XCTSkip("switching to an unprivileged uid needs root") }
        // A socket anyone may connect to: what is private is the session, not the socket.
        let d = try DaemonFixture(daemonOptions: ["--socket-mode", "666"])
        let id = try begin(d, ["--exclusive"])
        let asNobody = [
            "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Binaries.mtpctl, "--socket", d.socket,
        ]
        let use = try runCommand(asNobody[0], Array(asNobody.dropFirst()) + ["ls", "--session", id, ":/"])
        XCTAssertEqual(use.status, 1, use.combined)
        XCTAssertTrue(use.stderr.contains("no session \(id)"), "answered as an id not open: \(use.stderr)")
        XCTAssertTrue(try d.waitForLog("refused another user's session").contains("uid=65534"))
        let end = try runCommand(asNobody[0], Array(asNobody.dropFirst()) + ["session", "end", id])
        XCTAssertEqual(end.status, 1, end.combined)
        let busy = try runCommand(asNobody[0], Array(asNobody.dropFirst()) + ["ls", "--timeout", "1", ":/"])
        XCTAssertEqual(busy.status, 75, "root's exclusive session holds nobody's operation back: \(busy.combined)")
        XCTAssertTrue(
            busy.stderr.contains("another user's exclusive session") && !busy.combined.contains(id),
            "another user is not told the session's id: \(busy.combined)")
        let seen = try runCommand(asNobody[0], Array(asNobody.dropFirst()) + ["--json", "devices"])
        XCTAssertTrue(seen.stdout.contains("\"sessions\":[\"*\"]") && !seen.stdout.contains(id), seen.stdout)
        XCTAssertTrue(try d.ctlOK(["--json", "devices"]).stdout.contains(id), "its owner sees the id")
        try d.ctlOK(["ls", "--session", id, ":/"])  // The owner still can.
        try d.ctlOK(["session", "end", id])
        // With the device free, the unprivileged user may use it like anyone.
        let free = try runCommand(asNobody[0], Array(asNobody.dropFirst()) + ["ls", ":/"])
        XCTAssertEqual(free.status, 0, free.combined)
    }

    func testByDefaultOnlyTheSocketsOwnerAndGroupMayConnect() throws {
        let d = try DaemonFixture()
        let mode = (try FileManager.default.attributesOfItem(atPath: d.socket)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o660, "the socket's mode")
        guard getuid() == 0 else { throw XCTSkip("switching to an unprivileged uid needs root") }
        let outsider = try runCommand(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", Binaries.mtpctl,
                "--socket", d.socket, "devices",
            ])
        XCTAssertNotEqual(outsider.status, 0, outsider.combined)
        XCTAssertTrue(
            outsider.stderr.contains("not allowed to connect") && outsider.stderr.contains("usermod -aG mtpsessiond"),
            "the refusal says how to get access: \(outsider.stderr)")
    }

    func testAClientKilledMidTransferLeavesNothingOnTheDeviceAndTheSessionLivesOn() throws {
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "4"])
        let id = try begin(d)
        let big = try d.sim.makeFile("big.bin", size: 40 << 20)
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", "--session", id, big.path, ":/"])
        try put.waitForLine { $0.contains("\"progress\"") }
        put.kill()
        _ = put.waitForExit(timeout: 60)
        try d.waitForLog("transfer cancelled")
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.sim.storage.appendingPathComponent("big.bin").path))
        XCTAssertFalse(try d.ctlOK(["ls", "--session", id, ":/"]).stdout.contains("big.bin"))
        try d.ctlOK(["session", "end", id])
    }

    func testImplicitSessionsWorkAndCostMoreThanOneSession() throws {
        let d = try DaemonFixture(linger: 0)
        let files = try (0..<5).map { try d.sim.makeFile("i\($0).bin", size: 1000) }
        let before = try d.transactions().total
        for f in files { try d.ctlOK(["put", f.path, ":/"]) }
        let implicit = try d.transactions().total - before
        let more = try (0..<5).map { try d.sim.makeFile("j\($0).bin", size: 1000) }
        let mid = try d.transactions().total
        try d.ctlOK(["put"] + more.map(\.path) + [":/"])
        let bundled = try d.transactions().total - mid
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d.sim.storage.path).count, 10)
        XCTAssertLessThan(
            bundled * 2, implicit, "5 files in one session (\(bundled) transactions) vs 5 implicit sessions (\(implicit))")
    }
}
