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
        subcommands: [Hotplug.self, Events.self, RoundTrip.self, Throughput.self, SendOne.self, OpenOnly.self])
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
        let connection = try MTPDevice.openFirst()
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

struct RoundTrip: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtt",
        abstract: "Time N one-transaction calls (GetDevicePropValue of the friendly name): 'rtt median_us=… p99_us=…'.")

    @Option(help: "How many calls.") var count = 2000

    func run() throws {
        let connection = try MTPDevice.openFirst()
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = clock.now
            _ = connection.friendlyName
            samples.append(clock.now - start)
        }
        samples.sort()
        func us(_ d: Duration) -> Int { Int(d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000) }
        emit("rtt calls=\(count) median_us=\(us(samples[count / 2])) p99_us=\(us(samples[min(count - 1, count * 99 / 100)]))")
    }
}

struct Throughput: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send then get back N bytes through libmtp, check them, and print 'throughput send_mbs=… get_mbs=…'.")

    @Option(help: "Bytes to transfer each way.") var bytes = 64 << 20

    func run() throws {
        let connection = try MTPDevice.openFirst()
        let storage = try firstStorage(of: connection)
        // Unlinked temporary files: the page cache keeps the host disk mostly out of the measurement.
        let source = unlinkedTemporaryFile()
        let sink = unlinkedTemporaryFile()
        guard source >= 0, sink >= 0 else { throw ValidationError("cannot create temporary files in /tmp") }
        var pattern = [UInt8](repeating: 0, count: 1 << 20)
        for i in pattern.indices { pattern[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        var left = bytes
        while left > 0 {
            let n = min(left, pattern.count)
            _ = pattern.withUnsafeBytes { write(source, $0.baseAddress, n) }
            left -= n
        }
        lseek(source, 0, SEEK_SET)
        let clock = ContinuousClock()
        var start = clock.now
        let id = try connection.sendFile(
            from: source, name: "throughput.bin", size: UInt64(bytes), parent: MTPDevice.rootFolder,
            storage: storage, track: nil
        ) { _, _ in true }.id
        let sendTime = clock.now - start
        start = clock.now
        try connection.getFile(id: id, to: sink) { _, _ in true }
        let getTime = clock.now - start
        try connection.delete(id: id)
        guard lseek(sink, 0, SEEK_END) == off_t(bytes) else { throw ValidationError("got back a different size") }
        func mbs(_ d: Duration) -> String {
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            return String(Int((Double(bytes) / 1e6 / s).rounded()))
        }
        emit("throughput bytes=\(bytes) send_mbs=\(mbs(sendTime)) get_mbs=\(mbs(getTime))")
    }
}

struct SendOne: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "libmtp's minimum for sending one file: open the device uncached, send FILE to the root, release.",
        discussion: "The yardstick a bundled transfer's per-file cost is held against (mtpsim --stats counts it).")

    @Argument(help: "The file to send.") var file: String

    func run() throws {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { throw ValidationError("cannot open \(file)") }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        lseek(fd, 0, SEEK_SET)
        let connection = try MTPDevice.openFirst()
        let storage = try firstStorage(of: connection)
        let name = file.split(separator: "/").last.map(String.init) ?? file
        let id = try connection.sendFile(
            from: fd, name: name, size: UInt64(size), parent: MTPDevice.rootFolder,
            storage: storage, track: nil
        ) { _, _ in true }.id
        emit("sent id=\(id)")
    }
}

struct OpenOnly: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the first MTP device as the daemon does, print what its DeviceInfo says of events, release it.",
        discussion: """
            Prints 'events-supported 4002 4003 …' ('none' for an empty list, 'unknown' when the read failed) and \
            'reports-object-changes yes|no'. mtpsim --stats counts what one opening costs.
            """)

    func run() throws {
        let connection = try MTPDevice.openFirst()
        let events = connection.eventsSupported.map { $0.isEmpty ? "none" : $0.map(hex).joined(separator: " ") }
        emit("events-supported \(events ?? "unknown")")
        emit("reports-object-changes \(connection.reportsObjectChanges ? "yes" : "no")")
    }
}

/// The device's first storage, which the probe's transfers use.
private func firstStorage(of device: MTPDevice) throws -> UInt32 {
    guard let first = try device.storages().first else { throw ValidationError("the device reports no storage") }
    return first.id
}

private func unlinkedTemporaryFile() -> Int32 {
    var template = Array("/tmp/mtpsim-probe-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd >= 0 { template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) } }
    return fd
}

private func emit(_ line: String) {
    print(line)
    fflush(nil)  // flushes every stream; naming stdout trips strict concurrency checking
}

private func hex(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 4 - s.count) + s
}
