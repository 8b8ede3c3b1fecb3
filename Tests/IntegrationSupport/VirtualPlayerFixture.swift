import Foundation
import XCTest

/// A virtual player for one test: a temporary storage directory, a control socket and a stats file, and
/// helpers to run commands under `mtpsim` with them.
public final class VirtualPlayerFixture {
    /// The mtpsim personality the player imitates: android, classic or minimal.
    public let personality: String
    /// The test's temporary directory, holding everything below; removed when the fixture goes.
    public let root: URL
    /// The host directory the player serves as its storage.
    public let storage: URL
    /// Where mtpsim writes its PTP counters as JSON when the command exits; `stats()` reads it.
    public let statsFile: URL
    /// The path of mtpsim's control socket, through which `control(_:)` reaches the running player.
    public let controlSocket: String
    /// More mtpsim options for a test that needs them (faults, several devices, hotplug timing).
    public var extraOptions: [String] = []

    /// Creates the directories; the player runs only when a command is run or started.
    public init(personality: String = "android") throws {
        self.personality = personality
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mtpsim-test-\(UUID().uuidString.prefix(8))")
        storage = root.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        statsFile = root.appendingPathComponent("stats.json")
        controlSocket = root.appendingPathComponent("control").path
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// mtpsim's arguments up to and including `--`.
    public var simArguments: [String] {
        [
            "--storage", storage.path, "--personality", personality, "--stats", statsFile.path,
            "--control", controlSocket,
        ] + extraOptions + ["--"]
    }

    /// Runs `command` under mtpsim to completion.
    public func run(_ command: [String], timeout: TimeInterval = 120, in directory: URL? = nil) throws -> CommandResult {
        try runCommand(Binaries.mtpsim, simArguments + command, timeout: timeout)
    }

    /// Starts `command` under mtpsim and returns it running.
    public func start(_ command: [String]) throws -> RunningProcess {
        try RunningProcess(Binaries.mtpsim, simArguments + command)
    }

    /// Sends a control request to the running mtpsim.
    @discardableResult
    public func control(_ request: String) throws -> String {
        let r = try runCommand(
            Binaries.mtpsim, ["control", "--socket", controlSocket] + request.split(separator: " ").map(String.init))
        XCTAssertEqual(r.status, 0, "control \(request): \(r.combined)")
        return r.stdout
    }

    /// The stats the last run wrote.
    public func stats() throws -> [String: Any] {
        let data = try Data(contentsOf: statsFile)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Writes `count` bytes of a deterministic pattern to a host file.
    public func makeFile(_ name: String, size: Int) throws -> URL {
        let url = root.appendingPathComponent(name)
        var bytes = [UInt8](repeating: 0, count: size)
        var x: UInt32 = 2463534242 &+ UInt32(truncatingIfNeeded: size)
        for i in 0..<size {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            bytes[i] = UInt8(truncatingIfNeeded: x)
        }
        try Data(bytes).write(to: url)
        return url
    }
}
