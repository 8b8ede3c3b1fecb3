import Foundation
import PTPWire
import XCTest
@testable import VirtualPlayer

/// Android's in-place editing, on both kinds of storage.
final class EditingTests: XCTestCase {
    func testEditSequenceOnMemoryAndDirectoryStores() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-edit-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        for backing in [StorageBacking.memory, .directory(root.path)] {
            var configuration = PlayerConfiguration(personality: .android)
            configuration.storages = [StorageConfiguration(backing: backing)]
            let host = TestHost(try MTPResponder(configuration: configuration))
            host.openSession()
            let handle = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "e.bin", size: 10)).response
                .parameters[2]
            XCTAssertEqual(host.transact(.sendObject, data: pattern(10)).code, .ok)

            XCTAssertEqual(
                host.transact(.sendPartialObject, [handle, 0, 0, 2], data: [1, 2]).code, .generalError,
                "\(backing): not open for editing")
            XCTAssertEqual(host.transact(.beginEditObject, [handle]).code, .ok)
            let written = host.transact(.sendPartialObject, [handle, 8, 0, 4], data: [0xA, 0xB, 0xC, 0xD], cuts: [13])
            XCTAssertEqual(written.code, .ok)
            XCTAssertEqual(written.response.parameters, [4])
            XCTAssertEqual(host.transact(.truncateObject, [handle, 11, 0]).code, .ok)
            XCTAssertEqual(host.transact(.endEditObject, [handle]).code, .ok)
            XCTAssertEqual(host.transact(.getObject, [handle]).data, Array(pattern(8)) + [0xA, 0xB, 0xC], "\(backing)")
            let info = try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [handle]).data))
            XCTAssertEqual(info.objectCompressedSize, 11)
            XCTAssertEqual(host.transact(.endEditObject, [handle]).code, .generalError, "already ended")
            XCTAssertEqual(host.transact(.truncateObject, [0xBAD, 0, 0]).code, .invalidObjectHandle)
        }
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("e.bin")), Data(pattern(8) + [0xA, 0xB, 0xC]))
    }

    func testClassicDoesNotEdit() throws {
        let host = TestHost(try makeResponder(.classic))
        host.openSession()
        XCTAssertEqual(host.transact(.beginEditObject, [1]).code, .operationNotSupported)
        XCTAssertEqual(
            host.transact(.sendPartialObject, [1, 0, 0, 1], data: [0]).code, .operationNotSupported,
            "its data is still taken")
        XCTAssertEqual(host.transact(.getStorageIDs).code, .ok)
    }
}
