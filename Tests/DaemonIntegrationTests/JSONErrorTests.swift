import Foundation
import IntegrationSupport
import XCTest

/// `mtpctl --json` reports every kind of error as one JSON object on stdout, like every other line, with
/// the error's name, parameters, message and exit status, and nothing on stderr; each provoked for real
/// against the daemon under the virtual player.
final class JSONErrorTests: XCTestCase {
    func testEveryKindOfErrorIsOneJSONObjectOnStdout() throws {
        let d = try DaemonFixture { storage in
            try FileManager.default.createDirectory(
                at: storage.appendingPathComponent("Music"), withIntermediateDirectories: true)
            try Data("preloaded\n".utf8).write(to: storage.appendingPathComponent("Music/readme.txt"))
        }
        let local = d.sim.root.appendingPathComponent("readme.txt")
        try Data("local\n".utf8).write(to: local)
        let manager = "org.mtpsessiond.Manager."

        // The device's errors, each with the parameters the interface declares.
        try expect(d, ["stat", ":/nope"], manager + "NotFound", 1, ["device": d.serial, "path": "/nope"])
        try expect(
            d, ["put", local.path, ":/Music"], manager + "AlreadyExists", 1, ["device": d.serial, "path": "/Music/readme.txt"])
        try expect(d, ["rm", ":/Music"], manager + "FolderNotEmpty", 1, ["device": d.serial, "path": "/Music"])
        try expect(d, ["stat", "NOSUCHSERIAL:/x"], manager + "NoSuchDevice", 1, ["device": "NOSUCHSERIAL"])
        try expect(d, ["ls", "--session", "s999", ":/"], manager + "NoSuchSession", 1, ["session": "s999"])
        try expect(d, ["cancel", "t999"], manager + "NoSuchTransfer", 1, ["transfer": "t999"])
        try expect(d, ["session", "begin", "--types", "bogus"], manager + "InvalidSessionType", 64, ["type": "bogus"])
        // A parameter the varlink service refuses (the lease is 1 s to a day).
        try expect(
            d, ["session", "begin", "--lease", "0"], "org.varlink.service.InvalidParameter", 64, ["parameter": "leaseSeconds"])

        // An exclusive session: others wait, and are busy when their time runs out; ending it with other types
        // is a mismatch.
        let session = try d.ctlOK(["session", "begin", "--exclusive", "--types", "delete"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        try expect(d, ["ls", "--timeout", "0", ":/"], manager + "DeviceBusy", 75, ["device": d.serial, "session": session])
        try expect(
            d, ["session", "end", "--types", "custom", session], manager + "SessionTypeMismatch", 1,
            ["session": session, "began": ["delete"], "given": ["custom"]])
        try d.ctlOK(["session", "end", "--types", "delete", session])

        // mtpctl's own: usage, a local file, no daemon.
        try expect(d, ["put", "--name", "x", local.path, local.path, ":/Music"], "mtpctl.Usage", 64, [:])
        try expect(d, ["put", d.sim.root.appendingPathComponent("absent").path, ":/Music"], "mtpctl.LocalFile", 74, [:])
        let nobody = try runCommand(
            Binaries.mtpctl, ["--socket", d.sim.root.appendingPathComponent("none.sock").path, "--json", "devices"])
        try check(nobody, ["devices"], "mtpctl.DaemonUnreachable", 69, [:])

        // A get to stdout keeps stdout for the file's data: the JSON error goes to stderr.
        let toStdout = try d.ctl(["--json", "get", ":/nope", "-"])
        XCTAssertEqual(toStdout.status, 1, toStdout.combined)
        XCTAssertEqual(toStdout.stdout, "")
        let error = try JSONSerialization.jsonObject(with: Data(toStdout.stderr.utf8)) as? [String: Any]
        XCTAssertEqual(error?["error"] as? String, manager + "NotFound", toStdout.stderr)

        // Without --json the same error stays words on stderr.
        let plain = try d.ctl(["stat", ":/nope"])
        XCTAssertEqual(plain.status, 1)
        XCTAssertEqual(plain.stdout, "")
        XCTAssertTrue(plain.stderr.hasPrefix("mtpctl: no such file or folder: "), plain.stderr)
    }

    private func expect(
        _ d: DaemonFixture, _ arguments: [String], _ name: String, _ status: Int32, _ parameters: [String: Any],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try check(try d.ctl(["--json"] + arguments), arguments, name, status, parameters, file: file, line: line)
    }

    private func check(
        _ r: CommandResult, _ arguments: [String], _ name: String, _ status: Int32, _ parameters: [String: Any],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let what = "mtpctl --json \(arguments.joined(separator: " "))"
        XCTAssertEqual(r.status, status, "\(what): \(r.combined)", file: file, line: line)
        XCTAssertEqual(r.stderr, "", "\(what): nothing on stderr", file: file, line: line)
        let lines = r.stdout.split(separator: "\n")
        guard let last = lines.last,
            let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        else {
            return XCTFail("\(what): no JSON object on stdout: \(r.stdout)", file: file, line: line)
        }
        XCTAssertEqual(object["error"] as? String, name, what, file: file, line: line)
        XCTAssertEqual(object["exitCode"] as? Int, Int(status), what, file: file, line: line)
        XCTAssertFalse((object["message"] as? String ?? "").isEmpty, "\(what): a message", file: file, line: line)
        let sent = object["parameters"] as? [String: Any] ?? [:]
        if parameters.isEmpty { XCTAssertTrue(sent.isEmpty, "\(what): \(sent)", file: file, line: line) }
        for (key, value) in parameters {
            if let strings = value as? [String] {
                XCTAssertEqual(sent[key] as? [String], strings, "\(what): parameter \(key)", file: file, line: line)
            } else {
                XCTAssertEqual(sent[key] as? String, value as? String, "\(what): parameter \(key)", file: file, line: line)
            }
        }
        for line in lines {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "\(what): \(line) is JSON")
        }
    }
}
