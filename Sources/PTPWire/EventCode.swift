/// A PTP/MTP event code: the `code` of an event container sent on the interrupt endpoint.
public struct EventCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The responder cancelled a transaction.
    public static let cancelTransaction = EventCode(0x4001)
    /// An object appeared; parameter 1 is its handle.
    public static let objectAdded = EventCode(0x4002)
    /// An object went; parameter 1 is its handle.
    public static let objectRemoved = EventCode(0x4003)
    /// A storage appeared; parameter 1 is its id.
    public static let storeAdded = EventCode(0x4004)
    /// A storage went; parameter 1 is its id.
    public static let storeRemoved = EventCode(0x4005)
    /// A device property changed; parameter 1 is its code.
    public static let devicePropChanged = EventCode(0x4006)
    /// An object's ObjectInfo changed; parameter 1 is its handle.
    public static let objectInfoChanged = EventCode(0x4007)
    /// The DeviceInfo dataset changed.
    public static let deviceInfoChanged = EventCode(0x4008)
    /// The device asks the host to fetch an object.
    public static let requestObjectTransfer = EventCode(0x4009)
    /// A storage is full; parameter 1 is its id.
    public static let storeFull = EventCode(0x400A)
    /// The device reset itself.
    public static let deviceReset = EventCode(0x400B)
    /// A storage's StorageInfo changed; parameter 1 is its id.
    public static let storageInfoChanged = EventCode(0x400C)
    /// MTP: an object property changed; parameters are handle and property code.
    public static let objectPropChanged = EventCode(0xC801)
    /// MTP: an object property's description changed.
    public static let objectPropDescChanged = EventCode(0xC802)
    /// MTP: an object's references changed.
    public static let objectReferencesChanged = EventCode(0xC803)

    /// Every code this module names, with its name.
    public static let names: [EventCode: String] = [
        .cancelTransaction: "CancelTransaction", .objectAdded: "ObjectAdded", .objectRemoved: "ObjectRemoved",
        .storeAdded: "StoreAdded", .storeRemoved: "StoreRemoved", .devicePropChanged: "DevicePropChanged",
        .objectInfoChanged: "ObjectInfoChanged", .deviceInfoChanged: "DeviceInfoChanged",
        .requestObjectTransfer: "RequestObjectTransfer", .storeFull: "StoreFull", .deviceReset: "DeviceReset",
        .storageInfoChanged: "StorageInfoChanged", .objectPropChanged: "ObjectPropChanged",
        .objectPropDescChanged: "ObjectPropDescChanged", .objectReferencesChanged: "ObjectReferencesChanged",
    ]

    /// The spec's name, or the hex code when unnamed.
    public var name: String { Self.names[self] ?? hex16(rawValue) }
    /// `name (0x4002)`.
    public var description: String { "\(name) (\(hex16(rawValue)))" }
}
