#if canImport(Glibc)
import Glibc
#endif
internal import PTPWire
import SystemCalls

/// How long to keep asking a device that answers DeviceBusy (0x2019), or that will not open a session:
/// phones answer so while they index media or wait to be unlocked, and a moment later they serve.
///
/// Pure: the schedule hands out the pauses and says when to give up; `pause` is the only sleep.
public struct BusyRetry: Sendable, Equatable {
    /// The pauses between tries, in seconds: one more try after each.
    public let delays: [Double]
    private var next = 0

    /// 25 ms doubling to 800 ms: six more tries within about 1.6 s.
    public static let standard = BusyRetry(delays: [0.025, 0.05, 0.1, 0.2, 0.4, 0.8])
    /// For a read that failed without a reason: libmtp drops DeviceBusy when it answers a command that
    /// expected data ("PTP Data Expected", or nothing at all), so such a failure may be busyness too. Shorter,
    /// because the same silence also means "nothing there" on some devices (a locked phone's storages).
    public static let unexplained = BusyRetry(delays: [0.025, 0.05, 0.1, 0.2])

    /// A schedule of these pauses.
    public init(delays: [Double]) { self.delays = delays }

    /// The pause before the next try, or nil when the tries are used up.
    public mutating func nextDelay() -> Double? {
        guard next < delays.count else { return nil }
        defer { next += 1 }
        return delays[next]
    }

    /// How many tries were made once the schedule is used up (the first plus one per pause).
    public var tries: Int { next + 1 }

    /// The time the pauses handed out so far add up to.
    public var waited: Double { delays.prefix(next).reduce(0, +) }

    /// Runs `body`, and again after each of this schedule's pauses while `retryable` says so of its error.
    /// An error `retryable` rejects is thrown as it is; when the pauses are used up, the last one goes through
    /// `exhausted` (by default: still busy, in words).
    func run<T>(
        while retryable: (MTPError) -> Bool,
        exhausted: (MTPError, BusyRetry) -> MTPError = { $0.stillBusy(after: $1) },
        _ body: () throws(MTPError) -> T
    ) throws(MTPError) -> T {
        var schedule = self
        while true {
            do throws(MTPError) {
                return try body()
            } catch {
                guard retryable(error) else { throw error }
                guard let delay = schedule.nextDelay() else { throw exhausted(error, schedule) }
                Self.pause(delay)
            }
        }
    }

    /// Sleeps for `seconds`: a back-off, not synchronisation.
    static func pause(_ seconds: Double) {
        FileIO.sleep(for: .nanoseconds(Int64(seconds * 1e9)))
    }
}

extension MTPError {
    /// Whether the device said it is busy (the operation was not carried out).
    public var isDeviceBusy: Bool { responseCode == ResponseCode.deviceBusy.rawValue }

    /// Whether libmtp gave no reason: no response code, or the one it drops a data phase's response for.
    var isUnexplained: Bool {
        responseCode == nil && (message == silentFailure || saysDataExpected)
    }

    /// The error left after `retry` was used up: still busy, said so in words that tell the user what to do.
    func stillBusy(after retry: BusyRetry) -> MTPError {
        var error = self
        error.message =
            "the device stayed busy (DeviceBusy) through \(retry.tries) tries over \((retry.waited * 10).rounded() / 10) s; "
            + "it may be indexing media or waiting to be unlocked — unlock it and try again"
        return error
    }
}
