/// The descriptors of a still-image-class (PTP/MTP) USB function, as bytes for sysfs and control requests.
///
/// One configuration, one interface (class 6, subclass 1, protocol 1) with bulk IN, bulk OUT and interrupt IN:
/// the layout every MTP player and phone uses, so that libusb and libmtp's probing see a familiar device.
public struct USBDescriptors: Sendable {
    /// Bulk IN endpoint address.
    public static let bulkIn: UInt8 = 0x81
    /// Bulk OUT endpoint address.
    public static let bulkOut: UInt8 = 0x02
    /// Interrupt IN endpoint address (PTP events).
    public static let interruptIn: UInt8 = 0x83
    /// High-speed bulk max packet size; a transfer that fills a multiple of it ends with a zero-length packet.
    public static let bulkPacketSize = 512
    /// Vendor code announced in the Microsoft OS string descriptor; libmtp uses it to ask for the MTP compat id.
    public static let microsoftVendorCode: UInt8 = 0x54
    /// String descriptor index of the interface name, "MTP".
    static let interfaceStringIndex: UInt8 = 4

    /// The identity the descriptors announce.
    public let identity: USBIdentity

    /// Creates descriptors for an identity.
    public init(identity: USBIdentity) { self.identity = identity }

    /// The device descriptor followed by the configuration descriptor set: the sysfs `descriptors` attribute.
    public var sysfsDescriptors: [UInt8] { deviceDescriptor + configurationDescriptor }

    /// The 18-byte device descriptor.
    public var deviceDescriptor: [UInt8] {
        var d: [UInt8] = [18, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 64]
        d += le16(identity.vendorID) + le16(identity.productID) + le16(identity.deviceRelease)
        d += [1, 2, 3, 1]
        return d
    }

    /// The configuration descriptor with its interface and endpoint descriptors.
    public var configurationDescriptor: [UInt8] {
        let interface: [UInt8] = [9, 0x04, 0, 0, 3, 0x06, 0x01, 0x01, Self.interfaceStringIndex]
        let endpoints: [UInt8] =
            [7, 0x05, Self.bulkIn, 0x02] + le16(UInt16(Self.bulkPacketSize)) + [0]
            + [7, 0x05, Self.bulkOut, 0x02] + le16(UInt16(Self.bulkPacketSize)) + [0]
            + [7, 0x05, Self.interruptIn, 0x03] + le16(28) + [6]
        let total = UInt16(9 + interface.count + endpoints.count)
        // Self-powered, 100 mA: the values do not matter to any host software we drive.
        return [9, 0x02] + le16(total) + [1, 1, 0, 0xC0, 50] + interface + endpoints
    }

    /// The string descriptor at `index` for language `languageID`, or nil when the device has none there.
    public func stringDescriptor(index: UInt8) -> [UInt8]? {
        switch index {
        case 0: return [4, 0x03, 0x09, 0x04]  // US English only.
        case 1: return Self.encodeString(identity.manufacturer)
        case 2: return Self.encodeString(identity.product)
        case 3: return Self.encodeString(identity.serial)
        case Self.interfaceStringIndex: return Self.encodeString("MTP")
        case 0xEE:
            // Microsoft OS string descriptor: "MSFT100", then the vendor code and a pad byte.
            var d = Self.encodeString("MSFT100")
            d[0] = 18
            return d + [Self.microsoftVendorCode, 0]
        default: return nil
        }
    }

    /// The Microsoft OS feature descriptor asked for with the vendor code: compat id "MTP" (wIndex 4) or no
    /// extended properties (wIndex 5).
    public func microsoftFeatureDescriptor(index: UInt16) -> [UInt8]? {
        switch index {
        case 4:
            var d: [UInt8] = le32(40) + le16(0x0100) + le16(4) + [1] + [UInt8](repeating: 0, count: 7)
            d += [0, 1] + Array("MTP".utf8) + [UInt8](repeating: 0, count: 5)
            d += [UInt8](repeating: 0, count: 8 + 6)
            return d
        case 5:
            return le32(10) + le16(0x0100) + le16(5) + le16(0)
        default:
            return nil
        }
    }

    static func encodeString(_ s: String) -> [UInt8] {
        // A descriptor's length is one byte: clip to 126 UTF-16 units.
        let units = Array(s.utf16.prefix(126))
        var d: [UInt8] = [UInt8(2 + 2 * units.count), 0x03]
        for u in units { d += le16(u) }
        return d
    }
}

@inline(__always) func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
@inline(__always) func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
