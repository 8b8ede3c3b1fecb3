import DedicatedThreads
import Glibc
@testable import SessionCore
import XCTest

/// An actor on a DeviceThreadExecutor: every job runs on its one dedicated thread, in order.
private actor Recorder {
    nonisolated let executor = DeviceThreadExecutor(name: "mtp-test-dev")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private(set) var order: [Int] = []
    private(set) var threadNames: Set<String> = []

    func record(_ n: Int) {
        order.append(n)
        threadNames.insert(Self.currentThreadName())
    }

    static func currentThreadName() -> String {
        let fd = open("/proc/thread-self/comm", O_RDONLY)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buffer, buffer.count)
        return String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

final class DeviceThreadExecutorTests: XCTestCase {
    func testJobsRunInOrderOnTheDevicesOwnThreadNeverThePool() async {
        let recorder = Recorder()
        for n in 0..<200 { await recorder.record(n) }
        let order = await recorder.order
        let names = await recorder.threadNames
        XCTAssertEqual(order, Array(0..<200))
        XCTAssertEqual(names, ["mtp-test-dev"])
        XCTAssertNotEqual(Recorder.currentThreadName(), "mtp-test-dev")
    }

    func testABlockedDeviceThreadDoesNotStallAnother() async throws {
        let slow = Recorder(), fast = Recorder()
        // Block the slow device's thread (as a hung libmtp call would) until the fast one has finished.
        let released = Expectation()
        slow.executor.enqueueBlocking { released.wait() }
        for n in 0..<10 { await fast.record(n) }
        let order = await fast.order
        XCTAssertEqual(order.count, 10)
        released.fulfil()
        await slow.record(1)
        let slowOrder = await slow.order
        XCTAssertEqual(slowOrder, [1])
    }

    /// A job that reaches the actor after its thread ended (a task still holding a device that left) runs on a
    /// thread started for it, instead of leaving its caller waiting for ever.
    func testAJobAfterShutdownStillRuns() async {
        let recorder = Recorder()
        await recorder.record(1)
        recorder.executor.shutdown()
        XCTAssertTrue(recorder.executor.waitUntilFinished(timeout: .seconds(30)))
        await recorder.record(2)
        let order = await recorder.order
        let names = await recorder.threadNames
        XCTAssertEqual(order, [1, 2])
        XCTAssertEqual(names, ["mtp-test-dev"])
    }

    /// Jobs queued between shutdown and the thread's end are run before it ends.
    func testShutdownDrainsWhatIsQueued() async {
        let recorder = Recorder()
        let released = Expectation()
        recorder.executor.enqueueBlocking { released.wait() }
        recorder.executor.shutdown()
        let ran = Expectation()
        recorder.executor.enqueueBlocking { ran.fulfil() }
        released.fulfil()
        ran.wait()
        XCTAssertTrue(recorder.executor.waitUntilFinished(timeout: .seconds(30)))
    }
}

/// A one-shot latch for the tests above, waited on by a device thread.
private final class Expectation: Sendable {
    private let done = ConditionBox(false)
    func wait() { done.withLock(waitingUntil: { $0 }) { _ in } }
    func fulfil() {
        done.withLock { $0 = true }
        done.broadcast()
    }
}
