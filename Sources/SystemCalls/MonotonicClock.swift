#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC: time since boot that wall-clock changes never move, for deadlines, leases and rates. The one
/// reading of it in the daemon and the emulator.
public enum MonotonicClock {
    /// Now, in nanoseconds.
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Now, in seconds.
    public static func seconds() -> Double { Double(nanoseconds()) / 1e9 }

    /// The time `duration` from now, as the pthread and timer calls that take a CLOCK_MONOTONIC timespec want it.
    public static func deadline(after duration: Duration) -> timespec {
        let (seconds, attoseconds) = max(duration, .zero).components
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = now.tv_nsec + Int(attoseconds / 1_000_000_000)
        return timespec(tv_sec: now.tv_sec + Int(seconds) + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
