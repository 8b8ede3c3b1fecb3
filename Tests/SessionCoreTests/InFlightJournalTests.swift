import Foundation
@testable import SessionCore
import SessionModel
import XCTest

/// The journal file: what one run notes, the next run reads; emptied when nothing is in flight.
final class InFlightJournalTests: XCTestCase {
    private let object = InFlightObject(
        serial: "SN1", storage: 0x0001_0001, parent: 0xFFFF_FFFF, name: "a.mp3",
        finalName: "a.mp3", size: 1000)

    func testARestartReadsWhatWasInFlightAndAnEmptyJournalIsEmpty() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID())/state").path
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let first = try InFlightJournal(directory: directory)
        let settled = try first.begin(object)
        let left = try first.begin(object)
        try first.accepted(left, handle: 42)
        try first.end(settled)

        let restarted = try InFlightJournal(directory: directory)
        var expected = object
        expected.handle = 42
        XCTAssertEqual(restarted.pending(serial: "SN1").map(\.object), [expected])
        XCTAssertEqual(restarted.pending(serial: "other").count, 0)
        try restarted.end(left)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: restarted.path)[.size] as? NSNumber)?.intValue, 0)
    }

    func testARelativeDirectoryIsMadeWhereItSays() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID())")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(base.path))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let journal = try InFlightJournal(directory: "state/mtpsessiond")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: base.appendingPathComponent("state/mtpsessiond/in-flight").path),
            "created under the working directory, at \(journal.path)")
    }
}
