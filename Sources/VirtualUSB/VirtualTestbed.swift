internal import CUMockdev
#if canImport(Glibc)
import Glibc
#endif

/// A umockdev testbed holding emulated USB devices: a private /sys and /dev that processes running under
/// umockdev's preload library see instead of the machine's.
///
/// Not thread-safe: the owner calls it from one thread or serial queue. Must run in a process that is itself
/// under the preload (see `PreloadEnvironment`), or uevents do not reach libusb's hotplug monitor.
public final class VirtualTestbed: @unchecked Sendable {
    private let testbed: UnsafeMutablePointer<UMockdevTestbed>
    private var plugged: [ObjectIdentifier: Plug] = [:]
    private var nextDeviceNumber = 2
    /// Bus number the emulated devices appear on.
    public let busNumber: Int

    private struct Plug {
        var sysPath: String
        var devNode: String
    }

    /// Creates an empty testbed; its location is exported as UMOCKDEV_DIR to this process's environment,
    /// so children spawned afterwards see it.
    public init(busNumber: Int = 1) {
        self.busNumber = busNumber
        testbed = umockdev_testbed_new()
    }

    deinit {
        for (_, p) in plugged { _ = umockdev_testbed_detach_ioctl(testbed, p.devNode, nil) }
        g_object_unref(UnsafeMutableRawPointer(testbed))
    }

    /// The device node path of a plugged device, e.g. /dev/bus/usb/001/002.
    public func deviceNode(of device: EmulatedUSBDevice) -> String? { plugged[ObjectIdentifier(device)]?.devNode }

    /// The sysfs path of a plugged device, e.g. /sys/devices/…/usb1/1-2.
    public func sysPath(of device: EmulatedUSBDevice) -> String? { plugged[ObjectIdentifier(device)]?.sysPath }

    /// Puts a device on the bus under a fresh device number (as a real replug does); the preload sends "add".
    public func plug(_ device: EmulatedUSBDevice) throws(TestbedError) {
        guard plugged[ObjectIdentifier(device)] == nil else { return }
        let devnum = nextDeviceNumber
        nextDeviceNumber += 1
        let bus = zeroPadded(busNumber), dev = zeroPadded(devnum)
        let devNode = "/dev/bus/usb/\(bus)/\(dev)"
        let port = devnum - 1
        let sysPath = "/sys/devices/pci0000:00/0000:00:14.0/usb\(busNumber)/\(busNumber)-\(port)"
        var error: UnsafeMutablePointer<GError>? = nil
        // The handler must be attached before the node exists, or an early opener gets a plain file.
        guard umockdev_testbed_attach_ioctl(testbed, devNode, device.handler, &error) != 0 else {
            throw .umockdev(consume(error))
        }
        device.markPlugged()
        let record = SysfsRecord(
            descriptors: device.descriptors, busNumber: busNumber, deviceNumber: devnum,
            sysPath: String(sysPath.dropFirst(4)))
        guard umockdev_testbed_add_from_string(testbed, record.text, &error) != 0 else {
            _ = umockdev_testbed_detach_ioctl(testbed, devNode, nil)
            throw .umockdev(consume(error))
        }
        plugged[ObjectIdentifier(device)] = Plug(sysPath: sysPath, devNode: devNode)
    }

    /// Takes a device off the bus: its URBs fail with ENODEV, "remove" is sent, and its node disappears.
    public func unplug(_ device: EmulatedUSBDevice) {
        device.markUnplugged()
        guard let p = plugged.removeValue(forKey: ObjectIdentifier(device)) else { return }
        // The preload does not announce removals itself: send "remove" while the device still exists.
        umockdev_testbed_uevent(testbed, p.sysPath, "remove")
        umockdev_testbed_remove_device(testbed, p.sysPath)
        _ = umockdev_testbed_detach_ioctl(testbed, p.devNode, nil)
    }

    /// Sends a uevent (e.g. "change") for a plugged device.
    public func uevent(_ device: EmulatedUSBDevice, action: String) {
        guard let p = plugged[ObjectIdentifier(device)] else { return }
        umockdev_testbed_uevent(testbed, p.sysPath, action)
    }
}

/// Why the testbed refused a device.
public enum TestbedError: Error, CustomStringConvertible {
    /// umockdev reported an error, with its message.
    case umockdev(String)

    /// A readable description.
    public var description: String {
        switch self {
        case .umockdev(let m): return "umockdev: \(m)"
        }
    }
}

private func consume(_ error: UnsafeMutablePointer<GError>?) -> String {
    guard let error else { return "unknown error" }
    defer { g_error_free(error) }
    return error.pointee.message.map { String(cString: $0) } ?? "unknown error"
}
