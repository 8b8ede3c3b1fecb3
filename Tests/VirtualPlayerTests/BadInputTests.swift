import PTPWire
import XCTest
@testable import VirtualPlayer

/// Every malformed or out-of-order request gets the response code PTP prescribes, and the responder keeps
/// serving afterwards.
final class BadInputTests: XCTestCase {
    func testOperationsOutsideASessionAreRefused() throws {
        let host = TestHost(try makeResponder())
        XCTAssertEqual(host.transact(.getStorageIDs).code, .sessionNotOpen)
        XCTAssertEqual(host.transact(.getDeviceInfo).code, .ok, "GetDeviceInfo needs no session")
        // The data phase of a refused SendObjectInfo is still taken, so the next transaction is in step.
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "x", size: 1)).code, .sessionNotOpen)
        XCTAssertEqual(host.transact(.closeSession).code, .sessionNotOpen)
        host.openSession()
        XCTAssertEqual(host.transact(.getStorageIDs).code, .ok)
    }

    func testOpenSessionTwiceAndSessionZero() throws {
        let host = TestHost(try makeResponder())
        XCTAssertEqual(host.transact(.openSession, [0]).code, .invalidParameter)
        host.openSession()
        let again = host.transact(.openSession, [7])
        XCTAssertEqual(again.code, .sessionAlreadyOpen)
        XCTAssertEqual(again.response.parameters, [1], "the open session's id")
        XCTAssertEqual(host.transact(.closeSession).code, .ok)
        XCTAssertEqual(host.transact(.openSession, [7]).code, .ok)
    }

    func testInvalidHandlesStoragesAndParents() throws {
        let responder = try makeResponder()
        let store = try XCTUnwrap(responder.stores.first as? MemoryObjectStore)
        let file = try store.addFile(named: "f", bytes: [1])
        let host = TestHost(responder)
        host.openSession()
        for operation: OperationCode in [.getObjectInfo, .getObject, .deleteObject, .getPartialObject] {
            XCTAssertEqual(host.transact(operation, [0xDEAD]).code, .invalidObjectHandle, "\(operation)")
        }
        XCTAssertEqual(
            host.transact(.getObjectPropValue, [0xDEAD, UInt32(ObjectPropertyCode.name.rawValue)]).code,
            .invalidObjectHandle)
        XCTAssertEqual(host.transact(.getStorageInfo, [0x0009_0001]).code, .invalidStorageID)
        XCTAssertEqual(host.transact(.getObjectHandles, [0x0009_0001, 0, 0]).code, .invalidStorageID)
        XCTAssertEqual(
            host.transact(.getObjectHandles, [storage1, 0, file.handle]).code, .invalidParentObject,
            "a file is no parent")
        XCTAssertEqual(host.transact(.getObjectHandles, [storage1, 0, 0xBEEF]).code, .invalidParentObject)
        XCTAssertEqual(
            host.transact(.sendObjectInfo, [storage1, file.handle], data: objectInfo(name: "y", size: 1)).code,
            .invalidParentObject)
        XCTAssertEqual(
            host.transact(.sendObjectInfo, [0x0009_0001, 0], data: objectInfo(name: "y", size: 1)).code,
            .invalidStorageID)
        XCTAssertEqual(host.transact(.getPartialObject, [file.handle, 2, 10]).code, .invalidParameter, "offset past the end")
        XCTAssertEqual(host.transact(.moveObject, [file.handle, storage1, 0xBEEF]).code, .invalidParentObject)
    }

    func testSendObjectNeedsObjectInfoAndTheAnnouncedSize() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        XCTAssertEqual(host.transact(.sendObject, data: pattern(1000)).code, .noValidObjectInfo)
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "short", size: 100)).code, .ok)
        XCTAssertEqual(host.transact(.sendObject, data: pattern(99)).code, .incompleteTransfer)
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0]).response.parameters, [0], "no partial object")
        XCTAssertEqual(
            host.transact(.sendObject, data: pattern(100)).code, .noValidObjectInfo,
            "a failed SendObject consumes its object info")
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: [1, 2, 3]).code, .invalidDataset)
        XCTAssertEqual(
            host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "a/b", size: 1)).code,
            .invalidDataset, "no slashes in file names")
    }

    func testMalformedCommandContainers() throws {
        let host = TestHost(try makeResponder())
        func reply(to bytes: [UInt8]) -> Container? {
            host.bulkOut(bytes)
            return host.readContainer().flatMap { try? ContainerParser().parse($0).get() }
        }
        XCTAssertEqual(reply(to: [1, 2, 3]), .response(.generalError, transactionID: 0), "shorter than a header")
        XCTAssertEqual(
            reply(to: [12, 0, 0, 0, 7, 0, 1, 0x10, 5, 0, 0, 0]), .response(.generalError, transactionID: 5),
            "unknown container type")
        XCTAssertEqual(
            reply(to: [12, 0, 0, 0, 3, 0, 1, 0x20, 6, 0, 0, 0]), .response(.generalError, transactionID: 6),
            "a response is no command")
        XCTAssertEqual(
            reply(to: [16, 0, 0, 0, 1, 0, 1, 0x10, 8, 0, 0, 0]), .response(.incompleteTransfer, transactionID: 8),
            "length says more than came")
        XCTAssertEqual(
            reply(to: [12, 0, 0, 0, 1, 0, 1, 0x10, 9, 0, 0, 0, 0, 0, 0, 0]),
            .response(.invalidParameter, transactionID: 9), "length says less than came")
        XCTAssertEqual(
            reply(to: [14, 0, 0, 0, 1, 0, 1, 0x10, 10, 0, 0, 0, 0, 0]),
            .response(.invalidParameter, transactionID: 10), "half a parameter")
        XCTAssertEqual(
            reply(
                to: Array(Container.command(.getDeviceInfo, transactionID: 11).bytes.prefix(12))
                    + [UInt8](repeating: 0, count: 24)
                    .enumerated().map { $0.offset == 0 ? 36 : $0.element }),
            .response(.invalidParameter, transactionID: 11), "six parameters")
        XCTAssertEqual(
            reply(to: Container.command(OperationCode(0x9999), transactionID: 12).bytes),
            .response(.operationNotSupported, transactionID: 12))
        host.nextTransactionID = 13
        XCTAssertEqual(host.transact(.getDeviceInfo).code, .ok, "still serving")
    }

    func testDataPhaseWithTheWrongTransactionID() throws {
        let host = TestHost(try makeResponder())
        host.openSession()
        host.bulkOut(Container.command(.sendObjectInfo, transactionID: 20, [storage1, 0]).bytes)
        host.bulkOut(
            Container(
                dataFor: OperationCode.sendObjectInfo.rawValue, transactionID: 21,
                payload: objectInfo(name: "x", size: 1)
            ).bytes)
        let response = try ContainerParser().parse(try XCTUnwrap(host.readContainer())).get()
        XCTAssertEqual(response, .response(.invalidTransactionID, transactionID: 20))
    }

    func testStoreFullByCapacityAndByFault() throws {
        let responder = try makeResponder(capacity: 1000)
        let host = TestHost(responder)
        host.openSession()
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "big", size: 1001)).code, .storeFull)
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "fits", size: 600)).code, .ok)
        XCTAssertEqual(host.transact(.sendObject, data: pattern(600)).code, .ok)
        let info = try StorageInfo(bytes: try XCTUnwrap(host.transact(.getStorageInfo, [storage1]).data))
        XCTAssertEqual(info.maxCapacity, 1000)
        XCTAssertEqual(info.freeSpaceInBytes, 400)
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "more", size: 401)).code, .storeFull)

        responder.faults.storeFull = true
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "tiny", size: 1)).code, .storeFull)
        XCTAssertEqual(try StorageInfo(bytes: try XCTUnwrap(host.transact(.getStorageInfo, [storage1]).data)).freeSpaceInBytes, 0)
        responder.faults.storeFull = false
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "tiny", size: 1)).code, .ok)
    }

    func testBusyFaultAnswersTheNextCommandsThenRecovers() throws {
        let responder = try makeResponder()
        let host = TestHost(responder)
        host.openSession()
        responder.faults.busyCommands = 2
        XCTAssertEqual(host.transact(.getStorageIDs).code, .deviceBusy)
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "b", size: 1)).code, .deviceBusy)
        XCTAssertEqual(host.transact(.getStorageIDs).code, .ok)
        XCTAssertEqual(responder.counters.count(of: .deviceBusy), 2)
        XCTAssertEqual(responder.faults.busyCommands, 0)
    }
}
