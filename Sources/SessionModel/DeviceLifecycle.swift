/// The life of one device in the daemon, without I/O: when to open its USB interface, when to let it go.
///
/// The device actor feeds it what happened and carries out the action it returns. The daemon holds a device
/// only while a session or an operation needs it, plus `linger` seconds so a burst of separate calls shares one
/// opening; then it releases the interface so other MTP programs can use the device.
public struct DeviceLifecycle: Sendable, Equatable {
    /// Where the device stands.
    public enum State: Sendable, Equatable {
        /// Attached, interface not held.
        case closed
        /// Interface held; `users` sessions and operations need it; idle ones since `idleSince`.
        case open(users: Int, idleSince: Moment?)
        /// Unplugged; nothing more happens.
        case gone
    }

    /// What the device actor must do next.
    public enum Action: Sendable, Equatable {
        /// Nothing.
        case none
        /// Open the device (USB claim, OpenSession, device info, storages).
        case open
        /// Arrange for `lingerElapsed` to be called at this moment.
        case releaseAt(Moment)
        /// Close the device (CloseSession, release the interface), then call `closed()`.
        case close
    }

    /// The current state.
    public private(set) var state: State = .closed
    /// Seconds an idle open device is kept before release.
    public let linger: Double

    /// Creates the lifecycle of a newly attached device.
    public init(linger: Double) { self.linger = linger }

    /// Whether the interface is held.
    public var isOpen: Bool { if case .open = state { true } else { false } }

    /// A session or operation starts needing the device.
    public mutating func acquire() -> Action {
        switch state {
        case .closed: state = .open(users: 1, idleSince: nil); return .open
        case .open(let users, _): state = .open(users: users + 1, idleSince: nil); return .none
        case .gone: return .none
        }
    }

    /// Opening failed: the device stays closed.
    public mutating func openFailed() {
        if case .open = state { state = .closed }
    }

    /// A session or operation no longer needs the device.
    public mutating func release(now: Moment) -> Action {
        guard case .open(let users, _) = state else { return .none }
        precondition(users > 0, "release without acquire")
        if users > 1 { state = .open(users: users - 1, idleSince: nil); return .none }
        if linger <= 0 { state = .closed; return .close }
        state = .open(users: 0, idleSince: now)
        return .releaseAt(now + linger)
    }

    /// A release timer fired; closes only if nobody used the device since.
    public mutating func lingerElapsed(now: Moment) -> Action {
        guard case .open(0, let idle?) = state, now >= idle + linger else { return .none }
        state = .closed
        return .close
    }

    /// The device failed underneath an open handle (I/O error): forget the handle so the next use reopens.
    public mutating func connectionLost() -> Action {
        guard case .open(let users, _) = state else { return .none }
        state = users > 0 ? .open(users: users, idleSince: nil) : .closed
        return .close
    }

    /// The device was unplugged.
    public mutating func unplugged() -> Action {
        let wasOpen = isOpen
        state = .gone
        return wasOpen ? .close : .none
    }
}
