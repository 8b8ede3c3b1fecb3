import Logging
import MTPProvider
import SessionModel
import SystemCalls

/// The daemon core: the devices it owns, the sessions on them, and every operation a client can ask for.
///
/// This actor only decides and dispatches; each device's work runs on that device's own actor and thread,
/// so a slow device never holds up the manager, the socket or another device.
public actor SessionManager {
    /// Tunables from the command line.
    public struct Configuration: Sendable {
        /// Seconds an idle device stays open after its last session or operation.
        public var linger: Double
        /// Seconds a session outlives its last use unless BeginSession says otherwise.
        public var defaultLease: Double
        /// Where sends in flight are noted so that a restart removes what a crash left; nil keeps no journal.
        public var journal: InFlightJournal?
        /// Seconds a transfer may go without progress before the device's USB port is reset; nil never.
        public var transferStallTimeout: Double?
        /// Creates a configuration.
        public init(
            linger: Double = 5, defaultLease: Double = 30, journal: InFlightJournal? = nil, transferStallTimeout: Double? = 30
        ) {
            self.linger = linger
            self.defaultLease = defaultLease
            self.journal = journal
            self.transferStallTimeout = transferStallTimeout
        }
    }

    private struct Attachment {
        var actor: DeviceActor
        var serial: String?
        /// The opening that learns the serial, shared by everyone who needs it meanwhile.
        var probing: Task<Void, Never>?
        /// Why the last opening failed, to tell a client that asks for the device.
        var probeError: ServiceError?
    }

    private let configuration: Configuration
    private var attachments: [USBLocation: Attachment] = [:]
    private var table = SessionTable()
    private var activeUses: [String: Int] = [:]
    private var waiters: [String: [BusyWaiter]] = [:]
    private var leaseTimer: Task<Void, Never>?
    /// Running transfers, for Cancel.
    public nonisolated let transfers = TransferRegistry()
    /// Device events, for Monitor.
    public nonisolated let hub = EventHub()
    private let logger: Logger

    /// Creates a manager with no devices yet; feed it with `attached`/`detached`.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Devices coming and going

    /// A USB device arrived: if it is an MTP device, open it once to learn its serial, then let it linger.
    public func attached(_ device: AttachedDevice) async {
        let location = USBLocation(device)
        guard attachments[location] == nil else { return }  // Hotplug may repeat itself.
        let actor = DeviceActor(
            attached: device, linger: configuration.linger, hub: hub, journal: configuration.journal,
            stallTimeout: configuration.transferStallTimeout, logger: logger)
        attachments[location] = Attachment(actor: actor, serial: nil)
        await probe(location)
    }

    /// Learns the serial of the device at `location` unless known; concurrent callers share one opening.
    private func probe(_ location: USBLocation) async {
        guard let attachment = attachments[location], attachment.serial == nil else { return }
        if let running = attachment.probing { return await running.value }
        let task = Task { await self.runProbe(location) }
        attachments[location]?.probing = task
        await task.value
        attachments[location]?.probing = nil
    }

    private func runProbe(_ location: USBLocation) async {
        guard let actor = attachments[location]?.actor else { return }
        do {
            var serial = try await actor.probe().serial
            if serial.isEmpty || attachments.contains(where: { $0.key != location && $0.value.serial == serial }) {
                serial = "\(serial)@\(location.bus)-\(location.address)"
            }
            guard attachments[location] != nil else { return }  // Unplugged while probing.
            attachments[location]!.serial = serial
            attachments[location]!.probeError = nil
            logger.info("device attached", metadata: ["device": "\(serial)", "usb": "\(location)"])
            hub.publish(DeviceEvent(kind: .deviceAdded, device: serial, storage: nil, object: nil))
        } catch {
            attachments[location]?.probeError = error
            logger.warning(
                "an MTP device could not be opened; will retry when asked",
                metadata: ["usb": "\(location)", "error": "\(error)"])
        }
    }

    /// A USB device left: its sessions end, running work fails, Monitor hears of it.
    public func detached(bus: UInt32, address: UInt32) async {
        let location = USBLocation(bus: bus, address: address)
        guard let attachment = attachments.removeValue(forKey: location) else { return }
        await attachment.actor.unplugged()
        guard let serial = attachment.serial else { return }
        for session in table.endAll(on: serial) {
            logger.warning(
                "session ended: its device was unplugged", metadata: ["session": "\(session.id)", "device": "\(serial)"])
        }
        wakeWaiters(for: serial)
        logger.info("device detached", metadata: ["device": "\(serial)"])
        hub.publish(DeviceEvent(kind: .deviceRemoved, device: serial, storage: nil, object: nil))
    }

    private var serials: [String] { attachments.values.compactMap(\.serial) }

    /// How `session` is named to `caller`: its id to its owner, root and the daemon itself; to another user
    /// only "*" (held by someone else's session), so one user never learns another's session id.
    private func shown(_ session: DeviceSession?, to caller: Caller?) -> String? {
        guard let session else { return nil }
        guard let caller, caller.uid != session.owner, caller.uid != SessionTable.rootUID else { return session.id }
        return "*"
    }

    private func actor(forSerial serial: String) -> DeviceActor? {
        attachments.values.first { $0.serial == serial }?.actor
    }

    /// Resolves a client's device name; devices that failed to open at arrival get another try first.
    private func resolveDevice(_ name: String) async throws(ServiceError) -> (String, DeviceActor) {
        for (location, a) in attachments where a.serial == nil { await probe(location) }
        switch DeviceSelector.resolve(name, among: serials) {
        case .success(let serial): return (serial, actor(forSerial: serial)!)
        case .failure(.noMatch(let name, let attached)):
            // A device that is there but would not open is a better answer than "no device".
            if attached.isEmpty, let failed = attachments.values.lazy.compactMap(\.probeError).first { throw failed }
            throw .noSuchDevice(name: name, attached: attached)
        case .failure(.ambiguous(let name, let candidates)): throw .ambiguousDevice(name: name, candidates: candidates)
        }
    }

    /// How many devices are attached and sessions open, for systemd's STATUS= and the idle check.
    public func counts() -> (devices: Int, sessions: Int) { (attachments.count, table.all.count) }

    // MARK: Listing devices

    /// Every attached MTP device with its identity, battery and storages; a session holding one is named only
    /// to `caller` when it is theirs (nil: the daemon itself asking).
    public func listDevices(for caller: Caller? = nil) async -> [DeviceSummary] {
        var result: [DeviceSummary] = []
        for (location, a) in attachments where a.serial == nil { await probe(location) }
        for a in attachments.values where a.serial != nil {
            let session = shown(table.holder(of: a.serial!), to: caller)
            // A device in the middle of a transfer answers from what it last knew rather than after the transfer.
            var summary = a.actor.isBusy ? a.actor.publishedSummary(session: session) : await a.actor.summary(session: session)
            summary.serial = a.serial!
            result.append(summary)
        }
        return result.sorted { $0.serial < $1.serial }
    }

    // MARK: Sessions

    /// BeginSession: claims the device for the caller, waiting up to `wait` seconds while another session
    /// holds it, and runs the provider's setup once.
    public func beginSession(
        caller: Caller, device name: String, types: [String], context: ProviderContext,
        lease: Double?, wait: Double
    ) async throws(ServiceError) -> (session: String, device: String) {
        let type: SessionType
        do { type = try SessionType(parsing: types) } catch { throw .invalidSessionType(error.text) }
        let (serial, device) = try await resolveDevice(name)
        let deadline = MonotonicClock.seconds() + max(0, wait)
        let id = Self.newSessionID()
        while true {
            switch table.begin(
                id: id, device: serial, owner: caller.uid, types: type,
                lease: lease ?? configuration.defaultLease, now: MonotonicClock.seconds())
            {
            case .success:
                do {
                    try await device.beginSession(context)
                } catch {
                    _ = table.end(id, by: SessionTable.rootUID, types: type)
                    wakeWaiters(for: serial)
                    throw error
                }
                scheduleLeaseTimer()
                logger.info(
                    "session begun",
                    metadata: [
                        "session": "\(id)", "device": "\(serial)", "uid": "\(caller.uid)",
                        "types": "\(type)",
                    ])
                return (id, serial)
            case .failure(.deviceBusy(_, let holder)):
                let remaining = deadline - MonotonicClock.seconds()
                guard remaining > 0 else {
                    throw .deviceBusy(device: serial, session: shown(table.holder(of: serial), to: caller))
                }
                logger.info(
                    "waiting for the device", metadata: ["device": "\(serial)", "heldBy": "\(holder)", "uid": "\(caller.uid)"])
                await waitForRelease(of: serial, upTo: remaining)
                guard actor(forSerial: serial) != nil else { throw .noSuchDevice(name: name, attached: serials) }
            case .failure(let refusal):
                throw refusal.serviceError
            }
        }
    }

    /// EndSession: checks owner and types, then tears down once in every component; a failing component is
    /// named, and the session is over regardless.
    public func endSession(caller: Caller, session id: String, types: [String]) async throws(ServiceError) {
        let type: SessionType
        do { type = try SessionType(parsing: types) } catch { throw .invalidSessionType(error.text) }
        let session: DeviceSession
        switch table.end(id, by: caller.uid, types: type) {
        case .success(let s): session = s
        case .failure(let refusal): throw refusal.serviceError
        }
        let failure = await actor(forSerial: session.device)?.endSession()
        wakeWaiters(for: session.device)
        logger.info("session ended", metadata: ["session": "\(id)", "device": "\(session.device)"])
        if let failure {
            throw .teardownFailed(
                session: id, component: failure.component,
                message: "\(failure.message); the other components (folder cache, device release) completed")
        }
    }

    /// The device an operation runs on, and whether it runs inside the caller's session.
    private func target(_ caller: Caller, device name: String, session: String?) async throws(ServiceError) -> (
        DeviceActor, String?
    ) {
        if let session {
            let s: DeviceSession
            switch table.use(session, by: caller.uid, now: MonotonicClock.seconds()) {
            case .success(let found): s = found
            case .failure(let refusal): throw refusal.serviceError
            }
            if !name.isEmpty, !s.device.hasPrefix(name) {
                throw .invalidParameter("device: session \(session) holds \(s.device), not \(name)")
            }
            guard let device = actor(forSerial: s.device) else { throw .noSuchDevice(name: s.device, attached: serials) }
            return (device, session)
        }
        let (serial, device) = try await resolveDevice(name)
        if let holder = table.holder(of: serial) { throw .deviceBusy(device: serial, session: shown(holder, to: caller)) }
        return (device, nil)
    }

    /// Runs `body` on the device an operation names, inside its session or an implicit one, keeping the session's
    /// lease alive while it runs.
    private func run<T: Sendable>(
        _ caller: Caller, device: String, session: String?,
        _ body: (DeviceActor, Bool) async throws(ServiceError) -> T
    ) async throws(ServiceError) -> T {
        let (actor, session) = try await target(caller, device: device, session: session)
        if let session { activeUses[session, default: 0] += 1 }
        defer {
            if let session {
                activeUses[session]! -= 1
                if activeUses[session] == 0 { activeUses[session] = nil }
                _ = table.use(session, by: SessionTable.rootUID, now: MonotonicClock.seconds())
            }
        }
        return try await body(actor, session != nil)
    }

    // MARK: Operations

    /// Lists a folder.
    public func list(_ caller: Caller, device: String, path: String, storage: UInt32?, session: String?)
        async throws(ServiceError) -> [EntrySummary]
    {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
            try await d.list(path, storage: storage, inSession: s)
        }
    }

    /// Describes one object.
    public func stat(_ caller: Caller, device: String, path: String, storage: UInt32?, session: String?)
        async throws(ServiceError) -> EntrySummary
    {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
            try await d.stat(path, storage: storage, inSession: s)
        }
    }

    /// Creates a folder.
    public func makeDirectory(
        _ caller: Caller, device: String, path: String, parents: Bool, storage: UInt32?,
        session: String?
    ) async throws(ServiceError) -> EntrySummary {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
            try await d.makeDirectory(path, parents: parents, storage: storage, inSession: s)
        }
    }

    /// Deletes a file or folder.
    public func delete(
        _ caller: Caller, device: String, path: String, recursive: Bool, storage: UInt32?,
        session: String?
    ) async throws(ServiceError) {
        let path = try Self.path(path)
        try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
            try await d.delete(path, recursive: recursive, storage: storage, inSession: s)
        }
    }

    /// Renames an object; `progress` hears a copy through the host, which cancelling the task stops.
    public func rename(
        _ caller: Caller, device: String, path: String, name: String, storage: UInt32?, session: String?,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> Relocation {
        let path = try Self.path(path)
        let newName: ObjectName
        do { newName = try ObjectName(name) } catch { throw error.serviceError }
        return try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
                try await d.rename(
                    path, to: newName, storage: storage, inSession: s,
                    progress: HostCopyProgress(transfer: handle, sink: progress))
            }
        }
    }

    /// Moves an object into another folder, under `name` when given; `progress` hears a copy through the host,
    /// which cancelling the task stops.
    public func move(
        _ caller: Caller, device: String, path: String, folder: String, name: String?, storage: UInt32?,
        session: String?, progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> Relocation {
        let path = try Self.path(path), folder = try Self.path(folder)
        let newName: ObjectName?
        do { newName = try name.map { name throws(NameRejection) in try ObjectName(name) } } catch { throw error.serviceError }
        return try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
                try await d.move(
                    path, into: folder, as: newName, storage: storage, inSession: s,
                    progress: HostCopyProgress(transfer: handle, sink: progress))
            }
        }
    }

    /// Sends a file; `progress` hears each step; cancelling the calling task cancels the transfer.
    public func put(
        _ caller: Caller, device: String, request: PutRequest, storage: UInt32?, session: String?,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> EntrySummary {
        try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
                try await d.put(request, storage: storage, inSession: s, transfer: handle, progress: progress)
            }
        }
    }

    /// Reads a file or a range of it into the client's descriptor.
    public func get(
        _ caller: Caller, device: String, request: GetRequest, storage: UInt32?, session: String?,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> UInt64 {
        try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session) { d, s throws(ServiceError) in
                try await d.get(request, storage: storage, inSession: s, transfer: handle, progress: progress)
            }
        }
    }

    /// Cancels a running transfer that `caller` started, or any when root. Anyone else hears NoSuchTransfer, as for
    /// an id that is not running, so a refusal tells nothing of another user's transfers; the log names who tried.
    public nonisolated func cancel(transfer id: String, by caller: Caller) throws(ServiceError) {
        var who: Logger.Metadata = ["transfer": "\(id)", "uid": "\(caller.uid)", "pid": "\(caller.pid)"]
        switch transfers.cancel(id, by: caller.uid) {
        case .cancelled(let owner):
            who["owner"] = "\(owner)"
            logger.notice("transfer cancel requested", metadata: who)
        case .notOwner(let owner):
            who["owner"] = "\(owner)"
            logger.notice("cancel refused: the transfer belongs to another user", metadata: who)
            throw .noSuchTransfer(id)
        case .unknown:
            logger.debug("cancel of no running transfer", metadata: who)
            throw .noSuchTransfer(id)
        }
    }

    private func transfer<T: Sendable>(
        _ caller: Caller, _ body: (TransferHandle) async throws(ServiceError) -> T
    ) async throws(ServiceError) -> T {
        let handle = transfers.start(owner: caller.uid)
        defer { transfers.finish(handle) }
        let result: Result<T, ServiceError> = await withTaskCancellationHandler {
            do throws(ServiceError) { return .success(try await body(handle)) } catch { return .failure(error) }
        } onCancel: {
            handle.cancel()  // The client went away: stop at the next progress step.
        }
        if case .failure(.transferCancelled(let id)) = result {
            logger.info("transfer cancelled; nothing of it is left on the device", metadata: ["transfer": "\(id)"])
        }
        return try result.get()
    }

    // MARK: Leases and waiting

    private func scheduleLeaseTimer() {
        guard leaseTimer == nil else { return }
        leaseTimer = Task { [weak self] in
            while let self, !Task.isCancelled {
                guard let delay = await self.expireLeases() else { break }
                // A timer, not synchronisation: the table decides what expired when it fires.
                try? await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// Ends sessions whose lease ran out; returns the delay until the next check, nil when none is open.
    private func expireLeases() async -> Double? {
        let now = MonotonicClock.seconds()
        for id in activeUses.keys { _ = table.use(id, by: SessionTable.rootUID, now: now) }  // Busy is not idle.
        for session in table.expire(now: now) {
            logger.notice(
                "session expired: unused for its lease; ended by the daemon",
                metadata: ["session": "\(session.id)", "device": "\(session.device)", "lease": "\(session.lease)s"])
            _ = await actor(forSerial: session.device)?.endSession()
            wakeWaiters(for: session.device)
        }
        guard let next = table.nextExpiry else { leaseTimer = nil; return nil }
        return max(0.05, next - MonotonicClock.seconds())
    }

    private func waitForRelease(of serial: String, upTo seconds: Double) async {
        let waiter = BusyWaiter()
        waiters[serial, default: []].append(waiter)
        await waiter.wait(upTo: seconds)
        waiters[serial]?.removeAll { $0 === waiter }
    }

    private func wakeWaiters(for serial: String) {
        for w in waiters.removeValue(forKey: serial) ?? [] { w.wake() }
    }

    /// Ends every session and releases every device (SIGTERM).
    public func shutdown() async {
        leaseTimer?.cancel()
        for session in table.all {
            _ = table.end(session.id, by: SessionTable.rootUID, types: session.types)
            _ = await actor(forSerial: session.device)?.endSession()
            logger.info("session ended at shutdown", metadata: ["session": "\(session.id)"])
        }
        for a in attachments.values { await a.actor.unplugged() }
        attachments.removeAll()
        hub.finishAll()
    }

    // MARK: Helpers

    private static func path(_ text: String) throws(ServiceError) -> ObjectPath {
        do { return try ObjectPath(text) } catch { throw error.serviceError }
    }

    private static func newSessionID() -> String {
        var rng = SystemRandomNumberGenerator()
        return "s" + String(rng.next() as UInt64, radix: 16)
    }
}

/// A device's place on the bus, the key of an attachment until its serial is known.
struct USBLocation: Hashable, CustomStringConvertible {
    var bus: UInt32
    var address: UInt32
    init(bus: UInt32, address: UInt32) { self.bus = bus; self.address = address }
    init(_ d: AttachedDevice) { self.init(bus: UInt32(d.bus), address: UInt32(d.address)) }
    var description: String { "\(bus):\(address)" }
}

extension SessionRefusal {
    var serviceError: ServiceError {
        switch self {
        case .deviceBusy(let device, let held): .deviceBusy(device: device, session: held)
        case .noSuchSession(let id): .noSuchSession(id)
        case .notOwner(let id): .notSessionOwner(id)
        case .typeMismatch(let id, let began, let given):
            .sessionTypeMismatch(session: id, began: began.names, given: given.names)
        }
    }
}
