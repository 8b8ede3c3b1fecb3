/// A long-lived part of the daemon: started in order with the others, stopped in the reverse order. The shape
/// of swift-service-lifecycle's `Service`, kept in-house so the daemon stays small.
public protocol Service: Sendable {
    /// What the logs call it.
    var name: String { get }

    /// Brings it up, and returns once it serves; throws when it cannot.
    func start() async throws

    /// Brings it down, and returns only once it has stopped: its work finished, drained or cancelled, so that
    /// what it stands on can be stopped next.
    func stop() async
}
