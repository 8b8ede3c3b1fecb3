import ManagerContract
import Varlink

/// Why mtpctl stops, with the exit status that tells scripts which kind of trouble it was.
public enum MTPCtlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command line is wrong (exit 64, EX_USAGE).
    case usage(String)
    /// The daemon cannot be reached (exit 69, EX_UNAVAILABLE).
    case daemonUnreachable(String)
    /// The operation failed on this side (exit 1).
    case failed(String)
    /// A local file could not be read or written (exit 74, EX_IOERR).
    case localFile(String)
    /// The daemon answered with one of its interface's errors; `ErrorMessages` gives its words and exit status.
    case daemon(Manager.Error)
    /// The daemon answered with an error outside its interface (the varlink service's own, such as InvalidParameter).
    case varlink(VarlinkError)
    /// Not a failure: a streaming command (monitor --count) has what it asked for and stops reading.
    case finished

    /// The process exit status for this error.
    public var exitStatus: Int32 {
        switch self {
        case .usage: ExitStatus.usage
        case .daemonUnreachable: ExitStatus.unavailable
        case .failed: ExitStatus.failed
        case .localFile: ExitStatus.localFile
        case .daemon(let error): ErrorMessages.exitStatus(error.name)
        case .varlink(let error): ErrorMessages.exitStatus(error)
        case .finished: 0
        }
    }

    /// The message for a person.
    public var description: String {
        switch self {
        case .usage(let m), .daemonUnreachable(let m), .failed(let m), .localFile(let m): m
        case .daemon(let error): ErrorMessages.message(error)
        case .varlink(let error): ErrorMessages.message(error)
        case .finished: ""
        }
    }

    /// The error's name: the daemon's error name for its errors, `mtpctl.KIND` for mtpctl's own.
    public var name: String {
        switch self {
        case .usage: "mtpctl.Usage"
        case .daemonUnreachable: "mtpctl.DaemonUnreachable"
        case .failed: "mtpctl.Failed"
        case .localFile: "mtpctl.LocalFile"
        case .daemon(let error): error.name.qualifiedName
        case .varlink(let error): error.name
        case .finished: "mtpctl.Finished"
        }
    }

    /// The error as `--json` prints it on stdout, one line like every other: its name, the daemon's parameters
    /// (empty for mtpctl's own errors), the message and the exit status.
    public var json: JSONValue {
        let parameters: [String: JSONValue] =
            switch self {
            case .daemon(let error): error.parameters
            case .varlink(let error): error.parameters
            default: [:]
            }
        return .object([
            "error": .string(name), "parameters": .object(parameters), "message": .string(description),
            "exitCode": .int(Int64(exitStatus)),
        ])
    }
}

/// The exit statuses mtpctl uses, from sysexits.h where one fits.
public enum ExitStatus {
    /// The device or operation failed.
    public static let failed: Int32 = 1
    /// EX_USAGE: the command line (or a parameter the daemon refused) is wrong.
    public static let usage: Int32 = 64
    /// EX_UNAVAILABLE: the daemon cannot be reached.
    public static let unavailable: Int32 = 69
    /// EX_IOERR: a local file could not be read or written.
    public static let localFile: Int32 = 74
    /// EX_TEMPFAIL: busy; try again later.
    public static let busy: Int32 = 75
}
