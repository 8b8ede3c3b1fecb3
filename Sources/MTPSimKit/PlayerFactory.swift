import VirtualUSB

/// Placeholder until the responder lands: a function that answers nothing.
typealias PlayerCounters = [String: Int]

enum PlayerFactory {
    static func makeFunction(spec: DeviceSpec, faults: FaultSchedule) throws(SimulatorError) -> PTPFunction { SilentFunction() }
    static func raiseEvent(_ f: PTPFunction, code: UInt16, params: [UInt32]) {}
    static func setBusyResponses(_ f: PTPFunction, _ n: Int) {}
    static func setStoreFull(_ f: PTPFunction, _ on: Bool) {}
    static func refreshStorages(_ f: PTPFunction) {}
    static func counters(_ f: PTPFunction) -> PlayerCounters { [:] }
}

final class SilentFunction: PTPFunction {
    func bulkOut(_ bytes: UnsafeRawBufferPointer) {}
    func bulkIn(into buffer: UnsafeMutableRawBufferPointer) -> Int? { nil }
    func interruptIn(into buffer: UnsafeMutableRawBufferPointer) -> Int? { nil }
    func cancelTransaction(_ transactionID: UInt32) {}
    func reset() {}
    func deviceStatus() -> [UInt8] { [4, 0, 0x01, 0x20] }
    func clientVanished() {}
    var transactionsBegun: Int { 0 }
    var objectBytesTransferred: UInt64 { 0 }
}
