import MTPProvider
import SessionModel

/// What a client hands the libmtp provider at BeginSession, read from the opaque context object. Keys the
/// provider does not know are ignored; the daemon core never looks inside.
public struct ProviderContext: Sendable, Equatable {
    /// Total bytes the bundle will send: free space is checked once, up front.
    public var expectedBytes: UInt64?
    /// A folder the bundle works in: resolved (and listed) once.
    public var folder: String?
    /// The storage `folder` is on.
    public var storage: UInt32?
    /// Creates a context.
    public init(expectedBytes: UInt64? = nil, folder: String? = nil, storage: UInt32? = nil) {
        self.expectedBytes = expectedBytes; self.folder = folder; self.storage = storage
    }
}

/// What one session keeps on its device beyond what all share: the space it reserved.
struct SessionContext {
    /// Bytes of `storage` promised to the session's bundle and not yet sent; no other session may count on them.
    var reserved: UInt64 = 0
    var storage: UInt32 = 0
}

extension DeviceActor {
    /// Runs `body` with the device open: inside `session` the session's opening is reused; otherwise the
    /// operation holds the device for itself (a lingering opening is reused) and lets it go after.
    func perform<T>(session: String?, _ body: (any DeviceSurface) throws(ServiceError) -> T) throws(ServiceError) -> T {
        published.withLock { $0.busy += 1 }
        defer { published.withLock { $0.busy -= 1 } }
        if session != nil {
            try ensureOpen()
        } else {
            try acquire()
        }
        defer { if session == nil { release() } }
        let device = handle!
        return try device.withEventThreadPaused { () throws(ServiceError) -> T in try body(device) }
    }

    /// BeginSession's setup, once for the whole bundle: open, resolve the working folder, reserve the space the
    /// bundle announced against what the device has free and other sessions reserved.
    func beginSession(_ id: String, _ context: ProviderContext) throws(ServiceError) {
        try acquire()
        do throws(ServiceError) {
            if let folder = context.folder {
                let path: ObjectPath
                do { path = try ObjectPath(folder) } catch { throw error.serviceError }
                _ = try resolveFolder(path, storage: try storageID(context.storage))
            }
            var own = SessionContext()
            if let bytes = context.expectedBytes {
                own.storage = try storageID(context.storage)
                try checkSpace(for: bytes, storage: own.storage, session: nil)
                own.reserved = bytes
            }
            sessions[id] = own
        } catch {
            release()
            throw error
        }
    }

    /// EndSession's teardown, once: the session's reservation is given back and its hold on the device ends.
    /// Folder listings and storage figures belong to the device and stay for the next user; nothing here
    /// talks to the device, so nothing can fail.
    func endSession(_ id: String) {
        guard sessions.removeValue(forKey: id) != nil else { return }
        release()
    }

    /// Bytes of `storage` reserved by sessions other than `session`.
    func reserved(on storage: UInt32, except session: String?) -> UInt64 {
        sessions.filter { $0.key != session && $0.value.storage == storage }.values.reduce(0) { $0 + $1.reserved }
    }

    /// Re-reads the storages unless the figures held are current (read at opening, or since, and booked for
    /// what this daemon sent; a change made on the device itself makes them stale).
    func currentStorages() throws(ServiceError) {
        if !storagesCurrent { try refreshStorages() }
    }

    func refreshStorages() throws(ServiceError) {
        guard let device = handle else { return }
        do throws(MTPError) { storagesRead(try device.storages()) } catch { throw map(error) }
    }

    /// The storage a client means: the one named, or the first.
    func storageID(_ requested: UInt32?) throws(ServiceError) -> UInt32 {
        // Not among the storages last read: read them again first. A busy or locked device can have answered
        // that read with none, and a storage can appear (a card inserted, a phone unlocked).
        if storages.isEmpty || requested.map({ id in !storages.contains { $0.id == id } }) == true { try refreshStorages() }
        if let requested {
            guard storages.contains(where: { $0.id == requested }) else { throw .noSuchStorage(device: name, storage: requested) }
            return requested
        }
        guard let first = storages.first else { throw .noSuchStorage(device: name, storage: 0) }
        return first.id
    }
}

extension NameRejection {
    var serviceError: ServiceError {
        switch self {
        case .invalidName(let name, let reason): .invalidName(name: name, reason: reason)
        case .invalidPath(let path, let reason): .invalidPath(path: path, reason: reason)
        }
    }
}

extension StorageSummary {
    /// What the device reported, with figures that cannot be true set aside.
    init(_ s: StorageDescription) {
        let figures = StorageFigures(reportedCapacity: s.capacity, reportedFree: s.free)
        self.init(id: s.id, description: s.description, capacity: figures.capacity, free: figures.free)
    }
}
