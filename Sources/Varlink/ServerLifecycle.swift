/// The life of a `VarlinkServer` as a pure value: it serves once, and a shutdown stops the accepting, drains
/// the connections (cancelling their calls once the grace period is over) and then ends it for good.
struct ServerLifecycle: Sendable, Equatable {
    /// Where the server is.
    enum State: Sendable, Equatable {
        /// Bound and listening, accepting nothing yet.
        case idle
        /// Accepting clients and serving their calls.
        case running
        /// Accepting nothing more; the calls already received run to their end and their replies go out.
        case draining
        /// The grace period is over: the calls still running are cancelled, and the connections close once
        /// they end (or at the latest when the cancellation's own bound passes).
        case cancelling
        /// Every connection closed and the listener too; for good.
        case stopped
    }

    /// The state now.
    private(set) var state: State = .idle

    /// What `start` must do.
    enum Start: Sendable, Equatable {
        /// Start accepting.
        case accept
        /// A shutdown came first: there is nothing to serve.
        case alreadyStopped
    }

    /// The server is asked to serve. It serves once: a second start is a misuse.
    mutating func start() -> Start {
        switch state {
        case .idle:
            state = .running
            return .accept
        case .stopped:
            return .alreadyStopped
        case .running, .draining, .cancelling:
            preconditionFailure("a VarlinkServer serves once")
        }
    }

    /// What `beginShutdown` must do.
    enum Shutdown: Sendable, Equatable {
        /// Never started: close the listener, and it is over.
        case closeUnstarted
        /// Stop accepting and drain the connections.
        case drain
        /// Another shutdown is under way or done: wait for its end.
        case awaitStopped
    }

    /// A shutdown is asked for.
    mutating func beginShutdown() -> Shutdown {
        switch state {
        case .idle:
            state = .stopped
            return .closeUnstarted
        case .running:
            state = .draining
            return .drain
        case .draining, .cancelling, .stopped:
            return .awaitStopped
        }
    }

    /// The grace period is over with connections still open; true when their calls are now to be cancelled.
    mutating func gracePeriodEnded() -> Bool {
        guard state == .draining else { return false }
        state = .cancelling
        return true
    }

    /// Every connection has closed (or been abandoned) and the listener with them.
    mutating func drained() {
        precondition(state == .draining || state == .cancelling, "only a draining server drains")
        state = .stopped
    }

    /// Whether a client that connects now is served.
    var admitsConnections: Bool { state == .running }

    /// Whether the connections' readers stop taking new calls.
    var isShuttingDown: Bool { state == .draining || state == .cancelling }
}
