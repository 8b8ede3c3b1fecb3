import SessionAPI
import SessionCore
import Varlink

extension Daemon {
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
        /// How long the calls under way at SIGTERM may run on before they are cancelled: short, so quick calls
        /// are answered while transfers and Monitor calls end well inside systemd's stop timeout.
        public var shutdownGracePeriod: Duration

        /// Creates options.
        public init(
            socketPath: String, socketMode: UInt32, configuration: SessionManager.Configuration, exitWhenIdle: Double? = nil,
            stateDirectory: String? = nil, limits: VarlinkServer.Limits = ManagerService.limits(),
            shutdownGracePeriod: Duration = .seconds(2)
        ) {
            self.socketPath = socketPath; self.socketMode = socketMode; self.configuration = configuration
            self.exitWhenIdle = exitWhenIdle; self.stateDirectory = stateDirectory; self.limits = limits
            self.shutdownGracePeriod = shutdownGracePeriod
        }
    }

    /// Where state goes without --state-directory: systemd's StateDirectory=, else the XDG state home.
    public static func defaultStateDirectory(_ environment: [String: String] = Environment.current) -> String? {
        if let systemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return String(systemd) }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/mtpsessiond" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.local/state/mtpsessiond" }
        return nil
    }

    /// The default socket, as systemd's unit provides it.
    public static let defaultSocketPath = "/run/mtpsessiond/socket"
}
