#if canImport(Glibc)
import Glibc
#endif
import ManagerContract
import Varlink

/// What every mtpctl command shares: where the daemon is, how to print, and the connection once made.
public struct Context {
    /// The daemon's socket.
    public var socketPath: String
    /// Print JSON for scripts instead of text for people.
    public var json: Bool
    /// Stdout carries a file's data (`get … -`), so a JSON error goes to stderr instead.
    public var dataOnStdout = false
    /// How long each call waits for the device's turn; nil for the daemon's default.
    public var timeout: Double?

    /// The socket mtpctl uses when --socket is not given: $MTPSESSIOND_SOCKET, else systemd's.
    public static var defaultSocket: String {
        getenv("MTPSESSIOND_SOCKET").map { String(cString: $0) } ?? "/run/mtpsessiond/socket"
    }

    /// Creates a context.
    public init(socketPath: String, json: Bool, timeout: Double? = nil) {
        self.socketPath = socketPath; self.json = json; self.timeout = timeout
    }

    func connect() throws(MTPCtlError) -> DaemonClient { try DaemonClient(socketPath: socketPath) }

    /// Prints a line to stdout.
    func say(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { b in _ = write(STDOUT_FILENO, b.baseAddress, b.count) }
    }

    /// Prints a JSON value as one line to stdout.
    func emit(_ value: JSONValue) { say(value.serializedText) }

    /// Reports why a command stopped: with --json, as one JSON object on stdout like every other line (on stderr
    /// when stdout carries a file's data); else as words on stderr.
    public func report(_ error: MTPCtlError) {
        guard error.exitStatus != 0 else { return }
        if json && dataOnStdout {
            writeStderr(error.json.serializedText + "\n")
        } else if json {
            emit(error.json)
        } else {
            writeStderr("mtpctl: \(error.description)\n")
        }
    }
}

extension Context {
    /// Says why a call waits for its device: with --json one object on stdout like every other line (stderr when
    /// stdout carries a file's data), else a line on stderr.
    func sayWaiting(_ wait: Manager.Waiting, device: String) {
        if json && !dataOnStdout { return emit(.object(["waiting": .object(wait.fields)])) }
        if json { return writeStderr(JSONValue.object(["waiting": .object(wait.fields)]).serializedText + "\n") }
        let why =
            wait.heldBy.map { $0 == "*" ? "held by another user's exclusive session" : "held by your exclusive session \($0)" }
            ?? "\(wait.ahead) operation\(wait.ahead == 1 ? "" : "s") ahead"
        let limit = timeout.map { "\($0)" } ?? "60"
        writeStderr(
            "mtpctl: waiting for \(device.isEmpty ? "the device" : device): \(why) (up to \(limit) s; --timeout changes it)\n")
    }

    /// The updates of a call that moves no data: each says why it still waits.
    func waitingUpdates(_ device: String) -> (Manager.WaitingUpdate) throws(MTPCtlError) -> Void {
        { update in sayWaiting(update.waiting, device: device) }
    }
}

extension JSONValue {
    /// Compact JSON text.
    var serializedText: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Session types mtpctl uses when none are given, the same for begin and end so they always match.
public let defaultSessionTypes = "transferToDevice,transferFromDevice,delete"
