import Foundation
import ManagerContract
@testable import MTPCtlKit
import Varlink
import XCTest

/// The one table from the daemon's errors to mtpctl's words and exit statuses, and how an error is printed
/// with --json: for every error, including those that cannot be provoked end to end (DeviceGone, StoreFull…).
final class ErrorMessagesTests: XCTestCase {
    static let samples: [Manager.Error] = [
        .noSuchDevice(device: "X", attached: ["A", "B"]), .noSuchDevice(device: "", attached: []),
        .ambiguousDevice(device: "A", candidates: ["AB", "AC"]), .noSuchSession(session: "s1"), .notSessionOwner(session: "s1"),
        .sessionTypeMismatch(session: "s1", began: ["delete"], given: ["custom"]), .invalidSessionType(type: "bogus"),
        .deviceBusy(device: "A", session: "*", ahead: 1, message: nil),
        .deviceBusy(device: "A", session: nil, ahead: 3, message: nil),
        .deviceBusy(device: "A", session: nil, ahead: nil, message: "the device stayed busy"), .notFound(device: "A", path: "/x"),
        .alreadyExists(device: "A", path: "/x"), .notAFolder(device: "A", path: "/x"), .folderNotEmpty(device: "A", path: "/x"),
        .invalidName(name: "a/b", reason: "slash"), .invalidPath(path: "x", reason: "relative"),
        .noSuchStorage(device: "A", storage: 7),
        .storeFull(device: "A", needed: 10, free: 5), .storeFull(device: "A", needed: 10, free: 50),
        .badFileDescriptor(fd: 1, reason: "none"), .transferCancelled(transfer: "t1"), .noSuchTransfer(transfer: "t1"),
        .notSupported(device: "A", operation: "move"),
        .partiallyDeleted(device: "A", path: "/x", remaining: (1...12).map { "/x/\($0)" }, message: "refused"),
        .deviceGone(device: "A"), .deviceReset(device: "A", message: "timeout"),
        .deviceError(
            device: "A", function: "LIBMTP_Send_File_From_File_Descriptor", message: "io", responseCode: 0x2002, errno: 5),
        .teardownFailed(session: "s1", component: "cache", message: "m"),
        .limitReached(limit: "connectionsPerUID", value: 128, fix: "close some"),
    ]

    /// The statuses mtpctl has always given: a script's `case $?` keeps working.
    static let statuses: [Manager.Error.Name: Int32] = [.invalidSessionType: 64, .deviceBusy: 75, .limitReached: 75]

    func testEveryErrorHasItsStatusAndAMessageNamingWhatItConcerns() {
        XCTAssertEqual(Set(Self.samples.map(\.name)), Set(Manager.Error.Name.allCases), "a sample of every error")
        for error in Self.samples {
            let failure = MTPCtlError.daemon(error)
            XCTAssertEqual(failure.exitStatus, Self.statuses[error.name] ?? 1, "\(error.name)")
            XCTAssertFalse(failure.description.isEmpty)
            XCTAssertFalse(failure.description.contains("?"), "\(error.name): every field is known: \(failure.description)")
        }
        XCTAssertEqual(MTPCtlError.daemon(.notFound(device: "A", path: "/x")).description, "no such file or folder: A:/x")
        XCTAssertEqual(
            MTPCtlError.daemon(.deviceBusy(device: "A", session: "*", ahead: 1, message: nil)).description,
            "device A is held by another user's exclusive session; try again when it ends, or wait longer with `--timeout SECONDS`"
        )
        XCTAssertEqual(
            MTPCtlError.daemon(.deviceBusy(device: "A", session: nil, ahead: 3, message: nil)).description,
            "device A is busy: 3 operations still ahead when the time ran out; wait longer with `--timeout SECONDS`")
        XCTAssertTrue(
            MTPCtlError.daemon(.storeFull(device: "A", needed: 10, free: 50)).description.contains(
                "though it reports 50 bytes free"))
        XCTAssertTrue(
            MTPCtlError.daemon(.deviceError(device: "A", function: "f", message: "m", responseCode: 0x2002, errno: nil))
                .description.contains("MTP response 0x2002"))
        XCTAssertTrue(
            MTPCtlError.daemon(.partiallyDeleted(device: "A", path: "/x", remaining: (1...12).map { "/x/\($0)" }, message: "m"))
                .description.contains("12 object(s) (m): /x/1, /x/2, /x/3, /x/4, /x/5, /x/6, /x/7, /x/8, /x/9, /x/10, …"))
        XCTAssertTrue(
            MTPCtlError.daemon(.limitReached(limit: "stallSeconds", value: 30, fix: "send whole messages"))
                .description.hasSuffix("send whole messages (mtpsessiond --stall-timeout)"))
    }

    func testWithJSONEveryErrorIsItsNameParametersMessageAndStatus() throws {
        for error in Self.samples {
            let failure = MTPCtlError.daemon(error)
            let object = try XCTUnwrap(failure.json.objectValue)
            XCTAssertEqual(object["error"], .string("org.mtpsessiond.Manager." + error.name.rawValue))
            XCTAssertEqual(object["parameters"], .object(error.parameters))
            XCTAssertEqual(object["message"], .string(failure.description))
            XCTAssertEqual(object["exitCode"], .int(Int64(failure.exitStatus)))
            // One line, as every --json line is.
            XCTAssertFalse(failure.json.serializedText.contains("\n"))
        }
        let own: [(MTPCtlError, String, Int64)] = [
            (.usage("u"), "mtpctl.Usage", 64), (.daemonUnreachable("d"), "mtpctl.DaemonUnreachable", 69),
            (.failed("f"), "mtpctl.Failed", 1), (.localFile("l"), "mtpctl.LocalFile", 74),
            (.varlink(.invalidParameter("leaseSeconds")), "org.varlink.service.InvalidParameter", 64),
            (.varlink(.methodNotImplemented("x")), "org.varlink.service.MethodNotImplemented", 1),
        ]
        for (failure, name, status) in own {
            let object = try XCTUnwrap(failure.json.objectValue)
            XCTAssertEqual(object["error"], .string(name))
            XCTAssertEqual(object["exitCode"], .int(status))
            XCTAssertEqual(object["message"], .string(failure.description))
        }
        XCTAssertEqual(
            MTPCtlError.varlink(.invalidParameter("leaseSeconds")).description, "the daemon refused parameter 'leaseSeconds'")
    }

    /// The daemon's error replies are read as the contract's errors, never by their text.
    func testAnErrorReplyIsReadAsTheContractsError() {
        for error in Self.samples { XCTAssertEqual(Manager.Error(error.varlinkError), error) }
    }

    /// README.md's table and `--help` say what the table does.
    func testTheREADMEAndHelpListEachErrorUnderItsStatus() throws {
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        var rows: [Int32: String] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2, let status = Int32(cells[0]) { rows[status] = cells[1] }
        }
        for name in Manager.Error.Name.allCases {
            let row = rows[ErrorMessages.exitStatus(name)] ?? ""
            let words = row.split { !$0.isLetter }.map(String.init)
            XCTAssertTrue(
                words.contains(name.rawValue), "README lists \(name.rawValue) under exit \(ErrorMessages.exitStatus(name))")
        }
        let help = ErrorMessages.exitStatusHelp
        XCTAssertTrue(help.contains("75  busy, try again later: DeviceBusy, LimitReached"), help)
        XCTAssertTrue(help.contains("InvalidSessionType"), help)
    }
}
