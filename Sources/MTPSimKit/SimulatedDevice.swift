import VirtualUSB

/// One emulated device: its USB side, the player behind it, and what the testbed did to it.
final class SimulatedDevice: @unchecked Sendable {
    let spec: DeviceSpec
    let usb: EmulatedUSBDevice
    /// Plugs and unplugs so far; touched only on the simulator's testbed queue.
    var plugs = 0
    var unplugs = 0

    init(spec: DeviceSpec, link: LinkModel, faults: FaultSchedule,
         onSelfUnplug: @escaping @Sendable () -> Void) throws(SimulatorError) {
        self.spec = spec
        let function = try PlayerFactory.makeFunction(spec: spec, faults: faults)
        usb = EmulatedUSBDevice(identity: spec.identity, function: function, link: link,
                                unplugAfterBytes: faults.unplugAfterBytes, onSelfUnplug: onSelfUnplug)
    }

    func matches(_ selector: String) -> Bool {
        if let i = Int(selector) { return i == index }
        return spec.identity.serial.hasPrefix(selector)
    }

    /// Position among the simulator's devices, for `device=INDEX` selectors.
    var index = 0

    func raiseEvent(code: UInt16, params: [UInt32]) {
        usb.withFunction { PlayerFactory.raiseEvent($0, code: code, params: params) }
    }

    func setBusyResponses(_ n: Int) { usb.withFunction { PlayerFactory.setBusyResponses($0, n) } }

    func setStoreFull(_ on: Bool) { usb.withFunction { PlayerFactory.setStoreFull($0, on) } }

    /// The host side of a storage directory changed: rescan and tell the host what appeared or went.
    func storageChanged() { usb.withFunction { PlayerFactory.refreshStorages($0) } }

    func stats(node: String?) -> DeviceStats {
        DeviceStats(serial: spec.identity.serial, personality: spec.personality.rawValue, node: node,
                    plugs: plugs, unplugs: unplugs,
                    counters: usb.withFunction { PlayerFactory.counters($0) })
    }
}

/// One device's entry in the stats JSON.
struct DeviceStats: Encodable {
    var serial: String
    var personality: String
    var node: String?
    var plugs: Int
    var unplugs: Int
    var counters: PlayerCounters
}
