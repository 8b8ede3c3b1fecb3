internal import CUMockdev
import DedicatedThreads
import Dispatch
import SystemCalls
#if canImport(Glibc)
import Glibc
#endif

/// One emulated USB device: answers the usbdevfs ioctls of every process that opens its node, by driving a
/// `PTPFunction` from the URBs they submit.
///
/// umockdev calls `handle(_:)` on its own worker thread; fault injection (unplug, events) comes from other
/// threads. All mutable state sits in `core`, behind one lock held only for the duration of one ioctl's
/// bookkeeping. Unchecked Sendable for `handler`, a GObject umockdev calls back on from its worker thread.
public final class EmulatedUSBDevice: @unchecked Sendable {
    /// What the device announces on the bus.
    public let descriptors: USBDescriptors
    /// What the ioctls and the faults change, with the lock that guards it.
    private let core: LockedBox<DeviceCore>
    /// Called (on the ioctl thread, without the lock) when `unplugAfterBytes` is reached, so the owner can
    /// send the "remove" uevent and take the node away.
    private let onSelfUnplug: @Sendable () -> Void
    /// The umockdev handler object, created once and attached at each plug.
    let handler: UnsafeMutablePointer<UMockdevIoctlBase>

    /// Creates a device; it is not on the bus until a `VirtualTestbed` plugs it.
    /// `directClientMemory: false` keeps every client on umockdev's socket for URB contents (slower; for comparison).
    public init(
        identity: USBIdentity, function: PTPFunction, link: LinkModel = .unlimited,
        unplugAfterBytes: UInt64? = nil, directClientMemory: Bool = true,
        onSelfUnplug: @escaping @Sendable () -> Void = {}
    ) {
        let descriptors = USBDescriptors(identity: identity)
        let handler = umockdev_ioctl_base_new()!
        self.descriptors = descriptors
        self.core = LockedBox(
            DeviceCore(
                board: UInt(bitPattern: handler), descriptors: descriptors, function: function,
                link: link, unplugAfterBytes: unplugAfterBytes,
                directClientMemory: directClientMemory))
        self.onSelfUnplug = onSelfUnplug
        self.handler = handler
        let me = Unmanaged.passUnretained(self).toOpaque()
        // The handler never outlives this object: deinit disconnects by releasing it, so no retain is handed over.
        _ = mtpsim_connect_handle_ioctl(handler, handleIoctlTrampoline, me)
        _ = mtpsim_connect_client_signal(handler, "client-connected", clientConnectedTrampoline, me)
        _ = mtpsim_connect_client_signal(handler, "client-vanished", clientVanishedTrampoline, me)
    }

    deinit {
        CompletionBoard.shared.publish(UInt(bitPattern: handler), earliest: nil, busy: false)
        g_object_unref(UnsafeMutableRawPointer(handler))
    }

    /// Runs `body` on the function with the device lock held: the in-process API for counters and faults.
    public func withFunction<R>(_ body: (PTPFunction) throws -> R) rethrows -> R {
        try core.withLock { try body($0.function) }
    }

    /// Takes the device off the link: every pending URB completes with ENODEV and new ones are refused.
    public func markUnplugged() {
        core.withLock { $0.takeOffLink() }
    }

    /// Freezes the device (bulk URBs are held, never completed, until the host gives up and discards them, or
    /// resets the port) or thaws it. Control requests are still answered.
    public func setHung(_ on: Bool) {
        core.withLock { c in
            c.hung = on
            if !on { for key in c.clients.keys { c.fillPending(key: key) } }
        }
    }

    /// Wedges the bulk endpoints (each bulk URB fails at once with EPIPE, as a halted endpoint does, and clearing
    /// the halt does not help) until the port is reset, or un-wedges them: a device that stops answering while it
    /// stays on the bus.
    public func setStalled(_ on: Bool) {
        core.withLock { $0.stalled = on }
    }

    /// Puts the device back on the link after `markUnplugged` (a replug): a fresh, idle function.
    public func markPlugged() {
        core.withLock { c in
            c.unplugged = false
            c.clients.removeAll()
            c.claimedBy = nil
            if let limit = c.unplugAfterBytes, c.function.objectBytesTransferred >= limit { c.unplugAfterBytes = nil }
        }
    }

    // MARK: ioctl dispatch (umockdev worker thread)

    fileprivate func handle(_ client: UnsafeMutablePointer<UMockdevIoctlClient>) -> Bool {
        let request = UInt(umockdev_ioctl_client_get_request(client))
        guard let arg = umockdev_ioctl_client_get_arg(client) else { return false }
        let key = UInt(bitPattern: client)
        let (outcome, selfUnplugged) = core.withLock { $0.dispatch(request, arg, key: key) }
        switch outcome {
        case .done(let result, let err):
            WorkerPoll.extend()
            umockdev_ioctl_client_complete(client, glong(result), gint(err))
        case .heldUntil(let time, let slot):
            g_object_ref(UnsafeMutableRawPointer(client))
            let raw = UInt(bitPattern: client)
            let now = MonotonicClock.nanoseconds()
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(time > now ? time - now : 0))) { [self] in
                let c = UnsafeMutablePointer<UMockdevIoctlClient>(bitPattern: raw)!
                let (result, err) = core.withLock { $0.deliverHeld(key: key, slot: slot) }
                WorkerPoll.extend()
                umockdev_ioctl_client_complete(c, glong(result), gint(err))
                g_object_unref(UnsafeMutableRawPointer(c))
            }
        case .tryAgain(let afterNanos):
            // Answering "nothing yet" later instead of at once keeps a waiting libusb from spinning a whole core
            // on REAPURBNDELAY (umockdev's node always polls ready). The worker thread stays free meanwhile.
            g_object_ref(UnsafeMutableRawPointer(client))
            let raw = UInt(bitPattern: client)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(afterNanos))) {
                let c = UnsafeMutablePointer<UMockdevIoctlClient>(bitPattern: raw)!
                umockdev_ioctl_client_complete(c, -1, EAGAIN)
                g_object_unref(UnsafeMutableRawPointer(c))
            }
        }
        if selfUnplugged { onSelfUnplug() }
        return true
    }

    /// A new open of the node. Its client object may reuse the address of one that is gone, so whatever is
    /// still keyed there belongs to a dead connection and must not leak into this one.
    fileprivate func connected(_ client: UnsafeMutablePointer<UMockdevIoctlClient>) {
        WorkerPoll.install()  // Signals come on umockdev's worker thread: the context to wait on is its own.
        let key = UInt(bitPattern: client)
        core.withLock { c in
            c.clients[key] = ClientState()
            if c.claimedBy == key { c.claimedBy = nil }
        }
    }

    fileprivate func vanished(_ client: UnsafeMutablePointer<UMockdevIoctlClient>) {
        core.withLock { $0.forget(UInt(bitPattern: client)) }
    }
}

/// Everything of an emulated device that an ioctl or a fault changes; reached only through its `LockedBox`.
/// Unchecked Sendable: the function and the URB records are classes, and only the box's holder touches them.
private struct DeviceCore: @unchecked Sendable {
    /// This device on the `CompletionBoard`.
    let board: UInt
    let descriptors: USBDescriptors
    /// The function behind the endpoints.
    let function: PTPFunction
    var link: LinkModel
    var clients: [UInt: ClientState] = [:]
    var unplugged = false
    /// Frozen: bulk URBs are taken and never completed, as by a device that stopped answering.
    var hung = false
    /// Every bulk URB fails with EPIPE (a halted endpoint that clearing does not revive) until a port reset.
    var stalled = false
    var claimedBy: UInt?
    var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    var unplugAfterBytes: UInt64?
    /// Whether to reach clients' URBs in their memory directly when the process allows it (`ClientMemory`).
    let directClientMemory: Bool

    init(
        board: UInt, descriptors: USBDescriptors, function: PTPFunction, link: LinkModel, unplugAfterBytes: UInt64?,
        directClientMemory: Bool
    ) {
        self.board = board
        self.descriptors = descriptors
        self.function = function
        self.link = link
        self.unplugAfterBytes = unplugAfterBytes
        self.directClientMemory = directClientMemory
    }

    /// One ioctl's bookkeeping: its outcome, and whether it took the device off the link (unplugAfterBytes).
    mutating func dispatch(_ request: UInt, _ arg: UnsafeMutablePointer<UMockdevIoctlData>, key: UInt) -> (Outcome, Bool) {
        var outcome = Outcome.done(0, 0)
        var selfUnplugged = false
        if clients[key] == nil { clients[key] = ClientState() }
        switch request {
        case mtpsim_usbdevfs_submiturb():
            outcome = submit(arg, key: key)
            selfUnplugged = checkUnplugAfterBytes()
        case mtpsim_usbdevfs_reapurbndelay(), mtpsim_usbdevfs_reapurb():
            outcome = reap(arg, key: key)
        case mtpsim_usbdevfs_discardurb():
            outcome = discard(arg, key: key)
        case mtpsim_usbdevfs_get_capabilities():
            outcome = writeCapabilities(arg)
        case mtpsim_usbdevfs_claiminterface():
            if unplugged {
                outcome = .done(-1, ENODEV)
            } else if let owner = claimedBy, owner != key {
                // The kernel releases a claim when its holder's descriptor closes; umockdev may not report a
                // killed client while a request of its is unanswered, so a dead holder is let go here.
                if isDead(owner) { forget(owner); claimedBy = key } else { outcome = .done(-1, EBUSY) }  // "device busy", as the kernel says.
            } else {
                claimedBy = key
            }
        case mtpsim_usbdevfs_releaseinterface():
            if claimedBy == key { claimedBy = nil }
        case mtpsim_usbdevfs_reset():
            if unplugged { outcome = .done(-1, ENODEV) } else { portReset() }
        case mtpsim_usbdevfs_getdriver(), mtpsim_usbdevfs_ioctl():
            outcome = .done(-1, ENODATA)  // No kernel driver is bound to the interface.
        case mtpsim_usbdevfs_setinterface(), mtpsim_usbdevfs_setconfiguration(), mtpsim_usbdevfs_clear_halt(),
            mtpsim_usbdevfs_resetep():
            outcome = unplugged ? .done(-1, ENODEV) : .done(0, 0)
        default:
            outcome = .done(-1, ENOTTY)
        }
        publishReadiness()
        return (outcome, selfUnplugged)
    }

    /// With the lock held: fail pending URBs with ENODEV, refuse new ones, and reset the function.
    mutating func takeOffLink() {
        unplugged = true
        claimedBy = nil
        for key in clients.keys { clients[key]!.failPending(errno: ENODEV) }
        function.reset()
    }

    /// With the lock held: USBDEVFS_RESET from any open descriptor, as the kernel does it: every descriptor's
    /// URBs in flight fail (ESHUTDOWN: the endpoints were flushed), a frozen device comes back to life, and the
    /// function starts afresh (its session closed).
    mutating func portReset() {
        hung = false
        stalled = false
        for key in clients.keys { clients[key]!.failPending(errno: ESHUTDOWN) }
        function.reset()
        publishReadiness()
    }

    /// With the lock held: client `key` is gone; its URBs go, and with its claim its session (or what was in flight).
    mutating func forget(_ key: UInt) {
        clients[key] = nil
        publishReadiness()
        if claimedBy == key {
            claimedBy = nil
            if !unplugged { function.clientVanished() }
        }
    }

    /// With the lock held: whether the process behind client `key` has died (known only for a client whose
    /// memory is reached directly, which is every libusb client that submitted a URB).
    func isDead(_ key: UInt) -> Bool {
        guard case .direct(let memory)? = clients[key]?.memory else { return false }
        return !memory.processIsAlive
    }

    enum Outcome {
        case done(Int, Int32)
        case tryAgain(afterNanos: UInt64)
        /// Reap the client's next URB into `slot` at that monotonic time (see `reap`).
        case heldUntil(UInt64, slot: UInt)
    }

    /// With the lock held, at a held reap's time: hands out the client's next URB as a reap would, when it
    /// is due and needs nothing but its address written. Anything else (a discard or an unplug meanwhile)
    /// is "try again", and the client's next reap sees the new state.
    mutating func deliverHeld(key: UInt, slot: UInt) -> (Int, Int32) {
        guard let state = clients[key], let head = state.completed.first, head.readyAt <= MonotonicClock.nanoseconds(),
            !head.needsWriteBackAtReap, case .direct(let memory) = state.memory,
            withUnsafeBytes(of: head.clientAddress, { memory.write($0, to: slot) })
        else { return (-1, EAGAIN) }
        clients[key]!.completed.removeFirst()
        clients[key]!.emptyReaps = 0
        publishReadiness()
        return (0, 0)
    }

    mutating func submit(_ arg: UnsafeMutablePointer<UMockdevIoctlData>, key: UInt) -> Outcome {
        if unplugged { return .done(-1, ENODEV) }
        guard let record = urb(at: arg, key: key) else { return .done(-1, EFAULT) }
        switch Int32(record.type) {
        case USBDEVFS_URB_TYPE_CONTROL:
            control(record)
            complete(record, key: key, atSubmit: true, bytes: 0, transactions: 0)
        // Bulk and interrupt URBs are told apart by endpoint: libusb submits interrupt transfers with the bulk
        // URB type, and the kernel routes by endpoint too.
        case USBDEVFS_URB_TYPE_BULK where stalled && record.endpoint != USBDescriptors.interruptIn:
            record.finish(status: -EPIPE, actualLength: 0)
            complete(record, key: key, atSubmit: true, bytes: 0, transactions: 0)
        case USBDEVFS_URB_TYPE_BULK where record.endpoint == USBDescriptors.bulkOut && hung:
            clients[key]!.heldOut.append(record)
        case USBDEVFS_URB_TYPE_BULK where record.endpoint == USBDescriptors.bulkOut:
            let before = function.transactionsBegun
            let count = record.bufferLength
            if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
            // A buffer that cannot be read fails the submit, as the kernel's copy from user space would.
            let delivered = scratch.withUnsafeMutableBytes { all in
                let bytes = UnsafeMutableRawBufferPointer(rebasing: all[0..<count])
                guard record.read(into: bytes) else { return false }
                function.bulkOut(UnsafeRawBufferPointer(bytes))
                return true
            }
            guard delivered else { return .done(-1, EFAULT) }
            record.finish(status: 0, actualLength: count)
            complete(
                record, key: key, atSubmit: true, bytes: count,
                transactions: function.transactionsBegun - before)
            // A response may now be due to an IN URB submitted earlier.
            fillPending(key: key)
        case USBDEVFS_URB_TYPE_BULK where record.endpoint == USBDescriptors.bulkIn:
            if hung || !fill(record, key: key, interrupt: false, atSubmit: true) { clients[key]!.pendingIn.append(record) }
        case USBDEVFS_URB_TYPE_BULK where record.endpoint == USBDescriptors.interruptIn,
            USBDEVFS_URB_TYPE_INTERRUPT where record.endpoint == USBDescriptors.interruptIn:
            if !fill(record, key: key, interrupt: true, atSubmit: true) { clients[key]!.pendingInterrupt.append(record) }
        default:
            return .done(-1, EINVAL)
        }
        return .done(0, 0)
    }

    /// The URB whose client address is the ioctl's argument: read from the client's memory when that is
    /// reachable, else through umockdev. A client's first URB comes through umockdev and tells which process
    /// it is (`ClientMemory.find`).
    mutating func urb(at arg: UnsafeMutablePointer<UMockdevIoctlData>, key: UInt) -> URBRecord? {
        if case .direct(let memory) = clients[key]!.memory {
            let address = UnsafeRawPointer(arg.pointee.data!).loadUnaligned(as: UInt.self)
            if let record = URBRecord(at: address, in: memory) { return record }
        }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let data = umockdev_ioctl_data_resolve(arg, 0, gsize(MemoryLayout<usbdevfs_urb>.size), &error) else {
            if error != nil { g_error_free(error) }
            return nil
        }
        if case .untried = clients[key]!.memory {
            let copy = UnsafeRawBufferPointer(start: data.pointee.data, count: Int(data.pointee.data_len))
            clients[key]!.memory =
                directClientMemory
                ? ClientMemory.find(holding: copy, at: UInt(data.pointee.client_addr)).map { .direct($0) } ?? .socket
                : .socket
        }
        return URBRecord(resolved: data)
    }

    /// Tries to satisfy an IN URB from the function; true when it completed.
    mutating func fill(_ record: URBRecord, key: UInt, interrupt: Bool, atSubmit: Bool) -> Bool {
        let capacity = record.bufferLength
        if scratch.count < capacity { scratch = [UInt8](repeating: 0, count: capacity) }
        let produced: Int? = scratch.withUnsafeMutableBytes { all in
            let buffer = UnsafeMutableRawBufferPointer(rebasing: all[0..<capacity])
            return interrupt ? function.interruptIn(into: buffer) : function.bulkIn(into: buffer)
        }
        guard let count = produced else { return false }
        // Unwritable only if the client is gone or handed a bad buffer; it learns nothing better from a status.
        _ = scratch.withUnsafeBytes { record.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        record.finish(status: 0, actualLength: count)
        complete(record, key: key, atSubmit: atSubmit, bytes: interrupt ? 0 : count, transactions: 0)
        return true
    }

    mutating func fillPending(key: UInt) {
        if hung { return }
        while let head = clients[key]?.pendingIn.first, fill(head, key: key, interrupt: false, atSubmit: false) {
            clients[key]!.pendingIn.removeFirst()
        }
        while let head = clients[key]?.pendingInterrupt.first, fill(head, key: key, interrupt: true, atSubmit: false) {
            clients[key]!.pendingInterrupt.removeFirst()
        }
    }

    mutating func complete(_ record: URBRecord, key: UInt, atSubmit: Bool, bytes: Int, transactions: Int) {
        record.writtenBackAtSubmit = atSubmit
        if !link.isUnlimited {
            record.readyAt = link.book(bytes: bytes, transactions: transactions, now: MonotonicClock.nanoseconds())
        }
        clients[key]!.completed.append(record)
    }

    func control(_ record: URBRecord) {
        // libusb sizes a control URB as the 8-byte setup packet plus wLength: read it all at once.
        var whole = [UInt8](repeating: 0, count: record.bufferLength)
        guard whole.withUnsafeMutableBytes({ record.read(into: $0) }),
            let setup = whole.withUnsafeBytes({ ControlRequest($0) })
        else {
            record.finish(status: -EPIPE, actualLength: 0)
            return
        }
        let dataLength = min(Int(setup.length), whole.count - 8)
        let reply = whole.withUnsafeBytes { all in
            ControlResponder(descriptors: descriptors)
                .reply(to: setup, payload: UnsafeRawBufferPointer(rebasing: all[8..<(8 + dataLength)]), function: function)
        }
        switch reply {
        case .stall:
            record.finish(status: -EPIPE, actualLength: 0)
        case .data(let bytes):
            guard setup.isDeviceToHost else {
                record.finish(status: 0, actualLength: dataLength)
                return
            }
            let n = min(bytes.count, dataLength)
            guard bytes.withUnsafeBytes({ record.write(UnsafeRawBufferPointer(rebasing: $0[0..<n]), at: 8) }) else {
                record.finish(status: -EFAULT, actualLength: 0)
                return
            }
            record.finish(status: 0, actualLength: n)
        }
    }

    /// "Nothing yet", answered after up to `wanted` ns, or sooner when another device's URB is due first.
    func notYet(wanted: UInt64, now: UInt64 = MonotonicClock.nanoseconds()) -> Outcome {
        let wait = CompletionBoard.shared.wait(for: board, wanted: wanted, now: now)
        return wait == 0 ? .done(-1, EAGAIN) : .tryAgain(afterNanos: wait)
    }

    /// With the lock held: tells the other devices when this one next has a bulk completion to hand out.
    func publishReadiness() {
        var earliest: UInt64?
        var busy = false
        for state in clients.values {
            if let head = state.completed.first { earliest = min(earliest ?? head.readyAt, head.readyAt) }
            busy = busy || !state.completed.isEmpty || !state.pendingIn.isEmpty
        }
        CompletionBoard.shared.publish(board, earliest: earliest, busy: busy)
    }

    mutating func reap(_ arg: UnsafeMutablePointer<UMockdevIoctlData>, key: UInt) -> Outcome {
        fillPending(key: key)
        guard let head = clients[key]!.completed.first else {
            if unplugged { return .done(-1, ENODEV) }
            clients[key]!.emptyReaps += 1
            let n = clients[key]!.emptyReaps
            return n < 2 ? .done(-1, EAGAIN) : notYet(wanted: n < 200 ? 1_000_000 : 4_000_000)
        }
        let slotAddress = UnsafeRawPointer(arg.pointee.data!).loadUnaligned(as: UInt.self)
        if head.readyAt > 0 {
            let now = MonotonicClock.nanoseconds()
            if head.readyAt > now {
                let wanted = min(head.readyAt - now, 2_000_000)
                // The URB itself, answered when the link model says it is done: a "not yet" would cost libusb
                // another poll and reap, time the cable would not have spent. Only where the answer is 8 bytes
                // written straight into the client (any thread may do that), and when no other device's URB
                // falls due first (libusb reaps every device from one thread).
                if case .direct = clients[key]!.memory, !head.needsWriteBackAtReap, wanted == head.readyAt - now,
                    CompletionBoard.shared.wait(for: board, wanted: wanted, now: now) == wanted
                {
                    return .heldUntil(head.readyAt, slot: slotAddress)
                }
                return notYet(wanted: min(wanted, 1_000_000), now: now)
            }
        }
        clients[key]!.completed.removeFirst()
        clients[key]!.emptyReaps = 0
        if !head.needsWriteBackAtReap {
            // Its struct and buffer are in the client already: only its address goes into the reap slot.
            if case .direct(let memory) = clients[key]!.memory,
                withUnsafeBytes(of: head.clientAddress, { memory.write($0, to: slotAddress) })
            {
                return .done(0, 0)
            }
            // libusb reaps into the same local variable each time. Reusing umockdev's copy of it from an earlier
            // reap skips reading 8 bytes the client is about to have overwritten: one round trip less per URB.
            // Its flush writes only when the value differs from what was first read there, so a value equal to
            // that first read takes the fresh resolve below.
            if let cached = clients[key]!.reapSlots[slotAddress], cached.firstRead != head.clientAddress {
                cached.store(head.clientAddress)
                _ = umockdev_ioctl_data_set_ptr(arg, 0, cached.data)
                return .done(0, 0)
            }
        }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let slot = umockdev_ioctl_data_resolve(arg, 0, gsize(MemoryLayout<UInt>.size), &error) else {
            if error != nil { g_error_free(error) }
            return .done(-1, EFAULT)
        }
        if let copy = head.needsWriteBackAtReap ? head.umockdevCopy : nil {
            // Completed after its submit: attach it so its struct and buffer are written back with this reap.
            _ = umockdev_ioctl_data_set_ptr(slot, 0, copy)
        } else {
            if clients[key]!.reapSlots[slotAddress] == nil {
                clients[key]!.reapSlots[slotAddress] = ReapSlot(retaining: slot)
            }
            UnsafeMutableRawPointer(slot.pointee.data!).storeBytes(of: head.clientAddress, as: UInt.self)
        }
        g_object_unref(UnsafeMutableRawPointer(slot))
        return .done(0, 0)
    }

    mutating func discard(_ arg: UnsafeMutablePointer<UMockdevIoctlData>, key: UInt) -> Outcome {
        let address = UnsafeRawPointer(arg.pointee.data!).loadUnaligned(as: UInt.self)
        guard clients[key]!.cancel(clientAddress: address) else { return .done(-1, EINVAL) }
        return .done(0, 0)
    }

    func writeCapabilities(_ arg: UnsafeMutablePointer<UMockdevIoctlData>) -> Outcome {
        var error: UnsafeMutablePointer<GError>? = nil
        guard let caps = umockdev_ioctl_data_resolve(arg, 0, 4, &error) else {
            if error != nil { g_error_free(error) }
            return .done(-1, EFAULT)
        }
        // No packet-size limit: libusb submits each transfer as one URB, as on a modern kernel.
        let value = UInt32(
            USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM
                | USBDEVFS_CAP_REAP_AFTER_DISCONNECT)
        UnsafeMutableRawPointer(caps.pointee.data!).storeBytes(of: value, as: UInt32.self)
        g_object_unref(UnsafeMutableRawPointer(caps))
        return .done(0, 0)
    }

    mutating func checkUnplugAfterBytes() -> Bool {
        guard !unplugged, let limit = unplugAfterBytes, function.objectBytesTransferred >= limit else { return false }
        unplugAfterBytes = nil
        takeOffLink()
        return true
    }
}

/// The URBs of one open file descriptor on the device node.
private struct ClientState {
    var pendingIn: [URBRecord] = []
    var pendingInterrupt: [URBRecord] = []
    /// Bulk OUT URBs a hung device took and will not complete (see `setHung`).
    var heldOut: [URBRecord] = []
    var completed: [URBRecord] = []
    var emptyReaps = 0
    /// How this client's URBs are reached; decided at its first URB.
    var memory = MemoryRoute.untried
    /// Reap slots seen before on this connection, by their address in the client.
    var reapSlots: [UInt: ReapSlot] = [:]

    mutating func failPending(errno: Int32) {
        for r in pendingIn + pendingInterrupt + heldOut {
            r.finish(status: -errno, actualLength: 0)
            r.writtenBackAtSubmit = false
            r.readyAt = 0
            completed.append(r)
        }
        pendingIn.removeAll()
        pendingInterrupt.removeAll()
        heldOut.removeAll()
    }

    mutating func cancel(clientAddress: UInt) -> Bool {
        for kind in 0..<3 {
            var list = [pendingIn, pendingInterrupt, heldOut][kind]
            if let i = list.firstIndex(where: { $0.clientAddress == clientAddress }) {
                let r = list.remove(at: i)
                r.finish(status: -ENOENT, actualLength: 0)
                completed.append(r)
                switch kind {
                case 0: pendingIn = list
                case 1: pendingInterrupt = list
                default: heldOut = list
                }
                return true
            }
        }
        return false
    }
}

/// How a client's URB structs and buffers are read and written.
private enum MemoryRoute {
    /// No URB seen yet.
    case untried
    /// In its memory, directly.
    case direct(ClientMemory)
    /// Through umockdev's socket (its process could not be found or reached).
    case socket
}

/// umockdev's local copy of a client variable that REAPURB writes URB addresses into, kept across reaps of
/// one connection (it is bound to that connection's socket).
final class ReapSlot {
    let data: UnsafeMutablePointer<UMockdevIoctlData>
    /// What umockdev read there first: the baseline its flush compares against.
    let firstRead: UInt

    init(retaining data: UnsafeMutablePointer<UMockdevIoctlData>) {
        g_object_ref(UnsafeMutableRawPointer(data))  // Our own reference, released in deinit.
        self.data = data
        firstRead = UnsafeRawPointer(data.pointee.data!).loadUnaligned(as: UInt.self)
    }
    deinit { g_object_unref(UnsafeMutableRawPointer(data)) }

    func store(_ value: UInt) { UnsafeMutableRawPointer(data.pointee.data!).storeBytes(of: value, as: UInt.self) }
}

private func handleIoctlTrampoline(
    _ handler: UnsafeMutablePointer<UMockdevIoctlBase>?,
    _ client: UnsafeMutablePointer<UMockdevIoctlClient>?,
    _ me: gpointer?
) -> gboolean {
    guard let client, let me else { return 0 }
    return Unmanaged<EmulatedUSBDevice>.fromOpaque(me).takeUnretainedValue().handle(client) ? 1 : 0
}

private func clientConnectedTrampoline(
    _ handler: UnsafeMutablePointer<UMockdevIoctlBase>?,
    _ client: UnsafeMutablePointer<UMockdevIoctlClient>?,
    _ me: gpointer?
) {
    guard let client, let me else { return }
    Unmanaged<EmulatedUSBDevice>.fromOpaque(me).takeUnretainedValue().connected(client)
}

private func clientVanishedTrampoline(
    _ handler: UnsafeMutablePointer<UMockdevIoctlBase>?,
    _ client: UnsafeMutablePointer<UMockdevIoctlClient>?,
    _ me: gpointer?
) {
    guard let client, let me else { return }
    Unmanaged<EmulatedUSBDevice>.fromOpaque(me).takeUnretainedValue().vanished(client)
}
