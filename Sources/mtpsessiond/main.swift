import ArgumentParser
import Logging
import SessionAPI
import SessionCore

/// mtpsessiond's command line; everything else lives in SessionAPI and SessionCore.
@main
struct MTPSessionDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtpsessiond",
        abstract: "Own the MTP devices on this machine and serve device sessions over varlink.",
        discussion: """
        mtpsessiond opens MTP players and phones through libmtp, keeps per-device session state, and serves \
        clients (mtpctl, or any varlink client) on a Unix socket. A session (BeginSession/EndSession) opens the \
        device, resolves folders and checks free space once for a whole bundle of transfers. An idle device is \
        released after --linger seconds so other MTP programs can use it.

        Normally started by systemd (mtpsessiond.socket / mtpsessiond.service) when a device is plugged in. \
        To try it by hand:  mtpsessiond --socket /tmp/mtp.sock  and then  mtpctl --socket /tmp/mtp.sock devices
        """)

    @Option(help: "Unix socket to listen on (ignored when systemd passes one).")
    var socket: String = Daemon.defaultSocketPath

    @Option(help: "Seconds an idle device stays open after its last session or operation.")
    var linger: Double = 5

    @Option(help: "Seconds a session outlives its last use unless BeginSession asks otherwise.")
    var lease: Double = 30

    @Option(help: "Socket file mode, octal. Sessions are private to the uid that began them either way.")
    var socketMode: String = "666"

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: "Exit after this many seconds with no device attached and no client connected; udev and the socket start it again.")
    var exitWhenIdle: Double?

    func validate() throws {
        guard linger >= 0 else { throw ValidationError("--linger must be 0 or more seconds") }
        guard lease > 0 else { throw ValidationError("--lease must be more than 0 seconds") }
        guard UInt32(socketMode, radix: 8) != nil else { throw ValidationError("--socket-mode is octal, e.g. 660") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if let exitWhenIdle, exitWhenIdle <= 0 { throw ValidationError("--exit-when-idle must be more than 0 seconds") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            if JournalLogHandler.stderrIsJournal { return JournalLogHandler(level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "mtpsessiond")
        let options = Daemon.Options(socketPath: socket, socketMode: UInt32(socketMode, radix: 8)!,
                                     configuration: .init(linger: linger, defaultLease: lease), exitWhenIdle: exitWhenIdle)
        do {
            try await Daemon(options: options, logger: logger).run()
        } catch {
            logger.critical("mtpsessiond cannot run: \(error)")
            throw ExitCode(1)
        }
    }
}
