import SessionCore
import Varlink

/// What the daemon does once a second while it serves: STATUS= for systemd when the figures change, a watchdog
/// ping when systemd asked for them, and the --exit-when-idle check.
struct Supervision: Sendable {
    /// Where the device and session counts come from.
    let manager: SessionManager
    /// Where the client count comes from.
    let server: VarlinkServer
    /// Where STATUS= and WATCHDOG=1 go.
    let notifier: SystemdNotifier
    /// Seconds with no device and no client after which the daemon ends; nil: never.
    let exitWhenIdle: Double?

    /// The STATUS= text: the figures `systemctl status` shows and the benchmarks wait on.
    static func status(devices: Int, sessions: Int, clients: Int) -> String {
        "\(devices) device\(devices == 1 ? "" : "s"), \(sessions) session\(sessions == 1 ? "" : "s"), \(clients) client\(clients == 1 ? "" : "s")"
    }

    /// Runs until the daemon has been idle long enough, and returns the reason to stop; until cancelled
    /// otherwise.
    func untilIdle() async -> String {
        var lastStatus = ""
        var idle = exitWhenIdle.map { IdleCountdown(limit: .seconds($0)) }
        let clock = ContinuousClock()
        var lastPing = clock.now
        let tick = min(1.0, notifier.watchdogInterval ?? 1.0)
        while !Task.isCancelled {
            let (devices, sessions) = await manager.counts()
            let clients = server.connectionCount
            let status = Self.status(devices: devices, sessions: sessions, clients: clients)
            if status != lastStatus { notifier.notify("STATUS=\(status)"); lastStatus = status }
            if let interval = notifier.watchdogInterval, clock.now - lastPing >= .seconds(interval) {
                notifier.notify("WATCHDOG=1")
                lastPing = clock.now
            }
            if let exitWhenIdle, idle?.observe(devices: devices, clients: clients, now: clock.now) == true {
                return "idle for \(exitWhenIdle)s: no device, no client"
            }
            // A timer: what it checks is read afresh each time.
            try? await Task.sleep(for: .seconds(tick))
        }
        return "cancelled"
    }
}
