/// A storage's capacity and free space as a device reported them, judged before anyone relies on them.
///
/// Devices report nonsense: QEMU's usb-mtp has given 1,316 TB free of 270 GB, some answer all ones for "not
/// known", some answer 0 capacity. A figure that cannot be true is shown as unknown; decisions (does a bundle
/// fit?) use the most the storage could hold, so a device is never refused on a figure it made up.
public struct StorageFigures: Equatable, Sendable {
    /// Capacity in bytes, nil when the device's figure is not believable.
    public let capacity: UInt64?
    /// Free space in bytes, nil when the device's figure is not believable.
    public let free: UInt64?

    /// Capacities above this (64 PiB) are taken for garbage: no portable device comes near it.
    public static let implausibleCapacity: UInt64 = 1 << 56

    /// Judges the figures a device reported.
    public init(reportedCapacity: UInt64, reportedFree: UInt64) {
        let capacity: UInt64? = reportedCapacity == 0 || reportedCapacity >= Self.implausibleCapacity ? nil : reportedCapacity
        self.capacity = capacity
        if reportedFree == .max || reportedFree > (capacity ?? Self.implausibleCapacity - 1) {
            free = nil
        } else {
            free = reportedFree
        }
    }

    /// Whether either figure was set aside: worth a log line naming the device.
    public var isSuspect: Bool { capacity == nil || free == nil }

    /// The free space to plan with: the reported figure when believable, else the capacity (the device refuses
    /// with StoreFull itself if even that is wrong), else no limit.
    public var freeForDecisions: UInt64 { free ?? capacity ?? .max }
}
