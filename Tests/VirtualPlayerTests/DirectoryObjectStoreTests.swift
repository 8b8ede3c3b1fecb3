import Foundation
import PTPWire
import XCTest
@testable import VirtualPlayer

/// The directory-backed storage seen through the responder: real files land, nothing partial is ever left.
final class DirectoryObjectStoreTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-dir-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func makeHost(capacity: UInt64? = nil) throws -> (TestHost, MTPResponder) {
        var configuration = PlayerConfiguration(personality: .android)
        configuration.storages = [StorageConfiguration(backing: .directory(root.path), capacity: capacity)]
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        return (host, responder)
    }

    func entries(_ relative: String = "") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(relative).path).sorted()
    }

    func testSentFileLandsWithItsBytesAndNoTemporaryFile() throws {
        let (host, _) = try makeHost()
        let folder = host.transact(
            .sendObjectInfo, [storage1, 0xFFFF_FFFF], data: objectInfo(name: "Music", size: 0, format: .association)
        )
        .response.parameters[2]
        let contents = pattern(33_333)
        XCTAssertEqual(
            host.transact(.sendObjectInfo, [storage1, folder], data: objectInfo(name: "a.bin", size: 33_333)).code, .ok)
        XCTAssertEqual(try entries("Music"), [], "nothing visible before the data")
        XCTAssertEqual(host.transact(.sendObject, data: contents, cuts: [100, 10_000]).code, .ok)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("Music/a.bin")), Data(contents))
        XCTAssertEqual(try entries("Music"), ["a.bin"])
    }

    func testCancelledAndFailedSendsLeaveNothing() throws {
        let (host, responder) = try makeHost()
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "cut.bin", size: 50_000)).code, .ok)
        let transactionID = host.nextTransactionID
        host.nextTransactionID += 1
        host.bulkOut(Container.command(.sendObject, transactionID: transactionID).bytes)
        host.bulkOut(
            Array(
                Container(
                    dataFor: OperationCode.sendObject.rawValue, transactionID: transactionID,
                    payload: pattern(50_000)
                ).bytes.prefix(20_000)))
        XCTAssertEqual(try entries().count, 1, "the partial file exists while receiving")
        XCTAssertTrue(try entries()[0].hasPrefix(DirectoryObjectStore.partialPrefix))
        responder.cancelTransaction(transactionID)
        XCTAssertEqual(try entries(), [], "cancelled: no partial file")

        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "short.bin", size: 10)).code, .ok)
        XCTAssertEqual(host.transact(.sendObject, data: pattern(9)).code, .incompleteTransfer)
        XCTAssertEqual(try entries(), [], "wrong size: no file")

        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "never.bin", size: 10)).code, .ok)
        responder.reset()
        XCTAssertEqual(try entries(), [], "announced, never sent, reset: no file")
    }

    func testFilesPresentAtStartAppearAsObjects() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Photos/2021"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: root.appendingPathComponent("Photos/2021/p.jpg"))
        try Data("x".utf8).write(to: root.appendingPathComponent("note.txt"))
        try Data().write(to: root.appendingPathComponent(DirectoryObjectStore.partialPrefix + "7"))
        let (host, responder) = try makeHost()
        XCTAssertFalse(try entries().contains { $0.hasPrefix(DirectoryObjectStore.partialPrefix) }, "leftovers removed")
        let rootHandles = try XCTUnwrap(host.transact(.getObjectHandles, [storage1, 0, 0xFFFF_FFFF]).data)
        XCTAssertEqual(littleEndian32(rootHandles, 0), 2)
        let names = responder.stores[0].allHandles().compactMap { responder.stores[0].object($0) }.map(\.name).sorted()
        XCTAssertEqual(names, ["2021", "Photos", "note.txt", "p.jpg"])
        let photo = try XCTUnwrap(responder.stores[0].allHandles().first { responder.stores[0].object($0)?.name == "p.jpg" })
        let info = try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [photo]).data))
        XCTAssertEqual(info.objectFormat, ObjectFormatCode.exifJPEG.rawValue)
        XCTAssertEqual(info.objectCompressedSize, 3)
        XCTAssertEqual(host.transact(.getObject, [photo]).data, [1, 2, 3])
    }

    func testDeletingAFolderRemovesTheDirectoryTree() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("A/B"), withIntermediateDirectories: true)
        try Data([9]).write(to: root.appendingPathComponent("A/B/c"))
        let (host, responder) = try makeHost()
        let folder = try XCTUnwrap(responder.stores[0].childHandles(of: 0).first)
        XCTAssertEqual(host.transact(.deleteObject, [folder]).code, .ok)
        XCTAssertEqual(try entries(), [])
        XCTAssertEqual(responder.stores[0].objectCount, 0)
    }

    func testRenameMoveAndCopyFollowTheFiles() throws {
        let (host, responder) = try makeHost()
        let folder = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "Dir", size: 0, format: .association))
            .response.parameters[2]
        let file = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "old.txt", size: 2)).response.parameters[
            2]
        XCTAssertEqual(host.transact(.sendObject, data: [7, 8]).code, .ok)

        var name = WireWriter()
        name.writePTPString("new.txt")
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [file, UInt32(ObjectPropertyCode.objectFileName.rawValue)], data: name.bytes).code,
            .ok)
        XCTAssertEqual(try entries(), ["Dir", "new.txt"])

        XCTAssertEqual(host.transact(.moveObject, [file, storage1, folder]).code, .ok)
        XCTAssertEqual(try entries("Dir"), ["new.txt"])
        XCTAssertEqual(responder.stores[0].object(file)?.parent, folder)

        let copy = host.transact(.copyObject, [file, storage1, 0xFFFF_FFFF])
        XCTAssertEqual(copy.code, .ok)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("new.txt")), Data([7, 8]))
        XCTAssertEqual(host.transact(.getObject, [copy.response.parameters[0]]).data, [7, 8])
        XCTAssertEqual(host.transact(.moveObject, [folder, storage1, folder]).code, .invalidParentObject, "not into itself")
        XCTAssertEqual(host.transact(.copyObject, [folder, storage1, folder]).code, .invalidParentObject)
    }

    func testRefreshReportsHostSideChangesAndRaisesEvents() throws {
        try Data([1]).write(to: root.appendingPathComponent("stays"))
        try Data([1]).write(to: root.appendingPathComponent("goes"))
        let (_, responder) = try makeHost()
        let store = responder.stores[0]
        let goes = try XCTUnwrap(store.childHandles(of: 0).first { store.object($0)?.name == "goes" })
        let stays = try XCTUnwrap(store.childHandles(of: 0).first { store.object($0)?.name == "stays" })
        try FileManager.default.removeItem(at: root.appendingPathComponent("goes"))
        try Data([1, 2, 3, 4]).write(to: root.appendingPathComponent("stays"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("new"), withIntermediateDirectories: true)
        try Data([5]).write(to: root.appendingPathComponent("new/inner"))

        let changes = try XCTUnwrap(responder.refreshStorages()[storage1])
        XCTAssertEqual(changes.removed, [goes])
        XCTAssertEqual(changes.added.count, 2)
        XCTAssertEqual(changes.changed, [stays])
        XCTAssertEqual(store.object(stays)?.size, 4)
        XCTAssertTrue(responder.refreshStorages().isEmpty, "a second look finds nothing new")

        var received: [(UInt16, UInt32)] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while let n = buffer.withUnsafeMutableBytes({ responder.interruptIn(into: $0) }) {
            XCTAssertEqual(n, 16)
            received.append((UInt16(buffer[6]) | UInt16(buffer[7]) << 8, littleEndian32(buffer, 12)))
        }
        XCTAssertEqual(received.map(\.0), [0x4003, 0x4002, 0x4002, 0x4007])
        XCTAssertEqual(received.map(\.1), [goes] + changes.added + [stays])
    }

    func testRefreshOfNamedPathsLooksAtThoseAlone() throws {
        try Data([1]).write(to: root.appendingPathComponent("stays"))
        try Data([1]).write(to: root.appendingPathComponent("goes"))
        try Data([1]).write(to: root.appendingPathComponent("unnamed"))
        let (_, responder) = try makeHost()
        let store = responder.stores[0]
        let handle = { (name: String) in store.childHandles(of: 0).first { store.object($0)?.name == name } }
        let goes = try XCTUnwrap(handle("goes"))
        let stays = try XCTUnwrap(handle("stays"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("goes"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("unnamed"))
        try Data([1, 2, 3]).write(to: root.appendingPathComponent("stays"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("new/deeper"), withIntermediateDirectories: true)
        try Data([5]).write(to: root.appendingPathComponent("new/deeper/inner"))
        try Data([6]).write(to: root.appendingPathComponent(DirectoryObjectStore.partialPrefix + "9"))

        let paths =
            ["goes", "stays", "new", "new/deeper/inner", "elsewhere/x", DirectoryObjectStore.partialPrefix + "9"]
            .map { root.appendingPathComponent($0).path } + ["/outside/the/storage"]
        let changes = try XCTUnwrap(responder.refreshStorages(paths: paths)[storage1])
        XCTAssertEqual(changes.removed, [goes])
        XCTAssertEqual(changes.changed, [stays])
        XCTAssertEqual(store.object(stays)?.size, 3)
        XCTAssertEqual(
            changes.added.compactMap { store.object($0)?.name }.sorted(), ["deeper", "inner", "new"],
            "a new folder comes in whole; its inner file is not counted twice")
        XCTAssertNotNil(handle("unnamed"), "a path nobody named is not looked at")
        XCTAssertTrue(responder.refreshStorages(paths: paths).isEmpty, "a second look finds nothing new")
        XCTAssertEqual(responder.refreshStorages()[storage1]?.removed.count, 1, "a full look still finds the rest")
    }

    func testCapacityLimitsTheDirectory() throws {
        try Data(pattern(600)).write(to: root.appendingPathComponent("existing"))
        let (host, _) = try makeHost(capacity: 1000)
        let info = try StorageInfo(bytes: try XCTUnwrap(host.transact(.getStorageInfo, [storage1]).data))
        XCTAssertEqual(info.maxCapacity, 1000)
        XCTAssertEqual(info.freeSpaceInBytes, 400)
        XCTAssertEqual(host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "no", size: 401)).code, .storeFull)
        XCTAssertEqual(try entries(), ["existing"])
    }
}
