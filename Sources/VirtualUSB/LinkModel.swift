/// A model of the cable: a fixed latency per PTP transaction and a bulk bandwidth, as times when data is "there".
///
/// Pure arithmetic on nanosecond timestamps so that it can be tested without a clock. The link is one pipe:
/// a transfer cannot finish before the previous one has, nor before its bytes could have crossed.
public struct LinkModel: Sendable, Equatable {
    /// Added once per PTP transaction (command phase), in nanoseconds.
    public var transactionLatencyNanos: UInt64
    /// Bulk bandwidth in bytes per second; nil means unlimited.
    public var bytesPerSecond: UInt64?
    /// When the link is next free, in the caller's monotonic nanoseconds.
    public private(set) var busyUntil: UInt64 = 0

    /// No added delay: transfers complete as soon as they are handled.
    public static let unlimited = LinkModel(transactionLatencyNanos: 0, bytesPerSecond: nil)

    /// Creates a link model from the command-line units: milliseconds per transaction and MB/s (10^6 bytes).
    public init(latencyMilliseconds: Double, bandwidthMegabytesPerSecond: Double?) {
        self.init(
            transactionLatencyNanos: UInt64(max(0, latencyMilliseconds) * 1e6),
            bytesPerSecond: bandwidthMegabytesPerSecond.map { UInt64(max(0.001, $0) * 1e6) })
    }

    /// Creates a link model from raw units.
    public init(transactionLatencyNanos: UInt64, bytesPerSecond: UInt64?) {
        self.transactionLatencyNanos = transactionLatencyNanos
        self.bytesPerSecond = bytesPerSecond
    }

    /// Whether the model adds no delay at all (the fast path skips all bookkeeping).
    public var isUnlimited: Bool { transactionLatencyNanos == 0 && bytesPerSecond == nil }

    /// Books a transfer of `bytes` that started `transactions` new PTP transactions, handled at `now`;
    /// returns when it may be reported complete.
    public mutating func book(bytes: Int, transactions: Int, now: UInt64) -> UInt64 {
        var t = max(now, busyUntil)
        t += UInt64(transactions) * transactionLatencyNanos
        if let bps = bytesPerSecond, bytes > 0 {
            t += UInt64(bytes) * 1_000_000_000 / bps
        }
        busyUntil = t
        return t
    }
}
