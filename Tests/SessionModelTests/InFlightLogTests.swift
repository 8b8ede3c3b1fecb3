@testable import SessionModel
import XCTest

/// The in-flight journal's text: what a restarted daemon reads back must be what the dead one meant.
final class InFlightLogTests: XCTestCase {
    private let odd = InFlightObject(
        serial: "SN 1%", storage: 0x0001_0001, parent: 0, name: "a b\n%c.mp3",
        finalName: "Müsik \u{7F}", size: 1 << 40)

    func testBegunAndAcceptedObjectsReadBackWithTheirHandles() {
        var log = InFlightLog()
        let first = log.begin(odd)
        let second = log.begin(InFlightObject(serial: "X", storage: 2, parent: 7, name: "", finalName: "", size: 0))
        let third = log.begin(odd)
        let text = first.line + log.accepted(first.id, handle: 42)! + second.line + third.line + log.end(third.id)!
        let read = InFlightLog(text: text[...])
        var expected = odd
        expected.handle = 42
        XCTAssertEqual(read.pending[first.id], expected)
        XCTAssertEqual(read.pending[second.id]?.name, "", "an empty name survives")
        XCTAssertNil(read.pending[third.id], "an ended object is not pending")
        XCTAssertEqual(read.nextID, third.id + 1, "ids are never reused")
        XCTAssertFalse(text.dropLast().contains("\n\n"), "one line per event")
        XCTAssertEqual(text.split(separator: "\n").count, 5, "a name's newline is encoded, not written")
    }

    /// The folder's path finds the folder again on a device that renumbers its objects; a journal written before
    /// paths were kept still reads, without one.
    func testTheFolderPathReadsBackAndOlderLinesStillRead() {
        var log = InFlightLog()
        var withFolder = odd
        withFolder.folder = "/Music/Ä b%/\n"
        let begun = log.begin(withFolder)
        XCTAssertEqual(InFlightLog(text: begun.line[...]).pending[begun.id], withFolder)
        XCTAssertEqual(begun.line.split(separator: " ").count, 9)
        XCTAssertEqual(InFlightLog(text: "begin 4 S 1 0 10 a.mp3 a.mp3\n").pending[4]?.folder, nil)
        XCTAssertEqual(InFlightLog(text: "begin 4 S 1 0 10 a.mp3 a.mp3 %2FMusic\n").pending[4]?.folder, "/Music")
        XCTAssertNil(InFlightLog(text: "begin 4 S 1 0 10 a.mp3 a.mp3 %ZZ\n").pending[4], "a folder not understood is no record")
    }

    func testALineCutShortByACrashIsIgnored() {
        var log = InFlightLog()
        let begun = log.begin(odd)
        let handle = log.accepted(begun.id, handle: 9)!
        let cut = begun.line + handle.dropLast(2)  // "handle 1 " without its newline: the write was cut.
        XCTAssertNil(InFlightLog(text: cut[...]).pending[begun.id]?.handle)
        XCTAssertNotNil(InFlightLog(text: cut[...]).pending[begun.id])
        XCTAssertNil(InFlightLog(text: begun.line.dropLast()).pending[begun.id], "a begin without its newline never happened")
    }

    func testLinesNotUnderstoodAreSkipped() {
        var log = InFlightLog()
        let begun = log.begin(odd)
        let text = "garbage\nbegin x\nbegin 5 s 1 2 3 %ZZ n\nhandle 77 1\nend\n" + begun.line
        let read = InFlightLog(text: text[...])
        XCTAssertEqual(Array(read.pending.keys), [begun.id])
    }

    func testCompactedTextHoldsOnlyWhatIsPending() {
        var log = InFlightLog()
        let a = log.begin(odd)
        let b = log.begin(odd)
        _ = log.accepted(b.id, handle: 3)
        _ = log.end(a.id)
        let read = InFlightLog(text: log.compacted[...])
        XCTAssertEqual(read.pending, log.pending)
        XCTAssertEqual(read.pending[b.id]?.handle, 3)
        XCTAssertEqual(InFlightLog().compacted, "")
    }

    func testEndingOrAcceptingAnUnknownIdWritesNothing() {
        var log = InFlightLog()
        XCTAssertNil(log.end(1))
        XCTAssertNil(log.accepted(1, handle: 2))
    }

    func testEncodingRoundTripsEveryByteAndRejectsBadEscapes() {
        for s in ["", "%", " ", "a%20b", "\u{1F600}", "tab\there", "x\u{0}y"] {
            XCTAssertEqual(InFlightLog.decode(InFlightLog.encode(s)[...]), s)
            XCTAssertFalse(InFlightLog.encode(s).contains(" "))
        }
        XCTAssertNil(InFlightLog.decode("%4"))
        XCTAssertNil(InFlightLog.decode("%G0"))
        XCTAssertNil(InFlightLog.decode("%FF"), "not UTF-8")
    }
}
