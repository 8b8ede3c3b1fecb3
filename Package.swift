// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mtpsessiond",
    products: [
        .executable(name: "mtpsim", targets: ["mtpsim"]),
        .executable(name: "mtpsim-probe", targets: ["mtpsim-probe"]),
        .executable(name: "mtpsessiond", targets: ["mtpsessiond"]),
        .executable(name: "mtpctl", targets: ["mtpctl"]),
        .library(name: "VirtualPlayer", targets: ["VirtualPlayer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C at the edge: headers only, one module per library.
        .systemLibrary(
            name: "CUMockdev", pkgConfig: "umockdev-1.0",
            providers: [.apt(["libumockdev-dev"])]),
        .systemLibrary(
            name: "CLibMTP", pkgConfig: "libmtp",
            providers: [.apt(["libmtp-dev"])]),
        .systemLibrary(
            name: "CLibUSB", pkgConfig: "libusb-1.0",
            providers: [.apt(["libusb-1.0-0-dev"])]),

        // Wire-level PTP/MTP: codes, containers and datasets. Pure Swift, no I/O.
        .target(name: "PTPWire"),
        // The emulated player's brain: PTP responder, object stores, counters, faults. Pure Swift.
        .target(name: "VirtualPlayer", dependencies: ["PTPWire", "SystemCalls"]),
        // The emulated player's body: a umockdev testbed answering usbdevfs ioctls with a VirtualPlayer.
        .target(name: "VirtualUSB", dependencies: ["CUMockdev", "DedicatedThreads", "SystemCalls"]),
        // The simulator's runtime: devices on a testbed, the command under them, faults, control socket, stats.
        .target(name: "MTPSimKit", dependencies: ["VirtualUSB", "VirtualPlayer", "PTPWire", "SystemCalls"]),
        .executableTarget(
            name: "mtpsim",
            dependencies: [
                "MTPSimKit", "VirtualPlayer", "VirtualUSB", "ProductVersion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The service provider: the one module that imports libmtp and libusb.
        .target(name: "MTPProvider", dependencies: ["CLibMTP", "CLibUSB", "PTPWire", "DedicatedThreads", "SystemCalls"]),
        .executableTarget(
            name: "mtpsim-probe",
            dependencies: [
                "MTPProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The system calls Swift's Glibc cannot reach (_GNU_SOURCE, CMSG macros): one compiled C file.
        .target(name: "CSystemCalls"),
        // Every system call of the daemon and the emulator: typed errno, EINTR retried in one place, Unix socket
        // addresses, peer credentials, SCM_RIGHTS, thread names, the monotonic clock.
        .target(name: "SystemCalls", dependencies: ["CSystemCalls"]),
        // Dedicated pthreads and the one lock (LockedBox, ConditionBox) for code that blocks, without Foundation.
        .target(name: "DedicatedThreads", dependencies: ["SystemCalls"]),
        // Varlink: NUL-framed JSON over a Unix socket, interface descriptions, server and client. Knows nothing of MTP.
        .target(name: "Varlink", dependencies: ["DedicatedThreads", "SystemCalls"]),
        // The org.mtpsessiond.Manager contract: the interface text and each method's and error's values, typed once
        // for the daemon, mtpctl and the fuzzer.
        .target(name: "ManagerContract", dependencies: ["Varlink"], resources: [.embedInCode("org.mtpsessiond.Manager.varlink")]),
        // Sessions and device lifecycles as pure state machines; no I/O, unit-tested.
        .target(name: "SessionModel"),
        // The daemon core: one actor per device on its own thread, sessions, caches, operations.
        .target(
            name: "SessionCore",
            dependencies: [
                "SessionModel", "MTPProvider", "DedicatedThreads", "SystemCalls", .product(name: "Logging", package: "swift-log"),
            ]),
        // The org.mtpsessiond.Manager varlink interface bound to the daemon core: handlers, error mapping, encodings.
        .target(
            name: "SessionAPI",
            dependencies: [
                "Varlink", "ManagerContract", "SessionCore", .product(name: "Logging", package: "swift-log"),
            ]),
        // The daemon as a process: services started in order and stopped in reverse, signals, systemd (readiness,
        // status, watchdog, socket activation), journald logging, --exit-when-idle.
        .target(
            name: "DaemonRuntime",
            dependencies: [
                "SessionAPI", "SessionCore", "Varlink", "SystemCalls", "ProductVersion",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // --static-swift-stdlib links with --export-dynamic, which copies every public symbol of every module into
        // a dynamic symbol table that ld.so reads at each start: 0.3 MiB of the idle daemon's RSS, for symbols
        // nothing looks up (nothing dlopens the daemon). Backtraces read .symtab and DWARF, which stay.
        .executableTarget(
            name: "mtpsessiond",
            dependencies: [
                "DaemonRuntime", "SessionAPI", "SessionCore", "ProductVersion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]),
        // mtpctl's commands: device addressing, transfers with progress, output for humans and scripts.
        .target(name: "MTPCtlKit", dependencies: ["Varlink", "ManagerContract", "SystemCalls", "AudioTags"]),
        .executableTarget(
            name: "mtpctl",
            dependencies: [
                "MTPCtlKit", "ProductVersion", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // TagLib's C++ API in one file behind a C header: the tags and pictures TagLib 1.13's own C API cannot reach.
        .target(name: "CTagLib", linkerSettings: [.linkedLibrary("tag")]),
        // Audio files' tags (titles, artists, numbers, the cover picture) read and written through TagLib.
        .target(name: "AudioTags", dependencies: ["CTagLib", "SystemCalls"]),

        // The release number the three programs print with --version: one literal, the one debian/changelog names.
        .target(name: "ProductVersion"),

        // The fuzz targets' shared entry: libFuzzer's driver under -DFUZZING, a corpus replayer otherwise.
        .target(name: "FuzzDriver"),
        // libFuzzer target over the container parser (make fuzz); a corpus replayer when built plainly.
        .executableTarget(name: "PTPContainerFuzzer", dependencies: ["PTPWire", "VirtualPlayer", "FuzzDriver"]),
        // libFuzzer target over the varlink server's framing, JSON, call decoding and routing, and the IDL parser.
        .executableTarget(name: "VarlinkFuzzer", dependencies: ["Varlink", "ManagerContract", "FuzzDriver"]),
        // libFuzzer target over device-provided names, times and values on their way to paths and JSON.
        .executableTarget(
            name: "DeviceDataFuzzer",
            dependencies: [
                "MTPProvider", "SessionModel", "SessionCore", "SessionAPI", "Varlink",
                "FuzzDriver",
            ]),

        .testTarget(name: "PTPWireTests", dependencies: ["PTPWire"]),
        .testTarget(name: "VirtualPlayerTests", dependencies: ["VirtualPlayer", "PTPWire"]),
        .testTarget(name: "VirtualUSBTests", dependencies: ["VirtualUSB", "SystemCalls"]),
        .testTarget(name: "MTPSimKitTests", dependencies: ["MTPSimKit"]),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"]),
        .testTarget(name: "DedicatedThreadsTests", dependencies: ["DedicatedThreads"]),
        .testTarget(name: "VarlinkTests", dependencies: ["Varlink", "SystemCalls"]),
        .testTarget(name: "SessionModelTests", dependencies: ["SessionModel"]),
        .testTarget(name: "MTPProviderTests", dependencies: ["MTPProvider", "PTPWire"]),
        .testTarget(
            name: "SessionCoreTests",
            dependencies: [
                "SessionCore", "SessionModel", "MTPProvider", "DedicatedThreads", .product(name: "Logging", package: "swift-log"),
            ]),
        // The runtime's rules without a process: service lifecycles and their order, idleness, STATUS= text.
        .testTarget(
            name: "DaemonRuntimeTests", dependencies: ["DaemonRuntime", .product(name: "Logging", package: "swift-log")]),
        // Tags written and read back on tiny real files of each format, encoded by the test with ffmpeg.
        .testTarget(name: "AudioTagsTests", dependencies: ["AudioTags", "IntegrationSupport"]),
        .testTarget(name: "MTPCtlKitTests", dependencies: ["MTPCtlKit", "ManagerContract", "Varlink", "SystemCalls"]),
        // The contract against the interface text, the daemon's handlers and errors against the contract, and no
        // method or error name spelled outside it.
        .testTarget(name: "ManagerContractTests", dependencies: ["ManagerContract", "SessionAPI", "SessionCore", "Varlink"]),
        // Replays the committed fuzz corpora through the fuzzers' own entry functions, without libFuzzer.
        .testTarget(name: "FuzzCorpusTests", dependencies: ["PTPContainerFuzzer", "VarlinkFuzzer", "DeviceDataFuzzer"]),
        // Runs the built mtpsim and mtpsim-probe executables against mtp-tools: no in-process shortcuts.
        // Child processes with line-by-line waits, and a virtual player per test: shared by the integration suites.
        .target(name: "IntegrationSupport", dependencies: ["SystemCalls", "AudioTags"], path: "Tests/IntegrationSupport"),
        // Its python/ reaches libmtp calls no mtp-tools program makes (reading album art back) through ctypes.
        .testTarget(name: "MTPSimIntegrationTests", dependencies: ["IntegrationSupport"], exclude: ["python"]),
        // The man pages against the built programs' parsers (docs/man/manpage.py), and that groff renders them cleanly.
        .testTarget(name: "ManualPageTests", dependencies: ["IntegrationSupport"]),
        // Runs the real mtpsessiond under mtpsim and drives it with mtpctl and Python's varlink client.
        // Its load and abuse clients use the Varlink module's blocking client, as any varlink client would.
        .testTarget(
            name: "DaemonIntegrationTests", dependencies: ["IntegrationSupport", "Varlink", "SystemCalls"],
            exclude: ["python", "fixtures"]),
    ]
)
