/// A moment on the daemon's monotonic clock, in seconds; passed in so the rules can be tested without time.
public typealias Moment = Double

/// A client's device session (the seed's IWMDMDeviceSession): who began it, for what, and until when it lives.
public struct DeviceSession: Sendable, Equatable {
    /// The id clients name it by.
    public var id: String
    /// The serial of the device it holds.
    public var device: String
    /// The uid that began it; only it (and root) may use or end it.
    public var owner: UInt32
    /// The types given at BeginSession, which EndSession must repeat.
    public var types: SessionType
    /// How long it outlives its last use.
    public var lease: Double
    /// When it was last begun or used.
    public var lastUsed: Moment

    /// When the lease runs out unless the session is used again.
    public var expiry: Moment { lastUsed + lease }
}

/// Why a session could not be begun, used or ended.
public enum SessionRefusal: Error, Sendable, Equatable {
    /// Another session holds the device.
    case deviceBusy(device: String, heldBy: String)
    /// No session has that id (never did, ended, or expired).
    case noSuchSession(String)
    /// The caller's uid is not the session's owner.
    case notOwner(session: String)
    /// EndSession's types differ from BeginSession's; the session stays open.
    case typeMismatch(session: String, began: SessionType, given: SessionType)
}

/// The rules of sessions, without I/O: one session per device, ownership by uid, leases and type matching.
///
/// The daemon core keeps one table and asks it before every step; the table never waits or sleeps.
public struct SessionTable: Sendable {
    private var sessions: [String: DeviceSession] = [:]
    private var holders: [String: String] = [:]  // device serial -> session id

    /// The uid that may use and end any session.
    public static let rootUID: UInt32 = 0

    /// Creates an empty table.
    public init() {}

    /// All open sessions.
    public var all: [DeviceSession] { Array(sessions.values) }

    /// The session holding `device`, if any.
    public func holder(of device: String) -> DeviceSession? { holders[device].flatMap { sessions[$0] } }

    /// Opens session `id` on `device` for `owner`, unless another session holds the device.
    public mutating func begin(
        id: String, device: String, owner: UInt32, types: SessionType, lease: Double,
        now: Moment
    ) -> Result<DeviceSession, SessionRefusal> {
        precondition(sessions[id] == nil, "session ids are unique")
        if let held = holders[device] { return .failure(.deviceBusy(device: device, heldBy: held)) }
        let session = DeviceSession(id: id, device: device, owner: owner, types: types, lease: lease, lastUsed: now)
        sessions[id] = session
        holders[device] = id
        return .success(session)
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
        return .success(remove(id))
    }

    /// Removes and returns the sessions whose lease ran out at `now`.
    public mutating func expire(now: Moment) -> [DeviceSession] {
        sessions.values.filter { $0.expiry <= now }.sorted { $0.expiry < $1.expiry }.map { remove($0.id) }
    }

    /// Removes and returns every session on `device` (it was unplugged).
    public mutating func endAll(on device: String) -> [DeviceSession] {
        sessions.values.filter { $0.device == device }.map { remove($0.id) }
    }

    /// The earliest moment a lease runs out, for the daemon's expiry timer.
    public var nextExpiry: Moment? { sessions.values.map(\.expiry).min() }

    private mutating func remove(_ id: String) -> DeviceSession {
        let session = sessions.removeValue(forKey: id)!
        if holders[session.device] == id { holders[session.device] = nil }
        return session
    }
}
