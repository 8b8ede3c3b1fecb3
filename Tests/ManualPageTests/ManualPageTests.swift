import Foundation
import IntegrationSupport
import XCTest

/// The committed man pages (docs/man) against the built programs: each page is what docs/man/manpage.py
/// writes from its template and its program's parser, every option the parser takes is on the page, groff
/// and man render the pages without a warning, and the three programs report the one version.
final class ManualPageTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    private static let pages = [
        ("mtpctl", "docs/man/mtpctl.1"), ("mtpsessiond", "docs/man/mtpsessiond.8"), ("mtpsim", "docs/man/mtpsim.1"),
    ]

    private func page(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    func testEachPageIsWhatItsTemplateAndParserMake() throws {
        let r = try runCommand(
            "/usr/bin/env",
            [
                "python3", Self.root.appendingPathComponent("docs/man/manpage.py").path, "--check",
                Binaries.directory,
            ])
        XCTAssertEqual(r.status, 0, "run docs/man/manpage.py \(Binaries.directory) and commit the pages: \(r.combined)")
    }

    func testEveryArgumentTheParsersTakeIsOnItsPage() throws {
        for (program, path) in Self.pages {
            let text = try page(path)
            let r = try runCommand(Binaries.directory + "/" + program, ["--experimental-dump-help"])
            XCTAssertEqual(r.status, 0, r.combined)
            let info = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let wanted = Self.spellings(info["command"] as! [String: Any])
            XCTAssertGreaterThan(
                wanted.count, program == "mtpsessiond" ? 12 : 20, "\(program): the walk found the parser's arguments")
            XCTAssertEqual(wanted.filter { !Self.page(text, mentions: $0) }, [], "\(path) lacks these of \(program)'s arguments")
        }
        // The check itself can fail: an option no program has is not found.
        XCTAssertFalse(Self.page(try page("docs/man/mtpctl.1"), mentions: #"\-\-no\-such\-option"#))
        XCTAssertFalse(
            Self.page(#"\fB\-\-sessions\fR"#, mentions: #"\-\-session"#), "a longer option does not stand for a shorter one")
    }

    func testGroffAndManRenderEveryPageWithoutAWarning() throws {
        for (tool, package) in [("/usr/bin/groff", "groff-base"), ("/usr/bin/man", "man-db")] {
            guard FileManager.default.isExecutableFile(atPath: tool) else {
                return XCTFail("\(tool) is missing: install \(package)")
            }
        }
        for (_, path) in Self.pages {
            let file = Self.root.appendingPathComponent(path).path
            let groff = try runCommand("/usr/bin/groff", ["-ww", "-z", "-man", "-Tutf8", file])
            XCTAssertEqual(groff.status, 0, groff.combined)
            XCTAssertEqual(groff.stderr, "", "groff -ww on \(path)")
            let man = try runCommand(
                "/usr/bin/man", ["--warnings", "-l", file], environment: ["MANWIDTH": "80", "MAN_DISABLE_SECCOMP": "1"])
            XCTAssertEqual(man.status, 0, man.combined)
            XCTAssertEqual(man.stderr, "", "man --warnings -l \(path)")
            XCTAssertTrue(
                man.stdout.contains("EXIT STATUS") || path.hasSuffix("mtpsim.1"), "\(path) rendered: \(man.stdout.prefix(200))")
        }
        // groff does report what the pages must not have.
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(getpid()).1")
        try Data(".TH BROKEN 1\n.SH NAME\nbroken \\- a page\n.XX undefined macro\n\\*[nostring]\n".utf8).write(to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        XCTAssertNotEqual(try runCommand("/usr/bin/groff", ["-ww", "-z", "-man", broken.path]).stderr, "")
    }

    func testTheProgramsAndPagesReportTheOneVersion() throws {
        let source = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/ProductVersion/ProductVersion.swift"), encoding: .utf8)
        let literal = try XCTUnwrap(
            source.split(separator: "\n").first { $0.contains("static let string") }?.split(separator: "\"").dropFirst().first)
        XCTAssertNotNil(literal.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+/), "a release number: \(literal)")
        for (program, path) in Self.pages {
            let r = try runCommand(Binaries.directory + "/" + program, ["--version"])
            XCTAssertEqual(r.status, 0, r.combined)
            XCTAssertEqual(r.stdout, String(literal), "\(program) --version")
            XCTAssertTrue(try page(path).contains("\"mtpsessiond \(literal)\""), "\(path)'s .TH names \(literal)")
        }
        // What the daemon tells varlink clients is checked against it in DaemonIntegrationTests (VersionTests).
    }

    /// How the page spells each argument the parser shows: `\-\-name` and `\-x` for options and flags,
    /// `\fINAME\fR` for positionals; the help command's are left out.
    private static func spellings(_ command: [String: Any]) -> Set<String> {
        var found: Set<String> = []
        for case let argument as [String: Any] in command["arguments"] as? [Any] ?? []
        where argument["shouldDisplay"] as? Bool ?? true {
            let names = argument["names"] as? [[String: String]] ?? []
            if names.isEmpty, let value = argument["valueName"] as? String {
                found.insert(#"\fI"# + value.uppercased() + #"\fR"#)
            }
            for name in names {
                let dashes = name["kind"] == "long" ? "--" : "-"
                found.insert((dashes + name["name"]!).replacingOccurrences(of: "-", with: #"\-"#))
            }
        }
        for case let sub as [String: Any] in command["subcommands"] as? [Any] ?? [] where sub["commandName"] as? String != "help"
        {
            found.formUnion(spellings(sub))
        }
        return found
    }

    /// Whether `text` has `spelling` as a whole option or argument, not as the start of a longer one.
    private static func page(_ text: String, mentions spelling: String) -> Bool {
        var rest = text[...]
        while let range = rest.range(of: spelling) {
            let after = rest[range.upperBound...]
            if after.first.map({ !($0.isLetter || $0.isNumber) && !after.hasPrefix(#"\-"#) }) ?? true { return true }
            rest = after
        }
        return false
    }
}
