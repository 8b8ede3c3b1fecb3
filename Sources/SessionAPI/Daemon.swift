#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Logging
import ManagerContract
import ProductVersion
import SessionCore
import Varlink

/// The running daemon: the session manager, the USB watcher feeding it, and the varlink server in front,
/// shut down in reverse order on SIGTERM or SIGINT.
public struct Daemon: Sendable {
    /// What the command line decides.
    public struct Options: Sendable {
        /// Where to listen, when not socket-activated.
        public var socketPath: String
        /// Socket file mode; access control is by uid per session, so everyone may connect by default.
        public var socketMode: UInt32
        /// Core tunables.
        public var configuration: SessionManager.Configuration
        /// Exit after this many seconds with no device attached and no client connected (nil: never).
        public var exitWhenIdle: Double?
        /// What one user's clients may hold of the server (connections, stalls, unread replies).
        public var limits: VarlinkServer.Limits
        /// Where the in-flight journal lives; nil keeps none.
        public var stateDirectory: String?
        /// Creates options.
        public init(socketPath: String, socketMode: UInt32, configuration: SessionManager.Configuration, exitWhenIdle: Double? = nil,
                    stateDirectory: String? = nil, limits: VarlinkServer.Limits = Daemon.limits()) {
            self.socketPath = socketPath; self.socketMode = socketMode; self.configuration = configuration
            self.exitWhenIdle = exitWhenIdle; self.stateDirectory = stateDirectory; self.limits = limits
        }
    }

    /// Where state goes without --state-directory: systemd's StateDirectory=, else the XDG state home.
    public static func defaultStateDirectory(_ environment: [String: String]) -> String? {
        if let systemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return String(systemd) }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/mtpsessiond" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.local/state/mtpsessiond" }
        return nil
    }

    /// The server's limits with the daemon's error interface, so a refused client reads
    /// `org.mtpsessiond.Manager.LimitReached`.
    public static func limits(connectionsPerUID: Int = 128, stallSeconds: Double = 30, queuedReplyBytes: Int = 8 << 20) -> VarlinkServer.Limits {
        VarlinkServer.Limits(connectionsPerUID: connectionsPerUID, stallSeconds: stallSeconds, queuedReplyBytes: queuedReplyBytes,
                             errorInterface: Manager.interfaceName)
    }

    /// The default socket, as systemd's unit provides it.
    public static let defaultSocketPath = "/run/mtpsessiond/socket"

    private let options: Options
    private let logger: Logger

    /// Creates a daemon.
    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT, then ends every session and releases every device.
    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)  // A client that hangs up mid-reply is an error return, not a death.
        Self.raiseDescriptorLimit()
        // Before READY=1: a SIGTERM that follows readiness at once must find the handler in place.
        let signals = SignalWatch(signals: [SIGTERM, SIGINT])
        var configuration = options.configuration
        if let directory = options.stateDirectory {
            do throws(JournalError) {
                configuration.journal = try InFlightJournal(directory: directory)
                logger.debug("in-flight journal", metadata: ["path": "\(configuration.journal!.path)"])
            } catch {
                logger.warning("no in-flight journal: partial objects a crash leaves on a device will not be removed",
                               metadata: ["error": "\(error)"])
            }
        }
        let manager = SessionManager(configuration: configuration, logger: logger)
        let watcher = DeviceWatcher(manager: manager, logger: logger)
        let server: VarlinkServer
        let info = VarlinkServer.Info(vendor: "mtpsessiond", product: "mtpsessiond", version: ProductVersion.string,
                                      url: "https://github.com/mtpsessiond/mtpsessiond")
        let services: [any VarlinkService] = [ManagerService(manager: manager, logger: logger)]
        let report: @Sendable (VarlinkServer.LimitHit) -> Void = { hit in
            logger.warning("\(hit)", metadata: ["limit": "\(hit.limit.rawValue)", "uid": "\(hit.peer.uid)", "pid": "\(hit.peer.pid)",
                                                "connection": "\(hit.connection.map(String.init) ?? "-")"])
        }
        if let fd = Self.socketActivationFD() {
            server = try VarlinkServer(listeningFileDescriptor: fd, services: services, info: info, limits: options.limits, report: report)
            logger.info("listening on the socket systemd passed")
        } else {
            server = try VarlinkServer(socketPath: options.socketPath, mode: options.socketMode, services: services, info: info,
                                       limits: options.limits, report: report)
            logger.info("listening", metadata: ["socket": "\(options.socketPath)"])
        }
        try watcher.start()

        let notifier = SystemdNotifier()
        notifier.notify("READY=1\nSTATUS=serving on \(options.socketPath)")
        let exitWhenIdle = options.exitWhenIdle
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                let reason = await withTaskGroup(of: String.self) { stop in
                    stop.addTask { "signal \(await signals.next())" }
                    stop.addTask { await Self.superviseUntilIdle(manager: manager, server: server, notifier: notifier, exitWhenIdle: exitWhenIdle) }
                    let first = await stop.next()!
                    stop.cancelAll()
                    return first
                }
                logger.info("shutting down", metadata: ["reason": "\(reason)"])
                notifier.notify("STOPPING=1")
                watcher.stop()
                // Connections first: their running transfers are cancelled (and their partial objects
                // removed) before the sessions end and the devices are released.
                // A short grace: quick calls are answered, and transfers and Monitor calls still running are
                // cancelled, as systemd's stop timeout wants.
                await server.shutdown(gracePeriod: .seconds(2))
                await manager.shutdown()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Once a second: STATUS= for systemd, a watchdog ping when asked for, and the idle check for
    /// --exit-when-idle. Returns the reason to stop, or nothing until cancelled.
    static func superviseUntilIdle(manager: SessionManager, server: VarlinkServer, notifier: SystemdNotifier,
                                   exitWhenIdle: Double?) async -> String {
        var lastStatus = ""
        var idleSince: ContinuousClock.Instant?
        let clock = ContinuousClock()
        var lastPing = clock.now
        let tick = min(1.0, notifier.watchdogInterval ?? 1.0)
        while !Task.isCancelled {
            let (devices, sessions) = await manager.counts()
            let clients = server.connectionCount
            let status = "\(devices) device\(devices == 1 ? "" : "s"), \(sessions) session\(sessions == 1 ? "" : "s"), \(clients) client\(clients == 1 ? "" : "s")"
            if status != lastStatus { notifier.notify("STATUS=\(status)"); lastStatus = status }
            if let interval = notifier.watchdogInterval, clock.now - lastPing >= .seconds(interval) {
                notifier.notify("WATCHDOG=1")
                lastPing = clock.now
            }
            if let exitWhenIdle {
                if devices == 0 && clients == 0 {
                    let since = idleSince ?? clock.now
                    idleSince = since
                    if clock.now - since >= .seconds(exitWhenIdle) { return "idle for \(exitWhenIdle)s: no device, no client" }
                } else {
                    idleSince = nil
                }
            }
            // A timer: what it checks is read afresh each time.
            try? await Task.sleep(for: .seconds(tick))
        }
        return "cancelled"
    }

    /// Lifts the soft descriptor limit to the hard one: each client holds a socket, and the per-uid limit,
    /// not systemd's default soft limit of 1024, should be what bounds them. The daemon uses poll, never select.
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// The listening socket systemd passed (LISTEN_FDS, LISTEN_PID), if any.
    static func socketActivationFD() -> Int32? {
        let env = Environment.current
        guard let pid = env["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
              let count = env["LISTEN_FDS"].flatMap(Int.init), count >= 1 else { return nil }
        unsetenv("LISTEN_PID"); unsetenv("LISTEN_FDS"); unsetenv("LISTEN_FDNAMES")
        return 3  // SD_LISTEN_FDS_START
    }
}

/// Delivers SIGTERM/SIGINT as an awaitable value instead of an asynchronous interruption.
///
/// A real handler that writes the signal's number to a pipe (the self-pipe trick), read by a dispatch source.
/// A dispatch signal source needs the signal ignored, and an ignored signal that the kernel hands to a thread
/// which does not block it is simply dropped: about one SIGTERM in 170 right after start-up on a loaded machine
/// was lost, and the daemon never stopped. A handler runs on whichever thread the signal lands on.
final class SignalWatch: @unchecked Sendable {
    private let source: DispatchSourceRead
    private let stream: AsyncStream<Int32>

    init(signals: [Int32]) {
        let (stream, sink) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        signalPipeWriteEnd = fds[1]
        let readEnd = fds[0]
        source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        source.setEventHandler {
            var number: UInt8 = 0
            while read(readEnd, &number, 1) == 1 { sink.yield(Int32(number)) }
        }
        source.resume()
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)  // Async-signal-safe; a full pipe drops a repeat, harmlessly.
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// The next signal.
    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}

/// The pipe's write end for the signal handler, which can capture nothing. Set once, before any handler.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
