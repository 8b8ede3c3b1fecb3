import PTPWire
import VirtualPlayer
import VirtualUSB
#if canImport(Glibc)
import Glibc
#endif

/// The responder is the PTP function behind the emulated endpoints: its API was shaped for exactly this.
extension MTPResponder: PTPFunction {}

/// One emulated device: its USB side, the player behind it, and what the testbed did to it.
final class SimulatedDevice: @unchecked Sendable {
    let configuration: PlayerConfiguration
    let usb: EmulatedUSBDevice
    /// Position among the simulator's devices, for `device=INDEX` selectors.
    let index: Int
    /// Plugs and unplugs so far; touched only on the simulator's testbed queue.
    var plugs = 0
    var unplugs = 0

    init(
        configuration: PlayerConfiguration, index: Int, link: LinkModel, faults: FaultSchedule,
        onSelfUnplug: @escaping @Sendable () -> Void
    ) throws(SimulatorError) {
        self.configuration = configuration
        self.index = index
        let responder: MTPResponder
        do throws(StoreError) { responder = try MTPResponder(configuration: configuration) } catch {
            throw .badStorage(path: configuration.storageDirectories.joined(separator: ", "), reason: "\(error)")
        }
        responder.faults.busyCommands = faults.busyResponses
        usb = EmulatedUSBDevice(
            identity: configuration.usbIdentity, function: responder, link: link,
            unplugAfterBytes: faults.unplugAfterBytes,
            directClientMemory: !Self.socketMemoryOnly, onSelfUnplug: onSelfUnplug)
    }

    var serial: String { configuration.serialNumber }

    /// `MTPSIM_CLIENT_MEMORY=socket` keeps URB contents on umockdev's socket instead of reading and writing
    /// client memory directly: to measure the difference, or to exercise the fallback path.
    static var socketMemoryOnly: Bool { getenv("MTPSIM_CLIENT_MEMORY").map { String(cString: $0) } == "socket" }

    func matches(_ selector: String) -> Bool {
        if let i = Int(selector) { return i == index }
        return serial.hasPrefix(selector)
    }

    private func withResponder<R>(_ body: (MTPResponder) -> R) -> R {
        // The function was created here as an MTPResponder; anything else is a programming error.
        usb.withFunction { body($0 as! MTPResponder) }
    }

    func raiseEvent(code: UInt16, params: [UInt32]) { withResponder { $0.raiseEvent(EventCode(code), params: params) } }
    func setBusyResponses(_ n: Int) { withResponder { $0.faults.busyCommands = n } }
    func setStoreFull(_ on: Bool) { withResponder { $0.faults.storeFull = on } }

    /// The host side of a storage directory changed: rescan; the responder raises ObjectAdded/Removed itself.
    /// Something changed in the storage directories: these paths, or anything (`nil`, e.g. inotify overflowed).
    func storageChanged(paths: [String]?) { withResponder { _ = $0.refreshStorages(paths: paths) } }

    func stats(node: String?) -> DeviceStats {
        DeviceStats(
            serial: serial, personality: configuration.personality.rawValue, node: node,
            plugs: plugs, unplugs: unplugs, counters: withResponder { $0.counters })
    }
}

extension PlayerConfiguration {
    /// The USB identity that matches this device's DeviceInfo.
    var usbIdentity: USBIdentity {
        USBIdentity(
            vendorID: vendorID, productID: productID, manufacturer: manufacturer, product: model,
            serial: serialNumber)
    }

    /// Host directories backing storages, for the watcher.
    var storageDirectories: [String] {
        storages.compactMap { if case .directory(let path) = $0.backing { return path } else { return nil } }
    }
}

/// One device's entry in the stats JSON.
struct DeviceStats: Encodable {
    var serial: String
    var personality: String
    var node: String?
    var plugs: Int
    var unplugs: Int
    var counters: Counters
}
