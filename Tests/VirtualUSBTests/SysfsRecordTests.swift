import XCTest
@testable import VirtualUSB

final class SysfsRecordTests: XCTestCase {
    func testRecordHasWhatLibusbAndUdevNeed() {
        let d = USBDescriptors(identity: USBIdentity(vendorID: 0x18D1, productID: 0x4EE1, manufacturer: "G\nx",
                                                     product: "P", serial: "S"))
        let text = SysfsRecord(descriptors: d, busNumber: 1, deviceNumber: 7, sysPath: "/devices/x/usb1/1-6").text
        for needed in ["P: /devices/x/usb1/1-6\n", "N: bus/usb/001/007\n", "E: DEVNAME=/dev/bus/usb/001/007\n",
                       "E: DEVTYPE=usb_device\n", "A: busnum=1\\n\n", "A: devnum=7\\n\n",
                       "A: bConfigurationValue=1\\n\n", "A: speed=480\\n\n", "A: idVendor=18d1\\n\n",
                       "H: descriptors=12010002"] {
            XCTAssertTrue(text.contains(needed), "missing \(needed)")
        }
        // A newline in a string must not start a new record line.
        XCTAssertTrue(text.contains("A: manufacturer=G x\\n\n"))
    }
}
