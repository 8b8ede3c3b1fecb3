import Foundation
import IntegrationSupport
import XCTest

/// Transfers belong to the uid that started them, through the real daemon, libmtp and the virtual player: another
/// user's Cancel is refused exactly as for an id that is not running, and the daemon logs who tried.
final class TransferOwnershipTests: XCTestCase {
    func testAnotherUserCannotCancelATransferAndTheAttemptIsLogged() throws {
        guard getuid() == 0 else { throw XCTSkip("switching to an unprivileged uid needs root") }
        // A socket anyone may connect to: what is private is the transfer, not the socket.
        let d = try DaemonFixture(simOptions: ["--bandwidth-mbs", "4"], daemonOptions: ["--socket-mode", "666"])
        let big = try d.sim.makeFile("big.bin", size: 40 << 20)  // 10 s at 4 MB/s.
        let put = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "--json", "put", big.path, ":/"])
        let first = try put.waitForLine { $0.contains("\"transfer\"") }
        let transfer = String(first.components(separatedBy: "\"transfer\":\"").dropFirst().first?.prefix { $0 != "\"" } ?? "")
        XCTAssertTrue(
            transfer.count == 17 && transfer.hasPrefix("t") && UInt64(transfer.dropFirst(), radix: 16) != nil,
            "t and 16 hex digits: \(transfer)")

        // Nobody's cancel of root's transfer reads exactly as a cancel of an id that is not running.
        let unknown = "t0123456789abcdef"
        let refused = try asNobody(d, ["cancel", transfer])
        let notRunning = try asNobody(d, ["cancel", unknown])
        XCTAssertEqual(refused.status, 1, refused.combined)
        XCTAssertEqual(notRunning.status, refused.status)
        XCTAssertTrue(refused.stderr.contains("no running transfer \(transfer)"), refused.stderr)
        XCTAssertEqual(refused.stderr.replacingOccurrences(of: transfer, with: unknown), notRunning.stderr)
        let refusedJSON = try asNobody(d, ["--json", "cancel", transfer])
        let notRunningJSON = try asNobody(d, ["--json", "cancel", unknown])
        XCTAssertTrue(refusedJSON.stdout.contains("org.mtpsessiond.Manager.NoSuchTransfer"), refusedJSON.stdout)
        XCTAssertEqual(refusedJSON.stdout.replacingOccurrences(of: transfer, with: unknown), notRunningJSON.stdout)

        // The daemon names the uid and pid that tried (the first of nobody's two tries of the real id).
        let logged = try d.waitForLog("cancel refused")
        XCTAssertEqual(DaemonFixture.metadata("uid", in: logged), "65534", logged)
        XCTAssertEqual(DaemonFixture.metadata("pid", in: logged), "\(refused.pid)", logged)
        XCTAssertEqual(DaemonFixture.metadata("transfer", in: logged), transfer, logged)

        // The transfer runs on: a progress step after the refusals, then its owner cancels it, which is logged too.
        let before = put.stdoutLines.count
        var index = 0
        try put.waitForLine { line in
            index += 1
            return index > before && line.contains("\"progress\"")
        }
        let owners = try RunningProcess(Binaries.mtpctl, ["--socket", d.socket, "cancel", transfer])
        XCTAssertEqual(owners.waitForExit(timeout: 60), 0, owners.stderrText)
        let cancelled = try d.waitForLog("transfer cancel requested")
        XCTAssertEqual(DaemonFixture.metadata("uid", in: cancelled), "0", cancelled)
        XCTAssertEqual(DaemonFixture.metadata("pid", in: cancelled), "\(owners.pid)", cancelled)
        XCTAssertEqual(put.waitForExit(timeout: 60), 1)
        XCTAssertEqual(put.jsonError.name, "org.mtpsessiond.Manager.TransferCancelled", put.stdoutLines.last ?? "")
    }

    /// Runs mtpctl as uid 65534 against the daemon; with its pid, which setpriv keeps when it becomes mtpctl.
    private func asNobody(_ d: DaemonFixture, _ arguments: [String]) throws -> (
        status: Int32, stdout: String, stderr: String, combined: String, pid: Int32
    ) {
        let p = try RunningProcess(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.mtpctl, "--socket", d.socket] + arguments)
        let status = p.waitForExit(timeout: 60)
        let stdout = p.stdoutLines.joined(separator: "\n")
        return (status, stdout, p.stderrText, stdout + "\n" + p.stderrText, p.pid)
    }
}
