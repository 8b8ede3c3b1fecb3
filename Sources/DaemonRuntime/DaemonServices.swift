import Logging
import SessionCore
import Varlink

/// The varlink server as a service: stopping it drains its connections (see `VarlinkServer.shutdown`).
struct VarlinkServerService: Service {
    /// The server, bound and listening before the group starts it.
    let server: VarlinkServer
    /// How long calls already received may run on before they are cancelled.
    let gracePeriod: Duration
    /// Where a shutdown that had to cut calls short is reported.
    let logger: Logger
    var name: String { "varlink server" }

    func start() async throws { try server.start() }
    func stop() async {
        switch await server.shutdown(gracePeriod: gracePeriod) {
        case .drained:
            break
        case .cancelled(let n):
            logger.notice(
                "calls still running at the end of the shutdown grace period were cancelled", metadata: ["connections": "\(n)"])
        case .abandoned(let n):
            logger.warning(
                "connections whose calls ignored cancellation were closed at shutdown", metadata: ["connections": "\(n)"])
        }
    }
}

/// The USB watcher as a service: once stopped, no arrival reaches the manager any more.
struct DeviceWatcherService: Service {
    /// The watcher feeding the manager.
    let watcher: DeviceWatcher
    var name: String { "device watcher" }

    func start() async throws { try watcher.start() }
    func stop() async { await watcher.stop() }
}

/// The session manager as a service: it needs no start, and stopping it ends every session and releases
/// every device.
struct SessionManagerService: Service {
    /// The manager the other two stand on.
    let manager: SessionManager
    var name: String { "session manager" }

    func start() async throws {}
    func stop() async { await manager.shutdown() }
}
