import DedicatedThreads
import SystemCalls

/// Notices a transfer that stopped moving. libmtp blocks the device's thread for as long as its USB timeouts
/// allow (about three minutes for a put into a device that stopped answering), so when no progress has been
/// reported for `timeout` seconds the watchdog, on the pool, calls `onStall` (a port reset), which makes the
/// blocked call fail at once.
final class StallWatchdog: Sendable {
    private struct State {
        var lastProgress: Double
        var fired = false
        var stopped = false
    }
    private let state: LockedBox<State>
    private let timer: LockedBox<Task<Void, Never>?> = LockedBox(nil)

    /// Starts watching now.
    init(timeout: Double, onStall: @escaping @Sendable () -> Void) {
        state = LockedBox(State(lastProgress: MonotonicClock.seconds()))
        let task = Task { [weak self] in
            while !Task.isCancelled, let wait = self?.remaining(timeout) {
                if wait > 0 {
                    try? await Task.sleep(for: .seconds(wait))
                } else {
                    if self?.fire() == true { onStall() }
                    return
                }
            }
        }
        timer.withLock { $0 = task }
    }

    private func remaining(_ timeout: Double) -> Double {
        state.withLock { $0.lastProgress + timeout } - MonotonicClock.seconds()
    }

    private func fire() -> Bool {
        state.withLock { s in
            s.fired = !s.stopped
            return s.fired
        }
    }

    /// The transfer moved.
    func alive() { state.withLock { $0.lastProgress = MonotonicClock.seconds() } }

    /// The transfer ended; the watchdog will not fire after this returns unless it already has.
    func stop() {
        state.withLock { $0.stopped = true }
        timer.withLock { $0?.cancel() }
    }

    /// Whether it fired: the transfer's failure is then the reset's doing.
    var fired: Bool { state.withLock { $0.fired } }
}
