import PTPWire

/// The virtual player's PTP/MTP responder, driven by endpoint traffic: bulk-OUT transfers in, bulk-IN and
/// interrupt-IN transfers out, and the three PTP class requests.
///
/// Not thread-safe: the USB layer serialises every call. It never blocks and never sleeps; a slow link is the
/// USB layer's link model (`--bandwidth-mbs`, `--latency-ms`).
public final class MTPResponder {
    /// The configuration the responder was built from.
    public let configuration: PlayerConfiguration
    /// The storages, in storage-id order.
    public private(set) var stores: [any ObjectStore]
    /// Faults to show from the next command on.
    public var faults = FaultPlan()
    /// What has happened so far.
    public internal(set) var counters = Counters()

    /// What the personality advertises and answers.
    let profile: PersonalityProfile
    /// The handle sequence every storage draws from.
    let handles: HandleAllocator
    /// The open session's id, nil when none is open.
    public internal(set) var sessionID: UInt32?
    /// How many times the objects were renumbered, so each renumbering can differ from the last.
    var renumberings = 0
    /// DeviceFriendlyName as the host last set it.
    var friendlyName: String
    /// SynchronizationPartner as the host last set it.
    var synchronizationPartner: String
    /// The object announced by SendObjectInfo or SendObjectPropList, waiting for SendObject.
    var pendingObject: PendingObject?
    /// What the bulk-OUT side is doing.
    var phase: Phase = .idle
    /// Containers waiting for bulk-IN transfers, oldest first.
    var outgoing: [Outgoing] = []
    /// Event containers waiting for interrupt-IN transfers.
    var events: [[UInt8]] = []
    /// Objects open for Android in-place editing, by handle.
    var editors: [UInt32: any ObjectEditor] = [:]
    /// Object references (album and playlist members) by object handle.
    var references: [UInt32: [UInt32]] = [:]
    private var partialEvent: ArraySlice<UInt8>?

    /// What the bulk-OUT side is doing.
    enum Phase {
        /// Waiting for a command.
        case idle
        /// Receiving the data phase of `command`.
        case receiving(IncomingData)
        /// Dropping bulk-OUT bytes until a command arrives: after a cancel, or the rest of a stray data container.
        case discarding
    }

    /// An object announced but not yet sent.
    struct PendingObject {
        /// Index into `stores`.
        let storeIndex: Int
        /// What the host announced.
        let draft: ObjectDraft
        /// The handle promised in the response.
        let handle: UInt32
        /// Albums and playlists exist from the announcement on (libmtp sends them no data when it uses
        /// SendObjectInfo); a SendObject that follows may only carry zero bytes.
        var alreadyCreated = false
    }

    /// Builds the storages of `configuration`; a directory that cannot be opened is a thrown `StoreError`.
    public init(configuration: PlayerConfiguration) throws(StoreError) {
        self.configuration = configuration
        var profile = PersonalityProfile.of(configuration.personality)
        if !configuration.sendsEvents { profile.events = [] }
        self.profile = profile
        handles = HandleAllocator()
        friendlyName = configuration.friendlyName
        synchronizationPartner = configuration.synchronizationPartner
        stores = []
        for (index, storage) in configuration.storages.enumerated() {
            let id = PlayerConfiguration.storageID(index: index)
            switch storage.backing {
            case .memory:
                stores.append(
                    MemoryObjectStore(
                        storageID: id, capacity: storage.capacity ?? 1 << 30,
                        label: storage.label, allocator: handles))
            case .directory(let path):
                stores.append(
                    try DirectoryObjectStore(
                        storageID: id, root: path, capacity: storage.capacity,
                        label: storage.label, allocator: handles))
            }
        }
    }

    /// The handle allocator the storages share, for adding a storage built outside the configuration.
    public var handleAllocator: HandleAllocator { handles }

    /// Adds a storage (built with `handleAllocator`) and tells the host with StoreAdded.
    public func addStore(_ store: any ObjectStore) {
        precondition(!stores.contains { $0.storageID == store.storageID }, "storage id used twice")
        stores.append(store)
        raiseEvent(.storeAdded, params: [store.storageID])
    }

    /// Removes a storage and tells the host with StoreRemoved.
    public func removeStore(id: UInt32) {
        guard let index = stores.firstIndex(where: { $0.storageID == id }) else { return }
        stores.remove(at: index)
        if let pending = pendingObject, pending.storeIndex >= index { pendingObject = nil }
        raiseEvent(.storeRemoved, params: [id])
    }

    // MARK: Endpoint traffic

    /// Bytes of one completed bulk-OUT transfer. A command container arrives whole in one transfer; a data phase
    /// may span many transfers of any size; an empty transfer is a zero-length packet.
    public func bulkOut(_ bytes: UnsafeRawBufferPointer) {
        switch phase {
        case .receiving(var incoming):
            phase = .idle
            let result = incoming.consume(bytes, packetSize: configuration.packetSize)
            counters.dataBytesReceived += UInt64(result.accepted)
            counters.objectBytesReceived += result.objectBytes
            switch result.outcome {
            case .needMore:
                phase = .receiving(incoming)
            case .complete:
                finishDataPhase(incoming)
            case .notData:
                // The host gave up on the data phase and sent a new command: forget the old transaction.
                cutOff(incoming)
                if incoming.operation == .sendObject { pendingObject = nil }
                handleCommandBytes(bytes)
            }
        case .discarding:
            guard looksLikeCommand(bytes) else { return }
            phase = .idle
            handleCommandBytes(bytes)
        case .idle:
            guard !bytes.isEmpty else { return }
            handleCommandBytes(bytes)
        }
    }

    /// Fills one bulk-IN transfer; nil when nothing is ready. Never mixes two containers in one transfer and
    /// returns 0 (a zero-length packet) after a container whose length is a multiple of the packet size.
    public func bulkIn(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard !buffer.isEmpty else { return nil }
        while !outgoing.isEmpty {
            let step = outgoing[0].cursor.next(capacity: buffer.count)
            switch step {
            case .finished:
                let done = outgoing.removeFirst()
                done.close()
                continue
            case .zeroLengthPacket:
                outgoing[0].cursor.advance(step)
                return 0
            case .bytes(let range):
                if range.lowerBound == 0, case .response(let code) = outgoing[0].kind { counters.record(code) }
                let count = fill(buffer, from: range)
                outgoing[0].cursor.advance(step)
                return count
            }
        }
        return nil
    }

    /// Fills one interrupt-IN transfer with (the next part of) the next event container; nil when none is pending.
    public func interruptIn(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard !buffer.isEmpty else { return nil }
        if partialEvent == nil {
            guard !events.isEmpty else { return nil }
            partialEvent = events.removeFirst()[...]
            counters.eventsSent += 1
        }
        guard let pending = partialEvent else { return nil }
        let count = min(buffer.count, pending.count)
        pending.prefix(count).withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
        partialEvent = pending.count > count ? pending.dropFirst(count) : nil
        return count
    }

    /// Queues an event container for the interrupt endpoint (ObjectAdded with the new handle, StoreRemoved…);
    /// a device configured to send no events drops it, so its interrupt endpoint stays silent.
    public func raiseEvent(_ code: EventCode, params: [UInt32]) {
        precondition(params.count <= Container.maximumParameterCount, "events carry at most 5 parameters")
        guard configuration.sendsEvents else { return }
        // Events name the session's current transaction in neither PTP nor libmtp's reading: 0 throughout.
        events.append(Container.event(code, transactionID: 0, params).bytes)
    }

    // MARK: Class requests and lifecycle

    /// Class request 0x64: the host cancels `transactionID`. A data phase in either direction stops, a partial
    /// object is dropped, and no response follows; stray bulk-OUT data is then ignored until the next command.
    public func cancelTransaction(_ transactionID: UInt32) {
        if case .receiving(let incoming) = phase {
            cutOff(incoming)
            if incoming.operation == .sendObject { pendingObject = nil }
            phase = .discarding
        }
        clearOutgoing()
    }

    /// Class request 0x66 or a port reset: the session closes and every queue empties.
    public func reset() {
        closeSession()
        events.removeAll()
        partialEvent = nil
    }

    /// Class request 0x67: the device status dataset (length 4, then OK, or DeviceBusy while a data phase runs).
    public func deviceStatus() -> [UInt8] {
        var busy = false
        if case .receiving = phase { busy = true }
        if outgoing.first.map({ $0.isData && $0.cursor.isInProgress }) == true { busy = true }
        var writer = WireWriter(capacity: 4)
        writer.write(UInt16(4))
        writer.write((busy ? ResponseCode.deviceBusy : .ok).rawValue)
        return writer.bytes
    }

    /// The client went away without closing its session: same as a reset, unless the session survives a
    /// disconnect; then only what was in flight ends, and the next host finds the session open.
    public func clientVanished() {
        guard configuration.sessionSurvivesDisconnect, sessionID != nil else { return reset() }
        endTransaction()
        events.removeAll()
        partialEvent = nil
    }

    /// Transactions begun so far (for the USB layer's per-transaction latency).
    public var transactionsBegun: Int { counters.transactions }

    /// Object data bytes that have crossed the link in either direction.
    public var objectBytesTransferred: UInt64 { counters.objectBytesReceived + counters.objectBytesSent }

    /// Rescans every storage (or, given `paths`, just those host paths) for changes made behind the
    /// responder's back and, when `raiseEvents`, queues ObjectAdded, ObjectRemoved and ObjectInfoChanged for
    /// them. Returns the changes per storage id.
    @discardableResult
    public func refreshStorages(paths: [String]? = nil, raiseEvents: Bool = true) -> [UInt32: StoreChanges] {
        var all: [UInt32: StoreChanges] = [:]
        for store in stores {
            let changes = paths.map { store.refresh(paths: $0) } ?? store.refresh()
            guard !changes.isEmpty else { continue }
            all[store.storageID] = changes
            guard raiseEvents else { continue }
            for handle in changes.removed { raiseEvent(.objectRemoved, params: [handle]) }
            for handle in changes.added { raiseEvent(.objectAdded, params: [handle]) }
            for handle in changes.changed { raiseEvent(.objectInfoChanged, params: [handle]) }
        }
        return all
    }

    // MARK: Internals shared by the operation handlers

    /// Ends the session and drops everything in flight.
    func closeSession() {
        sessionID = nil
        endTransaction()
    }

    /// A data phase that ends before all its data arrived: a new object's bytes so far are kept or dropped as
    /// the configuration says.
    func cutOff(_ incoming: IncomingData) {
        incoming.abandon(keepingPartial: configuration.keepsPartialObjects)
    }

    /// Drops the transaction in flight: its data phase (a new object's bytes kept or not, as configured), the
    /// announced object, open edits and every queued container.
    private func endTransaction() {
        if case .receiving(let incoming) = phase { cutOff(incoming) }
        phase = .idle
        pendingObject = nil
        closeEditors()
        clearOutgoing()
    }

    private func clearOutgoing() {
        for item in outgoing { item.close() }
        outgoing.removeAll()
    }

    private func looksLikeCommand(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard case .success(let header) = ContainerParser().parseHeader(bytes) else { return false }
        return header.type == .command && Int(header.length) == bytes.count
    }

    private func fill(_ buffer: UnsafeMutableRawBufferPointer, from range: Range<UInt64>) -> Int {
        let count = Int(range.count)
        var written = 0
        let header = outgoing[0].header
        // The 12-byte header first, then the body.
        if range.lowerBound < UInt64(header.count) {
            let start = Int(range.lowerBound)
            let n = min(header.count - start, count)
            header.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: n) }
            written = n
        }
        guard written < count else { return count }
        let bodyOffset = range.lowerBound + UInt64(written) - UInt64(header.count)
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[written..<count])
        switch outgoing[0].body {
        case .bytes(let body):
            body.withUnsafeBytes {
                target.baseAddress!.copyMemory(from: $0.baseAddress! + Int(bodyOffset), byteCount: target.count)
            }
        case .object(let reader, let start, _):
            var filled = 0
            do throws(StoreError) {
                while filled < target.count {
                    let n = try reader.read(
                        at: start + bodyOffset + UInt64(filled),
                        into: UnsafeMutableRawBufferPointer(rebasing: target[filled...]))
                    if n == 0 { break }
                    filled += n
                }
            } catch {}
            if filled < target.count {
                // The file shrank or failed under us: the length is promised, so pad, and say so in the response.
                target[filled...].initializeMemory(as: UInt8.self, repeating: 0)
                failResponse(after: 0)
            }
            counters.objectBytesSent += UInt64(target.count)
        }
        counters.dataBytesSent += UInt64(count)
        return count
    }

    /// Turns the response queued after the data container at `index` into GeneralError.
    private func failResponse(after index: Int) {
        guard outgoing.count > index + 1, case .response = outgoing[index + 1].kind else { return }
        outgoing[index + 1] = Outgoing.response(
            Container.response(.generalError, transactionID: outgoing[index + 1].transactionID),
            packetSize: configuration.packetSize)
    }
}
