import ArgumentParser
import MTPProvider
#if canImport(Glibc)
import Glibc
#endif

/// A test probe that watches the virtual player from the client side, through libusb and libmtp, and prints
/// what it sees one line at a time so that a test can wait on each line.
@main
struct MTPSimProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtpsim-probe",
        abstract: "Watch an MTP device through the real libusb and libmtp (a test tool for mtpsim).",
        subcommands: [Hotplug.self, Events.self])
}

struct Hotplug: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print libusb hotplug arrivals and removals: 'arrived|left VID:PID BUS:ADDR'.")

    @Option(help: "Exit after this many events.") var count = 2
    @Option(help: "Give up (exit 1) after this many milliseconds without the expected events.") var timeoutMs = 10_000
    @Flag(help: "Report devices already present as arrivals.") var enumerate = false

    func run() throws {
        let monitor = try USBHotplugMonitor(enumerate: enumerate)
        emit("ready")
        for _ in 0..<count {
            guard let e = monitor.next(timeoutMilliseconds: timeoutMs) else {
                emit("timeout")
                throw ExitCode(1)
            }
            emit("\(e.kind.rawValue) \(hex(e.vendorID)):\(hex(e.productID)) \(e.bus):\(e.address)")
        }
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the first MTP device and print the events LIBMTP_Read_Event returns: 'event KIND PARAM'.")

    @Option(help: "Exit after this many events.") var count = 1

    func run() throws {
        let connection = try MTPConnection.openFirst()
        emit("ready \(connection.serialNumber ?? "-")")
        for _ in 0..<count {
            switch try connection.readEvent() {
            case .objectAdded(let h): emit("event object-added \(h)")
            case .objectRemoved(let h): emit("event object-removed \(h)")
            case .storeAdded(let s): emit("event store-added \(s)")
            case .storeRemoved(let s): emit("event store-removed \(s)")
            case .devicePropertyChanged(let p): emit("event device-property-changed \(p)")
            case .other: emit("event other 0")
            }
        }
    }
}

private func emit(_ line: String) {
    print(line)
    fflush(nil)  // flushes every stream; naming stdout trips strict concurrency checking
}

private func hex(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 4 - s.count) + s
}
