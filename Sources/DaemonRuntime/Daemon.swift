#if canImport(Glibc)
import Glibc
#endif
import Logging
import ProductVersion
import SessionAPI
import SessionCore
import Varlink

/// The running daemon: the session manager, the USB watcher feeding it and the varlink server in front, as a
/// `ServiceGroup` started in that order and stopped in the reverse one on SIGTERM, SIGINT or --exit-when-idle.
public struct Daemon: Sendable {
    private let options: Options
    private let logger: Logger

    /// Creates a daemon.
    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT (or idleness, when asked), then drains the clients' connections, stops
    /// watching the bus, ends every session and releases every device, in that order.
    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)  // A client that hangs up mid-reply is an error return, not a death.
        Self.raiseDescriptorLimit()
        // Before READY=1: a SIGTERM that follows readiness at once must find the handler in place.
        let signals = SignalWatch(signals: [SIGTERM, SIGINT])
        let manager = SessionManager(configuration: configuration(), logger: logger)
        let server = try makeServer(serving: manager)
        let services = ServiceGroup(
            [
                SessionManagerService(manager: manager),
                DeviceWatcherService(watcher: DeviceWatcher(manager: manager, logger: logger)),
                VarlinkServerService(server: server, gracePeriod: options.shutdownGracePeriod, logger: logger),
            ], logger: logger)
        do {
            try await services.start()
        } catch {
            await server.shutdown()  // Never started: the socket file goes with the listener.
            throw error
        }

        let notifier = SystemdNotifier()
        notifier.notify("READY=1\nSTATUS=serving on \(options.socketPath)")
        let supervision = Supervision(manager: manager, server: server, notifier: notifier, exitWhenIdle: options.exitWhenIdle)
        let reason = await withTaskGroup(of: String.self) { stop in
            stop.addTask { "signal \(await signals.next())" }
            stop.addTask { await supervision.untilIdle() }
            let first = await stop.next()!
            stop.cancelAll()
            return first
        }
        logger.info("shutting down", metadata: ["reason": "\(reason)"])
        notifier.notify("STOPPING=1")
        // Monitors end now, each with its final reply: a stream that never ends by itself would otherwise hold the
        // server's drain for its whole grace period.
        manager.hub.finishAll()
        // The server first: its connections' calls end (running transfers cancelled, their partial objects
        // removed) before the watcher stops and the manager ends the sessions and releases the devices.
        await services.stop()
    }

    /// The core's configuration, with the in-flight journal when the state directory takes one.
    private func configuration() -> SessionManager.Configuration {
        var configuration = options.configuration
        if let directory = options.stateDirectory {
            do throws(JournalError) {
                configuration.journal = try InFlightJournal(directory: directory)
                logger.debug("in-flight journal", metadata: ["path": "\(configuration.journal!.path)"])
            } catch {
                logger.warning(
                    "no in-flight journal: partial objects a crash leaves on a device will not be removed",
                    metadata: ["error": "\(error)"])
            }
        }
        return configuration
    }

    /// The server on the socket systemd passed, else on its own path: bound and listening, not yet accepting.
    private func makeServer(serving manager: SessionManager) throws -> VarlinkServer {
        let info = VarlinkServer.Info(
            vendor: "mtpsessiond", product: "mtpsessiond", version: ProductVersion.string,
            url: "https://github.com/mtpsessiond/mtpsessiond")
        let services: [any VarlinkService] = [ManagerService(manager: manager, logger: logger)]
        let logger = logger
        let report: @Sendable (VarlinkServer.LimitHit) -> Void = { hit in
            logger.warning(
                "\(hit)",
                metadata: [
                    "limit": "\(hit.limit.rawValue)", "uid": "\(hit.peer.uid)", "pid": "\(hit.peer.pid)",
                    "connection": "\(hit.connection.map(String.init) ?? "-")",
                ])
        }
        if let fd = SocketActivation.listeningFileDescriptor() {
            let server = try VarlinkServer(
                listeningFileDescriptor: fd, services: services, info: info, limits: options.limits, report: report)
            logger.info("listening on the socket systemd passed")
            return server
        }
        let server = try VarlinkServer(
            socketPath: options.socketPath, mode: options.socketMode, services: services, info: info,
            limits: options.limits, report: report)
        logger.info("listening", metadata: ["socket": "\(options.socketPath)"])
        return server
    }

    /// Lifts the soft descriptor limit to the hard one: each client holds a socket, and the per-uid limit,
    /// not systemd's default soft limit of 1024, should be what bounds them. The daemon uses poll, never select.
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
