/// Why mtpctl stops, with the exit status that tells scripts which kind of trouble it was.
public enum MTPCtlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command line is wrong (exit 64, EX_USAGE).
    case usage(String)
    /// The daemon cannot be reached (exit 69, EX_UNAVAILABLE).
    case daemonUnreachable(String)
    /// The device or operation failed (exit 1).
    case failed(String)
    /// The device is held by another session (exit 75, EX_TEMPFAIL: try again later).
    case busy(String)
    /// A local file could not be read or written (exit 74, EX_IOERR).
    case localFile(String)
    /// Not a failure: a streaming command (monitor --count) has what it asked for and stops reading.
    case finished

    /// The process exit status for this error.
    public var exitStatus: Int32 {
        switch self {
        case .usage: 64
        case .daemonUnreachable: 69
        case .failed: 1
        case .busy: 75
        case .localFile: 74
        case .finished: 0
        }
    }

    /// The message for stderr.
    public var description: String {
        switch self {
        case .usage(let m), .daemonUnreachable(let m), .failed(let m), .busy(let m), .localFile(let m): m
        case .finished: ""
        }
    }
}
