import PTPWire
import XCTest
@testable import VirtualPlayer

/// Device properties and MTP object properties as libmtp reads and writes them.
final class PropertyTests: XCTestCase {
    func testBatteryAndFriendlyName() throws {
        let host = TestHost(try makeResponder())
        host.openSession()
        let battery = try DevicePropertyDescription(
            bytes: try XCTUnwrap(
                host.transact(.getDevicePropDesc, [UInt32(DevicePropertyCode.batteryLevel.rawValue)]).data))
        XCTAssertEqual(battery.form, .range(minimum: .uint8(0), maximum: .uint8(100), step: .uint8(1)))
        XCTAssertEqual(battery.current, .uint8(100))

        let nameCode = UInt32(DevicePropertyCode.deviceFriendlyName.rawValue)
        var name = WireWriter()
        name.writePTPString("Renamed")
        XCTAssertEqual(host.transact(.setDevicePropValue, [nameCode], data: name.bytes).code, .ok)
        XCTAssertEqual(host.transact(.getDevicePropValue, [nameCode]).data, name.bytes)
        XCTAssertEqual(
            host.transact(.setDevicePropValue, [UInt32(DevicePropertyCode.batteryLevel.rawValue)], data: [5]).code,
            .accessDenied)
        XCTAssertEqual(host.transact(.setDevicePropValue, [nameCode], data: [9]).code, .invalidDevicePropFormat)
        XCTAssertEqual(host.transact(.getDevicePropDesc, [0x5003]).code, .devicePropNotSupported)
    }

    func testObjectSizeIs64BitOnEveryPlaybackFormat() throws {
        // libmtp decides between 32- and 64-bit sizes from these descriptions and gives up when formats disagree.
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        for format in responder.deviceInfo.playbackFormats {
            let data = host.transact(.getObjectPropDesc, [UInt32(ObjectPropertyCode.objectSize.rawValue), UInt32(format)]).data
            XCTAssertEqual(try ObjectPropertyDescription(bytes: try XCTUnwrap(data)).dataType, .uint64, "format \(format)")
        }
    }

    func testTrackMetadataOneValueAtATime() throws {
        let host = TestHost(try makeResponder(.classic))
        host.openSession()
        let supported = try XCTUnwrap(host.transact(.getObjectPropsSupported, [UInt32(ObjectFormatCode.mp3.rawValue)]).data)
        var reader = WireReader(supported)
        let codes = try reader.readUInt16Array().map(ObjectPropertyCode.init(rawValue:))
        XCTAssertTrue(codes.contains(.artist) && codes.contains(.track) && codes.contains(.duration))
        let plain = try XCTUnwrap(host.transact(.getObjectPropsSupported, [UInt32(ObjectFormatCode.text.rawValue)]).data)
        XCTAssertFalse(try WireReader(plain).readingUInt16Array().contains(ObjectPropertyCode.artist.rawValue))

        let song = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "s.mp3", size: 1, format: .mp3))
            .response.parameters[2]
        XCTAssertEqual(host.transact(.sendObject, data: [0]).code, .ok)
        var artist = WireWriter()
        artist.writePTPString("Someone")
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [song, UInt32(ObjectPropertyCode.artist.rawValue)], data: artist.bytes).code, .ok)
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [song, UInt32(ObjectPropertyCode.track.rawValue)], data: [3, 0]).code, .ok)
        XCTAssertEqual(host.transact(.getObjectPropValue, [song, UInt32(ObjectPropertyCode.artist.rawValue)]).data, artist.bytes)
        XCTAssertEqual(host.transact(.getObjectPropValue, [song, UInt32(ObjectPropertyCode.track.rawValue)]).data, [3, 0])
        XCTAssertEqual(
            host.transact(.getObjectPropValue, [song, UInt32(ObjectPropertyCode.name.rawValue)]).data?.count, 13,
            "Name defaults to the file name")
        XCTAssertEqual(
            host.transact(.getObjectPropValue, [song, UInt32(ObjectPropertyCode.objectSize.rawValue)]).data,
            [1, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [song, UInt32(ObjectPropertyCode.track.rawValue)], data: [3]).code,
            .invalidObjectPropFormat)
        XCTAssertEqual(
            host.transact(
                .setObjectPropValue, [song, UInt32(ObjectPropertyCode.objectSize.rawValue)],
                data: [0, 0, 0, 0, 0, 0, 0, 0]
            ).code, .accessDenied)
        XCTAssertEqual(host.transact(.getObjectPropValue, [song, 0xDFFF]).code, .invalidObjectPropCode)
    }

    func testSendObjectPropListThenListEverything() throws {
        let responder = try makeResponder(.android)
        let host = TestHost(responder)
        host.openSession()
        let list = ObjectPropertyList.bytes([
            ObjectPropertyListElement(handle: 0, code: .objectFileName, value: .string("t.mp3")),
            ObjectPropertyListElement(handle: 0, code: .name, value: .string("Title")),
            ObjectPropertyListElement(handle: 0, code: .albumName, value: .string("Album")),
            ObjectPropertyListElement(handle: 0, code: .protectionStatus, value: .uint16(0)),
        ])
        let announced = host.transact(
            .sendObjectPropList, [storage1, 0xFFFF_FFFF, UInt32(ObjectFormatCode.mp3.rawValue), 0, 4],
            data: list)
        XCTAssertEqual(announced.code, .ok)
        let handle = announced.response.parameters[2]
        XCTAssertEqual(host.transact(.sendObject, data: [1, 2, 3, 4]).code, .ok)

        let all = try ObjectPropertyList.parse(
            try XCTUnwrap(
                host.transact(.getObjectPropList, [0xFFFF_FFFF, 0, 0xFFFF_FFFF, 0, 0xFFFF_FFFF]).data))
        let mine = Dictionary(uniqueKeysWithValues: all.filter { $0.handle == handle }.map { ($0.code, $0.value) })
        XCTAssertEqual(mine[.objectFileName], .string("t.mp3"))
        XCTAssertEqual(mine[.name], .string("Title"))
        XCTAssertEqual(mine[.albumName], .string("Album"))
        XCTAssertEqual(mine[.objectSize], .uint64(4))
        XCTAssertEqual(mine[.parentObject], .uint32(0))
        XCTAssertEqual(mine[.storageID], .uint32(storage1))

        let one = try ObjectPropertyList.parse(
            try XCTUnwrap(
                host.transact(.getObjectPropList, [handle, 0, UInt32(ObjectPropertyCode.objectSize.rawValue), 0, 0]).data))
        XCTAssertEqual(one, [ObjectPropertyListElement(handle: handle, code: .objectSize, value: .uint64(4))])
        XCTAssertEqual(host.transact(.getObjectPropList, [handle, 0, 0, 1, 0]).code, .specificationByGroupUnsupported)

        let rename = ObjectPropertyList.bytes([
            ObjectPropertyListElement(handle: handle, code: .genre, value: .string("Jazz")),
            ObjectPropertyListElement(handle: 0xBAD, code: .genre, value: .string("x")),
        ])
        let set = host.transact(.setObjectPropList, data: rename)
        XCTAssertEqual(set.code, .invalidObjectHandle)
        XCTAssertEqual(set.response.parameters, [1], "the failing element's index")
        XCTAssertEqual(responder.stores[0].object(handle)?.metadata[.genre], .string("Jazz"))
    }

    func testLargeObjectsReportTheirSizeThroughObjectSize() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-big-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // A sparse 5 GiB file costs no disk space.
        let path = root.appendingPathComponent("huge.bin").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 5 << 30)
        try handle.seek(toOffset: (5 << 30) - 4)
        try handle.write(contentsOf: Data([0xDE, 0xAD, 0xBE, 0xEF]))
        try handle.close()

        var configuration = PlayerConfiguration(personality: .android)
        configuration.storages = [StorageConfiguration(backing: .directory(root.path))]
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        let object = try XCTUnwrap(responder.stores[0].childHandles(of: 0).first)
        let info = try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [object]).data))
        XCTAssertEqual(info.objectCompressedSize, 0xFFFF_FFFF)
        XCTAssertEqual(
            host.transact(.getObjectPropValue, [object, UInt32(ObjectPropertyCode.objectSize.rawValue)]).data,
            [0, 0, 0, 0x40, 1, 0, 0, 0])
        let offset: UInt64 = (5 << 30) - 6
        let tail = host.transact(.getPartialObject64, [object, UInt32(truncatingIfNeeded: offset), UInt32(offset >> 32), 100])
        XCTAssertEqual(tail.data, [0, 0, 0xDE, 0xAD, 0xBE, 0xEF])
        XCTAssertEqual(tail.response.parameters, [6])

        // GetObject announces 0xFFFFFFFF and streams; read the first transfer and cancel.
        host.bulkOut(Container.command(.getObject, transactionID: 50, [object]).bytes)
        let first = try XCTUnwrap(host.bulkIn(size: 512))
        XCTAssertEqual(Array(first[0..<8]), [0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0x09, 0x10])
        responder.cancelTransaction(50)
        XCTAssertNil(host.bulkIn(size: 512))
    }
}

extension WireReader {
    fileprivate func readingUInt16Array() throws -> [UInt16] {
        var copy = self
        return try copy.readUInt16Array()
    }
}
