import Foundation
import IntegrationSupport
import XCTest

/// Unplugging at seeded points of bundled transfers, both ways (issue 6): the client hears the device went
/// and which files completed, nothing partial is on the device or the host, and after the replug the device
/// is attached afresh and serves. CI runs a few points; `make soak` runs MTPSESSIOND_TRIALS=100.
final class UnplugTrialsTests: XCTestCase {
    /// How many points, and from which seed (both printed, so a failing point can be run again alone).
    private let trials = Int(ProcessInfo.processInfo.environment["MTPSESSIOND_TRIALS"] ?? "") ?? 5
    private let seed = UInt64(ProcessInfo.processInfo.environment["MTPSESSIOND_SEED"] ?? "") ?? 20261125

    func testUnplugDuringABundledPutLeavesOnlyCompleteFiles() throws {
        // Every other point on a player that keeps what arrived of a cut-off file: then the daemon itself must
        // remove it when the device comes back (its in-flight journal names it).
        try unplugDuringABundledPut(kind: "unplug-put", seed: seed, personality: "android") { $0 % 2 == 1 }
    }

    /// The same on a player that numbers its objects afresh at every session (uMTP-Responder, QEMU's usb-mtp,
    /// many phones) and keeps cut-off files: after the replug the journal's handle names nothing, or another
    /// object, and the partial file must still be found and removed.
    func testUnplugDuringABundledPutOnADeviceThatRenumbersItsObjects() throws {
        try unplugDuringABundledPut(kind: "unplug-put-minimal", seed: seed &+ 2, personality: "minimal") { _ in true }
    }

    private func unplugDuringABundledPut(kind: String, seed: UInt64, personality: String, keeps keepsAt: (Int) -> Bool) throws {
        var random = SeededRandom(seed: seed)
        let tally = TrialTally(kind, in: self)
        defer { tally.report() }
        for trial in 0..<trials {
            tally.begin()
            let sizes = (0..<4).map { _ in 100_000 + Int(random.next() % 1_500_000) }
            let cut = 1 + Int(random.next() % UInt64(sizes.reduce(0, +) - 1))
            let keeps = keepsAt(trial)
            print(
                "unplug trial put #\(trial) seed \(seed) \(personality): sizes \(sizes), unplug after \(cut) bytes\(keeps ? ", partial objects kept" : "")"
            )
            let d = try DaemonFixture(
                personality: personality,
                simOptions: ["--unplug-after-bytes", String(cut), "--replug-after-ms", "300"]
                    + (keeps ? ["--keep-partial-objects"] : []))
            let folder = d.sim.root.appendingPathComponent("bundle")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var sources: [String: Data] = [:]
            for (i, size) in sizes.enumerated() {
                let file = try d.sim.makeFile("track\(i).mp3", size: size)
                let target = folder.appendingPathComponent(file.lastPathComponent)
                try FileManager.default.moveItem(at: file, to: target)
                sources[target.lastPathComponent] = try Data(contentsOf: target)
            }
            let put = try d.ctl(["put", folder.path, ":/"])
            XCTAssertEqual(put.status, 1, "#\(trial): \(put.combined)")
            XCTAssertTrue(put.stderr.contains(d.serial) && put.stderr.contains("went away"), "#\(trial): \(put.stderr)")
            let reported = Set(
                put.stdout.split(separator: "\n").compactMap { line -> String? in
                    guard line.hasPrefix("sent ") else { return nil }
                    return sources.keys.first { line.contains("/bundle/\($0) ") }
                })

            try d.waitForLog("device detached")
            try d.waitForLog("device attached", occurrence: 2)  // The replugged device, attached afresh
            try d.ctlOK(["ls", ":/"])  // and opened, which settles what was in flight.
            let onDevice = d.sim.storage.appendingPathComponent("bundle")
            let present = (try? FileManager.default.contentsOfDirectory(atPath: onDevice.path)) ?? []
            for name in present {
                let whole = try Data(contentsOf: onDevice.appendingPathComponent(name)) == sources[name]
                XCTAssertTrue(whole, "#\(trial): \(name) on the device is whole, or not there at all")
                if !whole { tally.found(leftBehind: 1) }
            }
            XCTAssertTrue(reported.isSubset(of: Set(present)), "#\(trial): reported \(reported), on the device \(present)")
            XCTAssertEqual(reported.count, present.count, "#\(trial): every file on the device was reported sent")
            try d.ctlOK(["ls", ":/"])  // A new session on the replugged device.
            if keeps {
                let removed = d.daemon.stderrText.components(separatedBy: "removed a partial object").count - 1
                print("unplug trial put #\(trial): the daemon removed \(removed) partial object(s) the player kept")
            }
            tally.end()
        }
    }

    func testUnplugDuringAGetLeavesNoHostFileOrAWholeOne() throws {
        var random = SeededRandom(seed: seed &+ 1)
        let tally = TrialTally("unplug-get", in: self)
        defer { tally.report() }
        for trial in 0..<trials {
            tally.begin()
            let size = 200_000 + Int(random.next() % 3_000_000)
            let cut = 1 + Int(random.next() % UInt64(size + size / 4))  // A cut past the end: the get completes.
            print("unplug trial get #\(trial) seed \(seed): size \(size), unplug after \(cut) bytes")
            var original = Data()
            let d = try DaemonFixture(simOptions: ["--unplug-after-bytes", String(cut), "--replug-after-ms", "300"]) { storage in
                let file = storage.appendingPathComponent("big.bin")
                original = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
                try original.write(to: file)
            }
            let target = d.sim.root.appendingPathComponent("received.bin")
            let get = try d.ctl(["get", ":/big.bin", target.path])
            if get.status == 0 {
                XCTAssertEqual(try Data(contentsOf: target), original, "#\(trial): a get that succeeded wrote all of it")
            } else {
                XCTAssertTrue(get.stderr.contains(d.serial), "#\(trial): \(get.stderr)")
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: d.sim.root.path).filter {
                    $0.contains("received")
                }
                XCTAssertEqual(leftovers, [], "#\(trial): no truncated host file, and no temporary beside it")
                tally.found(leftBehind: leftovers.count)
                try d.waitForLog("device attached", occurrence: 2)  // The replugged device, attached afresh.
            }
            XCTAssertEqual(
                try Data(contentsOf: d.sim.storage.appendingPathComponent("big.bin")), original,
                "#\(trial): reading never harms the device's copy")
            try d.ctlOK(["ls", ":/"])
            tally.end()
        }
    }
}

/// SplitMix64: the same points for the same seed on every machine.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
