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
}

/// A one-shot latch for the test above, waited on by a device thread.
private final class Expectation: @unchecked Sendable {
    private var done = false
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    init() { pthread_mutex_init(&mutex, nil); pthread_cond_init(&cond, nil) }
    func wait() { pthread_mutex_lock(&mutex); while !done { pthread_cond_wait(&cond, &mutex) }; pthread_mutex_unlock(&mutex) }
    func fulfil() { pthread_mutex_lock(&mutex); done = true; pthread_cond_broadcast(&cond); pthread_mutex_unlock(&mutex) }
}
