/// A PTP/MTP device property code: a setting or state of the device as a whole.
public struct DevicePropertyCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// UInt8 percentage with a range form; libmtp reads the range's maximum at open.
    public static let batteryLevel = DevicePropertyCode(0x5001)
    /// UInt16: the functional mode.
    public static let functionalMode = DevicePropertyCode(0x5002)
    /// String (PTP date-time): the device's clock.
    public static let dateTime = DevicePropertyCode(0x5011)
    /// String: the host the device last synchronised with.
    public static let synchronizationPartner = DevicePropertyCode(0xD401)
    /// String: the name the user gave the device.
    public static let deviceFriendlyName = DevicePropertyCode(0xD402)
    /// UInt32: MTP 1.1's perceived device type (2 media player, 3 phone).
    public static let perceivedDeviceType = DevicePropertyCode(0xD407)

    /// Every code this module names, with its name.
    public static let names: [DevicePropertyCode: String] = [
        .batteryLevel: "BatteryLevel", .functionalMode: "FunctionalMode", .dateTime: "DateTime",
        .synchronizationPartner: "SynchronizationPartner", .deviceFriendlyName: "DeviceFriendlyName",
        .perceivedDeviceType: "PerceivedDeviceType",
    ]

    /// The spec's name, or the hex code when unnamed.
    public var name: String { Self.names[self] ?? hex16(rawValue) }
    /// `name (0xD402)`.
    public var description: String { "\(name) (\(hex16(rawValue)))" }
}
