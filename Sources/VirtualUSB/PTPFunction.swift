/// What the USB layer needs from the PTP function behind its endpoints.
///
/// The virtual player's `MTPResponder` is the one real conformer; the protocol keeps this module's
/// knowledge of PTP down to endpoint traffic and the three PTP class requests.
/// Calls are serialised by the caller; a conformer need not be thread-safe.
public protocol PTPFunction: AnyObject {
    /// Bytes of one completed bulk-OUT transfer (possibly empty: a zero-length packet).
    func bulkOut(_ bytes: UnsafeRawBufferPointer)
    /// Fills one bulk-IN transfer; nil when nothing is ready (the transfer stays pending).
    func bulkIn(into buffer: UnsafeMutableRawBufferPointer) -> Int?
    /// Fills one interrupt-IN transfer with an event container; nil when no event is pending.
    func interruptIn(into buffer: UnsafeMutableRawBufferPointer) -> Int?
    /// Class request 0x64: the host cancels transaction `transactionID`.
    func cancelTransaction(_ transactionID: UInt32)
    /// Class request 0x66 or a USB port reset: back to the idle state, PTP session closed.
    func reset()
    /// Class request 0x67: the device status dataset.
    func deviceStatus() -> [UInt8]
    /// The client that claimed the interface went away without closing its session.
    func clientVanished()
    /// PTP transactions begun so far, for the link model's per-transaction latency.
    var transactionsBegun: Int { get }
    /// Object data bytes that have crossed the link in either direction, for unplug-after-bytes.
    var objectBytesTransferred: UInt64 { get }
}
