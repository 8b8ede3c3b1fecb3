internal import CLibMTP
import DedicatedThreads

/// The listener of one open device: libmtp's async event callback reaches it through `void *` data.
///
/// One interrupt read is in flight at a time, and it holds one retain of the registration. When the device
/// is released with a read still in flight, libusb_close drops the transfer from its flying list without
/// ever calling back (libusb 1.0.26 `do_close`), so after LIBMTP_Release_Device that retain is given back
/// here (`releaseAbandonedRead`). libusb_close takes the event lock first, so a callback already running on
/// another thread has finished by then and no later one can come. The transfer itself, its buffer and libmtp's
/// data for it are never freed (libmtp cannot cancel its read): about 700 bytes each such release, a known leak
/// listed in Tests/Sanitizers/lsan-suppressions.txt.
final class EventRegistration: Sendable {
    let sink: @Sendable (MTPDeviceEvent) -> Void
    private struct State: @unchecked Sendable {  // The device pointer, reached only under the lock.
        var active = true
        /// Whether a read is in flight, holding a retain of this registration.
        var outstanding = false
        /// The device, while events are wanted; read and re-armed only under the lock.
        var device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>?
    }
    private let state: LockedBox<State>

    init(device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>, sink: @escaping @Sendable (MTPDeviceEvent) -> Void) {
        state = LockedBox(State(device: device))
        self.sink = sink
    }

    /// Submits the next interrupt read; false when libmtp refused. Runs on the device thread or in the event
    /// callback (any thread handling libusb events): it touches only the fixed USB handle and endpoint, never
    /// the error stack, which belongs to the device thread.
    func arm() -> Bool {
        state.withLock { s in
            guard s.active, !s.outstanding, let device = s.device else { return false }
            // Retained for the read in flight; the callback (or releaseAbandonedRead) takes it back.
            let data = Unmanaged.passRetained(self).toOpaque()
            guard LIBMTP_Read_Event_Async(device, eventTrampoline, data) == 0 else {
                // Not submitted: no callback will come, so give the retain back now.
                Unmanaged<EventRegistration>.fromOpaque(data).release()
                return false
            }
            s.outstanding = true
            return true
        }
    }

    /// The read completed (the callback owns its retain again); whether events are still wanted.
    fileprivate func completed() -> Bool {
        state.withLock { s in
            s.outstanding = false
            return s.active
        }
    }

    /// Stops delivering and re-arming; a read in flight is left to the device's release.
    func deactivate() {
        state.withLock { s in
            s.active = false
            s.device = nil
        }
    }

    /// After LIBMTP_Release_Device: gives back the retain of a read that libusb dropped without a callback.
    func releaseAbandonedRead() {
        let abandoned = state.withLock { s in
            defer { s.outstanding = false }
            return s.outstanding
        }
        // Balances the passRetained in arm() whose callback will never run.
        if abandoned { Unmanaged.passUnretained(self).release() }
    }
}

/// libmtp's event callback, on whichever thread is handling libusb events (the pump, or a device thread
/// inside a synchronous transfer): deliver, then listen again. A failed read (device gone, cancelled) ends
/// the listening.
private func eventTrampoline(_ status: Int32, _ event: LIBMTP_event_t, _ parameter: UInt32, _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    // Takes back the retain handed over in arm().
    let registration = Unmanaged<EventRegistration>.fromOpaque(data).takeRetainedValue()
    guard registration.completed(), status == 0 else { return }
    registration.sink(MTPDeviceEvent(event, parameter))
    _ = registration.arm()
}

extension MTPDeviceEvent {
    init(_ event: LIBMTP_event_t, _ parameter: UInt32) {
        switch event {
        case LIBMTP_EVENT_STORE_ADDED: self = .storeAdded(parameter)
        case LIBMTP_EVENT_STORE_REMOVED: self = .storeRemoved(parameter)
        case LIBMTP_EVENT_OBJECT_ADDED: self = .objectAdded(parameter)
        case LIBMTP_EVENT_OBJECT_REMOVED: self = .objectRemoved(parameter)
        case LIBMTP_EVENT_DEVICE_PROPERTY_CHANGED: self = .devicePropertyChanged(parameter)
        default: self = .other
        }
    }
}

/// The one thread that runs libmtp's libusb event handling, which completes the async event reads of every
/// open device.
///
/// Safe beside the device threads: libmtp's synchronous transfers wait with libusb_handle_events_completed on
/// the same (libmtp's one) context, and libusb lets only the holder of its event lock handle events while the
/// others wait and re-check their own transfer's flag. So an event read's callback runs on the pump or inside
/// a device thread's transfer, never two at once, and it reads only fixed fields of the device (USB handle,
/// endpoint, session id); it leaves libmtp's per-device error stack to the device thread.
final class EventPump: Sendable {
    static let shared = EventPump()
    private struct State {
        var listeners = 0
        var paused = 0
        var started = false
    }
    private let state = ConditionBox(State())

    /// A device started listening (once per device, not per read).
    func listening() {
        let start = state.withLock { s in
            s.listeners += 1
            defer { s.started = true }
            return !s.started
        }
        if start { DedicatedThread.start(name: "mtp-events") { [self] in run() } }
        state.signal()
    }

    /// A device stopped listening.
    func stoppedListening() {
        state.withLock { $0.listeners = max(0, $0.listeners - 1) }
    }

    /// A device thread starts libmtp work: its synchronous transfers handle libusb's events themselves
    /// (completing event reads too), so the pump stands aside rather than contend for libusb's event lock.
    func pause() {
        state.withLock { $0.paused += 1 }
    }

    /// That work is done.
    func resume() {
        state.withLock { $0.paused = max(0, $0.paused - 1) }
        state.signal()
    }

    private func run() {
        while true {
            state.withLock(waitingUntil: { $0.listeners > 0 && $0.paused == 0 }) { _ in }
            var tv = timeval(tv_sec: 0, tv_usec: 200_000)
            var completed: Int32 = 0
            _ = LIBMTP_Handle_Events_Timeout_Completed(&tv, &completed)
        }
    }
}

extension MTPDevice {
    /// Blocks until the device reports an event (LIBMTP_Read_Event): for tools that do nothing else meanwhile.
    public func readEvent() throws(MTPError) -> MTPDeviceEvent {
        var event = LIBMTP_EVENT_NONE
        var parameter: UInt32 = 0
        _ = try libmtpCall(
            "LIBMTP_Read_Event", device: device, kind: .connectionFailed,
            { LIBMTP_Read_Event(device, &event, &parameter) }, failed: { $0 != 0 })
        return MTPDeviceEvent(event, parameter)
    }

    /// Starts reading the device's events without blocking the device thread; `sink` runs on whichever thread
    /// handles libusb's events (the process's event thread, or a device thread inside a transfer) and should
    /// only hand them on. Delivery ends when the device goes away or `stopEvents` is called.
    public func startEvents(_ sink: @escaping @Sendable (MTPDeviceEvent) -> Void) {
        guard events == nil else { return }
        let registration = EventRegistration(device: device, sink: sink)
        guard registration.arm() else { return }  // No interrupt endpoint to read: the device runs without events.
        events = registration
        EventPump.shared.listening()
    }

    /// Runs `body`, a stretch of libmtp calls, with the event thread standing aside (see `EventPump.pause`):
    /// measured under umockdev, a pumping event thread made each file of a bundle five times slower.
    public func withEventThreadPaused<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        EventPump.shared.pause()
        defer { EventPump.shared.resume() }
        return try body()
    }

    /// Stops delivering events; safe with a read in flight, which the device's release ends.
    public func stopEvents() {
        guard let registration = events else { return }
        registration.deactivate()
        stoppedEvents.append(registration)
        EventPump.shared.stoppedListening()
        events = nil
    }
}
