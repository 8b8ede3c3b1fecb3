internal import CLibUSB
#if canImport(Glibc)
import Glibc
#endif

extension AttachedDevice {
    /// The usbdevfs node of the device.
    public var deviceNode: String {
        let bus = String(bus), address = String(address)
        return "/dev/bus/usb/" + String(repeating: "0", count: max(0, 3 - bus.count)) + bus + "/"
            + String(repeating: "0", count: max(0, 3 - address.count)) + address
    }

    /// Resets the device's USB port through a descriptor of its own (USBDEVFS_RESET), from any thread: the
    /// kernel fails every transfer in flight on the device, so a libmtp call blocked on a device that stopped
    /// answering returns at once, and the device starts afresh (its PTP session closed). Returns the errno of a
    /// failure, nil on success.
    public func resetPort() -> Int32? {
        let fd = open(deviceNode, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return ioctl(fd, mtpsessiond_usbdevfs_reset()) == 0 ? nil : errno
    }
}
