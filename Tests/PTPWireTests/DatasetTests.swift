import PTPWire
import XCTest

final class DatasetTests: XCTestCase {
    func testDeviceInfoLayout() throws {
        var info = DeviceInfo()
        info.vendorExtensionDesc = "a"
        info.operationsSupported = [0x1001]
        info.playbackFormats = [0x3000]
        info.manufacturer = "M"
        info.serialNumber = "S"
        let expected: [UInt8] = [
            100, 0,  // StandardVersion
            6, 0, 0, 0,  // VendorExtensionID
            100, 0,  // VendorExtensionVersion
            2, 0x61, 0, 0, 0,  // "a"
            0, 0,  // FunctionalMode
            1, 0, 0, 0, 0x01, 0x10,  // operations
            0, 0, 0, 0,  // events
            0, 0, 0, 0,  // device properties
            0, 0, 0, 0,  // capture formats
            1, 0, 0, 0, 0x00, 0x30,  // playback formats
            2, 0x4D, 0, 0, 0,  // "M"
            0,  // model
            0,  // device version
            2, 0x53, 0, 0, 0,  // "S"
        ]
        XCTAssertEqual(info.bytes, expected)
        XCTAssertEqual(try DeviceInfo(bytes: expected), info)
    }

    func testStorageInfoLayout() throws {
        var info = StorageInfo()
        info.maxCapacity = 0x1_0000_0000
        info.freeSpaceInBytes = 0x200
        info.storageDescription = "X"
        let expected: [UInt8] = [
            3, 0, 2, 0, 0, 0,
            0, 0, 0, 0, 1, 0, 0, 0,
            0, 2, 0, 0, 0, 0, 0, 0,
            0xFF, 0xFF, 0xFF, 0xFF,
            2, 0x58, 0, 0, 0,
            0,
        ]
        XCTAssertEqual(info.bytes, expected)
        XCTAssertEqual(try StorageInfo(bytes: expected), info)
    }

    func testObjectInfoLayoutAndShortForms() throws {
        var info = ObjectInfo()
        info.storageID = 0x0001_0001
        info.objectFormat = 0x3001
        info.parentObject = 0x10
        info.associationType = 1
        info.filename = "d"
        let bytes = info.bytes
        XCTAssertEqual(bytes.count, 52 + 5 + 1 + 1 + 1)
        XCTAssertEqual(Array(bytes[0..<8]), [1, 0, 1, 0, 0x01, 0x30, 0, 0])
        XCTAssertEqual(Array(bytes[38..<42]), [0x10, 0, 0, 0], "ParentObject at offset 38")
        XCTAssertEqual(Array(bytes[42..<44]), [1, 0], "AssociationType at offset 42")
        XCTAssertEqual(Array(bytes[52..<57]), [2, 0x64, 0, 0, 0], "Filename at offset 52")
        XCTAssertEqual(try ObjectInfo(bytes: bytes), info)
        // Hosts that stop after the file name still produce a valid dataset.
        XCTAssertEqual(try ObjectInfo(bytes: bytes.prefix(57)), info)
        XCTAssertThrowsError(try ObjectInfo(bytes: bytes.prefix(50)))
    }

    func testDevicePropertyDescriptionWithRange() throws {
        let description = DevicePropertyDescription(
            code: .batteryLevel, writable: false, factoryDefault: .uint8(100),
            current: .uint8(42),
            form: .range(minimum: .uint8(0), maximum: .uint8(100), step: .uint8(1)))
        let expected: [UInt8] = [0x01, 0x50, 0x02, 0x00, 0, 100, 42, 1, 0, 100, 1]
        XCTAssertEqual(description.bytes, expected)
        XCTAssertEqual(try DevicePropertyDescription(bytes: expected), description)
    }

    func testObjectPropertyDescriptionOfAString() throws {
        let description = ObjectPropertyDescription(code: .objectFileName, dataType: .string, writable: true)
        let expected: [UInt8] = [0x07, 0xDC, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(description.bytes, expected)
        XCTAssertEqual(try ObjectPropertyDescription(bytes: expected), description)
    }

    func testObjectPropertyListElements() throws {
        let elements = [
            ObjectPropertyListElement(handle: 5, code: .objectSize, value: .uint64(0x1_0000_0001)),
            ObjectPropertyListElement(handle: 5, code: .name, value: .string("t")),
            ObjectPropertyListElement(handle: 6, code: .track, value: .uint16(3)),
        ]
        let expected: [UInt8] = [
            3, 0, 0, 0,
            5, 0, 0, 0, 0x04, 0xDC, 0x08, 0x00, 1, 0, 0, 0, 1, 0, 0, 0,
            5, 0, 0, 0, 0x44, 0xDC, 0xFF, 0xFF, 2, 0x74, 0, 0, 0,
            6, 0, 0, 0, 0x8B, 0xDC, 0x04, 0x00, 3, 0,
        ]
        XCTAssertEqual(ObjectPropertyList.bytes(elements), expected)
        XCTAssertEqual(try ObjectPropertyList.parse(expected), elements)
        XCTAssertThrowsError(try ObjectPropertyList.parse([0xFF, 0xFF, 0xFF, 0x7F, 0]))
        XCTAssertThrowsError(
            try ObjectPropertyList.parse([1, 0, 0, 0, 5, 0, 0, 0, 0x04, 0xDC, 0x99, 0x00, 0]),
            "unknown data type")
    }

    func testArrayValuesRoundTrip() throws {
        let value = PropertyValue.array(element: .uint16, [.uint16(1), .uint16(0xBEEF)])
        var writer = WireWriter()
        value.write(to: &writer)
        XCTAssertEqual(writer.bytes, [2, 0, 0, 0, 1, 0, 0xEF, 0xBE])
        XCTAssertEqual(value.dataType, DataTypeCode(0x4004))
        var reader = WireReader(writer.bytes)
        XCTAssertEqual(try PropertyValue.read(DataTypeCode(0x4004), from: &reader), value)
    }

    func testCodesHaveNames() {
        XCTAssertEqual(OperationCode.getPartialObject64.description, "GetPartialObject64 (0x95C1)")
        XCTAssertEqual(ResponseCode(0x2019).name, "DeviceBusy")
        XCTAssertEqual(OperationCode(0x9999).name, "0x9999")
    }
}
