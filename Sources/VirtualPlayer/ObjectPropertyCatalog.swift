import PTPWire

/// The object properties the virtual player supports: their types, which the host may set, which formats carry
/// them, and how each is derived from a `StoredObject`.
enum ObjectPropertyCatalog {
    /// One supported property.
    struct Spec {
        /// The property.
        let code: ObjectPropertyCode
        /// Its data type.
        let dataType: DataTypeCode
        /// Whether the host may set it.
        let writable: Bool
        /// Its allowed values.
        let form: PropertyForm
    }

    /// Carried by every object.
    static let common: [Spec] = [
        Spec(code: .storageID, dataType: .uint32, writable: false, form: .none),
        Spec(code: .objectFormat, dataType: .uint16, writable: false, form: .none),
        Spec(
            code: .protectionStatus, dataType: .uint16, writable: false,
            form: .enumeration([.uint16(0), .uint16(1)])),
        // UInt64 on every format: libmtp reads this description per playback format at open to decide between
        // 32- and 64-bit sizes, and gives up on 64-bit when formats disagree.
        Spec(code: .objectSize, dataType: .uint64, writable: false, form: .none),
        Spec(code: .objectFileName, dataType: .string, writable: true, form: .none),
        Spec(code: .dateModified, dataType: .string, writable: true, form: .dateTime),
        Spec(code: .parentObject, dataType: .uint32, writable: false, form: .none),
        Spec(code: .persistentUniqueObjectIdentifier, dataType: .uint128, writable: false, form: .none),
        Spec(code: .name, dataType: .string, writable: true, form: .none),
        Spec(code: .dateAdded, dataType: .string, writable: false, form: .dateTime),
    ]

    /// Carried by audio formats in addition: what libmtp's track functions read and write.
    static let audio: [Spec] = [
        Spec(code: .artist, dataType: .string, writable: true, form: .none),
        Spec(code: .albumName, dataType: .string, writable: true, form: .none),
        Spec(code: .albumArtist, dataType: .string, writable: true, form: .none),
        Spec(code: .genre, dataType: .string, writable: true, form: .none),
        Spec(code: .composer, dataType: .string, writable: true, form: .none),
        Spec(code: .track, dataType: .uint16, writable: true, form: .none),
        Spec(code: .duration, dataType: .uint32, writable: true, form: .none),
        Spec(code: .originalReleaseDate, dataType: .string, writable: true, form: .dateTime),
        Spec(
            code: .rating, dataType: .uint16, writable: true,
            form: .range(minimum: .uint16(0), maximum: .uint16(100), step: .uint16(1))),
        Spec(code: .useCount, dataType: .uint32, writable: true, form: .none),
        Spec(code: .sampleRate, dataType: .uint32, writable: true, form: .none),
        Spec(code: .numberOfChannels, dataType: .uint16, writable: true, form: .none),
        Spec(code: .audioBitRate, dataType: .uint32, writable: true, form: .none),
    ]

    /// Carried by albums and playlists in addition: what libmtp's album functions read and write.
    static let abstract: [Spec] = audio.filter { [.artist, .albumArtist, .composer, .genre].contains($0.code) }

    /// The largest cover art the player keeps: a classic player's art is a few kilobytes, and this keeps a host
    /// from parking a file's worth of data in a property.
    static let sampleByteLimit = 4 << 20

    /// The largest side of cover art, in pixels, that the player says it shows.
    static let sampleSideLimit: UInt32 = 1024

    /// Carried by albums in addition: cover art as a representative sample. libmtp's
    /// `LIBMTP_Get_Representative_Sample_Format` takes data, format, height and width without duration for an
    /// image, reads the format's first enumerated value and the ranges' maxima; `LIBMTP_Send_Representative_Sample`
    /// sets the data, then height and width. Format and size are the player's to say.
    static let albumArt: [Spec] = [
        Spec(
            code: .representativeSampleFormat, dataType: .uint16, writable: false,
            form: .enumeration([.uint16(ObjectFormatCode.exifJPEG.rawValue)])),
        Spec(
            code: .representativeSampleSize, dataType: .uint32, writable: false,
            form: .range(minimum: .uint32(0), maximum: .uint32(UInt32(sampleByteLimit)), step: .uint32(1))),
        Spec(
            code: .representativeSampleHeight, dataType: .uint32, writable: true,
            form: .range(minimum: .uint32(0), maximum: .uint32(sampleSideLimit), step: .uint32(1))),
        Spec(
            code: .representativeSampleWidth, dataType: .uint32, writable: true,
            form: .range(minimum: .uint32(0), maximum: .uint32(sampleSideLimit), step: .uint32(1))),
        Spec(code: .representativeSampleData, dataType: DataTypeCode.uint8.arrayType, writable: true, form: .none),
    ]

    /// Left out of a GetObjectPropList that asks for every property: a listing of a folder would otherwise carry
    /// every album's art. Hosts read it by name (libmtp with GetObjectPropValue).
    static let namedOnly: Set<ObjectPropertyCode> = [.representativeSampleData]

    private static let commonCodes = Set(common.map(\.code))
    private static let audioCodes = Set(audio.map(\.code))
    private static let abstractCodes = Set(abstract.map(\.code))
    private static let albumArtCodes = Set(albumArt.map(\.code))

    private static let byCode: [ObjectPropertyCode: Spec] = Dictionary(
        uniqueKeysWithValues: (common + audio + albumArt).map { ($0.code, $0) })

    /// The spec of `code`, if the player supports it on any format.
    static func spec(_ code: ObjectPropertyCode) -> Spec? { byCode[code] }

    /// The properties objects of `format` carry.
    static func specs(for format: ObjectFormatCode) -> [Spec] {
        if format.isAudio { return common + audio }
        if format == .abstractAudioAlbum { return common + abstract + albumArt }
        if format.isAbstract { return common + abstract }
        return common
    }

    /// Whether objects of `format` carry `code`.
    static func supports(_ code: ObjectPropertyCode, on format: ObjectFormatCode) -> Bool {
        if commonCodes.contains(code) { return true }
        if format.isAudio { return audioCodes.contains(code) }
        if format == .abstractAudioAlbum && albumArtCodes.contains(code) { return true }
        return format.isAbstract && abstractCodes.contains(code)
    }

    /// The description dataset of `code` for `format`.
    static func description(_ code: ObjectPropertyCode, format: ObjectFormatCode) -> ObjectPropertyDescription? {
        guard supports(code, on: format), let spec = byCode[code] else { return nil }
        return ObjectPropertyDescription(code: code, dataType: spec.dataType, writable: spec.writable, form: spec.form)
    }

    /// Appends the value of `code` on `object` as its data type is laid out; false when the object's format does
    /// not carry it. Cover art goes out straight from its bytes.
    static func write(_ code: ObjectPropertyCode, of object: StoredObject, to writer: inout WireWriter) -> Bool {
        guard code == .representativeSampleData else {
            guard let value = value(code, of: object) else { return false }
            value.write(to: &writer)
            return true
        }
        guard supports(code, on: object.format) else { return false }
        writer.write(UInt32(object.representativeSample.count))
        writer.write(contentsOf: object.representativeSample)
        return true
    }

    /// The value of `code` on `object`, nil when the object's format does not carry it.
    static func value(_ code: ObjectPropertyCode, of object: StoredObject) -> PropertyValue? {
        guard supports(code, on: object.format), let spec = byCode[code] else { return nil }
        switch code {
        case .storageID: return .uint32(object.storageID)
        case .objectFormat: return .uint16(object.format.rawValue)
        case .protectionStatus: return .uint16(0)
        case .objectSize: return .uint64(object.size)
        case .objectFileName: return .string(object.name)
        case .dateModified: return .string(PTPDateTime.string(secondsSince1970: object.modified))
        case .dateAdded: return .string(PTPDateTime.string(secondsSince1970: object.added))
        case .parentObject: return .uint32(object.parent)
        case .persistentUniqueObjectIdentifier:
            // Unique across storages of the device, and stable for the object's life unless the device renumbers
            // its handles at OpenSession (then, as QEMU's, it changes with the handle).
            return .uint128(UInt128(object.storageID) << 64 | UInt128(object.handle))
        case .name: return object.metadata[.name] ?? .string(object.name)
        case .representativeSampleFormat: return .uint16(ObjectFormatCode.exifJPEG.rawValue)
        case .representativeSampleSize: return .uint32(UInt32(object.representativeSample.count))
        case .representativeSampleData: return .array(element: .uint8, object.representativeSample.map(PropertyValue.uint8))
        default: return object.metadata[code] ?? PropertyValue.zero(of: spec.dataType)
        }
    }
}
