import DedicatedThreads
import Synchronization

/// A running transfer's cancellation flag, set from any thread (Cancel, a vanished client) and read by the
/// progress callback on the device thread, which then makes libmtp abort.
public final class TransferHandle: Sendable {
    /// The id Cancel takes.
    public let id: String
    private let cancelled = Atomic<Bool>(false)

    init(id: String) { self.id = id }

    /// Asks the transfer to stop at its next progress step.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    /// Whether cancel was asked for.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// The running transfers by id, so a Cancel from any connection reaches the one it names.
public final class TransferRegistry: Sendable {
    private let state = LockedBox<(next: UInt64, running: [String: TransferHandle])>((1, [:]))

    /// Creates an empty registry.
    public init() {}

    /// Registers a new transfer and returns its handle.
    public func start() -> TransferHandle {
        state.withLock { s in
            let handle = TransferHandle(id: "t\(s.next)")
            s.next += 1
            s.running[handle.id] = handle
            return handle
        }
    }

    /// Forgets a finished transfer.
    public func finish(_ handle: TransferHandle) { _ = state.withLock { $0.running.removeValue(forKey: handle.id) } }

    /// Cancels the transfer `id`.
    public func cancel(_ id: String) throws(ServiceError) {
        guard let handle = state.withLock({ $0.running[id] }) else { throw .noSuchTransfer(id) }
        handle.cancel()
    }
}
