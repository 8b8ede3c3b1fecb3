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

extension DeviceActor {
    /// Runs `body` with the device open: inside a session the session's opening is reused; otherwise an
    /// implicit one-operation session opens (or reuses a lingering opening), then tears down after.
    func perform<T>(inSession: Bool, modifies: Bool, _ body: (MTPDevice) throws(ServiceError) -> T) throws(ServiceError) -> T {
        published.withLock { $0.busy += 1 }
        defer { published.withLock { $0.busy -= 1 } }
        if inSession {
            try ensureOpen()
            if modifies { modified = true }
            let device = handle!
            return try device.withEventThreadPaused { () throws(ServiceError) -> T in try body(device) }
        }
        try acquire()
        defer {
            _ = teardown(refresh: modifies)
            release()
        }
        let device = handle!
        return try device.withEventThreadPaused { () throws(ServiceError) -> T in try body(device) }
    }

    /// BeginSession's setup, once for the whole bundle: open, resolve the working folder, check free space.
    func beginSession(_ context: ProviderContext) throws(ServiceError) {
        try acquire()
        do throws(ServiceError) {
            if let folder = context.folder {
                let path: ObjectPath
                do { path = try ObjectPath(folder) } catch { throw error.serviceError }
                _ = try resolveFolder(path, storage: try storageID(context.storage))
            }
            if let bytes = context.expectedBytes {
                let storage = try storageID(context.storage)
                try currentStorages()
                let free = storages.first { $0.id == storage }?.freeForDecisions ?? 0
                guard bytes <= free else { throw ServiceError.storeFull(device: name, needed: bytes, free: free) }
                budget = bytes
            }
        } catch {
            _ = teardown(refresh: false)
            release()
            throw error
        }
    }

    /// EndSession's teardown, once: drop caches, refresh the storages if anything changed, release the device.
    /// Returns the component that failed, if one did; the others ran regardless.
    func endSession() -> (component: String, message: String)? {
        let failure = teardown(refresh: modified)
        release()
        return failure
    }

    /// Drops what a session learned; re-reads the storages when the device changed.
    func teardown(refresh: Bool) -> (component: String, message: String)? {
        cache.removeAll()
        ownChanges.removeAll()
        budget = nil
        defer { modified = false }
        guard refresh, handle != nil else { return nil }
        do {
            try refreshStorages()
            return nil
        } catch {
            return ("libmtp storage refresh", "\(error)")
        }
    }

    /// Re-reads the storages unless the figures held are current (just opened, or refreshed since).
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
