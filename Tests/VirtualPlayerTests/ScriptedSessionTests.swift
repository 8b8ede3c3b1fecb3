import PTPWire
import XCTest
@testable import VirtualPlayer

/// A session as libmtp runs one, through bulk-OUT and bulk-IN transfers only.
final class ScriptedSessionTests: XCTestCase {
    func testDeviceInfoIdentifiesAnAndroidMTPDevice() throws {
        let host = TestHost(try makeResponder(.android))
        let outcome = host.transact(.getDeviceInfo)
        XCTAssertEqual(outcome.code, .ok)
        let info = try DeviceInfo(bytes: try XCTUnwrap(outcome.data))
        XCTAssertEqual(info.vendorExtensionID, 6)
        XCTAssertEqual(info.vendorExtensionDesc, "microsoft.com: 1.0; android.com: 1.0;")
        XCTAssertEqual(info.serialNumber, "MTPSIM0001")
        XCTAssertTrue(info.operationsSupported.contains(OperationCode.getPartialObject64.rawValue))
        XCTAssertTrue(info.operationsSupported.contains(OperationCode.getObjectPropList.rawValue))
        XCTAssertTrue(info.playbackFormats.contains(ObjectFormatCode.mp3.rawValue))
    }

    func testClassicHasSinglePropertiesButNoPropertyLists() throws {
        let host = TestHost(try makeResponder(.classic))
        let info = try DeviceInfo(bytes: try XCTUnwrap(host.transact(.getDeviceInfo).data))
        XCTAssertEqual(info.vendorExtensionDesc, "microsoft.com: 1.0;")
        XCTAssertTrue(info.operationsSupported.contains(OperationCode.setObjectPropValue.rawValue))
        for absent: OperationCode in [.getObjectPropList, .sendObjectPropList, .setObjectPropList, .getPartialObject64] {
            XCTAssertFalse(info.operationsSupported.contains(absent.rawValue), "\(absent)")
        }
        host.openSession()
        XCTAssertEqual(
            host.transact(.getObjectPropList, [0xFFFF_FFFF, 0, 0xFFFF_FFFF, 0, 0xFFFF_FFFF]).code,
            .operationNotSupported)
    }

    func testSendObjectSplitAtOddBoundariesThenReadBack() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()

        let ids = host.transact(.getStorageIDs)
        XCTAssertEqual(ids.data, [1, 0, 0, 0, 0x01, 0x00, 0x01, 0x00])
        let storage = try StorageInfo(bytes: try XCTUnwrap(host.transact(.getStorageInfo, [storage1]).data))
        XCTAssertEqual(storage.maxCapacity, 1 << 30)
        XCTAssertEqual(storage.freeSpaceInBytes, 1 << 30)

        let contents = pattern(70_001)
        let announced = host.transact(
            .sendObjectInfo, [storage1, 0xFFFF_FFFF], data: objectInfo(name: "odd.bin", size: 70_001), cuts: [5])
        XCTAssertEqual(announced.code, .ok)
        XCTAssertEqual(announced.response.parameters.count, 3)
        let handle = announced.response.parameters[2]
        XCTAssertEqual(announced.response.parameters[0], storage1)
        XCTAssertEqual(announced.response.parameters[1], 0, "the root is parent 0")
        XCTAssertEqual(
            host.transact(.getObjectHandles, [storage1, 0, 0xFFFF_FFFF]).data, [0, 0, 0, 0],
            "nothing is visible before SendObject")

        let sent = host.transact(.sendObject, data: contents, cuts: [7, 512, 513, 16_397, 40_000, 69_999])
        XCTAssertEqual(sent.code, .ok)
        XCTAssertEqual(responder.counters.objectBytesReceived, 70_001)

        let listed = host.transact(.getObjectHandles, [0xFFFF_FFFF, 0, 0xFFFF_FFFF])
        XCTAssertEqual(listed.data, [1, 0, 0, 0] + withUnsafeBytes(of: handle.littleEndian, Array.init))
        let info = try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [handle]).data))
        XCTAssertEqual(info.filename, "odd.bin")
        XCTAssertEqual(info.objectCompressedSize, 70_001)
        XCTAssertEqual(info.parentObject, 0)
        XCTAssertEqual(info.storageID, storage1)

        for urbSize in [512, 16_384] {
            let back = host.transact(.getObject, [handle], urbSize: urbSize)
            XCTAssertEqual(back.code, .ok)
            XCTAssertEqual(back.data, contents, "read back through \(urbSize)-byte transfers")
        }
        XCTAssertEqual(responder.counters.objectBytesSent, 2 * 70_001)
    }

    func testZeroLengthPacketEndsContainersThatFillTheirLastPacket() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        // 500 bytes of payload make a 512-byte container; 16372 make 16384.
        for size in [0, 1, 499, 500, 501, 1012, 16_372, 16_373] {
            let contents = pattern(size, seed: size)
            let handle = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "z\(size)", size: UInt32(size)))
                .response.parameters[2]
            XCTAssertEqual(host.transact(.sendObject, data: contents).code, .ok, "\(size)")
            for urbSize in [512, 16_384] {
                XCTAssertEqual(host.transact(.getObject, [handle], urbSize: urbSize).data, contents, "\(size) via \(urbSize)")
            }
        }
    }

    func testBulkInNeverMixesTwoContainers() throws {
        let host = TestHost(try makeResponder())
        host.bulkOut(Container.command(.getDeviceInfo, transactionID: 0).bytes)
        let data = try XCTUnwrap(host.bulkIn(size: 65_536))
        XCTAssertEqual(Int(littleEndian32(data, 0)), data.count, "the first transfer ends with the data container")
        XCTAssertEqual(data[4], 2)
        let response = try XCTUnwrap(host.bulkIn(size: 65_536))
        XCTAssertEqual(response, Container.response(.ok, transactionID: 0).bytes)
        XCTAssertNil(host.bulkIn(size: 65_536), "nothing more to send")
    }

    func testFolderTreeDeletesRecursively() throws {
        let host = TestHost(try makeResponder())
        host.openSession()
        let music = host.transact(
            .sendObjectInfo, [storage1, 0xFFFF_FFFF], data: objectInfo(name: "Music", size: 0, format: .association))
        XCTAssertEqual(music.code, .ok)
        let folder = music.response.parameters[2]
        let album = host.transact(
            .sendObjectInfo, [storage1, folder], data: objectInfo(name: "Album", size: 0, format: .association)
        )
        .response.parameters[2]
        let song = host.transact(.sendObjectInfo, [storage1, album], data: objectInfo(name: "a.mp3", size: 3, format: .mp3))
        XCTAssertEqual(song.response.parameters[1], album)
        XCTAssertEqual(host.transact(.sendObject, data: [1, 2, 3]).code, .ok)
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0]).response.parameters, [3])
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, folder]).response.parameters, [1])

        XCTAssertEqual(host.transact(.deleteObject, [folder]).code, .ok)
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0]).response.parameters, [0])
        XCTAssertEqual(host.transact(.getObjectInfo, [song.response.parameters[2]]).code, .invalidObjectHandle)
    }
}
