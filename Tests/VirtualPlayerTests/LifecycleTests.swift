import PTPWire
import XCTest
@testable import VirtualPlayer

/// Cancel, reset, device status, events and counters.
final class LifecycleTests: XCTestCase {
    func testCancelDuringSendObjectDropsThePartialObjectAndStrayData() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "c", size: 5000)).code, .ok)
        let transactionID = host.nextTransactionID
        host.nextTransactionID += 1
        host.bulkOut(Container.command(.sendObject, transactionID: transactionID).bytes)
        let container = Container(
            dataFor: OperationCode.sendObject.rawValue, transactionID: transactionID, payload: pattern(5000)
        ).bytes
        host.bulkOut(Array(container[0..<2048]))
        XCTAssertEqual(responder.deviceStatus(), [4, 0, 0x19, 0x20], "busy while the data phase runs")
        responder.cancelTransaction(transactionID)
        XCTAssertEqual(responder.deviceStatus(), [4, 0, 0x01, 0x20])
        host.bulkOut(Array(container[2048...]))  // data already in flight when the host cancelled
        XCTAssertNil(host.bulkIn(size: 512), "a cancelled transaction has no response, stray data earns none")
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0]).response.parameters, [0])
    }

    func testCancelDuringGetObjectStopsTheData() throws {
        let responder = try makeResponder()
        let file = try XCTUnwrap(responder.stores.first as? MemoryObjectStore).addFile(named: "r", bytes: pattern(100_000))
        let host = TestHost(responder)
        host.openSession()
        host.bulkOut(Container.command(.getObject, transactionID: 5, [file.handle]).bytes)
        XCTAssertEqual(host.bulkIn(size: 16_384)?.count, 16_384)
        XCTAssertEqual(responder.deviceStatus(), [4, 0, 0x19, 0x20])
        responder.cancelTransaction(5)
        XCTAssertNil(host.bulkIn(size: 16_384))
        host.nextTransactionID = 6
        XCTAssertEqual(host.transact(.getObjectInfo, [file.handle]).code, .ok)
    }

    func testResetClosesTheSessionAndForgetsAnnouncedObjects() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "never", size: 10)).code, .ok)
        responder.raiseEvent(.objectAdded, params: [1])
        responder.reset()
        XCTAssertNil(responder.sessionID)
        var buffer = [UInt8](repeating: 0, count: 64)
        XCTAssertNil(buffer.withUnsafeMutableBytes { responder.interruptIn(into: $0) }, "events cleared")
        host.openSession()
        XCTAssertEqual(host.transact(.sendObject, data: pattern(10)).code, .noValidObjectInfo)
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0]).response.parameters, [0])
    }

    func testClientVanishingMidTransferLeavesNothing() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "gone", size: 4000)).code, .ok)
        host.bulkOut(Container.command(.sendObject, transactionID: 99).bytes)
        host.bulkOut(
            Array(
                Container(dataFor: OperationCode.sendObject.rawValue, transactionID: 99, payload: pattern(4000)).bytes.prefix(
                    1000)))
        responder.clientVanished()
        XCTAssertEqual(responder.stores[0].objectCount, 0)
        XCTAssertEqual(responder.stores[0].freeBytes, 1 << 30, "the reservation is released")
        XCTAssertNil(host.bulkIn(size: 512))
    }

    /// A player that writes straight to flash keeps what arrived when the host vanishes, and a real device does
    /// not see its host process die: the next host finds the session open and the partial object on the device.
    func testAPlayerKeepingPartialObjectsAndItsSessionShowsWhatAVanishedHostLeft() throws {
        var configuration = PlayerConfiguration(personality: .android)
        configuration.storages = [StorageConfiguration(backing: .memory)]
        configuration.keepsPartialObjects = true
        configuration.sessionSurvivesDisconnect = true
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        let info = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "half", size: 4000))
        XCTAssertEqual(info.code, .ok)
        host.bulkOut(Container.command(.sendObject, transactionID: 99).bytes)
        host.bulkOut(
            Array(
                Container(dataFor: OperationCode.sendObject.rawValue, transactionID: 99, payload: pattern(4000)).bytes.prefix(
                    1012)))
        responder.clientVanished()
        XCTAssertNil(host.bulkIn(size: 512), "nothing in flight survives the host")
        let next = TestHost(responder)
        XCTAssertEqual(next.transact(.openSession, [1]).code, .sessionAlreadyOpen)
        let handle = info.response.parameters[2]
        let kept = next.transact(.getObjectInfo, [handle])
        XCTAssertEqual(kept.code, .ok)
        XCTAssertEqual(kept.data.map { littleEndian32($0, 8) }, 1000, "the object holds the 1,000 bytes that arrived")
        XCTAssertEqual(next.transact(.deleteObject, [handle]).code, .ok, "the host can remove it")
    }

    /// Cut off by a cancel, the same player keeps the partial object too; the host must delete it.
    func testAPlayerKeepingPartialObjectsKeepsOneCutOffByACancel() throws {
        var configuration = PlayerConfiguration(personality: .classic)
        configuration.storages = [StorageConfiguration(backing: .memory)]
        configuration.keepsPartialObjects = true
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "c", size: 5000)).code, .ok)
        host.bulkOut(Container.command(.sendObject, transactionID: 50).bytes)
        host.bulkOut(
            Array(
                Container(dataFor: OperationCode.sendObject.rawValue, transactionID: 50, payload: pattern(5000)).bytes.prefix(
                    2060)))
        responder.cancelTransaction(50)
        host.nextTransactionID = 51
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0]).response.parameters, [1])
    }

    func testEventsGoOutOnTheInterruptEndpoint() throws {
        let responder = try makeResponder()
        responder.raiseEvent(.objectAdded, params: [0x42])
        responder.raiseEvent(.storeRemoved, params: [0x0002_0001])
        var buffer = [UInt8](repeating: 0, count: 64)
        XCTAssertEqual(buffer.withUnsafeMutableBytes { responder.interruptIn(into: $0) }, 16)
        XCTAssertEqual(Array(buffer[0..<16]), [16, 0, 0, 0, 4, 0, 0x02, 0x40, 0, 0, 0, 0, 0x42, 0, 0, 0])
        // A small interrupt transfer gets the container in pieces.
        var small = [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(small.withUnsafeMutableBytes { responder.interruptIn(into: $0) }, 8)
        XCTAssertEqual(small, [16, 0, 0, 0, 4, 0, 0x05, 0x40])
        XCTAssertEqual(small.withUnsafeMutableBytes { responder.interruptIn(into: $0) }, 8)
        XCTAssertEqual(small, [0, 0, 0, 0, 0x01, 0, 0x02, 0])
        XCTAssertNil(buffer.withUnsafeMutableBytes { responder.interruptIn(into: $0) })
        XCTAssertEqual(responder.counters.eventsSent, 2)
    }

    func testCountersEncodeAsJSONKeyedByHexCode() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.transact(.getDeviceInfo)
        host.openSession()
        host.transact(.getDeviceInfo)
        XCTAssertEqual(responder.counters.count(of: .getDeviceInfo), 2)
        XCTAssertEqual(responder.transactionsBegun, 3)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(responder.counters)) as? [String: Any]
        let operations = try XCTUnwrap(json?["operations"] as? [String: [String: Any]])
        XCTAssertEqual(operations["0x1001"]?["name"] as? String, "GetDeviceInfo")
        XCTAssertEqual(operations["0x1001"]?["count"] as? Int, 2)
        XCTAssertEqual(json?["transactions"] as? Int, 3)
        XCTAssertNotNil(json?["dataBytesSent"] as? Int)
    }
}
