/// One device's line of waiting operations, without I/O: which runs next, fairly, one at a time.
///
/// The device runs one PTP operation at a time, so every operation on it takes a ticket and runs when granted.
/// Tickets are grouped in lanes, one per session and one per single operation, and lanes take turns
/// (round-robin, one ticket each): a `ls` that arrives while a bundle's file is sent runs right after that file,
/// not after the bundle, and each of several bundles gets every other turn. A session begun exclusive holds the
/// device: while it does, only its own lane is served and everything else waits.
public struct DeviceQueue: Sendable, Equatable {
    /// Whose turn a ticket waits for.
    public enum Lane: Hashable, Sendable, CustomStringConvertible {
        /// The operations of one session.
        case session(String)
        /// One operation outside any session (its ticket's id).
        case single(UInt64)

        public var description: String {
            switch self {
            case .session(let id): "session \(id)"
            case .single(let id): "operation \(id)"
            }
        }
    }

    /// One operation's place in the line.
    public struct Ticket: Hashable, Sendable {
        /// Unique across the daemon, increasing in arrival order.
        public var id: UInt64
        /// Its lane.
        public var lane: Lane
        /// The uid that asked, for what others may be told about it.
        public var owner: UInt32
        /// Creates a ticket.
        public init(id: UInt64, lane: Lane, owner: UInt32) { self.id = id; self.lane = lane; self.owner = owner }
    }

    /// Why a waiting ticket is not run yet.
    public struct Wait: Sendable, Equatable {
        /// Operations that run before it: the one running and those whose turn comes first.
        public var ahead: Int
        /// The session holding the device exclusively, when that is what it waits for.
        public var heldBy: String?
        /// Creates a wait.
        public init(ahead: Int, heldBy: String?) { self.ahead = ahead; self.heldBy = heldBy }
    }

    private var waiting: [Lane: [Ticket]] = [:]
    /// Lanes with waiting tickets, the next turn first.
    private var turns: [Lane] = []
    /// The ticket whose operation runs now.
    public private(set) var running: Ticket?
    /// The session holding the device exclusively.
    public private(set) var holder: String?

    /// Creates an empty line.
    public init() {}

    /// Operations waiting or running.
    public var count: Int { waiting.values.reduce(0) { $0 + $1.count } + (running == nil ? 0 : 1) }

    /// Whether nothing waits or runs.
    public var isEmpty: Bool { running == nil && turns.isEmpty }

    /// Puts `ticket` at the end of its lane; a lane that had nothing waiting takes its turn after all others.
    public mutating func enqueue(_ ticket: Ticket) {
        precondition(!contains(ticket.id), "tickets are unique")
        if waiting[ticket.lane, default: []].isEmpty { turns.append(ticket.lane) }
        waiting[ticket.lane, default: []].append(ticket)
    }

    /// The ticket to run now, if the device is free and one may run: the first of the next lane in turn that
    /// the holder (if any) allows. It is then `running` until `finish`.
    public mutating func grant() -> Ticket? {
        guard running == nil, let turn = turns.firstIndex(where: mayRun) else { return nil }
        let lane = turns.remove(at: turn)
        let ticket = waiting[lane]!.removeFirst()
        if waiting[lane]!.isEmpty { waiting[lane] = nil } else { turns.append(lane) }
        running = ticket
        return ticket
    }

    /// The running operation ended.
    public mutating func finish(_ ticket: Ticket) {
        precondition(running == ticket, "finish the running ticket")
        running = nil
    }

    /// Takes a waiting ticket out of the line (its time ran out, or its client went away); false when it is not
    /// waiting (running, or gone already).
    @discardableResult
    public mutating func withdraw(_ id: UInt64) -> Bool {
        for (lane, tickets) in waiting {
            guard let i = tickets.firstIndex(where: { $0.id == id }) else { continue }
            waiting[lane]!.remove(at: i)
            if waiting[lane]!.isEmpty {
                waiting[lane] = nil
                turns.removeAll { $0 == lane }
            }
            return true
        }
        return false
    }

    /// Removes every waiting ticket (the device is gone) and returns them.
    public mutating func withdrawAll() -> [Ticket] {
        let all = turns.flatMap { waiting[$0] ?? [] }
        waiting.removeAll()
        turns.removeAll()
        return all
    }

    /// From now on only `session`'s lane is served, until `release`.
    public mutating func hold(for session: String) {
        precondition(holder == nil || holder == session, "one holder at a time")
        holder = session
    }

    /// Ends an exclusive hold; other lanes take their turns again.
    public mutating func release(_ session: String) {
        if holder == session { holder = nil }
    }

    /// Why `id` waits: how many operations run before it, and the holder it waits for. Nil when not waiting.
    public func wait(of id: UInt64) -> Wait? {
        guard let lane = turns.first(where: { waiting[$0]!.contains { $0.id == id } }) else { return nil }
        if let holder, lane != .session(holder) {
            return Wait(ahead: (running == nil ? 0 : 1) + (waiting[.session(holder)]?.count ?? 0), heldBy: holder)
        }
        // Each round serves every lane once: before this ticket come the rounds its lane needs to reach it,
        // in each the lanes ahead of it in turn (their tickets, while they last).
        let depth = waiting[lane]!.firstIndex { $0.id == id }!
        let position = turns.firstIndex(of: lane)!
        var ahead = running == nil ? 0 : 1
        for (i, other) in turns.enumerated() where other != lane && mayRun(other) {
            let tickets = waiting[other]!.count
            ahead += min(tickets, i < position ? depth + 1 : depth)
        }
        return Wait(ahead: ahead + depth, heldBy: nil)
    }

    /// Whether `id` waits or runs.
    public func contains(_ id: UInt64) -> Bool {
        running?.id == id || waiting.values.contains { $0.contains { $0.id == id } }
    }

    private func mayRun(_ lane: Lane) -> Bool { holder.map { lane == .session($0) } ?? true }
}
