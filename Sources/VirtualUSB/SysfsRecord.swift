/// The sysfs entry of an emulated USB device in umockdev's text format: what libusb and udev read about it.
///
/// Besides the descriptors, libusb needs `busnum`, `devnum`, `bConfigurationValue` (without it libmtp cannot
/// initialise the device) and `speed`; udev needs DEVTYPE and DEVNAME to treat it as a usb_device, and the device
/// number (MAJOR/MINOR, `dev`) as the kernel gives it to apply a rule's GROUP and MODE, or libmtp's rule, at all.
struct SysfsRecord {
    let descriptors: USBDescriptors
    let busNumber: Int
    let deviceNumber: Int
    /// Path below /sys, starting with /devices.
    let sysPath: String

    var text: String {
        let id = descriptors.identity
        let bus = zeroPadded(busNumber), dev = zeroPadded(deviceNumber)
        // usbfs device nodes are char 189, numbered as the kernel's usb_device class numbers them.
        let minor = (busNumber - 1) * 128 + (deviceNumber - 1)
        let hex = descriptors.sysfsDescriptors.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let lines = [
            "P: \(sysPath)",
            "N: bus/usb/\(bus)/\(dev)",
            "E: DEVNAME=/dev/bus/usb/\(bus)/\(dev)",
            "E: DEVTYPE=usb_device",
            "E: MAJOR=189",
            "E: MINOR=\(minor)",
            "E: DRIVER=usb",
            "E: SUBSYSTEM=usb",
            "E: BUSNUM=\(bus)",
            "E: DEVNUM=\(dev)",
            "E: PRODUCT=\(String(id.vendorID, radix: 16))/\(String(id.productID, radix: 16))/\(String(id.deviceRelease, radix: 16))",
            "E: TYPE=0/0/0",
            "A: dev=189:\(minor)\\n",
            "A: busnum=\(busNumber)\\n",
            "A: devnum=\(deviceNumber)\\n",
            "A: bConfigurationValue=1\\n",
            "A: bNumConfigurations=1\\n",
            // libmtp's rule probes a device missing from its table (mtp-probe) only for these device classes.
            "A: bDeviceClass=\(hex2(descriptors.deviceDescriptor[4]))\\n",
            "A: bNumInterfaces= 1\\n",
            "A: speed=480\\n",
            "A: idVendor=\(hex4(id.vendorID))\\n",
            "A: idProduct=\(hex4(id.productID))\\n",
            "A: bcdDevice=\(hex4(id.deviceRelease))\\n",
            "A: manufacturer=\(sanitize(id.manufacturer))\\n",
            "A: product=\(sanitize(id.product))\\n",
            "A: serial=\(sanitize(id.serial))\\n",
            "H: descriptors=\(hex)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private func hex2(_ v: UInt8) -> String {
        v < 0x10 ? "0" + String(v, radix: 16) : String(v, radix: 16)
    }

    private func hex4(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    /// The record format is line-based: a newline or backslash in a user-given string would break it.
    private func sanitize(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\\" || $0 == "\r" ? " " : $0 })
    }
}

/// Bus and device numbers as usbfs names them: three digits, zero-padded.
func zeroPadded(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 3 - s.count)) + s
}
