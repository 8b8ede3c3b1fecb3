internal import CLibUSB

/// A USB device arriving on or leaving the bus, as libusb's hotplug support reports it.
public struct USBHotplugEvent: Sendable, Equatable {
    /// Arrival or removal.
    public enum Kind: String, Sendable { case arrived, left }
    /// Which of the two.
    public var kind: Kind
    /// idVendor.
    public var vendorID: UInt16
    /// idProduct.
    public var productID: UInt16
    /// Bus number.
    public var bus: UInt8
    /// Device address on the bus.
    public var address: UInt8
}

/// Watches the USB bus through libusb hotplug callbacks; events are collected by the callback and handed out
/// by `next(timeoutMilliseconds:)`, which also drives libusb's event handling on the caller's thread.
public final class USBHotplugMonitor {
    private var context: OpaquePointer?
    private var handle: libusb_hotplug_callback_handle = 0
    fileprivate var pending: [USBHotplugEvent] = []

    /// Starts watching; with `enumerate`, devices already present are reported as arrivals first.
    public init(enumerate: Bool = false) throws(MTPError) {
        var ctx: OpaquePointer? = nil
        let rc = libusb_init(&ctx)
        guard rc == 0, let ctx else {
            throw MTPError(kind: .general, function: "libusb_init", message: String(cString: libusb_error_name(rc)))
        }
        context = ctx
        guard libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 else {
            libusb_exit(ctx)
            throw MTPError(kind: .general, function: "libusb_has_capability", message: "no hotplug support")
        }
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let flags = enumerate ? Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue) : 0
        // The monitor outlives its registration (deregistered in deinit), so no retain is handed to libusb.
        let me = Unmanaged.passUnretained(self).toOpaque()
        let reg = libusb_hotplug_register_callback(
            ctx, events, flags, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
            LIBUSB_HOTPLUG_MATCH_ANY, hotplugCallback, me, &handle)
        guard reg == 0 else {
            libusb_exit(ctx)
            throw MTPError(
                kind: .general, function: "libusb_hotplug_register_callback",
                message: String(cString: libusb_error_name(reg)))
        }
    }

    deinit {
        libusb_hotplug_deregister_callback(context, handle)
        libusb_exit(context)
    }

    /// The next hotplug event, or nil when none came within the timeout.
    public func next(timeoutMilliseconds: Int) -> USBHotplugEvent? {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while pending.isEmpty && ContinuousClock.now < deadline {
            var tv = timeval(tv_sec: 0, tv_usec: 100_000)
            libusb_handle_events_timeout_completed(context, &tv, nil)
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }
}

private func hotplugCallback(
    _ ctx: OpaquePointer?, _ device: OpaquePointer?, _ event: libusb_hotplug_event,
    _ me: UnsafeMutableRawPointer?
) -> Int32 {
    guard let me, let device else { return 0 }
    // Minimal work here, as libusb asks: record and return.
    var descriptor = libusb_device_descriptor()
    _ = libusb_get_device_descriptor(device, &descriptor)
    let monitor = Unmanaged<USBHotplugMonitor>.fromOpaque(me).takeUnretainedValue()
    monitor.pending.append(
        USBHotplugEvent(
            kind: event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? .arrived : .left,
            vendorID: descriptor.idVendor, productID: descriptor.idProduct,
            bus: libusb_get_bus_number(device), address: libusb_get_device_address(device)))
    return 0
}
