import DedicatedThreads

/// One BeginSession waiting for a busy device: woken when a session on it ends, or when its time is up,
/// whichever comes first; the other is then a no-op.
final class BusyWaiter: Sendable {
    private let state = LockedBox<(done: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))

    /// Suspends until `wake()` or `seconds` pass.
    func wait(upTo seconds: Double) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(seconds))
            self?.wake()
        }
        await withCheckedContinuation { c in
            let resumeNow = state.withLock { s -> Bool in
                if s.done { return true }
                s.continuation = c
                return false
            }
            if resumeNow { c.resume() }
        }
        timer.cancel()
    }

    /// Ends the wait, once.
    func wake() {
        let c = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.done else { return nil }
            s.done = true
            defer { s.continuation = nil }
            return s.continuation
        }
        c?.resume()
    }
}
