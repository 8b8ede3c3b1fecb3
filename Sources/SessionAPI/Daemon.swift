#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
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
        /// Creates options.
        public init(socketPath: String, socketMode: UInt32, configuration: SessionManager.Configuration) {
            self.socketPath = socketPath; self.socketMode = socketMode; self.configuration = configuration
        }
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
        let manager = SessionManager(configuration: options.configuration, logger: logger)
        let watcher = DeviceWatcher(manager: manager, logger: logger)
        let server: VarlinkServer
        let info = VarlinkServer.Info(vendor: "mtpsessiond", product: "mtpsessiond", version: "0.1",
                                      url: "https://github.com/mtpsessiond/mtpsessiond")
        let services: [any VarlinkService] = [ManagerService(manager: manager, logger: logger)]
        if let fd = Self.socketActivationFD() {
            server = try VarlinkServer(listeningFileDescriptor: fd, services: services, info: info)
            logger.info("listening on the socket systemd passed")
        } else {
            server = try VarlinkServer(socketPath: options.socketPath, mode: options.socketMode, services: services, info: info)
            logger.info("listening", metadata: ["socket": "\(options.socketPath)"])
        }
        try watcher.start()

        let signals = SignalWatch(signals: [SIGTERM, SIGINT])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                let signal = await signals.next()
                logger.info("shutting down", metadata: ["signal": "\(signal)"])
                watcher.stop()
                await manager.shutdown()
                await server.shutdown()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The listening socket systemd passed (LISTEN_FDS, LISTEN_PID), if any.
    static func socketActivationFD() -> Int32? {
        let env = ProcessInfo.processInfo.environment
        guard let pid = env["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
              let count = env["LISTEN_FDS"].flatMap(Int.init), count >= 1 else { return nil }
        unsetenv("LISTEN_PID"); unsetenv("LISTEN_FDS"); unsetenv("LISTEN_FDNAMES")
        return 3  // SD_LISTEN_FDS_START
    }
}

/// Delivers SIGTERM/SIGINT as an awaitable value instead of an asynchronous interruption.
final class SignalWatch: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    init(signals: [Int32]) {
        let (stream, sink) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { sink.yield(number) }
            source.resume()
            return source
        }
    }

    /// The next signal.
    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}
