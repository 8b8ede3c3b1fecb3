extension VarlinkServer {
    /// What one client may hold of the server, so that clients that connect and never read, or send half a
    /// message and stall, cannot exhaust it. A connection with nothing half-sent and no reply waiting is never
    /// timed out: a "more" call such as a monitor may stay quiet for hours.
    public struct Limits: Sendable, Equatable {
        /// Connections one uid may have open at once (root and the server's own uid included); the next one
        /// gets `LimitReached` and is closed.
        public var connectionsPerUID: Int
        /// Seconds a message may take from its first byte to its NUL, and a reply may wait for the client to
        /// read any of it; past that the connection ends (a half-sent message first gets `LimitReached`).
        public var stallSeconds: Double
        /// Bytes of replies queued behind the one being written; a client that lets more pile up is not
        /// reading and is dropped.
        public var queuedReplyBytes: Int
        /// Bytes of calls received and not yet answered (pipelined); more gets `LimitReached` and the
        /// connection ends. At least the largest message the server accepts.
        public var pendingCallBytes: Int
        /// The interface whose `LimitReached (limit: string, value: float, fix: string)` error the server
        /// sends when it refuses a client; a server should name one of its own interfaces that declares it.
        public var errorInterface: String

        /// Creates limits; the defaults leave room for a hundred busy clients of one user.
        public init(
            connectionsPerUID: Int = 128, stallSeconds: Double = 30, queuedReplyBytes: Int = 8 << 20,
            pendingCallBytes: Int = 4 << 20, errorInterface: String = "org.varlink.service"
        ) {
            self.connectionsPerUID = connectionsPerUID; self.stallSeconds = stallSeconds
            self.queuedReplyBytes = queuedReplyBytes; self.pendingCallBytes = pendingCallBytes
            self.errorInterface = errorInterface
        }
    }

    /// Which limit a client ran into; the raw value is the `limit` parameter of `LimitReached`.
    public enum Limit: String, Sendable {
        /// `Limits.connectionsPerUID`.
        case connectionsPerUID
        /// `Limits.stallSeconds`, for a message or a reply.
        case stallSeconds
        /// `Limits.queuedReplyBytes`.
        case queuedReplyBytes
        /// `Limits.pendingCallBytes`.
        case pendingCallBytes
    }

    /// A client the server refused or dropped for a limit, reported so the daemon can log it.
    public struct LimitHit: Sendable, CustomStringConvertible {
        /// The limit.
        public var limit: Limit
        /// Its value.
        public var value: Double
        /// Who ran into it.
        public var peer: PeerCredentials
        /// The connection, or nil when it was refused at accept.
        public var connection: Int?
        /// What happened, for a log line.
        public var description: String {
            switch limit {
            case .connectionsPerUID: "connection refused: uid \(peer.uid) already has \(Int(value)) open"
            case .stallSeconds: "connection dropped: a message or reply stalled for \(value) s"
            case .queuedReplyBytes: "connection dropped: the client left more than \(Int(value)) bytes of replies unread"
            case .pendingCallBytes: "connection dropped: more than \(Int(value)) bytes of calls sent without waiting for replies"
            }
        }
    }
}

extension VarlinkServer.Limits {
    /// The error a refused client reads: the limit, its value and what to do about it.
    func refusal(_ limit: VarlinkServer.Limit, peer: PeerCredentials) -> VarlinkError {
        let fix: String
        switch limit {
        case .connectionsPerUID:
            fix =
                "uid \(peer.uid) has \(connectionsPerUID) connections open, the most this server allows; close ones it does not use, or raise the server's limit"
        case .stallSeconds:
            fix = "a message stayed incomplete for \(stallSeconds) s; send each message whole, ended by NUL"
        case .queuedReplyBytes:
            fix = "read the replies to your calls"
        case .pendingCallBytes:
            fix =
                "more than \(pendingCallBytes) bytes of calls were sent without waiting for replies; read replies before sending more"
        }
        return VarlinkError(
            name: errorInterface + ".LimitReached",
            parameters: ["limit": .string(limit.rawValue), "value": .double(value(of: limit)), "fix": .string(fix)])
    }

    /// The value a hit reports.
    func value(of limit: VarlinkServer.Limit) -> Double {
        switch limit {
        case .connectionsPerUID: Double(connectionsPerUID)
        case .stallSeconds: stallSeconds
        case .queuedReplyBytes: Double(queuedReplyBytes)
        case .pendingCallBytes: Double(pendingCallBytes)
        }
    }
}
