import XCTest
@testable import VirtualUSB

final class SysfsRecordTests: XCTestCase {
    func testRecordHasWhatLibusbAndUdevNeed() {
        let d = USBDescriptors(
            identity: USBIdentity(
                vendorID: 0x18D1, productID: 0x4EE1, manufacturer: "G\nx",
                product: "P", serial: "S"))
        let text = SysfsRecord(descriptors: d, busNumber: 1, deviceNumber: 7, sysPath: "/devices/x/usb1/1-6").text
        for needed in [
            "P: /devices/x/usb1/1-6\n", "N: bus/usb/001/007\n", "E: DEVNAME=/dev/bus/usb/001/007\n",
            "E: DEVTYPE=usb_device\n", "A: busnum=1\\n\n", "A: devnum=7\\n\n",
            "A: bConfigurationValue=1\\n\n", "A: speed=480\\n\n", "A: idVendor=18d1\\n\n",
            "H: descriptors=12010002",
        ] {
            XCTAssertTrue(text.contains(needed), "missing \(needed)")
        }
        // The device number as the kernel gives it (char 189, (bus-1)*128 + dev-1): without it udev applies no
        // rule's GROUP or MODE, and libmtp's rule skips the device; bDeviceClass decides whether mtp-probe runs.
        for needed in ["E: MAJOR=189\n", "E: MINOR=6\n", "A: dev=189:6\\n\n", "A: bDeviceClass=00\\n\n"] {
            XCTAssertTrue(text.contains(needed), "missing \(needed)")
        }
        let second = SysfsRecord(descriptors: d, busNumber: 2, deviceNumber: 3, sysPath: "/devices/x/usb2/2-1").text
        XCTAssertTrue(second.contains("E: MINOR=130\n") && second.contains("A: dev=189:130\\n\n"), second)
        // A newline in a string must not start a new record line.
        XCTAssertTrue(text.contains("A: manufacturer=G x\\n\n"))
    }
}
