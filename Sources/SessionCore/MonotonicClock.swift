#if canImport(Glibc)
import Glibc
#endif
import SessionModel

/// The daemon's clock for leases and lingering: monotonic seconds, unaffected by wall-clock changes.
enum MonotonicClock {
    /// Now, in seconds since boot.
    static func now() -> Moment {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
