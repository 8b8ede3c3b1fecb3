/// The life of one service (or of a group of them) as a pure value: it starts once, stops once, and a stop
/// that comes before any start leaves nothing to do.
public struct ServiceLifecycle: Sendable, Equatable {
    /// Where the service is.
    public enum State: Sendable, Equatable {
        /// Not started.
        case idle
        /// Its start is under way.
        case starting
        /// Serving.
        case running
        /// Its stop is under way.
        case stopping
        /// Stopped, or never started and not to be: for good.
        case stopped
    }

    /// The state now.
    public private(set) var state: State = .idle

    /// A service not yet started.
    public init() {}

    /// A start is asked for: true when the service is to be started now, false when a stop came first. A
    /// second start is a misuse.
    public mutating func beginStart() -> Bool {
        switch state {
        case .idle:
            state = .starting
            return true
        case .stopped:
            return false
        case .starting, .running, .stopping:
            preconditionFailure("a service starts once")
        }
    }

    /// Its start has returned (or thrown: then it is stopped, with nothing to undo).
    public mutating func finishStart(succeeded: Bool) {
        precondition(state == .starting, "only a starting service finishes starting")
        state = succeeded ? .running : .stopped
    }

    /// What `beginStop` asks of the caller.
    public enum Stop: Sendable, Equatable {
        /// Stop it now.
        case stop
        /// Nothing runs: never started, or already stopped.
        case nothingToStop
        /// Another stop is under way: wait for its end.
        case awaitStopped
    }

    /// A stop is asked for. A stop while the start is still under way is a misuse: stop after start returns.
    public mutating func beginStop() -> Stop {
        switch state {
        case .idle:
            state = .stopped
            return .nothingToStop
        case .running:
            state = .stopping
            return .stop
        case .stopping:
            return .awaitStopped
        case .stopped:
            return .nothingToStop
        case .starting:
            preconditionFailure("stop a service once its start has returned")
        }
    }

    /// Its stop has returned.
    public mutating func finishStop() {
        precondition(state == .stopping, "only a stopping service finishes stopping")
        state = .stopped
    }
}
