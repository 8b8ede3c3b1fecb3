import Dispatch
import Foundation
import VirtualUSB

/// Runs a command with emulated MTP devices on a umockdev testbed: plugs them, applies the fault schedule,
/// serves the control socket, waits for the command and writes the counters.
///
/// Testbed calls (plug, unplug, uevents) all happen on one serial queue; device state is guarded by each
/// device's own lock, so the control socket and timers never race umockdev's ioctl thread.
public final class Simulator: @unchecked Sendable {
    private let options: SimulatorOptions
    private let queue = DispatchQueue(label: "mtpsim.testbed")
    private let testbed: VirtualTestbed
    private var devices: [SimulatedDevice] = []
    private var control: ControlServer?
    private var watcher: StorageWatcher?

    /// Builds the devices (not yet plugged). Must run under the preload (`PreloadEnvironment.isActive`).
    public init(options: SimulatorOptions) throws(SimulatorError) {
        self.options = options
        PreloadEnvironment.minimiseTimerSlack()
        testbed = VirtualTestbed()
        for (index, configuration) in options.devices.enumerated() {
            let device = try SimulatedDevice(
                configuration: configuration, index: index, link: options.link,
                faults: options.faults
            ) { [weak self] in
                // Reached the unplug-after-bytes mark on the ioctl thread: finish the unplug on the testbed queue.
                guard let self else { return }
                self.queue.async { self.unplug(index, reason: "after \(options.faults.unplugAfterBytes ?? 0) bytes") }
            }
            devices.append(device)
        }
    }

    /// The control socket path (after `run` has started it).
    public var controlPath: String? { control?.path }

    /// Plugs the devices, runs the command and returns its exit status.
    public func run() throws(SimulatorError) -> Int32 {
        let controlPath = options.controlPath ?? Self.privateControlPath()
        control = try ControlServer(path: controlPath) { [weak self] line in
            self?.handleControl(line) ?? "error: shutting down"
        }
        setenv("MTPSIM_CONTROL", controlPath, 1)
        watcher = StorageWatcher(
            directories: devices.enumerated().flatMap { i, d in
                d.configuration.storageDirectories.map { (i, $0) }
            }
        ) { [weak self] index, paths in self?.devices[index].storageChanged(paths: paths) }

        var plugError: SimulatorError?
        if let delay = options.faults.plugAfterMilliseconds {
            queue.asyncAfter(deadline: .now() + .milliseconds(delay)) { [self] in
                for i in devices.indices { try? plug(i) }
            }
        } else {
            queue.sync {
                do throws(SimulatorError) { for i in devices.indices { try plug(i) } } catch { plugError = error }
            }
        }
        if let plugError { throw plugError }

        let child = try ChildProcess.spawn(options.command)
        let status = child.wait()
        queue.sync {
            if let path = options.statsPath { writeStats(to: path) }
            for i in devices.indices { unplug(i, reason: nil, replug: false) }
        }
        if options.controlPath == nil {
            unlink(controlPath)
            rmdir((controlPath as NSString).deletingLastPathComponent)
        }
        return status
    }

    // MARK: testbed queue

    private func plug(_ index: Int) throws(SimulatorError) {
        let device = devices[index]
        do throws(TestbedError) { try testbed.plug(device.usb) } catch { throw .testbed(error.description) }
        device.plugs += 1
        if device.plugs > 1 { log("\(device.serial) plugged in again as \(testbed.deviceNode(of: device.usb) ?? "?")") }
        if let after = options.faults.unplugAfterMilliseconds {
            let generation = device.plugs
            queue.asyncAfter(deadline: .now() + .milliseconds(after)) { [self] in
                if devices[index].plugs == generation { unplug(index, reason: "after \(after) ms") }
            }
        }
    }

    /// Unplugs device `index`; a `reason` means it is a fault worth a line on stderr (tests wait on it).
    private func unplug(_ index: Int, reason: String?, replug: Bool = true) {
        let device = devices[index]
        guard testbed.deviceNode(of: device.usb) != nil else { return }
        testbed.unplug(device.usb)
        device.unplugs += 1
        if let reason { log("\(device.serial) unplugged \(reason)") }
        if replug, let after = options.faults.replugAfterMilliseconds {
            queue.asyncAfter(deadline: .now() + .milliseconds(after)) { [self] in try? plug(index) }
        }
    }

    private func writeStats(to path: String) {
        if let data = statsJSON(of: Array(devices.indices), pretty: true) {
            _ = FileManager.default.createFile(atPath: path, contents: data)
        }
    }

    /// The stats of the devices at `indices` as JSON; on the testbed queue.
    private func statsJSON(of indices: [Int], pretty: Bool) -> Data? {
        let report = StatsReport(devices: indices.map { devices[$0].stats(node: testbed.deviceNode(of: devices[$0].usb)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return try? encoder.encode(report)
    }

    // MARK: control socket

    /// Answers one control request; see `ControlCommand` for the grammar.
    func handleControl(_ line: String) -> String {
        let command: ControlCommand
        do throws(ControlCommand.ParseError) { command = try ControlCommand(parsing: line) } catch {
            return "error: \(error.message)"
        }
        return queue.sync {
            let targets =
                command.device.map { sel in devices.indices.filter { devices[$0].matches(sel) } }
                ?? Array(devices.indices)
            if targets.isEmpty { return "error: no device matches '\(command.device ?? "")'" }
            switch command.action {
            case .stats:
                // One line: the control protocol answers with exactly one.
                return statsJSON(of: targets, pretty: false).map { String(decoding: $0, as: UTF8.self) } ?? "error: encoding"
            case .unplug:
                for i in targets { unplug(i, reason: "on request", replug: false) }
            case .plug:
                for i in targets {
                    do throws(SimulatorError) { try plug(i) } catch { return "error: \(error)" }
                }
            case .event(let code, let params):
                for i in targets { devices[i].raiseEvent(code: code, params: params) }
            case .busy(let n):
                for i in targets { devices[i].setBusyResponses(n) }
            case .storeFull(let on):
                for i in targets { devices[i].setStoreFull(on) }
            case .hang(let on):
                for i in targets { devices[i].usb.setHung(on) }
            case .stall(let on):
                for i in targets { devices[i].usb.setStalled(on) }
            case .refresh:
                for i in targets { devices[i].storageChanged(paths: nil) }
            }
            return "ok"
        }
    }

    private static func privateControlPath() -> String {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"] ?? NSTemporaryDirectory()
        var template = Array((base as NSString).appendingPathComponent("mtpsim-XXXXXX").utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
        return ((dir ?? base) as NSString).appendingPathComponent("control")
    }
}

/// One line on stderr, flushed at once so a watcher sees it when it happens.
func log(_ message: String) {
    let line = "mtpsim: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
}

/// The JSON that `--stats FILE` and the control socket's `stats` return.
struct StatsReport: Encodable {
    var devices: [DeviceStats]
}
