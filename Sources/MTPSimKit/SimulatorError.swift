/// Why mtpsim could not set up or run.
public enum SimulatorError: Error, CustomStringConvertible {
    /// The command after `--` could not be started.
    case cannotRun(command: String, reason: String)
    /// A `--storage` directory is unusable.
    case badStorage(path: String, reason: String)
    /// The testbed refused a device.
    case testbed(String)
    /// The control socket could not be set up or reached.
    case control(String)

    /// A message that says what went wrong and what to do.
    public var description: String {
        switch self {
        case .cannotRun(let command, let reason):
            return "cannot run '\(command)': \(reason) (is it installed and in PATH?)"
        case .badStorage(let path, let reason):
            return "storage directory '\(path)': \(reason) (create it, or omit --storage for an in-memory storage)"
        case .testbed(let m):
            return "cannot emulate the device: \(m) (is the umockdev package installed?)"
        case .control(let m):
            return "control socket: \(m)"
        }
    }
}
