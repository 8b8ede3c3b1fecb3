import SessionModel

/// Why an operation waits for its device, as its caller may be told: how many operations run first, and the
/// exclusive session it waits for (its id to its owner, "*" to anyone else).
public struct QueueWait: Sendable, Equatable {
    /// Operations that run before it.
    public var ahead: Int
    /// The exclusive session holding the device, as the caller may see it.
    public var heldBy: String?
}

/// Hears why an operation waits, when it must.
public typealias WaitingSink = @Sendable (QueueWait) -> Void

/// What a waiting operation is told when its wait ends.
enum Admission: Sendable {
    /// Its turn: run now, then `leave`.
    case granted
    /// It will not run: its time ran out, its client went away, or the device did.
    case refused(ServiceError)
}

// Each device's queue (`DeviceQueue`): every operation takes a ticket and waits for its turn, so the device runs
// one PTP operation at a time and every client gets in, in fair turns, instead of being refused.
extension SessionManager {
    /// How long an operation waits for its device unless the call says otherwise.
    public static let defaultTimeout: Double = 60

    /// Waits for the turn of an operation on `serial` in `lane` (nil: an operation outside any session), up to
    /// `timeout` seconds; then DeviceBusy says why it is still waiting. The caller runs its operation and then
    /// calls `leave` with the ticket. A cancelled task (its client went away) leaves the line at once.
    func admit(
        _ serial: String, lane: DeviceQueue.Lane?, caller: Caller, timeout: Double, waiting: WaitingSink? = nil
    ) async throws(ServiceError) -> DeviceQueue.Ticket {
        lastTicket += 1
        let ticket = DeviceQueue.Ticket(id: lastTicket, lane: lane ?? .single(lastTicket), owner: caller.uid)
        queues[serial, default: DeviceQueue()].enqueue(ticket)
        dispatch(serial)
        if case .granted? = decided[ticket.id] {
            decided[ticket.id] = nil
            return ticket
        }
        if let wait = queues[serial]?.wait(of: ticket.id) {
            waiting?(QueueWait(ahead: wait.ahead, heldBy: holder(of: wait, on: serial, shownTo: caller)))
            logger.info(
                "waiting for the device",
                metadata: [
                    "device": "\(serial)", "ahead": "\(wait.ahead)", "heldBy": "\(wait.heldBy ?? "-")",
                    "uid": "\(caller.uid)", "pid": "\(caller.pid)",
                ])
        }
        let timer = Task { [weak self] in
            // A timer, not synchronisation: the queue decides whether the ticket still waits when it fires.
            try? await Task.sleep(for: .seconds(max(0, timeout)))
            guard !Task.isCancelled else { return }
            await self?.timedOut(ticket, on: serial, caller: caller)
        }
        defer { timer.cancel() }
        let admission = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Admission, Never>) in
                if let early = decided.removeValue(forKey: ticket.id) {
                    c.resume(returning: early)
                } else {
                    parked[ticket.id] = c
                }
            }
        } onCancel: {
            Task { await self.abandoned(ticket, on: serial) }
        }
        switch admission {
        case .granted: return ticket
        case .refused(let error): throw error
        }
    }

    /// The operation holding `ticket` ended: the next in turn runs.
    func leave(_ ticket: DeviceQueue.Ticket, on serial: String) {
        // A device unplugged meanwhile dropped its queue; one plugged in again under the serial has a new one.
        guard queues[serial]?.running == ticket else { return }
        queues[serial]!.finish(ticket)
        dispatch(serial)
        if let q = queues[serial], q.isEmpty, q.holder == nil { queues[serial] = nil }
    }

    /// Grants the next ticket on `serial` when the device is free.
    func dispatch(_ serial: String) {
        guard let ticket = queues[serial]?.grant() else { return }
        settle(ticket.id, .granted)
    }

    /// Ends a wait with `admission`, whether the waiter parked already or is about to.
    private func settle(_ id: UInt64, _ admission: Admission) {
        if let c = parked.removeValue(forKey: id) { c.resume(returning: admission) } else { decided[id] = admission }
    }

    private func timedOut(_ ticket: DeviceQueue.Ticket, on serial: String, caller: Caller) {
        guard let wait = queues[serial]?.wait(of: ticket.id) else { return }  // Granted or gone meanwhile.
        queues[serial]!.withdraw(ticket.id)
        logger.info(
            "gave up waiting for the device: the caller's time ran out",
            metadata: ["device": "\(serial)", "ahead": "\(wait.ahead)", "uid": "\(caller.uid)", "pid": "\(caller.pid)"])
        settle(
            ticket.id,
            .refused(
                .deviceBusy(
                    device: serial, session: holder(of: wait, on: serial, shownTo: caller), ahead: wait.ahead,
                    message: nil)))
    }

    /// The exclusive session `wait` waits for, named as `caller` may see it.
    private func holder(of wait: DeviceQueue.Wait, on serial: String, shownTo caller: Caller) -> String? {
        shown(wait.heldBy.flatMap { id in table.sessions(on: serial).first { $0.id == id } }, to: caller)
    }

    /// The client went away while waiting: its ticket leaves the line at once.
    private func abandoned(_ ticket: DeviceQueue.Ticket, on serial: String) {
        guard queues[serial]?.withdraw(ticket.id) == true else { return }
        logger.debug("a waiting operation's client went away; it left the queue", metadata: ["device": "\(serial)"])
        settle(ticket.id, .refused(.transferCancelled("queued operation")))
    }

    /// The device went away: nothing waiting for it will run.
    func dropQueue(of serial: String) {
        guard var q = queues.removeValue(forKey: serial) else { return }
        for ticket in q.withdrawAll() { settle(ticket.id, .refused(.deviceGone(device: serial))) }
    }
}
