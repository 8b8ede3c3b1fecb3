internal import CUMockdev
#if canImport(Glibc)
import Glibc
#endif

/// Running under umockdev's preload library, which redirects /sys, /dev and ioctls to a testbed.
public enum PreloadEnvironment {
    /// The preload library's soname.
    public static let library = "libumockdev-preload.so.0"

    /// Whether this process was started with the preload. Decided from LD_PRELOAD, not from
    /// `umockdev_in_mock_environment()`, which stays false until a testbed exists and would re-exec forever.
    public static var isActive: Bool {
        guard let value = getenv("LD_PRELOAD") else { return false }
        return String(cString: value).contains("libumockdev-preload")
    }

    /// Re-executes this program with the preload in LD_PRELOAD; returns only if exec failed (with errno).
    public static func reexecUnderPreload() -> Int32 {
        let existing = getenv("LD_PRELOAD").map { String(cString: $0) } ?? ""
        let value = existing.isEmpty ? library : library + ":" + existing
        setenv("LD_PRELOAD", value, 1)
        let args = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", args)
        return errno
    }

    /// Lowers this thread's timer slack to 1 ns, inherited by children: the preload sleeps `usleep(0)` after
    /// each emulated ioctl, which the default 50 µs slack turns into a real sleep that halves throughput.
    public static func minimiseTimerSlack() {
        _ = mtpsim_set_timer_slack(1)
    }
}
