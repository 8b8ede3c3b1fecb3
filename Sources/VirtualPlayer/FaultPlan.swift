/// Faults the responder is told to show; the USB layer or a test changes it between calls.
public struct FaultPlan: Sendable, Equatable {
    /// Answer this many next commands with DeviceBusy (0x2019), then serve normally. A command with a data
    /// phase from the host still receives its data first (and drops it), so the host is never left writing.
    public var busyCommands: Int = 0
    /// Report no free space and answer SendObjectInfo/SendObjectPropList/SendObject with StoreFull.
    public var storeFull: Bool = false

    /// No faults.
    public init() {}
}
