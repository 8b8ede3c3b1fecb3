import DedicatedThreads
import Logging
import MTPProvider
import SessionModel
import SystemCalls

/// One attached MTP device: the single owner of its libmtp handle, on its own thread.
///
/// Every libmtp call for the device runs on this actor's executor, a dedicated thread, so a slow or hung
/// device blocks only itself. The actor opens the device on demand, keeps it open while sessions and
/// operations need it plus a linger time, caches folder listings for the length of a session, and reads the
/// device's events while open.
actor DeviceActor {
    nonisolated let executor: DeviceThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// The USB device this actor owns.
    nonisolated let attached: AttachedDevice
    /// How the device is opened and its port reset: libmtp in the daemon, an in-memory device in unit tests.
    nonisolated let access: DeviceAccess
    /// The device's description from the probe, until the opening that follows takes it.
    private var description: DeviceDescription?
    /// Read at the probe or first opening; the device's name for clients.
    private(set) var identity: DeviceIdentity? { didSet { published.withLock { $0.identity = identity } } }
    private(set) var storages: [StorageSummary] = [] { didSet { published.withLock { $0.storages = storages } } }
    /// Whether `storages` is what the device holds now: read at opening or since, and adjusted for what this
    /// daemon sent; a change made on the device itself makes it stale.
    private(set) var storagesCurrent = false
    /// Whether `storages` includes this daemon's own bookings since the device last reported them: close enough
    /// to decide with, but ListDevices asks the device for its own figures.
    var storagesBooked = false
    func storagesDidChange(_ fresh: [StorageSummary]) {
        storages = fresh
        storagesCurrent = true
    }
    /// Storages whose impossible figures were logged already: once per storage, not at every refresh.
    private var suspectStoragesLogged: Set<UInt32> = []
    /// Takes storages as the device just reported them; figures that cannot be true are shown as unknown, and
    /// the first time a storage reports such, a log line names the device and the figures.
    func storagesRead(_ reported: [StorageDescription]) {
        for s in reported where StorageFigures(reportedCapacity: s.capacity, reportedFree: s.free).isSuspect {
            guard suspectStoragesLogged.insert(s.id).inserted else { continue }
            logger.warning(
                "device reports storage figures that cannot be true; shown as unknown, space checks use the capacity",
                metadata: ["storage": "\(s.id)", "capacity": "\(s.capacity)", "free": "\(s.free)"])
        }
        storagesDidChange(reported.map(StorageSummary.init))
        storagesBooked = false
    }

    /// What the actor last knew, readable without waiting for it: an operation holds the actor for as long as
    /// it runs (a transfer, minutes), and a cheap call such as ListDevices must not wait that long.
    struct Published: Sendable {
        var identity: DeviceIdentity?
        var storages: [StorageSummary] = []
        var isOpen = false
        /// Operations running on the actor now.
        var busy = 0
        /// What the device offers, once it was opened.
        var capabilities: DeviceCapabilitySet?
        /// Whether it takes album art, once asked.
        var albumArt: Bool?
    }
    nonisolated let published = LockedBox(Published())
    private(set) var capabilities = DeviceCapabilitySet() {
        didSet { published.withLock { $0.capabilities = capabilities } }
    }
    /// Whether the device takes album art: asked once, at the first opening that can tell (nil until then).
    private(set) var albumArt: Bool? { didSet { published.withLock { $0.albumArt = albumArt } } }

    var handle: (any DeviceSurface)? { didSet { published.withLock { $0.isOpen = handle != nil } } }
    private var lifecycle: DeviceLifecycle
    /// Folder listings, the device's and shared by every session and operation on it.
    var cache = FolderCache()
    /// Sessions and operations holding the device now.
    private var users = 0
    /// Counts the spells during which someone held the device without a break. A listing is trusted without
    /// asking the device within the spell that read it (until the device reports a change), and for as long as
    /// the device stays open when it reports changes (its DeviceInfo lists ObjectAdded and ObjectRemoved, or it
    /// sent such an event): a device that changes behind the daemon's back and sends no events is listed again,
    /// one GetObjectHandles, by the next spell.
    private var spells: UInt64 = 0
    /// Whether the device reports changes made on it, so its silence means nothing changed.
    private var reportsChanges = false
    /// The spell a listing read now belongs to; 0 while the device reports changes: one spell then lasts as
    /// long as the opening.
    var spell: UInt64 { reportsChanges ? 0 : spells }
    /// Objects this daemon made or removed, whose events are its own echo; bounded, for devices that send none.
    var ownChanges: Set<UInt32> = []
    /// Whether the device refused to take a file's modification time once: then it is not asked again (one
    /// failed transaction per file sent, for nothing).
    var refusesModifiedTimes = false
    /// The open sessions on this device and what each keeps for itself.
    var sessions: [String: SessionContext] = [:]
    private var releaseTimer: Task<Void, Never>?
    let hub: EventHub
    /// Where sends in flight are noted, so a restart can clean up after a crash; nil when not kept.
    nonisolated let journal: InFlightJournal?
    /// Seconds a transfer may go without progress before the device's port is reset; nil never.
    let stallTimeout: Double?
    var logger: Logger
    /// How many times the device was opened, for logs and tests.
    private(set) var openings = 0

    init(
        attached: AttachedDevice, linger: Double, hub: EventHub, journal: InFlightJournal? = nil, stallTimeout: Double? = nil,
        access: DeviceAccess = .libmtp, logger: Logger
    ) {
        self.attached = attached
        self.access = access
        self.journal = journal
        self.stallTimeout = stallTimeout
        self.executor = DeviceThreadExecutor(name: "mtp-\(attached.bus)-\(attached.address)")
        self.lifecycle = DeviceLifecycle(linger: linger)
        self.hub = hub
        var logger = logger
        logger[metadataKey: "usb"] = "\(attached.bus):\(attached.address)"
        self.logger = logger
    }

    /// The serial once known, else the USB location, for messages.
    var name: String { name(identity) }

    /// The name given `identity` (the actor's, or the one it last published).
    nonisolated func name(_ identity: DeviceIdentity?) -> String { identity?.serial ?? "\(attached.bus):\(attached.address)" }

    /// Learns who the device is: from its description when it gives one (no opening; `openBehind` then opens
    /// it), else by opening it once and letting it linger. `described` tells which way it went.
    func probe() throws(ServiceError) -> (identity: DeviceIdentity, described: Bool) {
        if handle == nil, let described = access.describe(attached) {
            description = described
            identity = DeviceIdentity(
                serial: described.serialNumber, manufacturer: described.manufacturer, model: described.model,
                friendlyName: identity?.friendlyName, battery: identity?.battery)
            logger[metadataKey: "device"] = "\(described.serialNumber)"
            return (identity!, true)
        }
        try acquire()
        defer { release() }
        return (identity!, false)
    }

    /// Opens the device just described and lets it linger, so the first command finds it open as it would have
    /// after a probe by opening; a failure is left for that command to meet (and report) again.
    func openBehind() {
        do throws(ServiceError) {
            try acquire()
            release()
        } catch {
            logger.warning("the device could not be opened; will retry when asked", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Holding the device

    /// Starts needing the device: opens it if closed (USB claim, OpenSession, device info, storages).
    func acquire() throws(ServiceError) {
        releaseTimer?.cancel()
        releaseTimer = nil
        switch lifecycle.acquire() {
        case .open: try openHandle()
        default: if handle == nil && lifecycle.isOpen { try openHandle() }
        }
        if users == 0 { spells += 1 }
        users += 1
    }

    /// Stops needing the device; the last user starts the linger timer.
    func release() {
        users -= 1
        carryOut(lifecycle.release(now: MonotonicClock.seconds()))
    }

    /// Re-opens after the handle was lost under a user (I/O error mid-session).
    func ensureOpen() throws(ServiceError) {
        if handle == nil { try openHandle() }
    }

    private func openHandle() throws(ServiceError) {
        do throws(MTPError) {
            // A description read by the probe is the device's state of a moment ago: good for this opening only.
            defer { description = nil }
            let device = try access.open(attached, description)
            openings += 1
            handle = device
            // The serial it was first listed under stays its name while attached, whatever a later reading says.
            let id = DeviceIdentity(
                serial: identity?.serial ?? device.serialNumber
                    ?? "\(attached.vendorID):\(attached.productID)@\(attached.bus):\(attached.address)",
                manufacturer: device.manufacturer ?? "", model: device.model ?? "",
                friendlyName: device.friendlyName, battery: device.batteryLevel)
            if identity == nil { logger[metadataKey: "device"] = "\(id.serial)" }
            identity = id
            capabilities = device.capabilities
            if !capabilities.albums { albumArt = false }  // No albums, no art: known without asking.
            reportsChanges = device.reportsObjectChanges
            storagesRead(try device.storages())
            settleInFlight(on: device, serial: id.serial)
            startEvents(on: device)
            logger.debug("opened", metadata: ["openings": "\(openings)"])
        } catch {
            handle = nil
            lifecycle.openFailed()
            throw map(error)
        }
    }

    /// Asks once per attachment whether the device takes album art, when an album first needs to know: about 24
    /// transactions on a device with albums (none on one without), which every plug-in and start paid when asked at
    /// the opening (the start-up benchmark). A failed question is asked again next time.
    func learnAlbumArt(_ device: any DeviceSurface) {
        guard albumArt == nil else { return }
        guard capabilities.albums else { albumArt = false; return }
        do throws(MTPError) {
            albumArt = try device.supportsAlbumArt()
        } catch {
            logger.debug("could not learn whether the device takes album art", metadata: ["error": "\(error)"])
        }
    }

    private func carryOut(_ action: DeviceLifecycle.Action) {
        switch action {
        case .none, .open: break
        case .close: closeHandle()
        case .releaseAt(let moment):
            releaseTimer?.cancel()
            let delay = max(0, moment - MonotonicClock.seconds())
            releaseTimer = Task { [weak self] in
                // A timer, not synchronisation: the lifecycle re-checks idleness when it fires.
                try? await Task.sleep(for: .seconds(delay))
                guard !Task.isCancelled else { return }
                await self?.lingerElapsed()
            }
        }
    }

    private func lingerElapsed() {
        carryOut(lifecycle.lingerElapsed(now: MonotonicClock.seconds()))
    }

    private func closeHandle() {
        guard handle != nil else { return }
        handle!.stopEvents()
        // The last reference: CloseSession, and the interface and its descriptor go back to the system, before
        // the log line says so (tests count descriptors after it).
        handle = nil
        storagesCurrent = false
        reportsChanges = false
        cache.removeAll()
        ownChanges.removeAll()
        logger.debug("released the device's interface")
    }

    /// The device went away: drop the handle; nothing more will be done with it.
    func unplugged() {
        releaseTimer?.cancel()
        sessions.removeAll()
        _ = lifecycle.unplugged()
        closeHandle()
        executor.shutdown()
    }

    /// Whether the interface is held now.
    var isOpen: Bool { handle != nil }

    // MARK: Errors and events

    /// The handle is dead (the device left, or was reset under it); the lifecycle only learns whether anyone
    /// still needs the device, and the next use opens it afresh.
    func handleLost() {
        _ = lifecycle.connectionLost()
        closeHandle()
    }

    /// Maps a provider failure to what the client sees, dropping the handle when the device was lost.
    ///
    /// A lost connection is an unplug only when the device has left the bus. A device still there that stopped
    /// answering (a wedged endpoint, a stalled transfer) has its USB port reset at once, which tells the two apart
    /// (the kernel refuses to reset a device that is gone) and lets the next call open it afresh instead of
    /// waiting out libmtp's timeouts when closing it.
    func map(_ error: MTPError) -> ServiceError {
        if error.kind == .connectionFailed {
            let resetFailure = access.resetPort(attached)
            handleLost()
            guard resetFailure == nil else { return .deviceGone(device: name) }
            logger.warning(
                "the device stopped answering but is still on the bus; its USB port was reset",
                metadata: ["function": "\(error.function)", "error": "\(error.message)"])
            return .deviceReset(device: name, message: error.message)
        }
        if error.isDeviceBusy {
            return .deviceBusy(device: name, session: nil, ahead: nil, message: error.message)
        }
        return .deviceError(
            device: name, function: error.function, message: error.message,
            responseCode: error.responseCode, errno: error.errno)
    }

    private func startEvents(on device: any DeviceSurface) {
        device.startEvents { [weak self] event in
            Task { await self?.deviceEvent(event) }
        }
    }

    /// A device event: changes the daemon did not make itself invalidate the caches, and clients hear of them.
    func deviceEvent(_ event: MTPDeviceEvent) {
        let serial = name
        switch event {
        case .objectAdded(let id), .objectRemoved(let id):
            learnedThatItReportsChanges()
            // The device's echo of a change this daemon made was already announced when it was made.
            guard ownChanges.remove(id) == nil else { return }
            cache.removeAll()
            storagesCurrent = false
            logger.debug("device changed underneath; folder cache dropped", metadata: ["object": "\(id)"])
            hub.publish(
                DeviceEvent(kind: event.isAddition ? .objectAdded : .objectRemoved, device: serial, storage: nil, object: id))
        case .storeAdded(let id), .storeRemoved(let id):
            learnedThatItReportsChanges()
            cache.removeAll()
            if let device = handle, let fresh = try? device.storages() { storagesRead(fresh) }
            hub.publish(DeviceEvent(kind: .storageChanged, device: serial, storage: id, object: nil))
        default:
            break
        }
    }

    /// The device reported a change to its objects or storages: listings read so far were trusted for their
    /// spell only; from now on they last the opening.
    private func learnedThatItReportsChanges() {
        guard !reportsChanges else { return }
        reportsChanges = true
        cache.removeAll()
        logger.debug("the device reports changes; folder listings are kept while it stays open")
    }

    /// Records and announces a change this daemon made, so Monitor clients hear of it and the device's own
    /// event for it (if it sends one) does not empty the caches.
    func madeChange(_ kind: DeviceEvent.Kind, object id: UInt32, storage: UInt32) {
        if ownChanges.count >= 4096 { ownChanges.removeAll() }  // A device that echoes nothing.
        ownChanges.insert(id)
        hub.publish(DeviceEvent(kind: kind, device: name, storage: storage, object: id))
    }

    /// This device as ListDevices shows it; storages are re-read when the device is open anyway and the
    /// figures held are stale (a change made on the device itself), as every other reader does.
    func summary(sessions: [String], queued: Int) -> DeviceSummary {
        if handle != nil { if storagesBooked { try? refreshStorages() } else { try? currentStorages() } }
        return publishedSummary(sessions: sessions, queued: queued)
    }

    /// This device as last known, without waiting for the actor: for ListDevices while an operation runs.
    nonisolated func publishedSummary(sessions: [String], queued: Int) -> DeviceSummary {
        let known = published.withLock { $0 }
        let identity = known.identity
        return DeviceSummary(
            serial: name(identity), vendorID: attached.vendorID,
            productID: attached.productID, bus: UInt32(attached.bus), address: UInt32(attached.address),
            manufacturer: identity?.manufacturer ?? "", model: identity?.model ?? "",
            friendlyName: identity?.friendlyName, battery: identity?.battery,
            storages: known.storages, isOpen: known.isOpen, sessions: sessions, queued: queued,
            playlists: known.capabilities?.playlists, albums: known.capabilities?.albums, albumArt: known.albumArt)
    }

    /// Whether an operation holds the actor now (a hint: it may start or end right after the answer).
    nonisolated var isBusy: Bool { published.withLock { $0.busy > 0 } }
}

/// Who a device says it is.
struct DeviceIdentity: Sendable, Equatable {
    var serial: String
    var manufacturer: String
    var model: String
    var friendlyName: String?
    var battery: Int?
}

extension MTPDeviceEvent {
    var isAddition: Bool { if case .objectAdded = self { true } else { false } }
}
