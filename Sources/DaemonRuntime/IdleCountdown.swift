/// --exit-when-idle as a pure rule, with time passed in: the daemon may exit once it has seen no device
/// attached and no client connected for `limit` without a break.
struct IdleCountdown: Sendable, Equatable {
    /// How long idleness lasts before the daemon ends.
    let limit: Duration
    /// When the idleness now under way began; nil while busy.
    private(set) var idleSince: ContinuousClock.Instant?

    /// A countdown of `limit`, not yet begun.
    init(limit: Duration) { self.limit = limit }

    /// What the daemon holds at `now`; true once it has been idle for `limit`.
    mutating func observe(devices: Int, clients: Int, now: ContinuousClock.Instant) -> Bool {
        guard devices == 0 && clients == 0 else {
            idleSince = nil
            return false
        }
        let since = idleSince ?? now
        idleSince = since
        return now - since >= limit
    }
}
