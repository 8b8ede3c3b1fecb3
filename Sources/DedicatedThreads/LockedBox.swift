#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// State that is only reached with a lock held: the one lock of the daemon and the emulator.
///
/// The pthread mutex lives in memory allocated once at `init` and freed at `deinit`, so its address never
/// changes (a class's stored property, handed to pthread as `&mutex`, has no such promise; swift-nio's `NIOLock`
/// tail-allocates for the same reason). A plain pthread mutex is what ThreadSanitizer intercepts, so it sees every
/// hand-over, contended or not (`Synchronization.Mutex`'s contended path it cannot see).
public final class LockedBox<State> {
    /// The mutex, at the address it was allocated at for the life of the box.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// What the mutex guards; reached only in `withLock`.
    @usableFromInline var state: State

    /// Creates the box holding `state`, unlocked.
    public init(_ state: State) {
        mutex = makeMutex()
        self.state = state
    }

    deinit { freeMutex(mutex) }

    /// Runs `body` on the state with the lock held. `body` must not take this lock again.
    @inlinable
    public func withLock<T, E: Error>(_ body: (inout State) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}

/// The state is only ever reached under the lock, so the box may cross threads whenever the state may.
extension LockedBox: @unchecked Sendable where State: Sendable {}

/// A `LockedBox` with a condition variable: for threads that wait for work or for a state change.
///
/// The mutex and the condition are allocated once and never move. Timed waits run on the monotonic clock, so
/// a change of the wall clock neither cuts them short nor stretches them.
public final class ConditionBox<State> {
    /// The mutex, at the address it was allocated at for the life of the box.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// What the mutex guards; reached only with it held.
    @usableFromInline var state: State

    /// Creates the box holding `state`, unlocked, with no waiter.
    public init(_ state: State) {
        mutex = makeMutex()
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        let rc = pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        precondition(rc == 0, "pthread_cond_init failed: \(rc)")
        self.state = state
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        freeMutex(mutex)
    }

    /// Runs `body` on the state with the lock held. `body` must not take this lock again; it may `signal` or
    /// `broadcast`.
    @inlinable
    public func withLock<T, E: Error>(_ body: (inout State) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Waits until `ready` holds (the lock is given up while waiting, and `ready` is asked again at each
    /// wake-up), then runs `body` on the state without letting the lock go in between.
    public func withLock<T, E: Error>(waitingUntil ready: (State) -> Bool, _ body: (inout State) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) { pthread_cond_wait(condition, mutex) }
        return try body(&state)
    }

    /// As `withLock(waitingUntil:_:)`, but gives up when `timeout` passes first: then `body` does not run and
    /// the result is nil.
    public func withLock<T, E: Error>(
        waitingUntil ready: (State) -> Bool, timeout: Duration,
        _ body: (inout State) throws(E) -> T
    ) throws(E) -> T? {
        let deadline = MonotonicClock.deadline(after: timeout)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) {
            var at = deadline
            if pthread_cond_timedwait(condition, mutex, &at) == ETIMEDOUT && !ready(state) { return nil }
        }
        return try body(&state)
    }

    /// Wakes one waiter; with or without the lock held.
    public func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter; with or without the lock held.
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// The state is only ever reached under the lock, so the box may cross threads whenever the state may.
extension ConditionBox: @unchecked Sendable where State: Sendable {}

/// A mutex at an address of its own, for the life of its box.
private func makeMutex() -> UnsafeMutablePointer<pthread_mutex_t> {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    let rc = pthread_mutex_init(mutex, nil)
    precondition(rc == 0, "pthread_mutex_init failed: \(rc)")
    return mutex
}

private func freeMutex(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) {
    pthread_mutex_destroy(mutex)
    mutex.deinitialize(count: 1)
    mutex.deallocate()
}
