import VirtualUSB

/// Which kind of device the virtual player imitates.
public enum Personality: String, Sendable, CaseIterable {
    /// An Android phone: MTP vendor extension, object property lists, 64-bit partial reads.
    case android
    /// A plain MTP media player without the property-list operations, so libmtp falls back to per-object calls.
    case classic
}

/// One emulated device, as the command line describes it.
public struct DeviceSpec: Sendable {
    /// Personality.
    public var personality: Personality
    /// USB ids and strings; nil fields of the command line take the personality's defaults.
    public var identity: USBIdentity
    /// The device-reported friendly name (DeviceFriendlyName property).
    public var friendlyName: String
    /// Host directories backing the storages; empty means one in-memory storage.
    public var storageDirectories: [String]
    /// Capacity of each storage in bytes; nil means the backing filesystem's free space (or 1 GiB in memory).
    public var capacity: UInt64?

    /// Creates a spec.
    public init(personality: Personality, identity: USBIdentity, friendlyName: String,
                storageDirectories: [String], capacity: UInt64?) {
        self.personality = personality
        self.identity = identity
        self.friendlyName = friendlyName
        self.storageDirectories = storageDirectories
        self.capacity = capacity
    }
}

/// Faults scheduled from the command line, relative to mtpsim's start or to the device's plug.
public struct FaultSchedule: Sendable, Equatable {
    /// Plug the devices only after this many milliseconds.
    public var plugAfterMilliseconds: Int?
    /// Unplug this long after plugging.
    public var unplugAfterMilliseconds: Int?
    /// Unplug once this many object-data bytes have crossed the link since the plug.
    public var unplugAfterBytes: UInt64?
    /// Plug again this long after an unplug.
    public var replugAfterMilliseconds: Int?
    /// Answer this many commands with DeviceBusy before serving normally.
    public var busyResponses: Int = 0

    /// No faults.
    public init() {}
}

/// Everything mtpsim was asked to do.
public struct SimulatorOptions: Sendable {
    /// The devices to emulate (each gets its own device number).
    public var devices: [DeviceSpec]
    /// The link model applied to each device.
    public var link: LinkModel
    /// Faults.
    public var faults: FaultSchedule
    /// Where to write the counters as JSON at exit.
    public var statsPath: String?
    /// Where to serve the control socket; nil picks a private temporary path.
    public var controlPath: String?
    /// The command to run under the testbed.
    public var command: [String]

    /// Creates options.
    public init(devices: [DeviceSpec], link: LinkModel, faults: FaultSchedule, statsPath: String?,
                controlPath: String?, command: [String]) {
        self.devices = devices
        self.link = link
        self.faults = faults
        self.statsPath = statsPath
        self.controlPath = controlPath
        self.command = command
    }
}
