/// The DeviceInfo dataset (PTP 5.5.1): who the device is and what it can do.
public struct DeviceInfo: Equatable, Sendable {
    /// PTP version times 100.
    public var standardVersion: UInt16 = 100
    /// 6 (Microsoft) marks an MTP device; libmtp warns on anything else.
    public var vendorExtensionID: UInt32 = 6
    /// Extension version times 100.
    public var vendorExtensionVersion: UInt16 = 100
    /// Extension list such as `microsoft.com: 1.0; android.com: 1.0;`; libmtp looks for `android.com`.
    public var vendorExtensionDesc: String = ""
    /// Functional mode (0 standard).
    public var functionalMode: UInt16 = 0
    /// Operation codes the device implements.
    public var operationsSupported: [UInt16] = []
    /// Event codes the device may send.
    public var eventsSupported: [UInt16] = []
    /// Device property codes the device implements.
    public var devicePropertiesSupported: [UInt16] = []
    /// Formats the device can capture.
    public var captureFormats: [UInt16] = []
    /// Formats the device can hold and play ("ImageFormats" in PTP); libmtp derives its file types from these.
    public var playbackFormats: [UInt16] = []
    /// Manufacturer.
    public var manufacturer: String = ""
    /// Model.
    public var model: String = ""
    /// Firmware version.
    public var deviceVersion: String = ""
    /// Serial number.
    public var serialNumber: String = ""

    /// An empty dataset for the caller to fill.
    public init() {}

    /// The dataset's bytes.
    public var bytes: [UInt8] {
        var w = WireWriter(capacity: 512)
        w.write(standardVersion)
        w.write(vendorExtensionID)
        w.write(vendorExtensionVersion)
        w.writePTPString(vendorExtensionDesc)
        w.write(functionalMode)
        w.writeArray(operationsSupported)
        w.writeArray(eventsSupported)
        w.writeArray(devicePropertiesSupported)
        w.writeArray(captureFormats)
        w.writeArray(playbackFormats)
        w.writePTPString(manufacturer)
        w.writePTPString(model)
        w.writePTPString(deviceVersion)
        w.writePTPString(serialNumber)
        return w.bytes
    }

    /// Parses a dataset.
    public init(bytes: some Collection<UInt8>) throws(WireReadError) {
        var r = WireReader(bytes)
        standardVersion = try r.readUInt16()
        vendorExtensionID = try r.readUInt32()
        vendorExtensionVersion = try r.readUInt16()
        vendorExtensionDesc = try r.readPTPString()
        functionalMode = try r.readUInt16()
        operationsSupported = try r.readUInt16Array()
        eventsSupported = try r.readUInt16Array()
        devicePropertiesSupported = try r.readUInt16Array()
        captureFormats = try r.readUInt16Array()
        playbackFormats = try r.readUInt16Array()
        manufacturer = try r.readPTPString()
        model = try r.readPTPString()
        deviceVersion = try r.readPTPString()
        serialNumber = try r.readPTPString()
    }
}
