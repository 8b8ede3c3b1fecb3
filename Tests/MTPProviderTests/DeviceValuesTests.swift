@testable import MTPProvider
import XCTest

/// What libmtp hands over from a device, turned into Swift values without a device.
final class DeviceValuesTests: XCTestCase {
    func testTextIsWhatStringCStringMakesOfTheBytes() {
        let samples: [[UInt8]] = [
            [], Array("Internal storage".utf8), [0x63, 0x61, 0x66, 0xE9], [0xC3, 0x28, 0x41],
            [0xED, 0xA0, 0x80], [0x61, 0x00, 0x62], [0xF0, 0x9F, 0x98, 0x80],
        ]
        for bytes in samples {
            let expected = (bytes + [0]).withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { String(cString: $0.baseAddress!) }
            }
            XCTAssertEqual(Array(DeviceValues.text(bytes).utf8), Array(expected.utf8), "\(bytes)")
        }
        XCTAssertEqual(DeviceValues.text([0x61, 0x00, 0x62]), "a", "a C string ends at its NUL")
        XCTAssertEqual(DeviceValues.text([0x63, 0xE9]), "c\u{FFFD}", "invalid UTF-8 is replaced")
    }

    func testModificationTimesBeforeTheEpochAreUnknown() {
        XCTAssertNil(DeviceValues.modificationTime(0))
        XCTAssertNil(DeviceValues.modificationTime(-1))
        XCTAssertEqual(DeviceValues.modificationTime(1_700_000_000), 1_700_000_000)
    }

    func testBatteryIsAPercentageEvenWhenTheDeviceOvershoots() {
        XCTAssertNil(DeviceValues.batteryPercent(current: 50, maximum: 0))
        XCTAssertEqual(DeviceValues.batteryPercent(current: 3, maximum: 4), 75)
        XCTAssertEqual(DeviceValues.batteryPercent(current: 200, maximum: 100), 100)
        XCTAssertEqual(DeviceValues.batteryPercent(current: 255, maximum: 1), 100)
    }
}
