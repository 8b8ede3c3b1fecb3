import DedicatedThreads

/// Fans device events out to every Monitor call; a subscriber that stops reading loses old events rather than
/// holding memory without bound.
public final class EventHub: Sendable {
    private let subscribers = LockedBox<(next: Int, streams: [Int: AsyncStream<DeviceEvent>.Continuation], closed: Bool)>(
        (0, [:], false))

    /// Creates a hub with no subscribers.
    public init() {}

    /// A stream of events from now on; it ends when the consumer's task stops iterating, or at once once the hub
    /// is finished (a Monitor that arrives during shutdown ends rather than holding the drain).
    public func subscribe() -> AsyncStream<DeviceEvent> {
        let (stream, continuation) = AsyncStream<DeviceEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let key = subscribers.withLock { s -> Int? in
            guard !s.closed else { return nil }
            let key = s.next
            s.next += 1
            s.streams[key] = continuation
            return key
        }
        guard let key else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: key) } }
        return stream
    }

    /// Delivers `event` to every subscriber.
    public func publish(_ event: DeviceEvent) {
        for c in subscribers.withLock({ Array($0.streams.values) }) { c.yield(event) }
    }

    /// Ends every subscription, and every later one at once (daemon shutdown).
    public func finishAll() {
        let streams = subscribers.withLock { s in
            s.closed = true
            return Array(s.streams.values)
        }
        for c in streams { c.finish() }
    }
}
