/// The StorageInfo dataset (PTP 5.5.3): one storage's kind, size and names.
public struct StorageInfo: Equatable, Sendable {
    /// 0x0003 fixed RAM, 0x0004 removable RAM.
    public var storageType: UInt16 = 0x0003
    /// 0x0002 generic hierarchical.
    public var filesystemType: UInt16 = 0x0002
    /// 0x0000 read-write.
    public var accessCapability: UInt16 = 0x0000
    /// Capacity in bytes.
    public var maxCapacity: UInt64 = 0
    /// Free bytes.
    public var freeSpaceInBytes: UInt64 = 0
    /// Free objects; 0xFFFFFFFF when not counted in objects.
    public var freeSpaceInObjects: UInt32 = 0xFFFF_FFFF
    /// Human-readable description, such as "Internal storage".
    public var storageDescription: String = ""
    /// Volume label.
    public var volumeLabel: String = ""

    /// An empty dataset for the caller to fill.
    public init() {}

    /// The dataset's bytes.
    public var bytes: [UInt8] {
        var w = WireWriter(capacity: 128)
        w.write(storageType)
        w.write(filesystemType)
        w.write(accessCapability)
        w.write(maxCapacity)
        w.write(freeSpaceInBytes)
        w.write(freeSpaceInObjects)
        w.writePTPString(storageDescription)
        w.writePTPString(volumeLabel)
        return w.bytes
    }

    /// Parses a dataset.
    public init(bytes: some Collection<UInt8>) throws(WireReadError) {
        var r = WireReader(bytes)
        storageType = try r.readUInt16()
        filesystemType = try r.readUInt16()
        accessCapability = try r.readUInt16()
        maxCapacity = try r.readUInt64()
        freeSpaceInBytes = try r.readUInt64()
        freeSpaceInObjects = try r.readUInt32()
        storageDescription = try r.readPTPString()
        volumeLabel = try r.readPTPString()
    }
}
