import DedicatedThreads
@testable import SessionCore
import XCTest

final class ProgressReporterTests: XCTestCase {
    private final class Steps: Sendable {
        let list = LockedBox<[TransferProgress]>([])
        func append(_ p: TransferProgress) { list.withLock { $0.append(p) } }
        var all: [TransferProgress] { list.withLock { $0 } }
    }

    func testBeginThrottledStepsEnd() {
        let steps = Steps()
        let transfer = TransferRegistry().start(owner: 1000)
        var reporter = ProgressReporter(transfer: transfer, total: 100 << 20) { steps.append($0) }
        for done in stride(from: UInt64(0), through: 100 << 20, by: 16 << 10) { XCTAssertTrue(reporter.advance(done)) }
        reporter.end()
        let all = steps.all
        XCTAssertEqual(all.first?.phase, .begin)
        XCTAssertEqual(all.last?.phase, .end)
        XCTAssertEqual(all.last?.done, 100 << 20)
        let middle = all.dropFirst().dropLast()
        XCTAssertTrue((90...100).contains(middle.count), "about one step per percent, not per 16 KiB chunk: \(middle.count)")
        XCTAssertEqual(middle.map(\.done), middle.map(\.done).sorted())
        XCTAssertTrue(all.allSatisfy { $0.transfer == transfer.id })
    }

    func testCancelStopsAtTheNextStep() throws {
        let registry = TransferRegistry()
        let transfer = registry.start(owner: 1000)
        var reporter = ProgressReporter(transfer: transfer, total: 1000) { _ in }
        XCTAssertTrue(reporter.advance(10))
        XCTAssertEqual(registry.cancel(transfer.id, by: 1000), .cancelled(owner: 1000))
        XCTAssertFalse(reporter.advance(20))
        registry.finish(transfer)
        XCTAssertEqual(registry.cancel(transfer.id, by: 1000), .unknown)
    }
}
