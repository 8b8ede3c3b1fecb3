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
        /// How devices are opened and reset: libmtp, unless a unit test puts an in-memory device under the core.
        public var access: DeviceAccess
        /// Creates a configuration.
        public init(
            linger: Double = 5, defaultLease: Double = 30, journal: InFlightJournal? = nil, transferStallTimeout: Double? = 30,
            access: DeviceAccess = .libmtp
        ) {
            self.linger = linger
            self.defaultLease = defaultLease
            self.journal = journal
            self.transferStallTimeout = transferStallTimeout
            self.access = access
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
    var table = SessionTable()
    private var activeUses: [String: Int] = [:]
    private var leaseTimer: Task<Void, Never>?
    /// Each device's line of operations, by serial (`SessionManager+Queue.swift`).
    var queues: [String: DeviceQueue] = [:]
    var lastTicket: UInt64 = 0
    /// Waiting operations, resumed when their turn comes or their wait ends otherwise.
    var parked: [UInt64: CheckedContinuation<Admission, Never>] = [:]
    /// Waits that ended before their operation parked.
    var decided: [UInt64: Admission] = [:]
    let logger: Logger
    /// Running transfers, for Cancel.
    public nonisolated let transfers = TransferRegistry()
    /// Device events, for Monitor.
    public nonisolated let hub = EventHub()

    /// Creates a manager with no devices yet; feed it with `attached`/`detached`.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Devices coming and going

    /// A USB device arrived: learn who it is (its DeviceInfo, or an opening), list it, and open it.
    public func attached(_ device: AttachedDevice) async {
        let location = USBLocation(device)
        guard attachments[location] == nil else { return }  // Hotplug may repeat itself.
        let actor = DeviceActor(
            attached: device, linger: configuration.linger, hub: hub, journal: configuration.journal,
            stallTimeout: configuration.transferStallTimeout, access: configuration.access, logger: logger)
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
            let (identity, described) = try await actor.probe()
            var serial = identity.serial
            if serial.isEmpty || attachments.contains(where: { $0.key != location && $0.value.serial == serial }) {
                serial = "\(serial)@\(location.bus)-\(location.address)"
            }
            guard attachments[location] != nil else { return }  // Unplugged while probing.
            attachments[location]!.serial = serial
            attachments[location]!.probeError = nil
            logger.info("device attached", metadata: ["device": "\(serial)", "usb": "\(location)"])
            hub.publish(DeviceEvent(kind: .deviceAdded, device: serial, storage: nil, object: nil))
            // Listed from its description at once; the opening follows on the device's own thread (a client
            // that asks first opens it itself, and this finds it open).
            if described { Task { await actor.openBehind() } }
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
        dropQueue(of: serial)
        logger.info("device detached", metadata: ["device": "\(serial)"])
        hub.publish(DeviceEvent(kind: .deviceRemoved, device: serial, storage: nil, object: nil))
    }

    private var serials: [String] { attachments.values.compactMap(\.serial) }

    /// How `session` is named to `caller`: its id to its owner, root and the daemon itself; to another user
    /// only "*" (someone else's session), so one user never learns another's session id.
    func shown(_ session: DeviceSession?, to caller: Caller?) -> String? {
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

    /// How many devices are attached (`attached`, opened or not: the idle check), how many of them are
    /// identified and so listed to clients (`identified`, what systemd's STATUS= reports; each change to it is
    /// published on `hub` as deviceAdded or deviceRemoved), and how many sessions are open.
    public func counts() -> (attached: Int, identified: Int, sessions: Int) {
        (attachments.count, attachments.values.count { $0.serial != nil }, table.all.count)
    }

    // MARK: Listing devices

    /// Every attached MTP device with its identity, battery and storages; a session holding one is named only
    /// to `caller` when it is theirs (nil: the daemon itself asking).
    public func listDevices(for caller: Caller? = nil) async -> [DeviceSummary] {
        var result: [DeviceSummary] = []
        for (location, a) in attachments where a.serial == nil { await probe(location) }
        for a in attachments.values where a.serial != nil {
            let sessions = table.sessions(on: a.serial!).compactMap { shown($0, to: caller) }
            let queued = queues[a.serial!]?.count ?? 0
            // A device in the middle of a transfer answers from what it last knew rather than after the transfer.
            var summary =
                a.actor.isBusy
                ? a.actor.publishedSummary(sessions: sessions, queued: queued)
                : await a.actor.summary(sessions: sessions, queued: queued)
            summary.serial = a.serial!
            result.append(summary)
        }
        return result.sorted { $0.serial < $1.serial }
    }

    // MARK: Sessions

    /// BeginSession: opens a session on the device for the caller, in turn with everything else on it (up to
    /// `timeout` seconds), and runs the provider's setup once. Any number of sessions may be open on a device;
    /// an `exclusive` one holds it, so others wait until it ends.
    public func beginSession(
        caller: Caller, device name: String, types: [String], context: ProviderContext,
        lease: Double?, exclusive: Bool = false, timeout: Double? = nil, waiting: WaitingSink? = nil
    ) async throws(ServiceError) -> (session: String, device: String) {
        let type: SessionType
        do { type = try SessionType(parsing: types) } catch { throw .invalidSessionType(error.text) }
        let (serial, device) = try await resolveDevice(name)
        let id = Self.newSessionID()
        let ticket = try await admit(
            serial, lane: .session(id), caller: caller, timeout: timeout ?? Self.defaultTimeout, waiting: waiting)
        defer { leave(ticket, on: serial) }
        guard actor(forSerial: serial) === device else { throw .deviceGone(device: serial) }
        try await device.beginSession(id, context)
        _ = table.begin(
            id: id, device: serial, owner: caller.uid, types: type, exclusive: exclusive,
            lease: lease ?? configuration.defaultLease, now: MonotonicClock.seconds())
        if exclusive { queues[serial, default: DeviceQueue()].hold(for: id) }
        scheduleLeaseTimer()
        logger.info(
            "session begun",
            metadata: [
                "session": "\(id)", "device": "\(serial)", "uid": "\(caller.uid)", "pid": "\(caller.pid)",
                "types": "\(type)", "exclusive": "\(exclusive)",
            ])
        return (id, serial)
    }

    /// EndSession: checks owner and types, then runs the session's teardown once.
    public func endSession(caller: Caller, session id: String, types: [String]) async throws(ServiceError) {
        let type: SessionType
        do { type = try SessionType(parsing: types) } catch { throw .invalidSessionType(error.text) }
        let session: DeviceSession
        switch table.end(id, by: caller.uid, types: type) {
        case .success(let s): session = s
        case .failure(let refusal): throw refused(refusal, to: caller)
        }
        await ended(session)
        logger.info("session ended", metadata: ["session": "\(id)", "device": "\(session.device)"])
    }

    /// What a caller is told when a session's rules refuse it. Another user's session answers as one that is not
    /// open, so a uid cannot even learn that an id it came by (from `ps`, say) is alive; the attempt is logged.
    private func refused(_ refusal: SessionRefusal, to caller: Caller) -> ServiceError {
        guard case .notOwner(let id) = refusal else { return refusal.serviceError }
        logger.notice(
            "refused another user's session; answered as no such session",
            metadata: ["session": "\(id)", "uid": "\(caller.uid)", "pid": "\(caller.pid)"])
        return .noSuchSession(id)
    }

    /// A session left the table: its teardown runs, and a device it held exclusively serves everyone again.
    private func ended(_ session: DeviceSession) async {
        if session.exclusive {
            queues[session.device]?.release(session.id)
            dispatch(session.device)
        }
        await actor(forSerial: session.device)?.endSession(session.id)
    }

    /// The device an operation runs on, and the session it runs in, if any.
    private func target(_ caller: Caller, device name: String, session: String?) async throws(ServiceError) -> (
        String, DeviceActor, String?
    ) {
        if let session {
            let s: DeviceSession
            switch table.use(session, by: caller.uid, now: MonotonicClock.seconds()) {
            case .success(let found): s = found
            case .failure(let refusal): throw refused(refusal, to: caller)
            }
            if !name.isEmpty, !s.device.hasPrefix(name) {
                throw .invalidParameter("device: session \(session) is on \(s.device), not \(name)")
            }
            guard let device = actor(forSerial: s.device) else { throw .noSuchDevice(name: s.device, attached: serials) }
            return (s.device, device, session)
        }
        let (serial, device) = try await resolveDevice(name)
        return (serial, device, nil)
    }

    /// Runs `body` on the device an operation names, in its turn in the device's queue, inside its session or
    /// on its own, keeping the session's lease alive while it waits and runs.
    func run<T: Sendable>(
        _ caller: Caller, device: String, session: String?, timeout: Double?, waiting: WaitingSink?,
        _ body: (DeviceActor, String?) async throws(ServiceError) -> T
    ) async throws(ServiceError) -> T {
        let (serial, actor, session) = try await target(caller, device: device, session: session)
        if let session { activeUses[session, default: 0] += 1 }
        defer {
            if let session {
                activeUses[session]! -= 1
                if activeUses[session] == 0 { activeUses[session] = nil }
                _ = table.use(session, by: SessionTable.rootUID, now: MonotonicClock.seconds())
            }
        }
        let ticket = try await admit(
            serial, lane: session.map { .session($0) }, caller: caller, timeout: timeout ?? Self.defaultTimeout,
            waiting: waiting)
        defer { leave(ticket, on: serial) }
        // While it waited, the device may have gone, or the session been ended by its owner elsewhere.
        guard self.actor(forSerial: serial) === actor else { throw .deviceGone(device: serial) }
        if let session, table.sessions(on: serial).allSatisfy({ $0.id != session }) { throw .noSuchSession(session) }
        return try await body(actor, session)
    }

    // MARK: Operations

    /// Lists a folder.
    public func list(
        _ caller: Caller, device: String, path: String, storage: UInt32?, session: String?, timeout: Double? = nil,
        waiting: WaitingSink? = nil
    )
        async throws(ServiceError) -> [EntrySummary]
    {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
            d, s throws(ServiceError) in
            try await d.list(path, storage: storage, session: s)
        }
    }

    /// Describes one object.
    public func stat(
        _ caller: Caller, device: String, path: String, storage: UInt32?, session: String?, timeout: Double? = nil,
        waiting: WaitingSink? = nil
    )
        async throws(ServiceError) -> EntrySummary
    {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
            d, s throws(ServiceError) in
            try await d.stat(path, storage: storage, session: s)
        }
    }

    /// Creates a folder.
    public func makeDirectory(
        _ caller: Caller, device: String, path: String, parents: Bool, storage: UInt32?,
        session: String?, timeout: Double? = nil, waiting: WaitingSink? = nil
    ) async throws(ServiceError) -> EntrySummary {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
            d, s throws(ServiceError) in
            try await d.makeDirectory(path, parents: parents, storage: storage, session: s)
        }
    }

    /// Deletes a file or folder.
    public func delete(
        _ caller: Caller, device: String, path: String, recursive: Bool, storage: UInt32?,
        session: String?, timeout: Double? = nil, waiting: WaitingSink? = nil
    ) async throws(ServiceError) {
        let path = try Self.path(path)
        try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) { d, s throws(ServiceError) in
            try await d.delete(path, recursive: recursive, storage: storage, session: s)
        }
    }

    /// Renames an object; `progress` hears a copy through the host, which cancelling the task stops.
    public func rename(
        _ caller: Caller, device: String, path: String, name: String, storage: UInt32?, session: String?, timeout: Double? = nil,
        waiting: WaitingSink? = nil,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> Relocation {
        let path = try Self.path(path)
        let newName: ObjectName
        do { newName = try ObjectName(name) } catch { throw error.serviceError }
        return try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
                d, s throws(ServiceError) in
                try await d.rename(
                    path, to: newName, storage: storage, session: s,
                    progress: HostCopyProgress(transfer: handle, sink: progress))
            }
        }
    }

    /// Moves an object into another folder, under `name` when given; `progress` hears a copy through the host,
    /// which cancelling the task stops.
    public func move(
        _ caller: Caller, device: String, path: String, folder: String, name: String?, storage: UInt32?,
        session: String?, timeout: Double? = nil, waiting: WaitingSink? = nil,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> Relocation {
        let path = try Self.path(path), folder = try Self.path(folder)
        let newName: ObjectName?
        do { newName = try name.map { name throws(NameRejection) in try ObjectName(name) } } catch { throw error.serviceError }
        return try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
                d, s throws(ServiceError) in
                try await d.move(
                    path, into: folder, as: newName, storage: storage, session: s,
                    progress: HostCopyProgress(transfer: handle, sink: progress))
            }
        }
    }

    /// Sends a file; `progress` hears each step; cancelling the calling task cancels the transfer.
    public func put(
        _ caller: Caller, device: String, request: PutRequest, storage: UInt32?, session: String?, timeout: Double? = nil,
        waiting: WaitingSink? = nil,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> EntrySummary {
        try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
                d, s throws(ServiceError) in
                try await d.put(request, storage: storage, session: s, transfer: handle, progress: progress)
            }
        }
    }

    /// Reads a file or a range of it into the client's descriptor.
    public func get(
        _ caller: Caller, device: String, request: GetRequest, storage: UInt32?, session: String?, timeout: Double? = nil,
        waiting: WaitingSink? = nil,
        progress: @escaping @Sendable (TransferProgress) -> Void
    ) async throws(ServiceError) -> UInt64 {
        try await transfer(caller) { handle throws(ServiceError) in
            try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
                d, s throws(ServiceError) in
                try await d.get(request, storage: storage, session: s, transfer: handle, progress: progress)
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
            await ended(session)
        }
        guard let next = table.nextExpiry else { leaseTimer = nil; return nil }
        return max(0.05, next - MonotonicClock.seconds())
    }

    /// Ends every session and releases every device (SIGTERM).
    public func shutdown() async {
        leaseTimer?.cancel()
        for session in table.all {
            _ = table.end(session.id, by: SessionTable.rootUID, types: session.types)
            await ended(session)
            logger.info("session ended at shutdown", metadata: ["session": "\(session.id)"])
        }
        for a in attachments.values {
            await a.actor.unplugged()
            if let serial = a.serial { dropQueue(of: serial) }
        }
        attachments.removeAll()
        hub.finishAll()
    }

    // MARK: Helpers

    static func path(_ text: String) throws(ServiceError) -> ObjectPath {
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
        case .noSuchSession(let id): .noSuchSession(id)
        case .notOwner(let id): .notSessionOwner(id)
        case .typeMismatch(let id, let began, let given):
            .sessionTypeMismatch(session: id, began: began.names, given: given.names)
        }
    }
}
