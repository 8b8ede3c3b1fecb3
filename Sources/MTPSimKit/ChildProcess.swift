#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// The command mtpsim runs under the testbed: spawned with this process's environment (which carries the
/// preload and UMOCKDEV_DIR), its exit status becomes mtpsim's.
public struct ChildProcess {
    /// The child's process id.
    public let pid: pid_t

    /// Spawns `arguments[0]`, searched in PATH, with `arguments`.
    public static func spawn(_ arguments: [String]) throws(SimulatorError) -> ChildProcess {
        precondition(!arguments.isEmpty, "spawn needs a command")
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let rc = posix_spawnp(&pid, arguments[0], nil, nil, argv, environ)
        guard rc == 0 else {
            throw .cannotRun(command: arguments[0], reason: String(cString: strerror(rc)))
        }
        forwardedChild = pid
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, forwardSignal) }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child and returns the shell-style exit status (128 + signal when killed).
    public func wait() -> Int32 {
        let status = (try? FileIO.waitForChild(pid)) ?? 0
        let low = status & 0x7F
        if low == 0 { return (status >> 8) & 0xFF }
        return 128 + low
    }
}

/// The child that a SIGINT/SIGTERM to mtpsim is passed on to, so Ctrl-C ends the command, then mtpsim.
nonisolated(unsafe) private var forwardedChild: pid_t = 0

private func forwardSignal(_ sig: Int32) {
    if forwardedChild > 0 { kill(forwardedChild, sig) }
}
