import DedicatedThreads
import Logging
@testable import SessionCore
import XCTest

/// Transfers belong to the uid that started them: ids no one can guess, and Cancel only by that uid or root,
/// refused to anyone else exactly as for an id that is not running.
final class TransferRegistryTests: XCTestCase {
    func testIdsAreSixteenRandomHexDigitsAndNeverRepeat() {
        let registry = TransferRegistry()
        let handles = (0..<1000).map { _ in registry.start(owner: 1000) }
        let ids = handles.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count, "unique among the running")
        for id in ids {
            XCTAssertEqual(id.count, 17, id)
            XCTAssertTrue(id.hasPrefix("t"), id)
            XCTAssertNotNil(UInt64(id.dropFirst(), radix: 16), id)
        }
        // Sequential or narrow ids would share their high digits; 1000 draws of 64 random bits all but never do.
        XCTAssertGreaterThan(Set(ids.map { $0.dropFirst().prefix(4) }).count, 900, "the high digits vary too")
        XCTAssertEqual(TransferRegistry.id(0), "t0000000000000000", "padded to one length")
        XCTAssertEqual(TransferRegistry.id(.max), "tffffffffffffffff")
    }

    func testTheOwnerAndRootMayCancelAndNoOneElse() {
        let registry = TransferRegistry()
        let mine = registry.start(owner: 1000), other = registry.start(owner: 1000)
        XCTAssertEqual(registry.cancel(mine.id, by: 1001), .notOwner(owner: 1000))
        XCTAssertFalse(mine.isCancelled, "a refused cancel leaves the transfer running")
        XCTAssertEqual(registry.cancel(mine.id, by: 1000), .cancelled(owner: 1000))
        XCTAssertTrue(mine.isCancelled)
        XCTAssertEqual(registry.cancel(other.id, by: 0), .cancelled(owner: 1000), "root may cancel anyone's")
        XCTAssertTrue(other.isCancelled)
        XCTAssertEqual(registry.cancel("t0000000000000001", by: 0), .unknown)
    }

    func testAnotherUsersCancelAnswersAsForAnUnknownIdAndIsLogged() throws {
        let log = CapturedLog()
        let manager = SessionManager(
            configuration: .init(), logger: Logger(label: "test") { _ in log })
        let handle = manager.transfers.start(owner: 1000)
        let unknown = "t0000000000000001"
        XCTAssertThrowsError(try manager.cancel(transfer: handle.id, by: Caller(uid: 1001, pid: 4242))) {
            XCTAssertEqual($0 as? ServiceError, .noSuchTransfer(handle.id))
        }
        XCTAssertThrowsError(try manager.cancel(transfer: unknown, by: Caller(uid: 1001, pid: 4242))) {
            XCTAssertEqual($0 as? ServiceError, .noSuchTransfer(unknown), "the same answer: nothing tells the two apart")
        }
        XCTAssertFalse(handle.isCancelled)
        let refused = try XCTUnwrap(log.entries.first { $0.level == .notice })
        XCTAssertTrue(refused.message.contains("refused"), refused.message)
        XCTAssertEqual(refused.metadata["uid"], "1001")
        XCTAssertEqual(refused.metadata["pid"], "4242")
        XCTAssertEqual(refused.metadata["owner"], "1000")

        try manager.cancel(transfer: handle.id, by: Caller(uid: 1000, pid: 77))
        XCTAssertTrue(handle.isCancelled)
        let done = try XCTUnwrap(log.entries.last)
        XCTAssertEqual(done.level, .notice)
        XCTAssertEqual(done.metadata["uid"], "1000")
        XCTAssertEqual(done.metadata["pid"], "77")
        XCTAssertEqual(done.metadata["transfer"], "\(handle.id)")
    }
}

/// Every log entry, for a test to read.
private struct CapturedLog: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }
    private let box = LockedBox<[Entry]>([])
    var entries: [Entry] { box.withLock { $0 } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        box.withLock {
            $0.append(Entry(level: level, message: "\(message)", metadata: self.metadata.merging(metadata ?? [:]) { $1 }))
        }
    }
}
