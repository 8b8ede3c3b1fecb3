#if canImport(Glibc)
import Glibc
#endif

/// Starts work on a thread of its own, for code that blocks (libmtp, libusb, socket reads) and must never
/// occupy Swift's cooperative pool. Plain pthreads, so the daemon does not need Foundation's Thread.
public enum DedicatedThread {
    private final class Work {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) { self.name = name; self.body = body }
    }

    /// Runs `body` on a new detached thread named `name` (shown by `top -H`; cut to 15 bytes).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        // Retained for the thread, which takes it back first thing.
        let work = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            nameThisThread(work.name)
            work.body()
            return nil
        }, work)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }
}

/// Names the calling thread through /proc (pthread_setname_np needs _GNU_SOURCE, which Swift's Glibc lacks).
private func nameThisThread(_ name: String) {
    let fd = open("/proc/thread-self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

/// A mutex with a condition variable: for threads that wait for work or for a state change.
public final class ConditionLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()

    /// Creates an unlocked lock.
    public init() {
        pthread_mutex_init(&mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(&condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Takes the lock.
    public func lock() { pthread_mutex_lock(&mutex) }
    /// Gives it back.
    public func unlock() { pthread_mutex_unlock(&mutex) }

    /// Runs `body` holding the lock.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits (holding the lock) until signalled.
    public func wait() { pthread_cond_wait(&condition, &mutex) }

    /// Waits (holding the lock) until signalled or `seconds` pass; false on timeout.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let total = Double(deadline.tv_nsec) + seconds * 1e9
        deadline.tv_sec += Int(total / 1e9)
        deadline.tv_nsec = Int(total.truncatingRemainder(dividingBy: 1e9))
        return pthread_cond_timedwait(&condition, &mutex, &deadline) == 0
    }

    /// Wakes one waiter.
    public func signal() { pthread_cond_signal(&condition) }
    /// Wakes every waiter.
    public func broadcast() { pthread_cond_broadcast(&condition) }
}
