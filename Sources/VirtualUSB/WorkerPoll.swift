internal import CUMockdev
import Synchronization
import SystemCalls
#if canImport(Glibc)
import Glibc
#endif

/// How umockdev's ioctl worker thread waits for the next request: for a short while after an ioctl that did
/// work it keeps polling instead of sleeping.
///
/// A client in the middle of a transfer sends its next ioctl within tens of microseconds, and on a virtual
/// machine whose idle vCPUs halt, waking the sleeping worker costs about as much again (a socket round trip
/// between two vCPUs: 41 µs when both sleep, 10 µs when the answering side polls). Idle clients never open
/// the window: their reaps are answered late (see `EmulatedUSBDevice`) and do not extend it.
///
/// Only a machine with CPUs to spare gets polled on. When other work wants the CPUs, polling loses twice: a
/// runnable poller waits behind that work where a sleeping one would be woken ahead of it, and no vCPU halts
/// anyway. So the worker polls only while no more tasks are runnable than there are CPUs, and stops for a
/// while when it finds itself preempted.
enum WorkerPoll {
    /// How long after an ioctl that did work the worker polls without sleeping.
    static let windowNanos: UInt64 = 100_000
    /// A gap this long between two polls means the worker lost its CPU.
    static let preemptedNanos: UInt64 = 50_000
    /// How long the worker only sleeps after it lost its CPU while polling.
    static let backOffNanos: UInt64 = 50_000_000
    /// How long one look at the machine's load stands.
    static let loadCheckNanos: UInt64 = 1_000_000

    /// Installs the polling wait on the calling thread's main context: call on umockdev's worker thread.
    static func install() {
        guard let context = g_main_context_get_thread_default() else { return }
        g_main_context_set_poll_func(context, workerPoll)  // Idempotent: every connection sets the same one.
    }

    /// An ioctl did work: keep the worker polling for another window. On the worker thread.
    static func extend() {
        pollUntil.store(MonotonicClock.nanoseconds() + windowNanos, ordering: .relaxed)
    }
}

// All are touched only on the worker thread; atomics only because they are globals.
/// Until when (monotonic ns) the worker polls without sleeping.
private let pollUntil = Atomic<UInt64>(0)
/// Until when the worker does not poll at all, after it was preempted.
private let backOffUntil = Atomic<UInt64>(0)

/// Until when the last look at the load stands, and what it saw.
private let loadCheckedUntil = Atomic<UInt64>(0)
private let sparedCPUs = Atomic<Bool>(false)
private let processors = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
/// /proc/loadavg, open for the life of the process.
private let loadFile = open("/proc/loadavg", O_RDONLY | O_CLOEXEC)

/// Whether no task waits for a CPU: the fourth field of /proc/loadavg counts the runnable ones right now
/// (this worker among them). Looked at once per `loadCheckNanos`: a read costs about a microsecond.
private func cpusToSpare(now: UInt64) -> Bool {
    if now < loadCheckedUntil.load(ordering: .relaxed) { return sparedCPUs.load(ordering: .relaxed) }
    var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    let spare = withUnsafeMutableBytes(of: &text) { raw -> Bool in
        let length = pread(loadFile, raw.baseAddress, raw.count, 0)
        guard length > 0 else { return false }
        // "0.52 0.91 1.31 2/83 2496": the number after the third space.
        var spaces = 0, runnable = 0
        for byte in raw.prefix(length) {
            if byte == UInt8(ascii: " ") {
                spaces += 1; if spaces > 3 { break }
            } else if spaces == 3 {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
                runnable = runnable * 10 + Int(byte - UInt8(ascii: "0"))
            }
        }
        return runnable > 0 && runnable <= processors
    }
    sparedCPUs.store(spare, ordering: .relaxed)
    loadCheckedUntil.store(now + WorkerPoll.loadCheckNanos, ordering: .relaxed)
    return spare
}

/// The worker context's poll function: non-blocking polls until something is ready or the window closes, then
/// the ordinary blocking poll with what is left of GLib's timeout.
private func workerPoll(_ fds: UnsafeMutablePointer<GPollFD>?, _ count: guint, _ timeout: gint) -> gint {
    guard timeout != 0 else { return g_poll(fds, count, 0) }
    let start = MonotonicClock.nanoseconds()
    let until = pollUntil.load(ordering: .relaxed)
    var now = start
    if now < until, now >= backOffUntil.load(ordering: .relaxed), cpusToSpare(now: now) {
        while now < until {
            let ready = g_poll(fds, count, 0)
            if ready != 0 { return ready }
            let previous = now
            now = MonotonicClock.nanoseconds()
            if now - previous > WorkerPoll.preemptedNanos {
                backOffUntil.store(now + WorkerPoll.backOffNanos, ordering: .relaxed)
                break
            }
        }
    }
    guard timeout > 0 else { return g_poll(fds, count, timeout) }
    return g_poll(fds, count, max(0, timeout - gint((now - start) / 1_000_000)))
}
