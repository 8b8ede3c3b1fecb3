import XCTest
@testable import VirtualUSB

final class USBDescriptorsTests: XCTestCase {
    let descriptors = USBDescriptors(
        identity: USBIdentity(
            vendorID: 0x18D1, productID: 0x4EE1, manufacturer: "Google",
            product: "Pixel", serial: "ABC"))

    func testDeviceDescriptorCarriesIdsAndStringIndexes() {
        let d = descriptors.deviceDescriptor
        XCTAssertEqual(d.count, 18)
        XCTAssertEqual(Array(d[8..<12]), [0xD1, 0x18, 0xE1, 0x4E])
        XCTAssertEqual(Array(d[14..<18]), [1, 2, 3, 1])
    }

    func testConfigurationHasOnePTPInterfaceWithThreeEndpoints() {
        let c = descriptors.configurationDescriptor
        XCTAssertEqual(Int(c[2]) | Int(c[3]) << 8, c.count)
        XCTAssertEqual(c.count, 9 + 9 + 3 * 7)
        XCTAssertEqual(Array(c[9..<18]), [9, 4, 0, 0, 3, 6, 1, 1, 4])
        XCTAssertEqual([c[20], c[27], c[34]], [0x81, 0x02, 0x83])
        XCTAssertEqual(descriptors.sysfsDescriptors, descriptors.deviceDescriptor + c)
    }

    func testStringsAreUTF16WithLengthPrefix() {
        XCTAssertEqual(descriptors.stringDescriptor(index: 0), [4, 3, 0x09, 0x04])
        XCTAssertEqual(descriptors.stringDescriptor(index: 3), [8, 3, 65, 0, 66, 0, 67, 0])
        XCTAssertEqual(descriptors.stringDescriptor(index: 4), [8, 3, 77, 0, 84, 0, 80, 0])
        XCTAssertNil(descriptors.stringDescriptor(index: 9))
    }

    func testMicrosoftOSDescriptorsAnnounceMTP() throws {
        let os = try XCTUnwrap(descriptors.stringDescriptor(index: 0xEE))
        XCTAssertEqual(os.count, 18)
        XCTAssertEqual(os[0], 18)
        XCTAssertEqual(os[16], USBDescriptors.microsoftVendorCode)
        let compat = try XCTUnwrap(descriptors.microsoftFeatureDescriptor(index: 4))
        XCTAssertEqual(compat.count, 40)
        XCTAssertEqual(Array(compat[18..<21]), Array("MTP".utf8))
        XCTAssertNil(descriptors.microsoftFeatureDescriptor(index: 7))
    }

    func testOverlongStringsAreClippedToFitTheLengthByte() throws {
        let d = USBDescriptors.encodeString(String(repeating: "x", count: 300))
        XCTAssertEqual(Int(d[0]), d.count)
        XCTAssertLessThanOrEqual(d.count, 255)
    }
}
