import SessionCore
import Varlink

/// What the daemon does while it serves: STATUS= for systemd when the figures change, a watchdog ping when systemd
/// asked for them, and the --exit-when-idle check; once a second, and at once when a device is identified or leaves,
/// so that "1 device" goes out as soon as a client can use the device (a plug-in or a start waits on that line).
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
        let tick = min(1.0, notifier.watchdogInterval ?? 1.0)
        // Each wake reads the figures afresh, so wakes that pile up while one is handled count as one.
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Subscribed before the first reading: a device identified after it wakes the loop, one before it is counted.
        let deviceChanges = manager.hub.subscribe()
        return await withTaskGroup(of: Void.self) { wakers in
            wakers.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(tick))
                    wake.yield()
                }
            }
            wakers.addTask {
                // Ends at shutdown (the hub finished) or with the group; the timer goes on alone.
                for await event in deviceChanges where event.kind == .deviceAdded || event.kind == .deviceRemoved {
                    wake.yield()
                }
            }
            let reason = await watch(wakes)
            wakers.cancelAll()
            return reason
        }
    }

    /// The figures read at the start and at each wake, until idle long enough or cancelled.
    private func watch(_ wakes: AsyncStream<Void>) async -> String {
        var lastStatus = ""
        var idle = exitWhenIdle.map { IdleCountdown(limit: .seconds($0)) }
        let clock = ContinuousClock()
        var lastPing = clock.now
        var wakeups = wakes.makeAsyncIterator()
        repeat {
            let (attached, identified, sessions) = await manager.counts()
            let clients = server.connectionCount
            let status = Self.status(devices: identified, sessions: sessions, clients: clients)
            if status != lastStatus { notifier.notify("STATUS=\(status)"); lastStatus = status }
            if let interval = notifier.watchdogInterval, clock.now - lastPing >= .seconds(interval) {
                notifier.notify("WATCHDOG=1")
                lastPing = clock.now
            }
            // A device still being opened, or one that could not be, keeps the daemon up as well.
            if let exitWhenIdle, idle?.observe(devices: attached, clients: clients, now: clock.now) == true {
                return "idle for \(exitWhenIdle)s: no device, no client"
            }
        } while await wakeups.next() != nil && !Task.isCancelled
        return "cancelled"
    }
}
