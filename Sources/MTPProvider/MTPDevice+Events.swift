internal import CLibMTP
import DedicatedThreads

/// The listener of one open device: libmtp's async event callback reaches it through `void *` data.
final class EventRegistration: @unchecked Sendable {
    let sink: @Sendable (MTPDeviceEvent) -> Void
    private let lock = ConditionLock()
    private var active = true
    /// The device, while events are wanted; read and re-armed only under the lock.
    private var device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>?

    init(device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>, sink: @escaping @Sendable (MTPDeviceEvent) -> Void) {
        self.device = device
        self.sink = sink
    }

    /// Submits the next interrupt read; false when libmtp refused.
    func arm() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard active, let device else { return false }
        // Retained for the outstanding read; the callback takes it back.
        let data = Unmanaged.passRetained(self).toOpaque()
        guard LIBMTP_Read_Event_Async(device, eventTrampoline, data) == 0 else {
            Unmanaged<EventRegistration>.fromOpaque(data).release()
            LIBMTP_Clear_Errorstack(device)
            return false
        }
        return true
    }

    /// Stops delivering and re-arming; the outstanding read is abandoned with the device's handle.
    func deactivate() {
        lock.lock(); active = false; device = nil; lock.unlock()
    }

    var isActive: Bool { lock.lock(); defer { lock.unlock() }; return active }
}

/// libmtp's event callback, on the pump thread: deliver, then listen again.
private func eventTrampoline(_ status: Int32, _ event: LIBMTP_event_t, _ parameter: UInt32, _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    // Takes back the retain handed over in arm().
    let registration = Unmanaged<EventRegistration>.fromOpaque(data).takeRetainedValue()
    guard registration.isActive else { return }
    if status == 0 {
        registration.sink(MTPDeviceEvent(event, parameter))
        _ = registration.arm()
    }
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
/// open device. libusb serialises event handling internally, so this thread and the device threads' own
/// synchronous transfers can run at the same time.
final class EventPump: @unchecked Sendable {
    static let shared = EventPump()
    private let condition = ConditionLock()
    private var listeners = 0
    private var paused = 0
    private var started = false

    /// A device started listening (once per device, not per read).
    func listening() {
        condition.lock()
        listeners += 1
        if !started {
            started = true
            DedicatedThread.start(name: "mtp-events") { [unowned self] in self.run() }
        }
        condition.signal()
        condition.unlock()
    }

    /// A device stopped listening.
    func stoppedListening() {
        condition.lock(); listeners = max(0, listeners - 1); condition.unlock()
    }

    /// A device thread starts libmtp work: its synchronous transfers handle libusb's events themselves
    /// (completing event reads too), so the pump stands aside rather than contend for libusb's event lock.
    func pause() {
        condition.lock(); paused += 1; condition.unlock()
    }

    /// That work is done.
    func resume() {
        condition.lock(); paused = max(0, paused - 1); condition.signal(); condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while listeners == 0 || paused > 0 { condition.wait() }
            condition.unlock()
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
        _ = try libmtpCall("LIBMTP_Read_Event", device: device, kind: .connectionFailed,
                           { LIBMTP_Read_Event(device, &event, &parameter) }, failed: { $0 != 0 })
        return MTPDeviceEvent(event, parameter)
    }

    /// Starts reading the device's events; `sink` runs on the event thread and should only hand them on.
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

    /// Stops reading events (before the device is released).
    public func stopEvents() {
        guard let registration = events else { return }
        registration.deactivate()
        EventPump.shared.stoppedListening()
        events = nil
    }
}
