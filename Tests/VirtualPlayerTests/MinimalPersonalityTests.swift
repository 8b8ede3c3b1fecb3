import Foundation
import PTPWire
import XCTest
@testable import VirtualPlayer

/// The `minimal` personality, a responder like QEMU's usb-mtp or uMTP-Responder, and the flags it is made of,
/// byte by byte through the endpoints.
final class MinimalPersonalityTests: XCTestCase {
    private static let lacking: [OperationCode] = [.moveObject, .copyObject, .getObjectPropDesc, .setObjectPropValue]

    func testDeviceInfoLeavesOutWhatItLacksAndThoseOperationsAreRefused() throws {
        let host = TestHost(try makeResponder(.minimal))
        let info = try DeviceInfo(bytes: try XCTUnwrap(host.transact(.getDeviceInfo).data))
        XCTAssertEqual(info.eventsSupported, [], "no events listed")
        XCTAssertEqual(info.manufacturer, "mtpsessiond")
        XCTAssertEqual(info.model, "Minimal Responder (mtpsim)")
        for absent in Self.lacking + [
            .getObjectPropList, .setObjectPropList, .sendObjectPropList, .getPartialObject64,
            .beginEditObject,
        ] {
            XCTAssertFalse(info.operationsSupported.contains(absent.rawValue), "\(absent) not listed")
        }
        for present: OperationCode in [
            .sendObjectInfo, .sendObject, .getObject, .getPartialObject, .deleteObject,
            .getObjectPropsSupported, .getObjectPropValue,
        ] {
            XCTAssertTrue(info.operationsSupported.contains(present.rawValue), "\(present) listed")
        }

        host.openSession()
        let folder = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "F", size: 0, format: .association))
        XCTAssertEqual(folder.code, .ok)
        let file = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "a.bin", size: 3))
        XCTAssertEqual(host.transact(.sendObject, data: [1, 2, 3]).code, .ok)
        let handle = file.response.parameters[2]
        XCTAssertEqual(
            host.transact(.moveObject, [handle, storage1, folder.response.parameters[2]]).code, .operationNotSupported)
        XCTAssertEqual(
            host.transact(.copyObject, [handle, storage1, folder.response.parameters[2]]).code, .operationNotSupported)
        XCTAssertEqual(
            host.transact(
                .getObjectPropDesc,
                [
                    UInt32(ObjectPropertyCode.objectFileName.rawValue),
                    UInt32(ObjectFormatCode.undefined.rawValue),
                ]
            ).code,
            .operationNotSupported)
        var name = WireWriter()
        name.writePTPString("b.bin")
        XCTAssertEqual(
            host.transact(
                .setObjectPropValue, [handle, UInt32(ObjectPropertyCode.objectFileName.rawValue)],
                data: name.bytes
            ).code, .operationNotSupported, "its data is still taken")
        let after = try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [handle]).data))
        XCTAssertEqual(after.filename, "a.bin", "neither moved nor renamed")
        XCTAssertEqual(after.parentObject, 0)
        XCTAssertEqual(
            host.transact(.getObjectHandles, [storage1, 0, folder.response.parameters[2]]).data, [0, 0, 0, 0],
            "nothing copied into the folder")
    }

    func testEveryOpenSessionGivesEveryObjectANewHandle() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-renumber-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Music/Album"), withIntermediateDirectories: true)
        try Data(pattern(700)).write(to: root.appendingPathComponent("Music/Album/one.mp3"))
        try Data(pattern(5, seed: 9)).write(to: root.appendingPathComponent("top.txt"))
        for backing in [StorageBacking.memory, .directory(root.path)] {
            var configuration = PlayerConfiguration(personality: .minimal)
            configuration.storages = [StorageConfiguration(backing: backing)]
            let host = TestHost(try MTPResponder(configuration: configuration))
            host.openSession()
            // Objects created in a session are renumbered at the next like the ones that were there.
            let made = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "sent.bin", size: 1000))
            XCTAssertEqual(host.transact(.sendObject, data: pattern(1000, seed: 3), cuts: [600]).code, .ok)
            let folder = try make(host, "Made", parent: 0, folder: true)
            _ = try make(host, "inner.bin", parent: folder)
            var previous = try listing(host)
            XCTAssertEqual(previous.byPath["sent.bin"], made.response.parameters[2])
            var contents: [String: [UInt8]] = [:]
            for (path, handle) in previous.byPath
            where !path.hasSuffix("Made") && !path.hasSuffix("Music") && !path.hasSuffix("Album") {
                contents[path] = try XCTUnwrap(host.transact(.getObject, [handle]).data, path)
            }
            XCTAssertEqual(contents["sent.bin"], pattern(1000, seed: 3))
            XCTAssertEqual(contents["Made/inner.bin"], [1, 2, 3])
            for session in 2...5 {
                // A reset (the host gone) or a CloseSession both end the session.
                if session == 3 {
                    host.responder.reset()
                } else {
                    XCTAssertEqual(host.transact(.closeSession).code, .ok)
                }
                XCTAssertEqual(host.transact(.openSession, [UInt32(session)]).code, .ok)
                let now = try listing(host)
                XCTAssertEqual(Set(now.byPath.keys), Set(previous.byPath.keys), "\(backing) session \(session): the same objects")
                for (path, handle) in now.byPath {
                    XCTAssertNotEqual(handle, previous.byPath[path], "\(backing) session \(session): \(path) has a new handle")
                    XCTAssertEqual(now.sizes[handle], previous.sizes[previous.byPath[path]!], "\(path): same size")
                    if let bytes = contents[path] {
                        XCTAssertEqual(host.transact(.getObject, [handle]).data, bytes, "\(path): same contents")
                    } else {
                        XCTAssertEqual(host.transact(.getObject, [handle]).code, .invalidObjectHandle, "\(path) is a folder")
                    }
                }
                // An old handle names nothing now, or another object; never the old one under the old number.
                var namesAnother = 0
                for (path, old) in previous.byPath {
                    let outcome = host.transact(.getObjectInfo, [old])
                    if outcome.code == .ok {
                        let other = now.pathByHandle[old]
                        XCTAssertNotNil(other)
                        XCTAssertNotEqual(other, path, "\(backing): handle \(old) still names \(path)")
                        namesAnother += 1
                    } else {
                        XCTAssertEqual(outcome.code, .invalidObjectHandle)
                    }
                }
                XCTAssertGreaterThan(namesAnother, 0, "\(backing): handles are reused, so old ones can mislead")
                previous = now
            }
            // A new object takes a handle no existing object has.
            let fresh = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "late.bin", size: 2))
            XCTAssertEqual(host.transact(.sendObject, data: [7, 8]).code, .ok)
            XCTAssertFalse(previous.pathByHandle.keys.contains(fresh.response.parameters[2]))
            XCTAssertEqual(try listing(host).byPath["late.bin"], fresh.response.parameters[2])
        }
        XCTAssertEqual(
            try Data(contentsOf: root.appendingPathComponent("Music/Album/one.mp3")), Data(pattern(700)),
            "the directory's files are untouched")
    }

    func testAFileCutOffByAnUnplugIsRenumberedWithTheRestWhenKeptAndGoneWhenNot() throws {
        for keeps in [true, false] {
            var configuration = PlayerConfiguration(personality: .minimal)
            configuration.storages = [StorageConfiguration(backing: .memory)]
            configuration.keepsPartialObjects = keeps
            let host = TestHost(try MTPResponder(configuration: configuration))
            host.openSession()
            _ = try make(host, "whole.txt", parent: 0)
            let announced = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "big.bin", size: 4096))
            XCTAssertEqual(announced.code, .ok)
            let handle = announced.response.parameters[2]
            // SendObject's command and the first 1,012 bytes of its data, then the host is gone.
            host.bulkOut(Container.command(.sendObject, transactionID: host.nextTransactionID, []).bytes)
            host.nextTransactionID += 1
            let container = Container(
                dataFor: OperationCode.sendObject.rawValue, transactionID: host.nextTransactionID - 1,
                payload: pattern(4096)
            ).bytes
            host.bulkOut(Array(container[0..<1024]))
            host.responder.reset()
            XCTAssertEqual(host.transact(.openSession, [2]).code, .ok)
            let after = try listing(host)
            XCTAssertNotNil(after.byPath["whole.txt"])
            if keeps {
                let kept = try XCTUnwrap(after.byPath["big.bin"], "the partial file stays")
                XCTAssertNotEqual(kept, handle, "under a new handle")
                XCTAssertEqual(after.sizes[kept], 1012, "holding what arrived")
                XCTAssertEqual(host.transact(.getObject, [kept]).data, Array(pattern(1012)))
            } else {
                XCTAssertNil(after.byPath["big.bin"], "dropped")
            }
            XCTAssertEqual(after.byPath.count, keeps ? 2 : 1)
        }
    }

    func testDeletingANonEmptyFolderDeletesWhatQEMUDeletesAndSaysPartialDeletion() throws {
        let host = TestHost(try makeResponder(.minimal))
        host.openSession()
        //  F/ a.txt  S/ b.txt  T/ c.txt
        //                      U/
        //     E/
        let f = try make(host, "F", parent: 0, folder: true)
        _ = try make(host, "a.txt", parent: f)
        let s = try make(host, "S", parent: f, folder: true)
        _ = try make(host, "b.txt", parent: s)
        let t = try make(host, "T", parent: s, folder: true)
        _ = try make(host, "c.txt", parent: t)
        _ = try make(host, "U", parent: s, folder: true)
        _ = try make(host, "E", parent: f, folder: true)
        let lone = try make(host, "lone.txt", parent: 0)
        let empty = try make(host, "Empty", parent: 0, folder: true)

        XCTAssertEqual(host.transact(.deleteObject, [f]).code, .partialDeletion)
        // S's children went by the rule (b.txt, and U, being empty; T kept c.txt so it stays); F's own file, its
        // subfolders and F itself stay.
        XCTAssertEqual(
            Set(try listing(host).byPath.keys),
            ["F", "F/a.txt", "F/S", "F/S/T", "F/S/T/c.txt", "F/E", "lone.txt", "Empty"])

        XCTAssertEqual(host.transact(.deleteObject, [lone]).code, .ok, "a file deletes normally")
        XCTAssertEqual(host.transact(.deleteObject, [empty]).code, .ok, "an empty folder deletes normally")
        let e = try XCTUnwrap(try listing(host).byPath["F/E"])
        XCTAssertEqual(host.transact(.deleteObject, [e]).code, .ok)
        // A folder whose subfolders hold nothing loses nothing.
        let again = try XCTUnwrap(try listing(host).byPath["F"])
        let s2 = try XCTUnwrap(try listing(host).byPath["F/S"])
        let t2 = try XCTUnwrap(try listing(host).byPath["F/S/T"])
        XCTAssertEqual(host.transact(.deleteObject, [t2]).code, .partialDeletion, "T holds a file: nothing goes")
        XCTAssertEqual(Set(try listing(host).byPath.keys), ["F", "F/a.txt", "F/S", "F/S/T", "F/S/T/c.txt"])
        XCTAssertEqual(host.transact(.deleteObject, [s2]).code, .partialDeletion, "S loses T's file, not T")
        XCTAssertEqual(Set(try listing(host).byPath.keys), ["F", "F/a.txt", "F/S", "F/S/T"])
        XCTAssertEqual(host.transact(.deleteObject, [again]).code, .partialDeletion, "F loses the empty T")
        XCTAssertEqual(Set(try listing(host).byPath.keys), ["F", "F/a.txt", "F/S"], "S, emptied, is never asked")

        // Classic deletes the same tree whole.
        let classic = TestHost(try makeResponder(.classic))
        classic.openSession()
        let cf = try make(classic, "F", parent: 0, folder: true)
        let cs = try make(classic, "S", parent: cf, folder: true)
        _ = try make(classic, "b.txt", parent: cs)
        _ = try make(classic, "a.txt", parent: cf)
        XCTAssertEqual(classic.transact(.deleteObject, [cf]).code, .ok)
        XCTAssertEqual(try listing(classic).byPath, [:])
    }

    func testNoEventEverReachesTheInterruptEndpoint() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-noevents-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = PlayerConfiguration(personality: .minimal)
        configuration.storages = [StorageConfiguration(backing: .directory(root.path))]
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        try Data([1]).write(to: root.appendingPathComponent("appeared.txt"))
        XCTAssertEqual(responder.refreshStorages().values.map(\.added.count), [1], "the change is seen")
        responder.raiseEvent(.objectAdded, params: [1])
        responder.addStore(MemoryObjectStore(storageID: 0x0002_0001, capacity: 1 << 20, allocator: responder.handleAllocator))
        var buffer = [UInt8](repeating: 0, count: 64)
        XCTAssertNil(buffer.withUnsafeMutableBytes { responder.interruptIn(into: $0) })
        XCTAssertEqual(responder.counters.eventsSent, 0)

        // The same steps on classic do deliver: the check above can fail.
        let classic = try makeResponder(.classic)
        classic.raiseEvent(.objectAdded, params: [1])
        XCTAssertEqual(buffer.withUnsafeMutableBytes { classic.interruptIn(into: $0) }, 16)
    }

    func testEachBehaviourIsItsOwnSetting() throws {
        // Classic keeps its handles across sessions.
        let classic = TestHost(try makeResponder(.classic))
        classic.openSession()
        _ = try make(classic, "kept.txt", parent: 0)
        let before = try listing(classic).byPath
        XCTAssertEqual(classic.transact(.closeSession).code, .ok)
        classic.openSession()
        XCTAssertEqual(try listing(classic).byPath, before)

        // Android with renumbering and without events: its operations stay, its handles move, no events.
        var configuration = PlayerConfiguration(personality: .android)
        configuration.storages = [StorageConfiguration(backing: .memory)]
        configuration.renumbersHandles = true
        configuration.sendsEvents = false
        let android = TestHost(try MTPResponder(configuration: configuration))
        let info = try DeviceInfo(bytes: try XCTUnwrap(android.transact(.getDeviceInfo).data))
        XCTAssertEqual(info.eventsSupported, [])
        XCTAssertTrue(info.operationsSupported.contains(OperationCode.moveObject.rawValue))
        android.openSession()
        let kept = try make(android, "kept.txt", parent: 0)
        XCTAssertEqual(android.transact(.closeSession).code, .ok)
        android.openSession()
        XCTAssertNotEqual(try listing(android).byPath["kept.txt"], kept)

        // And minimal with renumbering turned off keeps them.
        var steady = PlayerConfiguration(personality: .minimal)
        steady.storages = [StorageConfiguration(backing: .memory)]
        steady.renumbersHandles = false
        let minimal = TestHost(try MTPResponder(configuration: steady))
        minimal.openSession()
        let same = try make(minimal, "kept.txt", parent: 0)
        XCTAssertEqual(minimal.transact(.closeSession).code, .ok)
        minimal.openSession()
        XCTAssertEqual(try listing(minimal).byPath["kept.txt"], same)
    }

    // MARK: Helpers

    /// Every object of the device by path, read with GetObjectHandles and GetObjectInfo.
    private struct Listing {
        var byPath: [String: UInt32] = [:]
        var pathByHandle: [UInt32: String] = [:]
        var sizes: [UInt32: UInt32] = [:]
    }

    private func listing(_ host: TestHost, file: StaticString = #filePath, line: UInt = #line) throws -> Listing {
        var reader = WireReader(
            try XCTUnwrap(host.transact(.getObjectHandles, [0xFFFF_FFFF, 0, 0]).data, file: file, line: line))
        let handles = try reader.readUInt32Array()
        var infos: [UInt32: ObjectInfo] = [:]
        for handle in handles {
            infos[handle] = try ObjectInfo(
                bytes: try XCTUnwrap(host.transact(.getObjectInfo, [handle]).data, file: file, line: line))
        }
        func path(_ handle: UInt32) -> String {
            guard let info = infos[handle] else { return "?" }
            return info.parentObject == 0 ? info.filename : path(info.parentObject) + "/" + info.filename
        }
        var result = Listing()
        for handle in handles {
            result.byPath[path(handle)] = handle
            result.pathByHandle[handle] = path(handle)
            result.sizes[handle] = infos[handle]!.objectCompressedSize
        }
        XCTAssertEqual(result.byPath.count, handles.count, "paths are unique", file: file, line: line)
        return result
    }

    /// Creates a file of three bytes or a folder under `parent`; returns its handle.
    private func make(_ host: TestHost, _ name: String, parent: UInt32, folder: Bool = false) throws -> UInt32 {
        let outcome = host.transact(
            .sendObjectInfo, [storage1, parent],
            data: objectInfo(name: name, size: folder ? 0 : 3, format: folder ? .association : .undefined))
        XCTAssertEqual(outcome.code, .ok, name)
        if !folder { XCTAssertEqual(host.transact(.sendObject, data: [1, 2, 3]).code, .ok, name) }
        return try XCTUnwrap(outcome.response.parameters.last)
    }
}
