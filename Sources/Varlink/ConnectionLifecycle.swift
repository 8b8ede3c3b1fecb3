/// The life of one `ServerConnection` as a pure value: its reader and its output end in either order, and the
/// descriptor closes only once both have.
struct ConnectionLifecycle: Sendable, Equatable {
    /// Where the connection is.
    enum State: Sendable, Equatable {
        /// The reader takes calls and replies go out. `draining`: the server is shutting down, so the reader
        /// takes no more calls and its end cancels none.
        case open(draining: Bool)
        /// Nothing more goes out (the connection was abandoned, overflowed or a send failed) while the reader,
        /// woken by a shutdown of the socket, has yet to end.
        case closingWhileReading(draining: Bool)
        /// The reader has ended; the calls it took finish and their replies go out.
        case answering
        /// The reader has ended and nothing more is queued: the writer sends what is left, if anything.
        case closing
        /// The descriptor is closed, its number free for reuse: nothing may shut it down any more.
        case closed
    }

    /// The state now.
    private(set) var state: State = .open(draining: false)

    /// The server's shutdown began; true while the descriptor is still open, to be shut for reading.
    mutating func drain() -> Bool {
        switch state {
        case .open: state = .open(draining: true)
        case .closingWhileReading: state = .closingWhileReading(draining: true)
        case .answering, .closing, .closed: break
        }
        return state != .closed
    }

    /// Nothing more is to go out, whatever is queued (abandoned, overflowed, a failed send); true while the
    /// descriptor is still open, to be shut down.
    mutating func stopOutput() -> Bool {
        switch state {
        case .open(let draining): state = .closingWhileReading(draining: draining)
        case .answering: state = .closing
        case .closingWhileReading, .closing, .closed: break
        }
        return state != .closed
    }

    /// The reader has ended (the client left or misbehaved, or a shutdown woke it); true when the calls still
    /// running are to be cancelled, which a draining server does itself once its grace period is over.
    mutating func readerEnded() -> Bool {
        switch state {
        case .open(let draining):
            state = .answering
            return !draining
        case .closingWhileReading(let draining):
            state = .closing
            return !draining
        case .answering, .closing, .closed:
            preconditionFailure("a connection's reader ends once")
        }
    }

    /// The calls the reader took have all been answered (or it took none): nothing more will be queued. The
    /// descriptor may be closed already, when the output stopped first and the writer did not wait for them.
    mutating func callsEnded() {
        switch state {
        case .answering, .closing: state = .closing
        case .closed: break
        case .open, .closingWhileReading: preconditionFailure("calls end only after the reader")
        }
    }

    /// The writer is done and so is the reader: the descriptor is closed.
    mutating func descriptorClosed() {
        precondition(state == .closing, "the descriptor closes once reader and writer are done")
        state = .closed
    }

    /// Whether a reply may still be queued or sent.
    var acceptsReplies: Bool {
        switch state {
        case .open, .answering: true
        case .closingWhileReading, .closing, .closed: false
        }
    }

    /// Whether the reader has ended.
    var readerIsDone: Bool {
        switch state {
        case .answering, .closing, .closed: true
        case .open, .closingWhileReading: false
        }
    }
}
