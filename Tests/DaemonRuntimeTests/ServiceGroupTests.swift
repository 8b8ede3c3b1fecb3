import DaemonRuntime
import Logging
import XCTest

/// The order a ServiceGroup starts and stops its services in, with services that only record what happens.
final class ServiceGroupTests: XCTestCase {
    /// What the services did, in order.
    final class Journal: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func note(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Failure: Error {}

    struct Recorder: Service {
        let name: String
        let journal: Journal
        var fails = false
        /// Finished when its stop may return; nil returns at once.
        var stopGate: AsyncStream<Void>?
        /// Told when its stop has begun.
        var stopBegan: AsyncStream<Void>.Continuation?

        func start() async throws {
            journal.note("start \(name)")
            if fails { throw Failure() }
        }

        func stop() async {
            journal.note("stop \(name) begins")
            stopBegan?.yield()
            if let stopGate { for await _ in stopGate {} }
            journal.note("stop \(name) ends")
        }
    }

    private let logger = Logger(label: "test")

    func testServicesStartInOrderAndStopInReverseEachStopAwaited() async throws {
        let journal = Journal()
        let group = ServiceGroup(["manager", "watcher", "server"].map { Recorder(name: $0, journal: journal) }, logger: logger)
        try await group.start()
        let running = await group.states
        XCTAssertEqual(running, [.running, .running, .running])
        await group.stop()
        XCTAssertEqual(
            journal.all,
            [
                "start manager", "start watcher", "start server",
                "stop server begins", "stop server ends", "stop watcher begins", "stop watcher ends",
                "stop manager begins", "stop manager ends",
            ])
        let stopped = await group.states
        XCTAssertEqual(stopped, [.stopped, .stopped, .stopped])
    }

    func testAFailedStartStopsWhatStartedInReverseAndStartsNothingAfter() async {
        let journal = Journal()
        let group = ServiceGroup(
            [
                Recorder(name: "a", journal: journal), Recorder(name: "b", journal: journal),
                Recorder(name: "c", journal: journal, fails: true), Recorder(name: "d", journal: journal),
            ],
            logger: logger)
        do {
            try await group.start()
            XCTFail("the group's start throws its service's error")
        } catch {
            XCTAssertTrue(error is Failure)
        }
        XCTAssertEqual(
            journal.all, ["start a", "start b", "start c", "stop b begins", "stop b ends", "stop a begins", "stop a ends"])
        let states = await group.states
        XCTAssertEqual(states, [.stopped, .stopped, .stopped, .stopped])
        await group.stop()
        XCTAssertEqual(journal.all.count, 7, "nothing is stopped twice")
    }

    func testASecondStopReturnsOnlyWhenTheFirstHasFinished() async throws {
        let journal = Journal()
        let (gate, release) = AsyncStream<Void>.makeStream()
        let (began, tell) = AsyncStream<Void>.makeStream()
        let group = ServiceGroup(
            [
                Recorder(name: "a", journal: journal),
                Recorder(name: "b", journal: journal, stopGate: gate, stopBegan: tell),
            ], logger: logger)
        try await group.start()
        let first = Task {
            await group.stop(); journal.note("first stop returned")
        }
        // The first stop is under way once b's stop has begun (it waits on the gate).
        for await _ in began { break }
        let second = Task {
            await group.stop(); journal.note("second stop returned")
        }
        release.finish()
        await first.value
        await second.value
        let lines = journal.all
        let aEnds = try XCTUnwrap(lines.firstIndex(of: "stop a ends"))
        XCTAssertLessThan(
            aEnds, try XCTUnwrap(lines.firstIndex(of: "second stop returned")), "the second stop waited for the whole first one")
        XCTAssertEqual(lines.filter { $0.hasPrefix("stop a begins") }.count, 1)
    }

    func testAStopBeforeTheStartMeansNothingStarts() async throws {
        let journal = Journal()
        let group = ServiceGroup([Recorder(name: "a", journal: journal)], logger: logger)
        await group.stop()
        try await group.start()
        XCTAssertEqual(journal.all, [])
    }
}
