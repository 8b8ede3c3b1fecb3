#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Tells systemd how the service is doing (sd_notify's protocol: datagrams to $NOTIFY_SOCKET): READY=1 once
/// serving, STATUS= lines, WATCHDOG=1 pings. Without NOTIFY_SOCKET every call is a no-op.
public struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// How often to ping the watchdog (half of WatchdogSec), when systemd asked for pings.
    public let watchdogInterval: Double?

    /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment.
    public init(environment: [String: String] = Environment.current) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0,
            environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true
        {
            watchdogInterval = usec / 2e6
        } else {
            watchdogInterval = nil
        }
    }

    /// Whether systemd is listening.
    public var isActive: Bool { socketPath != nil }

    /// Sends one notification ("READY=1\nSTATUS=…").
    public func notify(_ text: String) {
        guard let path = socketPath, let address = UnixSocketAddress(path: path),
            let fd = try? UnixSocket.makeDatagram()
        else { return }
        defer { close(fd) }
        let message = Array(text.utf8)
        // Never blocks: a notification systemd is too busy to take is dropped, not waited for.
        _ = message.withUnsafeBytes { try? UnixSocket.send(fd, $0, to: address, flags: Int32(MSG_DONTWAIT)) }
    }
}
