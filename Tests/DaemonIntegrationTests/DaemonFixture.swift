import Foundation
import IntegrationSupport
import XCTest

/// The real mtpsessiond running under a virtual player, with its socket in a temporary directory, and
/// mtpctl to drive it. Counters come from the player itself, so transaction counts are the device's view.
final class DaemonFixture {
    let sim: VirtualPlayerFixture
    let socket: String
    let daemon: RunningProcess
    let serial: String
    /// Every device attached at start, in the order the daemon attached them.
    let serials: [String]
    /// The daemon's --state-directory (its in-flight journal).
    let stateDirectory: String

    /// Runs its arguments and runs them again when killed by a signal; SIGTERM to it ends both.
    private static let restarter = """
        trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT
        while :; do
          "$@" & pid=$!
          wait "$pid"; status=$?
          if [ "$status" -le 128 ] || [ "$status" -eq 143 ]; then exit "$status"; fi
        done
        """

    /// Starts the daemon on a `personality` player and waits until it has attached `devices` devices (0: do
    /// not wait, for devices plugged in later). `daemonOptions` go to mtpsessiond as they are. With
    /// `restartedWhenKilled`, a daemon killed by a signal other than SIGTERM is started again, as systemd's
    /// Restart=on-failure does, under the same player.
    init(
        personality: String = "android", linger: Double = 5, lease: Double = 30, simOptions: [String] = [],
        daemonOptions: [String] = [], devices: Int = 1, restartedWhenKilled: Bool = false,
        populate: (URL) throws -> Void = { _ in }
    ) throws {
        sim = try VirtualPlayerFixture(personality: personality)
        sim.extraOptions = simOptions
        try populate(sim.storage)
        socket = sim.root.appendingPathComponent("mtpsessiond.sock").path
        stateDirectory = sim.root.appendingPathComponent("state").path
        let command =
            [
                Binaries.daemon, "--socket", socket, "--linger", String(linger), "--lease", String(lease),
                "--state-directory", stateDirectory, "--log-level", "debug",
            ] + daemonOptions
        daemon = try sim.start(restartedWhenKilled ? ["/bin/bash", "-c", Self.restarter, "restarter"] + command : command)
        var seen: [String] = []
        if devices == 0 { try daemon.waitForLine(onStderr: true, timeout: 60) { $0.contains("listening") } }
        while seen.count < devices {
            try daemon.waitForLine(onStderr: true, timeout: 60) { line in
                guard line.contains("device attached"), let s = Self.metadata("device", in: line), !seen.contains(s) else {
                    return false
                }
                seen.append(s)
                return true
            }
        }
        serials = seen
        serial = seen.first ?? ""
    }

    deinit {
        daemon.terminate()
        _ = daemon.waitForExit(timeout: 60)
    }

    /// Runs mtpctl against this daemon.
    @discardableResult
    func ctl(_ arguments: [String], timeout: TimeInterval = 120) throws -> CommandResult {
        try runCommand(Binaries.mtpctl, ["--socket", socket] + arguments, timeout: timeout)
    }

    /// Runs mtpctl and fails the test unless it succeeds.
    @discardableResult
    func ctlOK(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let r = try ctl(arguments)
        XCTAssertEqual(r.status, 0, "mtpctl \(arguments.joined(separator: " ")): \(r.combined)", file: file, line: line)
        return r
    }

    /// The player's PTP transaction counters now: total and per operation name.
    func transactions() throws -> (total: Int, byName: [String: Int]) {
        let text = try sim.control("stats")
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let counters = ((json["devices"] as! [[String: Any]])[0]["counters"] as! [String: Any])
        var byName: [String: Int] = [:]
        for case let op as [String: Any] in (counters["operations"] as! [String: Any]).values {
            byName[op["name"] as! String] = op["count"] as? Int
        }
        return (counters["transactions"] as! Int, byName)
    }

    /// Waits for a daemon log line containing `text`.
    @discardableResult
    func waitForLog(_ text: String, timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line) throws
        -> String
    {
        try daemon.waitForLine(onStderr: true, timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// Waits until the daemon has logged `text` `occurrence` times in all (the log is read from its start).
    @discardableResult
    func waitForLog(_ text: String, occurrence: Int, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var seen = 0
        return try daemon.waitForLine(onStderr: true, file: file, line: line) { logged in
            if logged.contains(text) { seen += 1 }
            return seen == occurrence
        }
    }

    /// The daemon's open file descriptors (what each refers to, by number) and threads now, from /proc.
    func resources() throws -> (descriptors: [String: String], threads: Int) {
        let pid = daemonPID
        var descriptors: [String: String] = [:]
        for fd in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") {
            descriptors[fd] = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")) ?? "?"
        }
        return (descriptors, try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count)
    }

    /// The daemon's own pid: the mtpsessiond process under mtpsim (its child, or its grandchild when restarted).
    var daemonPID: Int32 {
        var parents: [Int32: Int32] = [:]
        var names: [Int32: Substring] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")  // state, ppid, ...
            guard fields.count > 1, let ppid = Int32(fields[1]) else { continue }
            parents[pid] = ppid
            names[pid] = stat[stat.index(after: open)..<close]
        }
        for (pid, name) in names where name == "mtpsessiond" {
            var ancestor = parents[pid]
            for _ in 0..<3 {
                if ancestor == daemon.pid { return pid }
                ancestor = ancestor.flatMap { parents[$0] }
            }
        }
        return -1
    }

    /// A swift-log metadata value (`key=value`) from a log line.
    static func metadata(_ key: String, in line: String) -> String? {
        guard let range = line.range(of: "\(key)=") else { return nil }
        return String(line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "]" && $0 != "," })
    }
}

extension RunningProcess {
    /// The error an `mtpctl --json` command reported: its last line on stdout, read as the JSON error object
    /// (name and message; empty when that line is not one).
    var jsonError: (name: String, message: String) {
        guard let last = stdoutLines.last, let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        else {
            return ("", "")
        }
        return (object["error"] as? String ?? "", object["message"] as? String ?? "")
    }
}
