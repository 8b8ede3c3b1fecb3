/// The ObjectInfo dataset (PTP 5.5.2): an object's place, format, size and name.
public struct ObjectInfo: Equatable, Sendable {
    /// The size written when the real size does not fit 32 bits; the ObjectSize property then holds it.
    public static let sizeNotRepresentable: UInt32 = 0xFFFF_FFFF
    /// AssociationType of a folder.
    public static let genericFolder: UInt16 = 0x0001

    /// The storage holding the object (in SendObjectInfo: ignored in favour of the command's parameter).
    public var storageID: UInt32 = 0
    /// The format code.
    public var objectFormat: UInt16 = ObjectFormatCode.undefined.rawValue
    /// 0 no protection, 1 read-only.
    public var protectionStatus: UInt16 = 0
    /// The size in bytes, or `sizeNotRepresentable` past 4 GiB.
    public var objectCompressedSize: UInt32 = 0
    /// Thumbnail format (0 none).
    public var thumbFormat: UInt16 = 0
    /// Thumbnail size.
    public var thumbCompressedSize: UInt32 = 0
    /// Thumbnail width.
    public var thumbPixWidth: UInt32 = 0
    /// Thumbnail height.
    public var thumbPixHeight: UInt32 = 0
    /// Image width.
    public var imagePixWidth: UInt32 = 0
    /// Image height.
    public var imagePixHeight: UInt32 = 0
    /// Image bit depth.
    public var imageBitDepth: UInt32 = 0
    /// Parent folder handle; 0 at the storage root.
    public var parentObject: UInt32 = 0
    /// `genericFolder` for folders, 0 otherwise.
    public var associationType: UInt16 = 0
    /// Association description.
    public var associationDesc: UInt32 = 0
    /// Sequence number.
    public var sequenceNumber: UInt32 = 0
    /// File name.
    public var filename: String = ""
    /// Capture date (PTP date-time string, may be empty).
    public var captureDate: String = ""
    /// Modification date (PTP date-time string, may be empty).
    public var modificationDate: String = ""
    /// Keywords.
    public var keywords: String = ""

    /// An empty dataset for the caller to fill.
    public init() {}

    /// The dataset's bytes.
    public var bytes: [UInt8] {
        var w = WireWriter(capacity: 128)
        w.write(storageID)
        w.write(objectFormat)
        w.write(protectionStatus)
        w.write(objectCompressedSize)
        w.write(thumbFormat)
        w.write(thumbCompressedSize)
        w.write(thumbPixWidth)
        w.write(thumbPixHeight)
        w.write(imagePixWidth)
        w.write(imagePixHeight)
        w.write(imageBitDepth)
        w.write(parentObject)
        w.write(associationType)
        w.write(associationDesc)
        w.write(sequenceNumber)
        w.writePTPString(filename)
        w.writePTPString(captureDate)
        w.writePTPString(modificationDate)
        w.writePTPString(keywords)
        return w.bytes
    }

    /// Parses a dataset; the trailing strings may be missing (some hosts stop after the file name).
    public init(bytes: some Collection<UInt8>) throws(WireReadError) {
        var r = WireReader(bytes)
        storageID = try r.readUInt32()
        objectFormat = try r.readUInt16()
        protectionStatus = try r.readUInt16()
        objectCompressedSize = try r.readUInt32()
        thumbFormat = try r.readUInt16()
        thumbCompressedSize = try r.readUInt32()
        thumbPixWidth = try r.readUInt32()
        thumbPixHeight = try r.readUInt32()
        imagePixWidth = try r.readUInt32()
        imagePixHeight = try r.readUInt32()
        imageBitDepth = try r.readUInt32()
        parentObject = try r.readUInt32()
        associationType = try r.readUInt16()
        associationDesc = try r.readUInt32()
        sequenceNumber = try r.readUInt32()
        filename = try r.readPTPString()
        if !r.isAtEnd { captureDate = try r.readPTPString() }
        if !r.isAtEnd { modificationDate = try r.readPTPString() }
        if !r.isAtEnd { keywords = try r.readPTPString() }
    }
}
