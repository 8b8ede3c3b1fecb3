import ArgumentParser
import DaemonRuntime
import Logging
import ProductVersion
import SessionAPI
import SessionCore

/// mtpsessiond's command line; the process runtime lives in DaemonRuntime, the interface in SessionAPI.
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
            """,
        version: ProductVersion.string)

    @Option(help: "Unix socket to listen on (ignored when systemd passes one).", completion: .file())
    var socket: String = Daemon.defaultSocketPath

    @Option(help: "Seconds an idle device stays open after its last session or operation.")
    var linger: Double = 5

    @Option(help: "Seconds a session outlives its last use unless BeginSession asks otherwise.")
    var lease: Double = 30

    @Option(
        help: ArgumentHelp(
            """
            Socket file mode, octal: who may connect (0660: the socket's owner and group; systemd's socket unit makes that \
            the mtpsessiond group). Sessions are private to the uid that began them either way.
            """, valueName: "octal"))
    var socketMode: String = "660"

    @Option(
        help: ArgumentHelp(
            """
            Where the daemon notes the files it is sending, so that after a crash it removes the partial objects they left \
            on a device (default: $STATE_DIRECTORY from systemd, else $XDG_STATE_HOME/mtpsessiond, else ~/.local/state/mtpsessiond).
            """, valueName: "dir"), completion: .directory)
    var stateDirectory: String?

    @Option(
        help: ArgumentHelp(
            """
            Seconds a transfer may go without progress before the device is taken for hung and its USB port is reset, \
            which ends the transfer with an error at once (libmtp alone would wait about three minutes). 0 never resets.
            """, valueName: "seconds"))
    var transferStallTimeout: Double = 30

    @Option(
        help: "trace, debug, info, notice, warning, error or critical.",
        completion: .list(["trace", "debug", "info", "notice", "warning", "error", "critical"]))
    var logLevel: String = "info"

    @Option(
        help: "Exit after this many seconds with no device attached and no client connected; udev and the socket start it again.")
    var exitWhenIdle: Double?

    @Option(
        help: ArgumentHelp(
            "Connections one user (uid, root included) may have open at once; the next is told LimitReached and closed.",
            valueName: "n"))
    var maxConnectionsPerUid: Int = 128

    @Option(
        help: ArgumentHelp(
            """
            Seconds a client may take to finish a message it began, or to read any of a reply that no longer fits its socket, \
            before it is disconnected. A connection with nothing half-sent and no reply stuck (an idle client, a Monitor \
            between events) is never timed out.
            """, valueName: "seconds"))
    var stallTimeout: Double = 30

    @Option(
        help: ArgumentHelp(
            "Bytes of replies a client may leave unread behind the one being sent; past that it is disconnected.",
            valueName: "bytes"))
    var maxQueuedReplyBytes: Int = 8 << 20

    func validate() throws {
        guard linger >= 0 else { throw ValidationError("--linger must be 0 or more seconds") }
        guard lease > 0 else { throw ValidationError("--lease must be more than 0 seconds") }
        guard transferStallTimeout >= 0 else {
            throw ValidationError("--transfer-stall-timeout must be 0 (never) or more seconds")
        }
        guard UInt32(socketMode, radix: 8) != nil else { throw ValidationError("--socket-mode is octal, e.g. 660") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if let exitWhenIdle, exitWhenIdle <= 0 { throw ValidationError("--exit-when-idle must be more than 0 seconds") }
        guard maxConnectionsPerUid >= 1 else { throw ValidationError("--max-connections-per-uid must be 1 or more") }
        guard stallTimeout > 0 else { throw ValidationError("--stall-timeout must be more than 0 seconds") }
        guard maxQueuedReplyBytes >= 0 else { throw ValidationError("--max-queued-reply-bytes must be 0 or more") }
    }

    func run() async throws {
        DaemonLogging.bootstrap(level: Logger.Level(rawValue: logLevel)!)
        let logger = Logger(label: "mtpsessiond")
        let options = Daemon.Options(
            socketPath: socket, socketMode: UInt32(socketMode, radix: 8)!,
            configuration: .init(
                linger: linger, defaultLease: lease,
                transferStallTimeout: transferStallTimeout > 0 ? transferStallTimeout : nil),
            exitWhenIdle: exitWhenIdle,
            stateDirectory: stateDirectory ?? Daemon.defaultStateDirectory(),
            limits: ManagerService.limits(
                connectionsPerUID: maxConnectionsPerUid, stallSeconds: stallTimeout,
                queuedReplyBytes: maxQueuedReplyBytes))
        do {
            try await Daemon(options: options, logger: logger).run()
        } catch {
            logger.critical("mtpsessiond cannot run: \(error)")
            throw ExitCode(1)
        }
    }
}
