import Foundation
import PTPWire
import XCTest
@testable import VirtualPlayer

/// An album's cover art (the representative sample properties) and a modification time the host sets, byte by
/// byte as libmtp's album-art and object-property calls send them.
final class AlbumArtTests: XCTestCase {
    private let dataCode = UInt32(ObjectPropertyCode.representativeSampleData.rawValue)

    func testAlbumsOfferCoverArtTheWayLibmtpRecognisesAnImageSample() throws {
        for personality in [PlayerPersonality.android, .classic] {
            let host = TestHost(try makeResponder(personality))
            host.openSession()
            let album = try codes(host, .abstractAudioAlbum)
            for code: ObjectPropertyCode in [
                .representativeSampleData, .representativeSampleFormat, .representativeSampleSize,
                .representativeSampleHeight, .representativeSampleWidth,
            ] {
                XCTAssertTrue(album.contains(code), "\(personality): albums carry \(code)")
            }
            // libmtp takes data, format, height and width without duration for an image sample.
            XCTAssertFalse(album.contains(ObjectPropertyCode(0xDC85)), "\(personality): no RepresentativeSampleDuration")
            XCTAssertFalse(try codes(host, .mp3).contains(.representativeSampleData), "\(personality): tracks carry none")
            XCTAssertFalse(
                try codes(host, .abstractAudioVideoPlaylist).contains(.representativeSampleData),
                "\(personality): playlists carry none")

            let format = try description(host, .representativeSampleFormat)
            XCTAssertEqual(format.dataType, .uint16)
            XCTAssertEqual(format.form, .enumeration([.uint16(ObjectFormatCode.exifJPEG.rawValue)]))
            XCTAssertFalse(format.writable)
            let width = try description(host, .representativeSampleWidth)
            XCTAssertEqual(width.dataType, .uint32, "libmtp sets height and width as UINT32")
            XCTAssertTrue(width.writable)
            XCTAssertEqual(width.form, .range(minimum: .uint32(0), maximum: .uint32(1024), step: .uint32(1)))
            XCTAssertEqual(
                try description(host, .representativeSampleSize).form,
                .range(minimum: .uint32(0), maximum: .uint32(4 << 20), step: .uint32(1)))
            let data = try description(host, .representativeSampleData)
            XCTAssertEqual(data.dataType, DataTypeCode(0x4002), "AUINT8")
            XCTAssertTrue(data.writable)
        }
    }

    func testCoverArtRoundTripsAndSurvivesRenumbering() throws {
        var configuration = PlayerConfiguration(personality: .android)
        configuration.storages = [StorageConfiguration(backing: .memory)]
        configuration.renumbersHandles = true
        let host = TestHost(try MTPResponder(configuration: configuration))
        host.openSession()
        let album = try makeAlbum(host)
        XCTAssertEqual(host.transact(.getObjectPropValue, [album, dataCode]).data, [0, 0, 0, 0], "no art yet: empty")

        let art = pattern(70_000, seed: 3)
        XCTAssertEqual(host.transact(.setObjectPropValue, [album, dataCode], data: auint8(art)).code, .ok)
        XCTAssertEqual(
            host.transact(
                .setObjectPropValue, [album, UInt32(ObjectPropertyCode.representativeSampleWidth.rawValue)],
                data: [0xA0, 0, 0, 0]
            ).code, .ok)
        XCTAssertEqual(host.transact(.getObjectPropValue, [album, dataCode]).data, auint8(art))
        XCTAssertEqual(
            host.transact(.getObjectPropValue, [album, UInt32(ObjectPropertyCode.representativeSampleSize.rawValue)]).data,
            [0x70, 0x11, 0x01, 0x00], "the size is the art's, 70000")
        XCTAssertEqual(
            host.transact(.getObjectPropValue, [album, UInt32(ObjectPropertyCode.representativeSampleFormat.rawValue)])
                .data, [0x01, 0x38], "EXIF/JPEG")
        XCTAssertEqual(
            host.transact(
                .setObjectPropValue, [album, UInt32(ObjectPropertyCode.representativeSampleSize.rawValue)],
                data: [1, 0, 0, 0]
            ).code, .accessDenied)

        // Asked for by name in a property list, the art comes whole; in a list of everything it is left out.
        let named = try ObjectPropertyList.parse(
            try XCTUnwrap(host.transact(.getObjectPropList, [album, 0, dataCode, 0, 0]).data))
        XCTAssertEqual(
            named,
            [
                ObjectPropertyListElement(
                    handle: album, code: .representativeSampleData, value: .array(element: .uint8, art.map(PropertyValue.uint8)))
            ])
        let all = try ObjectPropertyList.parse(
            try XCTUnwrap(host.transact(.getObjectPropList, [album, 0, 0xFFFF_FFFF, 0, 0]).data))
        let codes = Set(all.map(\.code))
        XCTAssertFalse(codes.contains(.representativeSampleData))
        XCTAssertTrue(codes.contains(.representativeSampleSize) && codes.contains(.representativeSampleWidth))
        XCTAssertTrue(
            all.contains(ObjectPropertyListElement(handle: album, code: .representativeSampleWidth, value: .uint32(160))))

        // The next session numbers the album afresh; its art goes with it.
        XCTAssertEqual(host.transact(.closeSession).code, .ok)
        host.openSession()
        let renumbered = try XCTUnwrap(albumHandle(host))
        XCTAssertNotEqual(renumbered, album)
        XCTAssertEqual(host.transact(.getObjectPropValue, [renumbered, dataCode]).data, auint8(art))
        XCTAssertEqual(
            host.transact(
                .getObjectPropValue, [renumbered, UInt32(ObjectPropertyCode.representativeSampleWidth.rawValue)]
            ).data, [0xA0, 0, 0, 0])
    }

    func testCoverArtPastTheLimitIsRefusedAndTheOldArtStays() throws {
        let host = TestHost(try makeResponder(.classic))
        host.openSession()
        let album = try makeAlbum(host)
        let art = pattern(1000)
        XCTAssertEqual(host.transact(.setObjectPropValue, [album, dataCode], data: auint8(art)).code, .ok)

        let limit = 4 << 20
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [album, dataCode], data: auint8(pattern(limit + 1))).code,
            .invalidObjectPropValue)
        // Past what the player buffers at all (16 MiB), the same answer, and the data is still taken in full.
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [album, dataCode], data: auint8([UInt8](repeating: 7, count: 17 << 20)))
                .code, .invalidObjectPropValue)
        // A count the bytes do not hold, and a count with bytes left over, are malformed.
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [album, dataCode], data: [10, 0, 0, 0, 1, 2]).code,
            .invalidObjectPropFormat)
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [album, dataCode], data: [1, 0, 0, 0, 1, 2]).code,
            .invalidObjectPropFormat)
        XCTAssertEqual(host.transact(.getObjectPropValue, [album, dataCode]).data, auint8(art))
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [album, dataCode], data: auint8(pattern(limit))).code, .ok,
            "exactly the limit is kept")

        // A track has no cover art of its own.
        let song = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "s.mp3", size: 1, format: .mp3))
            .response.parameters[2]
        XCTAssertEqual(host.transact(.sendObject, data: [0]).code, .ok)
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [song, dataCode], data: auint8(art)).code, .invalidObjectPropCode)
        XCTAssertEqual(host.transact(.getObjectPropValue, [song, dataCode]).code, .invalidObjectPropCode)
    }

    func testCoverArtBySetObjectPropListOnADirectoryStore() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-art-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = PlayerConfiguration(personality: .android)
        configuration.storages = [StorageConfiguration(backing: .directory(root.path))]
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        let album = try makeAlbum(host)
        let art = pattern(300, seed: 9)
        let list = ObjectPropertyList.bytes([
            ObjectPropertyListElement(
                handle: album, code: .representativeSampleData, value: .array(element: .uint8, art.map(PropertyValue.uint8))),
            ObjectPropertyListElement(handle: album, code: .representativeSampleHeight, value: .uint32(90)),
        ])
        XCTAssertEqual(host.transact(.setObjectPropList, data: list).code, .ok)
        XCTAssertEqual(responder.stores[0].object(album)?.representativeSample, art)
        // A rescan of the directory leaves what only memory holds.
        _ = responder.stores[0].refresh()
        XCTAssertEqual(host.transact(.getObjectPropValue, [album, dataCode]).data, auint8(art))
        XCTAssertEqual(
            host.transact(
                .getObjectPropValue, [album, UInt32(ObjectPropertyCode.representativeSampleHeight.rawValue)]
            ).data, [90, 0, 0, 0])
    }

    func testDateModifiedSetByTheHostIsWhatObjectInfoAndPropertiesReport() throws {
        for personality in [PlayerPersonality.android, .classic] {
            let responder = try makeResponder(personality)
            let host = TestHost(responder)
            host.openSession()
            let file = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "synced.bin", size: 3))
                .response.parameters[2]
            XCTAssertEqual(host.transact(.sendObject, data: [1, 2, 3]).code, .ok)

            // What libmtp's LIBMTP_Set_Object_String(…, LIBMTP_PROPERTY_DateModified, "20240131T101112") sends.
            var stamp = WireWriter()
            stamp.writePTPString("20240131T101112")
            let code = UInt32(ObjectPropertyCode.dateModified.rawValue)
            XCTAssertEqual(host.transact(.setObjectPropValue, [file, code], data: stamp.bytes).code, .ok)

            let info = try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [file]).data))
            XCTAssertEqual(info.modificationDate, "20240131T101112", "\(personality)")
            XCTAssertEqual(host.transact(.getObjectPropValue, [file, code]).data, stamp.bytes, "\(personality)")
            XCTAssertEqual(responder.stores[0].object(file)?.modified, 1_706_695_872, "\(personality): 2024-01-31 10:11:12")
            if personality == .android {
                let listed = try ObjectPropertyList.parse(
                    try XCTUnwrap(host.transact(.getObjectPropList, [file, 0, code, 0, 0]).data))
                XCTAssertEqual(
                    listed, [ObjectPropertyListElement(handle: file, code: .dateModified, value: .string("20240131T101112"))])
            }

            var nonsense = WireWriter()
            nonsense.writePTPString("yesterday")
            XCTAssertEqual(
                host.transact(.setObjectPropValue, [file, code], data: nonsense.bytes).code, .invalidObjectPropValue)
            XCTAssertEqual(
                try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [file]).data)).modificationDate,
                "20240131T101112", "\(personality): a refused time leaves the last one")
        }
    }

    func testDateModifiedOnADirectoryStoreOutlivesARescan() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vp-date-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = PlayerConfiguration(personality: .classic)
        configuration.storages = [StorageConfiguration(backing: .directory(root.path))]
        let responder = try MTPResponder(configuration: configuration)
        let host = TestHost(responder)
        host.openSession()
        let file = host.transact(.sendObjectInfo, [storage1, 0], data: objectInfo(name: "synced.bin", size: 3))
            .response.parameters[2]
        XCTAssertEqual(host.transact(.sendObject, data: [1, 2, 3]).code, .ok)
        var stamp = WireWriter()
        stamp.writePTPString("20240131T101112")
        XCTAssertEqual(
            host.transact(.setObjectPropValue, [file, UInt32(ObjectPropertyCode.dateModified.rawValue)], data: stamp.bytes)
                .code, .ok)
        XCTAssertEqual(responder.stores[0].refresh(), StoreChanges())
        XCTAssertEqual(
            try ObjectInfo(bytes: try XCTUnwrap(host.transact(.getObjectInfo, [file]).data)).modificationDate,
            "20240131T101112")
    }

    // MARK: Helpers

    /// The property codes objects of `format` carry, by GetObjectPropsSupported.
    private func codes(_ host: TestHost, _ format: ObjectFormatCode) throws -> Set<ObjectPropertyCode> {
        var reader = WireReader(try XCTUnwrap(host.transact(.getObjectPropsSupported, [UInt32(format.rawValue)]).data))
        return Set(try reader.readUInt16Array().map(ObjectPropertyCode.init(rawValue:)))
    }

    /// The album format's description of `code`.
    private func description(_ host: TestHost, _ code: ObjectPropertyCode) throws -> ObjectPropertyDescription {
        let data = host.transact(
            .getObjectPropDesc, [UInt32(code.rawValue), UInt32(ObjectFormatCode.abstractAudioAlbum.rawValue)]
        ).data
        return try ObjectPropertyDescription(bytes: try XCTUnwrap(data, "\(code)"))
    }

    /// An album as libmtp creates one: SendObjectInfo of format 0xBA03, then an empty SendObject.
    private func makeAlbum(_ host: TestHost) throws -> UInt32 {
        let announced = host.transact(
            .sendObjectInfo, [storage1, 0], data: objectInfo(name: "Album.alb", size: 0, format: .abstractAudioAlbum))
        XCTAssertEqual(announced.code, .ok)
        XCTAssertEqual(host.transact(.sendObject, data: []).code, .ok)
        return announced.response.parameters[2]
    }

    /// The one album's handle, found by GetObjectHandles filtered by format.
    private func albumHandle(_ host: TestHost) throws -> UInt32? {
        var reader = WireReader(
            try XCTUnwrap(
                host.transact(.getObjectHandles, [0xFFFF_FFFF, UInt32(ObjectFormatCode.abstractAudioAlbum.rawValue), 0]).data))
        return try reader.readUInt32Array().first
    }

    /// An AUINT8 value: a 32-bit count, then the bytes.
    private func auint8(_ bytes: [UInt8]) -> [UInt8] {
        var writer = WireWriter()
        writer.write(UInt32(bytes.count))
        writer.write(contentsOf: bytes)
        return writer.bytes
    }
}
