import ArgumentParser
import MTPSimKit
import ProductVersion
import VirtualPlayer
import VirtualUSB
#if canImport(Glibc)
import Glibc
#endif

/// `mtpsim`: run a command with an emulated MTP device plugged in.
@main
struct MTPSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtpsim",
        abstract: "Run a command with a virtual MTP player plugged in, emulated at the USB level.",
        discussion: """
            The command (after --) sees the virtual player as a real USB device: libmtp, libusb and udev find it \
            as they would a phone or media player. The exit status is the command's.

            Examples:
              mtpsim -- mtp-detect
              mtpsim --storage ./music --personality classic -- mtp-files
              mtpsim --latency-ms 2 --bandwidth-mbs 35 --stats stats.json -- mtp-sendfile big.bin /Music
              mtpsim --unplug-after-bytes 1048576 -- mtp-getfile 1 out.bin

            While the command runs, MTPSIM_CONTROL names a socket for `mtpsim control` (unplug, plug, event, \
            busy, store-full, hang, stats).
            """,
        version: ProductVersion.string,
        subcommands: [Run.self, Control.self],
        defaultSubcommand: Run.self)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run COMMAND with the virtual player(s) attached (the default).")

    @Option(
        name: .customLong("storage"),
        help: ArgumentHelp(
            "Back a storage with this host directory (repeatable: one storage each). Without it, one empty in-memory storage.",
            valueName: "DIR"), completion: .directory)
    var storages: [String] = []
    @Option(help: ArgumentHelp("Capacity of each storage in bytes (StoreFull beyond it).", valueName: "BYTES"))
    var capacity: UInt64?
    @Option(
        help:
            "android (property lists, 64-bit partial reads), classic (a plain MTP player) or minimal (no move, copy or property setting; handles renumbered each session; partial folder deletes; no events)."
    )
    var personality: PlayerPersonality = .android
    @Option(help: "USB and MTP serial number.") var serial: String?
    @Option(help: ArgumentHelp("USB vendor id (hex).", valueName: "HEX")) var vendorId: String?
    @Option(help: ArgumentHelp("USB product id (hex).", valueName: "HEX")) var productId: String?
    @Option(help: "Manufacturer string.") var manufacturer: String?
    @Option(help: "Model (product) string.") var model: String?
    @Option(help: "Device friendly name.") var friendlyName: String?
    @Option(help: "How many identical devices to plug (serials get -1, -2, … suffixes).") var devices = 1
    @Option(
        help: ArgumentHelp("Write the PTP counters as JSON here when the command exits.", valueName: "FILE"), completion: .file())
    var stats: String?
    @Option(
        help: ArgumentHelp("Serve the control socket at this path (default: a private temporary path).", valueName: "PATH"),
        completion: .file())
    var control: String?
    @Option(help: ArgumentHelp("Added latency per PTP transaction.", valueName: "MS")) var latencyMs: Double = 0
    @Option(help: ArgumentHelp("Bulk bandwidth limit in MB/s.", valueName: "MBS")) var bandwidthMbs: Double?
    @Option(help: ArgumentHelp("Plug the device in only after this delay.", valueName: "MS")) var plugAfterMs: Int?
    @Option(help: ArgumentHelp("Unplug the device this long after it was plugged.", valueName: "MS")) var unplugAfterMs: Int?
    @Option(help: ArgumentHelp("Unplug once N bytes of object data have crossed the link since the plug.", valueName: "N"))
    var unplugAfterBytes: UInt64?
    @Option(help: ArgumentHelp("Plug the device in again this long after an unplug.", valueName: "MS")) var replugAfterMs: Int?
    @Option(help: ArgumentHelp("Answer the first N commands with DeviceBusy.", valueName: "N")) var busyResponses = 0
    @Flag(
        help:
            "Keep what arrived of a file whose transfer was cut off (host gone, cancel, reset), as players writing straight to flash do; by default it is dropped, as Android does."
    )
    var keepPartialObjects = false
    @Flag(
        help:
            "Keep the PTP session open when the host closes the device without CloseSession (a real device cannot tell that its host process died)."
    )
    var keepSession = false
    @Flag(help: "Give every object a new handle at each OpenSession (minimal does).") var renumberHandles = false
    @Flag(help: "Send no events and list none in DeviceInfo (minimal does).") var noEvents = false
    @Argument(parsing: .postTerminator, help: "The command to run, after --.") var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command to run after --, e.g. mtpsim -- mtp-detect") }
        if devices < 1 || devices > 32 { throw ValidationError("--devices must be between 1 and 32") }
        if let v = vendorId, Self.hex16(v) == nil {
            throw ValidationError("--vendor-id must be a 16-bit hex number, e.g. 18d1")
        }
        if let p = productId, Self.hex16(p) == nil {
            throw ValidationError("--product-id must be a 16-bit hex number, e.g. 4ee1")
        }
        if latencyMs < 0 { throw ValidationError("--latency-ms cannot be negative") }
        if let b = bandwidthMbs, b <= 0 { throw ValidationError("--bandwidth-mbs must be positive") }
        for d in storages {
            var isDir: Bool = false
            var st = stat()
            if stat(d, &st) == 0 { isDir = (st.st_mode & S_IFMT) == S_IFDIR }
            if !isDir { throw ValidationError("--storage \(d): not a directory (create it first)") }
        }
    }

    static func hex16(_ s: String) -> UInt16? {
        UInt16(s.hasPrefix("0x") || s.hasPrefix("0X") ? String(s.dropFirst(2)) : s, radix: 16)
    }

    func run() throws {
        // umockdev only delivers uevents to libusb when the testbed's own process runs under its preload.
        if !PreloadEnvironment.isActive {
            let err = PreloadEnvironment.reexecUnderPreload()
            throw ValidationError(
                "cannot re-execute under \(PreloadEnvironment.library): \(String(cString: strerror(err))) (install the umockdev package)"
            )
        }
        let configurations = (1...devices).map { n in
            var c = PlayerConfiguration(personality: personality)
            if let v = vendorId.flatMap(Self.hex16) { c.vendorID = v }
            if let p = productId.flatMap(Self.hex16) { c.productID = p }
            if let manufacturer { c.manufacturer = manufacturer }
            if let model { c.model = model }
            if let friendlyName { c.friendlyName = friendlyName }
            c.keepsPartialObjects = keepPartialObjects
            c.sessionSurvivesDisconnect = keepSession
            if renumberHandles { c.renumbersHandles = true }
            if noEvents { c.sendsEvents = false }
            let base = serial ?? c.serialNumber
            c.serialNumber = devices == 1 ? base : "\(base)-\(n)"
            // Several devices must not share a directory: each gets its own subdirectory named by serial.
            let directories = devices == 1 ? storages : storages.map { "\($0)/\(c.serialNumber)" }
            if !directories.isEmpty {
                c.storages = directories.enumerated().map { i, dir in
                    StorageConfiguration(
                        backing: .directory(dir), capacity: capacity,
                        label: directories.count == 1 ? "Internal storage" : "Storage \(i + 1)")
                }
            } else if let capacity {
                c.storages = [StorageConfiguration(backing: .memory, capacity: capacity)]
            }
            return c
        }
        var faults = FaultSchedule()
        faults.plugAfterMilliseconds = plugAfterMs
        faults.unplugAfterMilliseconds = unplugAfterMs
        faults.unplugAfterBytes = unplugAfterBytes
        faults.replugAfterMilliseconds = replugAfterMs
        faults.busyResponses = busyResponses
        let options = SimulatorOptions(
            devices: configurations,
            link: LinkModel(latencyMilliseconds: latencyMs, bandwidthMegabytesPerSecond: bandwidthMbs),
            faults: faults, statsPath: stats, controlPath: control, command: command)
        do {
            let simulator = try Simulator(options: options)
            let status = try simulator.run()
            throw ExitCode(status)
        } catch let error as SimulatorError {
            FileHandleStderr.write("mtpsim: \(error)\n")
            throw ExitCode(125)
        }
    }
}

struct Control: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a request to a running mtpsim (from the command it runs, or with --socket).",
        discussion: """
            Requests: stats | unplug | plug | event CODE [PARAM...] | busy N | store-full on|off | hang on|off | stall on|off | refresh, \
            optionally followed by device=SERIAL or device=INDEX. Example: mtpsim control event 0x4002 7
            """)

    @Option(help: "The control socket (default: $MTPSIM_CONTROL).", completion: .file()) var socket: String?
    @Argument(help: "The request words.") var request: [String]

    func run() throws {
        guard let path = socket ?? getenv("MTPSIM_CONTROL").map({ String(cString: $0) }) else {
            throw ValidationError("no control socket: run this under mtpsim, or pass --socket PATH")
        }
        let reply = try controlRequest(path: path, request.joined(separator: " "))
        print(reply)
        if reply.hasPrefix("error") { throw ExitCode(1) }
    }
}

extension PlayerPersonality: ExpressibleByArgument {}

enum FileHandleStderr {
    static func write(_ s: String) { _ = s.utf8CString.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count - 1) } }
}
