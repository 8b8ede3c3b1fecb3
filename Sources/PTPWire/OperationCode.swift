/// A PTP/MTP operation code: the `code` of a command container.
///
/// A struct rather than an enum so that codes this module has no name for still round-trip.
public struct OperationCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    // PTP (ISO 15740) operations.
    /// Returns the DeviceInfo dataset; allowed outside a session.
    public static let getDeviceInfo = OperationCode(0x1001)
    /// Opens the session whose id is parameter 1.
    public static let openSession = OperationCode(0x1002)
    /// Closes the current session.
    public static let closeSession = OperationCode(0x1003)
    /// Returns the array of storage ids.
    public static let getStorageIDs = OperationCode(0x1004)
    /// Returns one storage's StorageInfo dataset.
    public static let getStorageInfo = OperationCode(0x1005)
    /// Counts objects matching storage, format and parent filters.
    public static let getNumObjects = OperationCode(0x1006)
    /// Lists object handles matching storage, format and parent filters.
    public static let getObjectHandles = OperationCode(0x1007)
    /// Returns one object's ObjectInfo dataset.
    public static let getObjectInfo = OperationCode(0x1008)
    /// Returns one object's data.
    public static let getObject = OperationCode(0x1009)
    /// Returns one object's thumbnail.
    public static let getThumb = OperationCode(0x100A)
    /// Deletes an object (a folder with its contents).
    public static let deleteObject = OperationCode(0x100B)
    /// Announces an object to be sent with the next SendObject.
    public static let sendObjectInfo = OperationCode(0x100C)
    /// Sends the data of the object announced by SendObjectInfo or SendObjectPropList.
    public static let sendObject = OperationCode(0x100D)
    /// Formats a storage.
    public static let formatStore = OperationCode(0x100F)
    /// Resets the device.
    public static let resetDevice = OperationCode(0x1010)
    /// Sets an object's protection status.
    public static let setObjectProtection = OperationCode(0x1012)
    /// Returns a device property's description.
    public static let getDevicePropDesc = OperationCode(0x1014)
    /// Returns a device property's current value.
    public static let getDevicePropValue = OperationCode(0x1015)
    /// Sets a device property's value.
    public static let setDevicePropValue = OperationCode(0x1016)
    /// Resets a device property to its default.
    public static let resetDevicePropValue = OperationCode(0x1017)
    /// Moves an object to another parent or storage.
    public static let moveObject = OperationCode(0x1019)
    /// Copies an object to another parent or storage.
    public static let copyObject = OperationCode(0x101A)
    /// Returns a byte range of an object, 32-bit offset.
    public static let getPartialObject = OperationCode(0x101B)

    // MTP 1.1 operations.
    /// Lists the object properties supported for a format.
    public static let getObjectPropsSupported = OperationCode(0x9801)
    /// Returns an object property's description for a format.
    public static let getObjectPropDesc = OperationCode(0x9802)
    /// Returns one property of one object.
    public static let getObjectPropValue = OperationCode(0x9803)
    /// Sets one property of one object.
    public static let setObjectPropValue = OperationCode(0x9804)
    /// Returns an ObjectPropList over objects, formats, properties and depth.
    public static let getObjectPropList = OperationCode(0x9805)
    /// Sets properties from an ObjectPropList.
    public static let setObjectPropList = OperationCode(0x9806)
    /// Returns interdependent property descriptions.
    public static let getInterdependentPropDesc = OperationCode(0x9807)
    /// Announces an object by an ObjectPropList (the 64-bit-size alternative to SendObjectInfo).
    public static let sendObjectPropList = OperationCode(0x9808)
    /// Returns an object's references (playlists, albums).
    public static let getObjectReferences = OperationCode(0x9810)
    /// Sets an object's references.
    public static let setObjectReferences = OperationCode(0x9811)

    // Android extensions ("android.com: 1.0").
    /// Returns a byte range of an object with a 64-bit offset.
    public static let getPartialObject64 = OperationCode(0x95C1)
    /// Writes a byte range into an object being edited.
    public static let sendPartialObject = OperationCode(0x95C2)
    /// Truncates an object being edited.
    public static let truncateObject = OperationCode(0x95C3)
    /// Starts in-place editing of an object.
    public static let beginEditObject = OperationCode(0x95C4)
    /// Ends in-place editing of an object.
    public static let endEditObject = OperationCode(0x95C5)

    /// Every code this module names, with its name, for logs and counters.
    public static let names: [OperationCode: String] = [
        .getDeviceInfo: "GetDeviceInfo", .openSession: "OpenSession", .closeSession: "CloseSession",
        .getStorageIDs: "GetStorageIDs", .getStorageInfo: "GetStorageInfo", .getNumObjects: "GetNumObjects",
        .getObjectHandles: "GetObjectHandles", .getObjectInfo: "GetObjectInfo", .getObject: "GetObject",
        .getThumb: "GetThumb", .deleteObject: "DeleteObject", .sendObjectInfo: "SendObjectInfo",
        .sendObject: "SendObject", .formatStore: "FormatStore", .resetDevice: "ResetDevice",
        .setObjectProtection: "SetObjectProtection", .getDevicePropDesc: "GetDevicePropDesc",
        .getDevicePropValue: "GetDevicePropValue", .setDevicePropValue: "SetDevicePropValue",
        .resetDevicePropValue: "ResetDevicePropValue", .moveObject: "MoveObject", .copyObject: "CopyObject",
        .getPartialObject: "GetPartialObject", .getObjectPropsSupported: "GetObjectPropsSupported",
        .getObjectPropDesc: "GetObjectPropDesc", .getObjectPropValue: "GetObjectPropValue",
        .setObjectPropValue: "SetObjectPropValue", .getObjectPropList: "GetObjectPropList",
        .setObjectPropList: "SetObjectPropList", .getInterdependentPropDesc: "GetInterdependentPropDesc",
        .sendObjectPropList: "SendObjectPropList", .getObjectReferences: "GetObjectReferences",
        .setObjectReferences: "SetObjectReferences", .getPartialObject64: "GetPartialObject64",
        .sendPartialObject: "SendPartialObject", .truncateObject: "TruncateObject",
        .beginEditObject: "BeginEditObject", .endEditObject: "EndEditObject",
    ]

    /// The spec's name, or the hex code when unnamed.
    public var name: String { Self.names[self] ?? hex }
    /// The code as `0x1001`.
    public var hex: String { hex16(rawValue) }
    /// `name (0x1001)`.
    public var description: String { "\(name) (\(hex))" }
}

/// Formats a 16-bit code as four upper-case hex digits with a `0x` prefix.
func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
