import Logging
@testable import MTPProvider
@testable import SessionCore
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The rules of one device shared by many programs, driven through `SessionManager` against `FakeDevice`: fair
/// turns across sessions, a listing slipped in between a bundle's files, the exclusive holder, reservations, a
/// waiting client that goes away, and whose sessions a uid may use. No USB: the integration suites prove the same
/// behaviours through the real daemon, libmtp and the virtual player.
final class SharingRulesTests: XCTestCase {
    func testSessionsTakeTurnsOneOperationEachNotOneBundleAfterAnother() async throws {
        let device = FakeDevice()
        let manager = await start(device)
        let a = try await begin(manager, alice), b = try await begin(manager, bob), c = try await begin(manager, carol)

        device.gate("sendFile")
        let first = Task { try await put(manager, alice, "a1", session: a) }
        let held = await device.waitUntilHeld()
        XCTAssertTrue(held, "a1 reaches the device and is held there")
        // Each bundle queues all it has while a1 is in flight, one bundle after another: first come would serve
        // all of a's before any of b's.
        var queued: [Task<EntrySummary, any Error>] = []
        for (caller, session, names) in [
            (alice, a, ["a2", "a3", "a4"]), (bob, b, ["b1", "b2", "b3"]), (carol, c, ["c1", "c2", "c3"]),
        ] {
            for name in names {
                queued.append(Task { try await put(manager, caller, name, session: session) })
                try await waitForQueued(1 + queued.count, on: manager)
            }
        }
        device.open("sendFile")
        _ = try await first.value
        for task in queued { _ = try await task.value }

        XCTAssertEqual(
            device.calls(["sendFile"]),
            ["a1", "a2", "b1", "c1", "a3", "b2", "c2", "a4", "b3", "c3"].map { "sendFile \($0)" },
            "one file of each session in turn")
        try await waitForQueued(0, on: manager)
        await manager.shutdown()
    }

    func testAListingDuringABundleRunsRightAfterTheFileInFlight() async throws {
        let device = FakeDevice()
        device.addFile("song.mp3", in: device.addFolder("Music"), bytes: [1, 2, 3])
        let manager = await start(device)
        let bundle = try await begin(manager, alice)

        device.gate("sendFile")
        // A bundle client sends its files one after another, each when the last is done.
        let sending = Task {
            for name in ["a1", "a2", "a3"] { _ = try await put(manager, alice, name, session: bundle) }
        }
        let held = await device.waitUntilHeld()
        XCTAssertTrue(held)
        let listing = Task { try await manager.list(bob, device: serial, path: "/Music", storage: nil, session: nil) }
        try await waitForQueued(2, on: manager)
        device.open("sendFile")
        try await sending.value
        let listed = try await listing.value

        XCTAssertEqual(listed.map(\.name), ["song.mp3"])
        XCTAssertEqual(
            device.calls(["sendFile", "children"]).filter { $0 != "children /" },
            ["sendFile a1", "children Music", "sendFile a2", "sendFile a3"],
            "the listing waits for the file in flight only, not for the rest of the bundle")
        await manager.shutdown()
    }

    func testAnExclusiveSessionHoldsOthersBackUntilItEnds() async throws {
        let device = FakeDevice()
        device.addFolder("Music")
        let manager = await start(device)
        let holder = try await begin(manager, alice, exclusive: true)

        // Out of time behind the holder: DeviceBusy names it, to its own user; another user learns only that a
        // session of someone else's holds the device.
        await assertThrows(.deviceBusy(device: serial, session: holder, ahead: 0, message: nil)) {
            _ = try await manager.list(alice, device: serial, path: "/", storage: nil, session: nil, timeout: 0.2)
        }
        await assertThrows(.deviceBusy(device: serial, session: "*", ahead: 0, message: nil)) {
            _ = try await manager.list(bob, device: serial, path: "/", storage: nil, session: nil, timeout: 0.2)
        }
        await assertThrows(.deviceBusy(device: serial, session: "*", ahead: 0, message: nil)) {
            _ = try await manager.beginSession(
                caller: bob, device: serial, types: ["transferToDevice"], context: .init(), lease: nil, timeout: 0.2)
        }
        try await waitForQueued(0, on: manager)

        let waiting = Task { try await manager.list(bob, device: serial, path: "/Music", storage: nil, session: nil) }
        try await waitForQueued(1, on: manager)
        // The holder's own operations go ahead of the waiting one.
        _ = try await put(manager, alice, "mine", session: holder)
        XCTAssertEqual(device.calls(["sendFile", "children"]).filter { $0 != "children /" }, ["sendFile mine"])
        try await waitForQueued(1, on: manager)

        try await manager.endSession(caller: alice, session: holder, types: ["transferToDevice"])
        _ = try await waiting.value
        XCTAssertEqual(
            device.calls(["sendFile", "children"]).filter { $0 != "children /" }, ["sendFile mine", "children Music"],
            "the waiting listing ran once the holder ended")
        await manager.shutdown()
    }

    func testReservationsOfOpenSessionsCountAgainstTheFreeSpace() async throws {
        let device = FakeDevice(capacity: 1000)
        let manager = await start(device)
        let first = try await begin(manager, alice, expecting: 600)

        await assertThrows(.storeFull(device: serial, needed: 600, free: 400), "the second bundle would not fit") {
            _ = try await begin(manager, bob, expecting: 600)
        }
        await assertThrows(.storeFull(device: serial, needed: 500, free: 400), "nor may a single put count on it") {
            _ = try await put(manager, bob, "big", session: nil, bytes: 500)
        }
        XCTAssertEqual(device.calls(["sendFile"]), [], "refused before any byte moved")
        // The session's own files come out of its reservation, not out of what others may still have.
        _ = try await put(manager, alice, "mine", session: first, bytes: 500)
        _ = try await put(manager, bob, "small", session: nil, bytes: 400)
        XCTAssertEqual(device.free, 100)

        try await manager.endSession(caller: alice, session: first, types: ["transferToDevice"])
        await assertThrows(.storeFull(device: serial, needed: 600, free: 100), "the device's own free space still counts") {
            _ = try await begin(manager, bob, expecting: 600)
        }
        _ = try await begin(manager, bob, expecting: 100)
        await manager.shutdown()
    }

    func testAReservationEndsWithItsSessionAndThenAnotherFits() async throws {
        let device = FakeDevice(capacity: 1000)
        let manager = await start(device)
        let first = try await begin(manager, alice, expecting: 600)
        await assertThrows(.storeFull(device: serial, needed: 600, free: 400)) {
            _ = try await begin(manager, bob, expecting: 600)
        }
        try await manager.endSession(caller: alice, session: first, types: ["transferToDevice"])
        _ = try await begin(manager, bob, expecting: 600)
        await manager.shutdown()
    }

    func testAWaitingOperationWhoseClientWentAwayLeavesTheQueueWithoutRunning() async throws {
        let device = FakeDevice()
        device.addFolder("Music")
        let manager = await start(device)

        device.gate("sendFile")
        let inFlight = Task { try await put(manager, alice, "a1", session: nil) }
        let held = await device.waitUntilHeld()
        XCTAssertTrue(held)
        let gone = Task { try await manager.list(bob, device: serial, path: "/Music", storage: nil, session: nil) }
        try await waitForQueued(2, on: manager)

        gone.cancel()
        try await waitForQueued(1, on: manager)
        await assertThrows(.transferCancelled("queued operation")) { _ = try await gone.value }
        device.open("sendFile")
        _ = try await inFlight.value
        try await waitForQueued(0, on: manager)

        XCTAssertEqual(
            device.calls(["sendFile", "children"]).filter { $0 != "children /" }, ["sendFile a1"], "the listing never ran")
        await manager.shutdown()
    }

    /// Another user is told the session is not open, as for an id that never was: nothing says it exists.
    func testOnlyTheOwnerAndRootUseOrEndASession() async throws {
        let device = FakeDevice()
        let manager = await start(device)
        let session = try await begin(manager, alice)

        await assertThrows(.noSuchSession(session)) {
            _ = try await manager.list(bob, device: serial, path: "/", storage: nil, session: session)
        }
        await assertThrows(.noSuchSession(session)) {
            _ = try await put(manager, bob, "theirs", session: session)
        }
        await assertThrows(.noSuchSession(session)) {
            try await manager.endSession(caller: bob, session: session, types: ["transferToDevice"])
        }
        XCTAssertEqual(device.calls(["sendFile"]), [])
        let seenByBob = await manager.listDevices(for: bob), seenByAlice = await manager.listDevices(for: alice)
        XCTAssertEqual(seenByBob.first?.sessions, ["*"], "another user sees that a session is open, not which")
        XCTAssertEqual(seenByAlice.first?.sessions, [session])

        _ = try await put(manager, alice, "mine", session: session)
        _ = try await manager.list(root, device: serial, path: "/", storage: nil, session: session)
        try await manager.endSession(caller: root, session: session, types: ["transferToDevice"])
        await assertThrows(.noSuchSession(session)) {
            _ = try await manager.list(alice, device: serial, path: "/", storage: nil, session: session)
        }
        XCTAssertEqual(device.calls(["sendFile"]), ["sendFile mine"])
        await manager.shutdown()
    }
}

// MARK: Helpers

private let serial = "FAKE-1"
private let alice = Caller(uid: 1000, pid: 100)
private let bob = Caller(uid: 1001, pid: 200)
private let carol = Caller(uid: 1002, pid: 300)
private let root = Caller(uid: 0, pid: 1)

/// A manager with `device` attached (and opened once to learn its serial), at a made-up place on the bus.
private func start(_ device: FakeDevice) async -> SessionManager {
    let manager = SessionManager(
        configuration: .init(linger: 60, transferStallTimeout: nil, access: device.access),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    await manager.attached(
        AttachedDevice(bus: 1, address: 2, vendorID: 0x1209, productID: 0x0001, vendorName: "", productName: ""))
    return manager
}

private func begin(
    _ manager: SessionManager, _ caller: Caller, exclusive: Bool = false, expecting bytes: UInt64? = nil
) async throws -> String {
    try await manager.beginSession(
        caller: caller, device: serial, types: ["transferToDevice"], context: ProviderContext(expectedBytes: bytes),
        lease: nil, exclusive: exclusive
    ).session
}

/// A client's put of `bytes` bytes named `name` into the root, read from a pipe as a client's would be.
private func put(
    _ manager: SessionManager, _ caller: Caller, _ name: String, session: String?, bytes: Int = 16
) async throws -> EntrySummary {
    var ends: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&ends), 0)
    defer { close(ends[0]) }
    let payload = [UInt8](repeating: 0x5A, count: bytes)
    XCTAssertEqual(payload.withUnsafeBytes { write(ends[1], $0.baseAddress, bytes) }, bytes)
    close(ends[1])
    let request = PutRequest(
        folder: "/", name: name, fd: ends[0], fdIndex: 0, size: UInt64(bytes), overwrite: false, track: nil)
    return try await manager.put(caller, device: serial, request: request, storage: nil, session: session) { _ in }
}

/// Waits until the device's queue holds `count` operations (waiting or running), as ListDevices reports it.
private func waitForQueued(_ count: Int, on manager: SessionManager, file: StaticString = #filePath, line: UInt = #line)
    async throws
{
    let deadline = ContinuousClock.now + .seconds(10)
    var last: Int?
    while ContinuousClock.now < deadline {
        last = await manager.listDevices().first?.queued
        if last == count { return }
        await Task.yield()
    }
    XCTFail("the queue never held \(count) (last seen: \(last.map(String.init) ?? "no device"))", file: file, line: line)
    throw CancellationError()
}

/// Fails unless `body` throws exactly `expected`.
private func assertThrows(
    _ expected: ServiceError, _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        XCTFail("no error; expected \(expected). \(message)", file: file, line: line)
    } catch {
        XCTAssertEqual(error as? ServiceError, expected, message, file: file, line: line)
    }
}
