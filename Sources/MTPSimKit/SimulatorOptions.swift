import VirtualPlayer
import VirtualUSB

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
    /// The devices to emulate (each gets its own device number); USB ids and strings come from the same
    /// configuration as the PTP DeviceInfo, so the two can never disagree.
    public var devices: [PlayerConfiguration]
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
    public init(
        devices: [PlayerConfiguration], link: LinkModel, faults: FaultSchedule, statsPath: String?,
        controlPath: String?, command: [String]
    ) {
        self.devices = devices
        self.link = link
        self.faults = faults
        self.statsPath = statsPath
        self.controlPath = controlPath
        self.command = command
    }
}
