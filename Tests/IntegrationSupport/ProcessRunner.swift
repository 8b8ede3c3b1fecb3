import Foundation
import Glibc
import SystemCalls
import XCTest

/// Where the package's built executables are: MTPSIM_BIN_DIR (set by the Makefile) or this checkout's .build/debug.
public enum Binaries {
    /// The directory the executables are in, resolved once.
    public static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["MTPSIM_BIN_DIR"] { return dir }
        // This file is Tests/IntegrationSupport/ProcessRunner.swift: three levels up is the package's root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug").path
    }()

    /// The virtual player, which runs a command with a simulated MTP device plugged in.
    public static var mtpsim: String { directory + "/mtpsim" }
    /// The test probe that reports what libusb and libmtp see of the virtual player, a line at a time.
    public static var probe: String { directory + "/mtpsim-probe" }
    /// The daemon under test.
    public static var daemon: String { directory + "/mtpsessiond" }
    /// The command-line client of the daemon.
    public static var mtpctl: String { directory + "/mtpctl" }
}

/// A child process whose output a test reads line by line, waiting on each line with a deadline.
///
/// Each pipe is drained by a thread of its own with blocking reads until end of file, so that once
/// `waitForExit` returns every byte the child wrote is in `stdoutLines` and `stderrText` (Foundation's
/// readability handlers give no such guarantee: a handler still running could deliver after the wait).
public final class RunningProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSCondition()
    private var lines: [String] = []
    private var partial = Data()
    private var errorText = Data()
    private var errorLines: [String] = []
    private var errorPartial = Data()
    private var exited = false
    private var openPipes = 2

    /// Starts `executable` with `arguments`; stdout is read as lines, stderr is collected.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] _ in
            guard let self else { return }
            self.lock.lock(); self.exited = true; self.lock.broadcast(); self.lock.unlock()
        }
        try process.run()
        // The parent's copies of the write ends must go, or the readers would never see end of file.
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        drain(outPipe.fileHandleForReading, isStderr: false)
        drain(errPipe.fileHandleForReading, isStderr: true)
    }

    private func drain(_ handle: FileHandle, isStderr: Bool) {
        let thread = Thread { [self] in
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { (try? FileIO.read(fd, into: $0)) ?? 0 }
                if n == 0 { break }
                took(Data(buffer[0..<n]), isStderr: isStderr)
            }
            try? handle.close()
            lock.lock()
            // A last line without its newline still counts as a line.
            if isStderr {
                if !errorPartial.isEmpty {
                    errorLines.append(String(decoding: errorPartial, as: UTF8.self)); errorPartial = Data()
                }
            } else if !partial.isEmpty {
                lines.append(String(decoding: partial, as: UTF8.self)); partial = Data()
            }
            openPipes -= 1
            lock.broadcast()
            lock.unlock()
        }
        thread.start()
    }

    private func took(_ data: Data, isStderr: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isStderr {
            errorText.append(data)
            errorPartial.append(data)
            while let nl = errorPartial.firstIndex(of: 0x0A) {
                errorLines.append(String(decoding: errorPartial[errorPartial.startIndex..<nl], as: UTF8.self))
                errorPartial.removeSubrange(errorPartial.startIndex...nl)
            }
        } else {
            partial.append(data)
            while let nl = partial.firstIndex(of: 0x0A) {
                lines.append(String(decoding: partial[partial.startIndex..<nl], as: UTF8.self))
                partial.removeSubrange(partial.startIndex...nl)
            }
        }
        lock.broadcast()
    }

    /// Waits until a stdout line satisfies `predicate`; fails the test and throws on timeout or exit.
    @discardableResult
    public func waitForLine(
        onStderr: Bool = false, timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line,
        where predicate: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        var seen = 0
        while true {
            let source = onStderr ? errorLines : lines
            while seen < source.count {
                if predicate(source[seen]) { return source[seen] }
                seen += 1
            }
            if exited && openPipes == 0 { break }
            if !lock.wait(until: deadline) { break }
        }
        let message =
            "no matching line; stdout: \(lines.joined(separator: "\\n")) stderr: \(String(decoding: errorText, as: UTF8.self))"
        XCTFail(message, file: file, line: line)
        throw ProcessError.noMatchingLine(message)
    }

    /// Waits for the process to exit (killing it after `timeout`) and for all it wrote; returns its status.
    public func waitForExit(timeout: TimeInterval = 60) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        while !exited {
            if !lock.wait(until: deadline) {
                lock.unlock()
                process.terminate()
                process.waitUntilExit()
                return -1
            }
        }
        // A grandchild that kept the pipes open (a daemon left running) must not hang the test: its output
        // is not the child's, so stop waiting for it a little after the child's own exit.
        let drained = Date().addingTimeInterval(10)
        while openPipes > 0 && lock.wait(until: drained) {}
        lock.unlock()
        process.waitUntilExit()
        return process.terminationStatus
    }
    /// Every stdout line so far.
    public var stdoutLines: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    /// stderr so far.
    public var stderrText: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errorText, as: UTF8.self) }

    /// The child's pid.
    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM, as systemd does to stop a service.
    public func terminate() { process.terminate() }

    /// Sends SIGKILL.
    public func kill() { process.interrupt(); Foundation.kill(process.processIdentifier, SIGKILL) }
}

/// A wait on a child process's output that ended without the line it wanted.
public enum ProcessError: Error { case noMatchingLine(String) }

/// The result of a command run to completion.
public struct CommandResult {
    /// The exit status, or -1 when the command outlived its timeout and was stopped.
    public var status: Int32
    /// Everything written to stdout, its lines joined by newlines.
    public var stdout: String
    /// Everything written to stderr.
    public var stderr: String
    /// stdout then stderr, for a failure message that shows both.
    public var combined: String { stdout + "\n" + stderr }
}

/// Runs a command to completion (killed after `timeout`).
public func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    timeout: TimeInterval = 120
) throws -> CommandResult {
    let p = try RunningProcess(executable, arguments, environment: environment)
    let status = p.waitForExit(timeout: timeout)
    return CommandResult(status: status, stdout: p.stdoutLines.joined(separator: "\n"), stderr: p.stderrText)
}
