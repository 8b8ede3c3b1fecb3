internal import CLibUSB
internal import PTPWire

extension AttachedDevice {
    /// The device's DeviceInfo dataset, read with one GetDeviceInfo outside any session over a libusb handle of
    /// this module's own, for what libmtp reads at opening but keeps private (EventsSupported). Nil when it
    /// cannot be read; the interface is released and the handle closed either way, so libmtp opens as before.
    ///
    /// Call it only while nothing else holds the interface (before libmtp opens the device): the claim fails
    /// otherwise, and a transaction must never interleave with libmtp's.
    func readDeviceInfo() -> DeviceInfo? {
        guard let busContext, let pipes = USBPipes.find(bus: bus, address: address, context: busContext) else {
            return nil
        }
        defer { libusb_close(pipes.handle) }
        // A kernel driver on the interface is libmtp's to detach at opening, not ours: the claim fails and we give up.
        guard libusb_claim_interface(pipes.handle, pipes.interface) == 0 else { return nil }
        defer { libusb_release_interface(pipes.handle, pipes.interface) }
        return try? pipes.getDeviceInfo(deadline: ContinuousClock.now + DeviceInfoRead.timeout)
    }
}

/// Limits of the DeviceInfo read.
enum DeviceInfoRead {
    /// How long the whole transaction may take: a device that answers at all answers GetDeviceInfo at once.
    static let timeout: Duration = .seconds(2)
    /// The most bytes one bulk IN read asks for: a multiple of every bulk packet size (64, 512, 1024), so a
    /// read ends only at a short packet, never by overflowing mid-packet.
    static let readSize = 64 << 10
}

/// Why the DeviceInfo read stopped (only ever turned into nil; it names the libusb function for debugging).
struct USBFailure: Error {
    /// The libusb function or the protocol step that failed.
    var step: String
    /// libusb's error code, 0 for a protocol failure.
    var code: Int32 = 0
}

/// An open libusb handle on an MTP device with its PTP interface's bulk endpoints: enough for one transaction.
struct USBPipes {
    let handle: OpaquePointer
    let interface: Int32
    let bulkIn: UInt8
    let bulkOut: UInt8

    /// The libusb call's return code as success or a failure naming `step`: the one place this file reads one.
    static func check(_ rc: Int32, _ step: String) throws(USBFailure) {
        guard rc >= 0 else { throw USBFailure(step: step, code: rc) }
    }

    /// Opens the device at `bus`/`address` and finds its still-image (PTP) interface, or a vendor-specific one
    /// with a bulk pair (as some MTP devices describe theirs); nil when there is none or it cannot be opened.
    static func find(bus: UInt32, address: UInt8, context: OpaquePointer) -> USBPipes? {
        var list: UnsafeMutablePointer<OpaquePointer?>? = nil
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else { return nil }
        defer { libusb_free_device_list(list, 1) }
        guard
            let device = (0..<count).lazy.compactMap({ list[$0] }).first(where: {
                UInt32(libusb_get_bus_number($0)) == bus && libusb_get_device_address($0) == address
            }), let endpoints = ptpEndpoints(of: device)
        else { return nil }
        var handle: OpaquePointer? = nil
        guard libusb_open(device, &handle) == 0, let handle else { return nil }
        return USBPipes(handle: handle, interface: endpoints.interface, bulkIn: endpoints.bulkIn, bulkOut: endpoints.bulkOut)
    }

    /// The interface number and bulk endpoint addresses of the active configuration's PTP interface.
    private static func ptpEndpoints(of device: OpaquePointer) -> (interface: Int32, bulkIn: UInt8, bulkOut: UInt8)? {
        var config: UnsafeMutablePointer<libusb_config_descriptor>? = nil
        guard libusb_get_active_config_descriptor(device, &config) == 0, let config else { return nil }
        defer { libusb_free_config_descriptor(config) }
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            for a in 0..<Int(interface.num_altsetting) {
                let setting = interface.altsetting[a]
                let kind = UInt32(setting.bInterfaceClass)
                guard kind == LIBUSB_CLASS_PTP.rawValue || kind == LIBUSB_CLASS_VENDOR_SPEC.rawValue else { continue }
                var bulkIn: UInt8?, bulkOut: UInt8?
                for e in 0..<Int(setting.bNumEndpoints) {
                    let endpoint = setting.endpoint[e]
                    guard UInt32(endpoint.bmAttributes) & 0x03 == LIBUSB_TRANSFER_TYPE_BULK.rawValue else { continue }
                    if endpoint.bEndpointAddress & 0x80 != 0 {
                        bulkIn = endpoint.bEndpointAddress
                    } else {
                        bulkOut = endpoint.bEndpointAddress
                    }
                }
                if let bulkIn, let bulkOut { return (Int32(setting.bInterfaceNumber), bulkIn, bulkOut) }
            }
        }
        return nil
    }

    /// GetDeviceInfo with TransactionID 0 (PTP allows it before OpenSession): the command on bulk OUT, then the
    /// data and response containers from bulk IN, however the device splits them into reads.
    func getDeviceInfo(deadline: ContinuousClock.Instant) throws(USBFailure) -> DeviceInfo {
        let command = Container.command(.getDeviceInfo, transactionID: 0).bytes
        try send(command)
        do {
            return try receiveDeviceInfo(deadline: deadline)
        } catch {
            abandonTransaction(after: error)
            throw error
        }
    }

    private func send(_ bytes: [UInt8]) throws(USBFailure) {
        var bytes = bytes
        var sent: Int32 = 0
        let rc = bytes.withUnsafeMutableBufferPointer {
            libusb_bulk_transfer(
                handle, bulkOut, $0.baseAddress, Int32($0.count), &sent, Self.milliseconds(DeviceInfoRead.timeout))
        }
        try Self.check(rc, "libusb_bulk_transfer (command)")
        guard sent == Int32(bytes.count) else { throw USBFailure(step: "command sent in part") }
    }

    private func receiveDeviceInfo(deadline: ContinuousClock.Instant) throws(USBFailure) -> DeviceInfo {
        var reply = DeviceInfoReply(transactionID: 0)
        var buffer = [UInt8](repeating: 0, count: DeviceInfoRead.readSize)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw USBFailure(step: "deadline", code: LIBUSB_ERROR_TIMEOUT.rawValue) }
            var received: Int32 = 0
            let rc = buffer.withUnsafeMutableBufferPointer {
                libusb_bulk_transfer(handle, bulkIn, $0.baseAddress, Int32($0.count), &received, Self.milliseconds(left))
            }
            try Self.check(rc, "libusb_bulk_transfer (data or response)")
            if let info = try reply.receive(buffer[0..<Int(received)]) { return info }
        }
    }

    /// Leaves the pipes as libmtp expects them after a transaction that did not finish: a stalled endpoint is
    /// cleared, and a device still working on GetDeviceInfo is told to cancel it (the class request Cancel,
    /// 0x64), so that no late data or response is waiting for libmtp's OpenSession to read.
    private func abandonTransaction(after failure: USBFailure) {
        switch failure.code {
        case LIBUSB_ERROR_PIPE.rawValue:
            libusb_clear_halt(handle, bulkIn)
            libusb_clear_halt(handle, bulkOut)
        case LIBUSB_ERROR_TIMEOUT.rawValue:
            // Cancellation code 0x4001 (CancelTransaction) and the transaction's id, little-endian.
            var request: [UInt8] = [0x01, 0x40, 0, 0, 0, 0]
            _ = request.withUnsafeMutableBufferPointer {
                libusb_control_transfer(
                    handle, 0x21, 0x64, 0, UInt16(interface), $0.baseAddress, UInt16($0.count),
                    Self.milliseconds(DeviceInfoRead.timeout))
            }
        default: break
        }
    }

    private static func milliseconds(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        return UInt32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
