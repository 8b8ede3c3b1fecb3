import ManagerContract
import SessionCore
import Varlink

// One handler per method of org.mtpsessiond.Manager: typed parameters in, the core called, a typed reply out.
// Core failures are thrown as `ServiceError` and become the interface's errors in `ManagerService.handle`.
extension ManagerService {
    /// ListDevices: the attached devices, each session shown as the caller may see it.
    func listDevices(_ r: Request) async -> Manager.ListDevices.Reply {
        Manager.ListDevices.Reply(devices: await manager.listDevices(for: r.caller).map(\.contract))
    }

    /// BeginSession: the device opened and held for the caller, with the provider's context.
    func beginSession(_ p: Manager.BeginSession.Parameters, _ r: Request) async throws -> Manager.BeginSession.Reply {
        let context = p.context ?? Manager.SessionContext()
        let (session, device) = try await streaming(r) {
            (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.beginSession(
                caller: r.caller, device: p.device, types: p.types,
                context: ProviderContext(
                    expectedBytes: context.expectedBytes.map(UInt64.init), folder: context.folder,
                    storage: context.storage.map(UInt32.init)),
                lease: p.leaseSeconds.map(Double.init), exclusive: p.exclusive ?? false, timeout: p.timeoutSeconds,
                waiting: Self.waiting(send))
        }
        return Manager.BeginSession.Reply(session: session, device: device)
    }

    /// EndSession: teardown once, if the types match those begun with.
    func endSession(_ p: Manager.EndSession.Parameters, _ r: Request) async throws -> Empty {
        try await manager.endSession(caller: r.caller, session: p.session, types: p.types)
        return Empty()
    }

    /// List: a folder's objects.
    func list(_ p: Manager.List.Parameters, _ r: Request) async throws -> Manager.List.Reply {
        let at = p.place
        let entries = try await streaming(r) { (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.list(
                r.caller, device: at.device, path: at.path, storage: at.storage.map(UInt32.init),
                session: at.session, timeout: at.timeoutSeconds, waiting: Self.waiting(send))
        }
        return Manager.List.Reply(entries: entries.map(\.contract))
    }

    /// Stat: one object.
    func stat(_ p: Manager.Stat.Parameters, _ r: Request) async throws -> Manager.EntryReply {
        let at = p.place
        let entry = try await streaming(r) { (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.stat(
                r.caller, device: at.device, path: at.path, storage: at.storage.map(UInt32.init),
                session: at.session, timeout: at.timeoutSeconds, waiting: Self.waiting(send))
        }
        return Manager.EntryReply(entry: entry.contract)
    }

    /// Put: a file sent from the call's descriptor, with progress when asked for more.
    func put(_ p: Manager.Put.Parameters, _ r: Request) async throws -> Manager.EntryReply {
        let request = PutRequest(
            folder: p.folder, name: p.name, fd: try Self.descriptor(p.fd, r.call), fdIndex: p.fd,
            size: UInt64(p.size), overwrite: p.overwrite ?? false, track: p.track.map(Self.track),
            modified: p.modified.map(Int64.init))
        let entry = try await streaming(r) { (send: @escaping @Sendable (Manager.ProgressUpdate) -> Void) throws(ServiceError) in
            try await manager.put(
                r.caller, device: p.device, request: request, storage: p.storage.map(UInt32.init),
                session: p.session, timeout: p.timeoutSeconds, waiting: Self.waiting(send), progress: Self.progress(send))
        }
        return Manager.EntryReply(entry: entry.contract)
    }

    /// Get: a file (or a range of it) written to the call's descriptor, with progress when asked for more.
    func get(_ p: Manager.Get.Parameters, _ r: Request) async throws -> Manager.Get.Reply {
        let request = GetRequest(
            path: p.path, fd: try Self.descriptor(p.fd, r.call), fdIndex: p.fd,
            offset: UInt64(p.offset ?? 0), length: p.length.map(UInt64.init))
        let size = try await streaming(r) { (send: @escaping @Sendable (Manager.ProgressUpdate) -> Void) throws(ServiceError) in
            try await manager.get(
                r.caller, device: p.device, request: request, storage: p.storage.map(UInt32.init),
                session: p.session, timeout: p.timeoutSeconds, waiting: Self.waiting(send), progress: Self.progress(send))
        }
        return Manager.Get.Reply(size: Int(clamping: size))
    }

    /// Delete: a file, or a folder with recursive.
    func delete(_ p: Manager.Delete.Parameters, _ r: Request) async throws -> Empty {
        let at = p.place
        try await streaming(r) { (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.delete(
                r.caller, device: at.device, path: at.path, recursive: p.recursive ?? false,
                storage: at.storage.map(UInt32.init), session: at.session, timeout: at.timeoutSeconds,
                waiting: Self.waiting(send))
        }
        return Empty()
    }

    /// MakeDirectory: a folder, and with parents the missing ones above it.
    func makeDirectory(_ p: Manager.MakeDirectory.Parameters, _ r: Request) async throws -> Manager.EntryReply {
        let at = p.place
        let entry = try await streaming(r) { (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.makeDirectory(
                r.caller, device: at.device, path: at.path, parents: p.parents ?? false,
                storage: at.storage.map(UInt32.init), session: at.session, timeout: at.timeoutSeconds,
                waiting: Self.waiting(send))
        }
        return Manager.EntryReply(entry: entry.contract)
    }

    /// Rename: in place where the device can, else through the host with progress.
    func rename(_ p: Manager.Rename.Parameters, _ r: Request) async throws -> Manager.ChangeReply {
        let at = p.place
        let done = try await streaming(r) { (send: @escaping @Sendable (Manager.ProgressUpdate) -> Void) throws(ServiceError) in
            try await manager.rename(
                r.caller, device: at.device, path: at.path, name: p.name, storage: at.storage.map(UInt32.init),
                session: at.session, timeout: at.timeoutSeconds, waiting: Self.waiting(send), progress: Self.progress(send))
        }
        return Manager.ChangeReply(entry: done.entry.contract, method: done.method.contract)
    }

    /// Move: by the device's own operation where it has one, else through the host with progress.
    func move(_ p: Manager.Move.Parameters, _ r: Request) async throws -> Manager.ChangeReply {
        let at = p.place
        let done = try await streaming(r) { (send: @escaping @Sendable (Manager.ProgressUpdate) -> Void) throws(ServiceError) in
            try await manager.move(
                r.caller, device: at.device, path: at.path, folder: p.folder, name: p.name,
                storage: at.storage.map(UInt32.init), session: at.session, timeout: at.timeoutSeconds,
                waiting: Self.waiting(send), progress: Self.progress(send))
        }
        return Manager.ChangeReply(entry: done.entry.contract, method: done.method.contract)
    }

    /// Cancel: stops a running transfer, if the caller started it or is root.
    func cancel(_ p: Manager.Cancel.Parameters, _ r: Request) throws -> Empty {
        try manager.cancel(transfer: p.transfer, by: r.caller)
        return Empty()
    }

    /// Monitor: the devices attached now, then every change, until the client goes or the daemon stops (the
    /// final reply then says the stream is over).
    func monitor(_ r: Request) async throws -> Empty {
        guard r.call.more else { throw VarlinkError.expectedMore() }
        let events = manager.hub.subscribe()
        logger.debug("monitor subscribed", metadata: ["connection": "\(r.call.connection)", "pid": "\(r.call.peer.pid)"])
        // The current devices first, so a client knows where it stands before any change arrives.
        // Subscribed before listing, so no arrival is missed; an arrival the list already showed is
        // then dropped once, so none is reported twice.
        var listed = Set<String>()
        for device in await manager.listDevices() {
            listed.insert(device.serial)
            try await r.send(
                Manager.Monitor.Update(
                    event: DeviceEvent(kind: .deviceAdded, device: device.serial, storage: nil, object: nil).contract))
        }
        for await event in events {
            if event.kind == .deviceAdded, listed.remove(event.device) != nil { continue }
            if event.kind == .deviceRemoved { listed.remove(event.device) }
            try await r.send(Manager.Monitor.Update(event: event.contract))
        }
        return Empty()
    }

    /// Runs a transfer, forwarding its progress as "continues" replies when the client asked for more; every
    /// progress reply is written before the final one.
    func streaming<T: Sendable, U: VarlinkObject & Sendable>(
        _ r: Request, _ body: (@escaping @Sendable (U) -> Void) async throws(ServiceError) -> T
    ) async throws -> T {
        guard r.call.more else { return try await body { _ in } }
        let (steps, sink) = AsyncStream<U>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let forwarder = Task {
            for await step in steps { try? await r.send(step) }
        }
        defer { sink.finish() }
        let result: T
        do {
            result = try await body { sink.yield($0) }
        } catch {
            sink.finish()
            await forwarder.value
            throw error
        }
        sink.finish()
        await forwarder.value
        return result
    }

    /// A wait for the device's turn, as a "continues" reply of a call that moves no data.
    static func waiting(_ send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) -> WaitingSink {
        { send(Manager.WaitingUpdate(waiting: Manager.Waiting(ahead: $0.ahead, heldBy: $0.heldBy))) }
    }

    /// A wait for the device's turn, as a "continues" reply of a transfer, before its progress.
    private static func waiting(_ send: @escaping @Sendable (Manager.ProgressUpdate) -> Void) -> WaitingSink {
        { send(Manager.ProgressUpdate(waiting: Manager.Waiting(ahead: $0.ahead, heldBy: $0.heldBy))) }
    }

    /// A transfer's step, as a "continues" reply.
    private static func progress(
        _ send: @escaping @Sendable (Manager.ProgressUpdate) -> Void
    ) -> @Sendable (TransferProgress) -> Void {
        { send(Manager.ProgressUpdate(progress: $0.contract)) }
    }

    /// The descriptor at `index` among those sent with the call.
    static func descriptor(_ index: Int, _ call: VarlinkCall) throws(ServiceError) -> Int32 {
        guard index < call.fileDescriptors.count else {
            throw .badFileDescriptor(
                fd: index,
                reason: call.fileDescriptors.isEmpty
                    ? "no file descriptor came with the call; send it with SCM_RIGHTS"
                    : "only \(call.fileDescriptors.count) file descriptor(s) came with the call")
        }
        return call.fileDescriptors[index]
    }

    private static func track(_ t: Manager.Track) -> TrackInfo {
        TrackInfo(
            title: t.title, artist: t.artist, album: t.album, albumArtist: t.albumArtist, genre: t.genre,
            trackNumber: t.trackNumber, year: t.year, durationMs: t.durationMs)
    }
}
