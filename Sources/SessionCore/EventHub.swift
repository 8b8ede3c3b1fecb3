import DedicatedThreads

/// Fans device events out to every Monitor call; a subscriber that stops reading loses old events rather than
/// holding memory without bound.
public final class EventHub: Sendable {
    private let subscribers = LockedBox<(next: Int, streams: [Int: AsyncStream<DeviceEvent>.Continuation])>((0, [:]))

    /// Creates a hub with no subscribers.
    public init() {}

    /// A stream of events from now on; it ends when the consumer's task stops iterating.
    public func subscribe() -> AsyncStream<DeviceEvent> {
        let (stream, continuation) = AsyncStream<DeviceEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let key = subscribers.withLock { s in
            let key = s.next
            s.next += 1
            s.streams[key] = continuation
            return key
        }
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: key) } }
        return stream
    }

    /// Delivers `event` to every subscriber.
    public func publish(_ event: DeviceEvent) {
        for c in subscribers.withLock({ Array($0.streams.values) }) { c.yield(event) }
    }

    /// Ends every subscription (daemon shutdown).
    public func finishAll() {
        for c in subscribers.withLock({ Array($0.streams.values) }) { c.finish() }
    }
}
