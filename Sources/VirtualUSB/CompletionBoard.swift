import DedicatedThreads

/// When each device of this process next has a completed bulk URB to hand out, so that a reap on one device
/// never makes another wait.
///
/// umockdev's nodes always poll ready, so libusb's one event thread reaps every open device in turn, and a
/// "not yet" answer is delayed to keep it from spinning (`EmulatedUSBDevice.reap`). With several devices that
/// delay would hold the thread while another device's URB is due: links that run in parallel on a real bus
/// would take turns. A device consults this board to cut its delay short at the others' next completion.
/// Devices are keyed by a number unique while they live (`EmulatedUSBDevice` uses its umockdev handler's address).
final class CompletionBoard: Sendable {
    static let shared = CompletionBoard()

    private struct Entry { var earliest: UInt64?; var busy: Bool }
    private let entries = LockedBox<[UInt: Entry]>([:])

    /// Records `device`'s earliest pending completion (0: ready now; nil: none) and whether it has bulk work
    /// in flight at all.
    func publish(_ device: UInt, earliest: UInt64?, busy: Bool) {
        entries.withLock { all in
            if earliest == nil && !busy { all[device] = nil } else { all[device] = Entry(earliest: earliest, busy: busy) }
        }
    }

    /// How long `device` may hold the event thread from `now` before answering "not yet": at most `wanted`,
    /// no later than another device's next completion, and briefly while another device has work in flight
    /// whose completion time is not known yet. Zero means answer at once.
    func wait(for device: UInt, wanted: UInt64, now: UInt64) -> UInt64 {
        entries.withLock { all in
            var bound = wanted
            for (other, entry) in all where other != device {
                if let at = entry.earliest { bound = min(bound, at > now ? at - now : 0) }
                if entry.busy { bound = min(bound, Self.busyOtherBound) }
            }
            return bound
        }
    }

    /// The longest wait while another device is mid-transfer: short against a 16 KiB URB at USB 2.0 speed.
    static let busyOtherBound: UInt64 = 100_000
}
