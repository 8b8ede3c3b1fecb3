/// An MTP object property code (0xDxxx): one piece of an object's metadata.
public struct ObjectPropertyCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// UInt32: the storage holding the object.
    public static let storageID = ObjectPropertyCode(0xDC01)
    /// UInt16: the object's format code.
    public static let objectFormat = ObjectPropertyCode(0xDC02)
    /// UInt16: read-only or not.
    public static let protectionStatus = ObjectPropertyCode(0xDC03)
    /// UInt64: the object's size; the only size that is right past 4 GiB.
    public static let objectSize = ObjectPropertyCode(0xDC04)
    /// UInt16: the association (folder) type.
    public static let associationType = ObjectPropertyCode(0xDC05)
    /// UInt32: the association description.
    public static let associationDesc = ObjectPropertyCode(0xDC06)
    /// String: the file name.
    public static let objectFileName = ObjectPropertyCode(0xDC07)
    /// String (PTP date-time): when the object was created.
    public static let dateCreated = ObjectPropertyCode(0xDC08)
    /// String (PTP date-time): when the object was last modified.
    public static let dateModified = ObjectPropertyCode(0xDC09)
    /// String: keywords.
    public static let keywords = ObjectPropertyCode(0xDC0A)
    /// UInt32: the parent folder's handle, 0 at the storage's root.
    public static let parentObject = ObjectPropertyCode(0xDC0B)
    /// UInt8: hidden.
    public static let hidden = ObjectPropertyCode(0xDC0D)
    /// UInt128: an id stable across sessions.
    public static let persistentUniqueObjectIdentifier = ObjectPropertyCode(0xDC41)
    /// String: the display name; libmtp's track "title".
    public static let name = ObjectPropertyCode(0xDC44)
    /// String: the artist.
    public static let artist = ObjectPropertyCode(0xDC46)
    /// String: a description.
    public static let descriptionText = ObjectPropertyCode(0xDC48)
    /// String (PTP date-time): when the object was added to the device.
    public static let dateAdded = ObjectPropertyCode(0xDC4E)
    /// UInt8: whether the device can render the object.
    public static let nonConsumable = ObjectPropertyCode(0xDC4F)
    /// UInt16: the format of the representative sample (an album's cover art), e.g. EXIF/JPEG.
    public static let representativeSampleFormat = ObjectPropertyCode(0xDC81)
    /// UInt32: the representative sample's size in bytes.
    public static let representativeSampleSize = ObjectPropertyCode(0xDC82)
    /// UInt32: the representative sample's height in pixels.
    public static let representativeSampleHeight = ObjectPropertyCode(0xDC83)
    /// UInt32: the representative sample's width in pixels.
    public static let representativeSampleWidth = ObjectPropertyCode(0xDC84)
    /// AUINT8: the representative sample itself; libmtp's album art.
    public static let representativeSampleData = ObjectPropertyCode(0xDC86)
    /// UInt32: duration in milliseconds.
    public static let duration = ObjectPropertyCode(0xDC89)
    /// UInt16: rating 0…100.
    public static let rating = ObjectPropertyCode(0xDC8A)
    /// UInt16: track number.
    public static let track = ObjectPropertyCode(0xDC8B)
    /// String: genre.
    public static let genre = ObjectPropertyCode(0xDC8C)
    /// UInt32: play count.
    public static let useCount = ObjectPropertyCode(0xDC91)
    /// String: composer.
    public static let composer = ObjectPropertyCode(0xDC96)
    /// String (PTP date-time): original release date; libmtp's track "date" (year).
    public static let originalReleaseDate = ObjectPropertyCode(0xDC99)
    /// String: album name.
    public static let albumName = ObjectPropertyCode(0xDC9A)
    /// String: album artist.
    public static let albumArtist = ObjectPropertyCode(0xDC9B)
    /// UInt16: bit rate type.
    public static let bitRateType = ObjectPropertyCode(0xDE92)
    /// UInt32: sample rate in Hz.
    public static let sampleRate = ObjectPropertyCode(0xDE93)
    /// UInt16: number of audio channels.
    public static let numberOfChannels = ObjectPropertyCode(0xDE94)
    /// UInt32: WAVE codec.
    public static let audioWAVECodec = ObjectPropertyCode(0xDE99)
    /// UInt32: audio bit rate.
    public static let audioBitRate = ObjectPropertyCode(0xDE9A)

    /// Every code this module names, with its name.
    public static let names: [ObjectPropertyCode: String] = [
        .storageID: "StorageID", .objectFormat: "ObjectFormat", .protectionStatus: "ProtectionStatus",
        .objectSize: "ObjectSize", .associationType: "AssociationType", .associationDesc: "AssociationDesc",
        .objectFileName: "ObjectFileName", .dateCreated: "DateCreated", .dateModified: "DateModified",
        .keywords: "Keywords", .parentObject: "ParentObject", .hidden: "Hidden",
        .persistentUniqueObjectIdentifier: "PersistentUniqueObjectIdentifier", .name: "Name", .artist: "Artist",
        .descriptionText: "Description", .dateAdded: "DateAdded", .nonConsumable: "NonConsumable",
        .representativeSampleFormat: "RepresentativeSampleFormat",
        .representativeSampleSize: "RepresentativeSampleSize",
        .representativeSampleHeight: "RepresentativeSampleHeight",
        .representativeSampleWidth: "RepresentativeSampleWidth",
        .representativeSampleData: "RepresentativeSampleData", .duration: "Duration", .rating: "Rating", .track: "Track",
        .genre: "Genre", .useCount: "UseCount",
        .composer: "Composer", .originalReleaseDate: "OriginalReleaseDate", .albumName: "AlbumName",
        .albumArtist: "AlbumArtist", .bitRateType: "BitRateType", .sampleRate: "SampleRate",
        .numberOfChannels: "NumberOfChannels", .audioWAVECodec: "AudioWAVECodec", .audioBitRate: "AudioBitRate",
    ]

    /// The spec's name, or the hex code when unnamed.
    public var name: String { Self.names[self] ?? hex16(rawValue) }
    /// `name (0xDC07)`.
    public var description: String { "\(name) (\(hex16(rawValue)))" }
}
