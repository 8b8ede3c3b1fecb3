/// A moment on the daemon's monotonic clock, in seconds; passed in so the rules can be tested without time.
public typealias Moment = Double

/// A client's device session (the seed's IWMDMDeviceSession): who began it, for what, and until when it lives.
///
/// A session is a context that makes a bundle cheap, not a lock: any number may be open on one device, from
/// any users, unless one was begun exclusive (then the device's queue serves only that one until it ends).
public struct DeviceSession: Sendable, Equatable {
    /// The id clients name it by.
    public var id: String
    /// The serial of the device it is on.
    public var device: String
    /// The uid that began it; only it (and root) may use or end it.
    public var owner: UInt32
    /// The types given at BeginSession, which EndSession must repeat.
    public var types: SessionType
    /// Whether it holds the device for itself: other sessions and operations wait until it ends.
    public var exclusive: Bool
    /// How long it outlives its last use.
    public var lease: Double
    /// When it was last begun or used.
    public var lastUsed: Moment

    /// When the lease runs out unless the session is used again.
    public var expiry: Moment { lastUsed + lease }
}

/// Why a session could not be used or ended.
public enum SessionRefusal: Error, Sendable, Equatable {
    /// No session has that id (never did, ended, or expired).
    case noSuchSession(String)
    /// The caller's uid is not the session's owner.
    case notOwner(session: String)
    /// EndSession's types differ from BeginSession's; the session stays open.
    case typeMismatch(session: String, began: SessionType, given: SessionType)
}

/// The rules of sessions, without I/O: ownership by uid, leases, type matching, and which session (if any) holds
/// a device exclusively.
///
/// The daemon core keeps one table and asks it before every step; the table never waits or sleeps. Whether an
/// operation may run now is the device queue's business (`DeviceQueue`), not the table's.
public struct SessionTable: Sendable {
    private var sessions: [String: DeviceSession] = [:]

    /// The uid that may use and end any session.
    public static let rootUID: UInt32 = 0

    /// Creates an empty table.
    public init() {}

    /// All open sessions.
    public var all: [DeviceSession] { Array(sessions.values) }

    /// The sessions open on `device`, oldest lease first.
    public func sessions(on device: String) -> [DeviceSession] {
        sessions.values.filter { $0.device == device }.sorted { ($0.lastUsed, $0.id) < ($1.lastUsed, $1.id) }
    }

    /// The session holding `device` exclusively, if one does.
    public func exclusiveHolder(of device: String) -> DeviceSession? {
        sessions.values.first { $0.device == device && $0.exclusive }
    }

    /// Opens session `id` on `device` for `owner`. The device queue decided already that it may begin now: an
    /// exclusive session begins only when no other holds the device.
    public mutating func begin(
        id: String, device: String, owner: UInt32, types: SessionType, exclusive: Bool = false, lease: Double,
        now: Moment
    ) -> DeviceSession {
        precondition(sessions[id] == nil, "session ids are unique")
        precondition(!exclusive || exclusiveHolder(of: device) == nil, "one exclusive session per device")
        let session = DeviceSession(
            id: id, device: device, owner: owner, types: types, exclusive: exclusive, lease: lease, lastUsed: now)
        sessions[id] = session
        return session
    }

    /// Checks that `uid` may use session `id` and renews its lease.
    public mutating func use(_ id: String, by uid: UInt32, now: Moment) -> Result<DeviceSession, SessionRefusal> {
        guard var session = sessions[id] else { return .failure(.noSuchSession(id)) }
        guard uid == session.owner || uid == Self.rootUID else { return .failure(.notOwner(session: id)) }
        session.lastUsed = max(session.lastUsed, now)
        sessions[id] = session
        return .success(session)
    }

    /// Ends session `id` when `uid` may and `types` equal the session's; otherwise it stays open.
    public mutating func end(_ id: String, by uid: UInt32, types: SessionType) -> Result<DeviceSession, SessionRefusal> {
        guard let session = sessions[id] else { return .failure(.noSuchSession(id)) }
        guard uid == session.owner || uid == Self.rootUID else { return .failure(.notOwner(session: id)) }
        guard types == session.types else {
            return .failure(.typeMismatch(session: id, began: session.types, given: types))
        }
        return .success(sessions.removeValue(forKey: id)!)
    }

    /// Removes and returns the sessions whose lease ran out at `now`.
    public mutating func expire(now: Moment) -> [DeviceSession] {
        sessions.values.filter { $0.expiry <= now }.sorted { $0.expiry < $1.expiry }
            .map { sessions.removeValue(forKey: $0.id)! }
    }

    /// Removes and returns every session on `device` (it was unplugged).
    public mutating func endAll(on device: String) -> [DeviceSession] {
        sessions.values.filter { $0.device == device }.map { sessions.removeValue(forKey: $0.id)! }
    }

    /// The earliest moment a lease runs out, for the daemon's expiry timer.
    public var nextExpiry: Moment? { sessions.values.map(\.expiry).min() }
}
