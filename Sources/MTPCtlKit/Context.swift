#if canImport(Glibc)
import Glibc
#endif
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

extension JSONValue {
    /// Compact JSON text.
    var serializedText: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Session types mtpctl uses when none are given, the same for begin and end so they always match.
public let defaultSessionTypes = "transferToDevice,transferFromDevice,delete"
