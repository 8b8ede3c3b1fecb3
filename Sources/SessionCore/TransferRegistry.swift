import DedicatedThreads
import SessionModel
import Synchronization

/// A running transfer's cancellation flag, set from any thread (Cancel, a vanished client) and read by the
/// progress callback on the device thread, which then makes libmtp abort.
public final class TransferHandle: Sendable {
    /// The id Cancel takes: "t" and 16 hex digits of a random number, so no one can guess another's.
    public let id: String
    /// The uid that started the transfer; it and root alone may cancel it.
    public let owner: UInt32
    private let cancelled = Atomic<Bool>(false)

    init(id: String, owner: UInt32) {
        self.id = id
        self.owner = owner
    }

    /// Asks the transfer to stop at its next progress step.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    /// Whether cancel was asked for.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// What a Cancel found. Both refusals answer the client alike (`ServiceError.noSuchTransfer`), so one user
/// cannot tell whether another's transfer exists; only the log tells them apart.
public enum CancelOutcome: Sendable, Equatable {
    /// The transfer will stop at its next progress step; it runs for `owner`.
    case cancelled(owner: UInt32)
    /// No running transfer has the id.
    case unknown
    /// The transfer runs for `owner`, another uid than the caller's, and the caller is not root.
    case notOwner(owner: UInt32)
}

/// The running transfers by id, so a Cancel from any connection reaches the one it names, if the caller may.
public final class TransferRegistry: Sendable {
    private let running = LockedBox<[String: TransferHandle]>([:])

    /// Creates an empty registry.
    public init() {}

    /// Registers a new transfer started by `owner` and returns its handle.
    public func start(owner: UInt32) -> TransferHandle {
        var random = SystemRandomNumberGenerator()
        return running.withLock { running in
            // 64 random bits: a collision is all but impossible, yet an id must never name two transfers.
            var id: String
            repeat { id = Self.id(random.next()) } while running[id] != nil
            let handle = TransferHandle(id: id, owner: owner)
            running[id] = handle
            return handle
        }
    }

    /// "t" and the number as 16 hex digits, zero-padded so every id has one length.
    static func id(_ number: UInt64) -> String {
        let digits = String(number, radix: 16)
        return "t" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Forgets a finished transfer.
    public func finish(_ handle: TransferHandle) { _ = running.withLock { $0.removeValue(forKey: handle.id) } }

    /// Cancels the transfer `id` if `uid` started it or is root.
    public func cancel(_ id: String, by uid: UInt32) -> CancelOutcome {
        guard let handle = running.withLock({ $0[id] }) else { return .unknown }
        guard uid == handle.owner || uid == SessionTable.rootUID else { return .notOwner(owner: handle.owner) }
        handle.cancel()
        return .cancelled(owner: handle.owner)
    }
}
