#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import MTPCtlKit
import SystemCalls
import XCTest

/// A device tree for completion, in memory, that records what was asked.
private final class TableSource: Completion.Source {
    let devices: [String]
    let folders: [String: [Completion.Entry]]
    private(set) var listed: [String] = []

    init(devices: [String], folders: [String: [Completion.Entry]]) { self.devices = devices; self.folders = folders }

    func serials() -> [String] { devices }
    func list(device: String, path: String) -> [Completion.Entry] {
        listed.append("\(device):\(path)")
        return folders[path] ?? []
    }
}

final class CompletionTests: XCTestCase {
    private let source = TableSource(
        devices: ["MTPSIM0001", "MTPSIM0002", "R58M"],
        folders: [
            "/": [
                .init(name: "Music", isFolder: true), .init(name: "Movies", isFolder: true),
                .init(name: "notes.txt", isFolder: false),
            ],
            "/Music": [.init(name: "Album One", isFolder: true), .init(name: "a.mp3", isFolder: false)],
        ])
    private let noLocalFiles: (String) -> [Completion.Entry] = { _ in [] }

    private func remote(_ typed: String, folders: Bool = false) -> [String] {
        Completion.candidates(folders ? .remoteFolder : .remotePath, typed: typed, source: source, localFolder: noLocalFiles)
    }

    func testAWordWithoutColonOrSlashCompletesSerialsWithTheirColon() {
        XCTAssertEqual(remote(""), ["MTPSIM0001:", "MTPSIM0002:", "R58M:"])
        XCTAssertEqual(remote("MTPSIM"), ["MTPSIM0001:", "MTPSIM0002:"])
        XCTAssertEqual(remote("X"), [])
        XCTAssertEqual(source.listed, [], "naming a device lists no folder")
    }

    func testTheOnlyDeviceRootListsItsEntriesWithFoldersMarked() {
        XCTAssertEqual(remote(":/"), [":/Movies/", ":/Music/", ":/notes.txt"])
        XCTAssertEqual(remote(":"), [":Movies/", ":Music/", ":notes.txt"], "a path after the colon may leave out its first /")
        XCTAssertEqual(source.listed, [":/", ":/"])
    }

    func testANamedDeviceAndASubfolderKeepWhatWasTyped() {
        XCTAssertEqual(remote("MTPSIM0002:/Music/"), ["MTPSIM0002:/Music/Album One/", "MTPSIM0002:/Music/a.mp3"])
        XCTAssertEqual(remote("MTPSIM0002:/Music/Al"), ["MTPSIM0002:/Music/Album One/"])
        XCTAssertEqual(remote("MTPSIM0002:/Mu"), ["MTPSIM0002:/Music/"])
        XCTAssertEqual(source.listed, ["MTPSIM0002:/Music", "MTPSIM0002:/Music", "MTPSIM0002:/"])
    }

    func testABarePathIsTheOnlyDevice() {
        XCTAssertEqual(remote("/Music/a"), ["/Music/a.mp3"])
        XCTAssertEqual(source.listed, [":/Music"])
    }

    func testFoldersOnlyWhereOnlyAFolderFits() {
        XCTAssertEqual(remote(":/", folders: true), [":/Movies/", ":/Music/"])
    }

    func testNothingWhenTheDaemonHasNothing() {
        let empty = TableSource(devices: [], folders: [:])
        XCTAssertEqual(Completion.candidates(.remotePath, typed: "", source: empty, localFolder: noLocalFiles), [])
        XCTAssertEqual(Completion.candidates(.remotePath, typed: ":/", source: empty, localFolder: noLocalFiles), [])
    }

    func testSessionBeginCompletesBareSerials() {
        XCTAssertEqual(Completion.candidates(.device, typed: "R", source: source, localFolder: noLocalFiles), ["R58M"])
    }

    func testPutOffersLocalFilesAndSerialsThenDeviceFolders() {
        let local: (String) -> [Completion.Entry] = { folder in
            folder == ""
                ? [
                    .init(name: "MTPSIM-notes.txt", isFolder: false), .init(name: "Album", isFolder: true),
                    .init(name: ".hidden", isFolder: false),
                ]
                : folder == "Album/" ? [.init(name: "t1.mp3", isFolder: false)] : []
        }
        XCTAssertEqual(
            Completion.candidates(.putItem, typed: "", source: source, localFolder: local),
            ["Album/", "MTPSIM-notes.txt", "MTPSIM0001:", "MTPSIM0002:", "R58M:"])
        XCTAssertEqual(
            Completion.candidates(.putItem, typed: "MTPSIM", source: source, localFolder: local),
            ["MTPSIM-notes.txt", "MTPSIM0001:", "MTPSIM0002:"])
        XCTAssertEqual(Completion.candidates(.putItem, typed: ".", source: source, localFolder: local), [".hidden"])
        XCTAssertEqual(Completion.candidates(.putItem, typed: "Album/", source: source, localFolder: local), ["Album/t1.mp3"])
        XCTAssertEqual(
            Completion.candidates(.putItem, typed: ":/", source: source, localFolder: local), [":/Movies/", ":/Music/"],
            "the destination is a folder")
    }

    func testTheCommandLineSocketIsTheOneAsked() throws {
        // A socket that accepts and never answers: completion gives up after its timeout with nothing.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "completion-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("silent.sock").path
        let listener = try silentListener(at: path)
        defer { close(listener) }

        let started = ContinuousClock.now
        let candidates = Completion.candidates(.remotePath, words: ["mtpctl", "--socket", path, "ls", ":/"], prefix: ":/")
        let waited = ContinuousClock.now - started
        XCTAssertEqual(candidates, [])
        XCTAssertGreaterThanOrEqual(
            waited, .seconds(Completion.timeoutSeconds) - .milliseconds(50), "it did wait for the daemon it was given")
        XCTAssertLessThan(waited, .seconds(Completion.timeoutSeconds * 3), "it gave up after its timeout")

        // The same words pointing at nothing answer at once.
        let absent = directory.appendingPathComponent("absent.sock").path
        let quick = ContinuousClock.now
        XCTAssertEqual(Completion.candidates(.remotePath, words: ["mtpctl", "ls", "--socket=\(absent)", ":/"], prefix: ":/"), [])
        XCTAssertLessThan(ContinuousClock.now - quick, .seconds(1))
    }

    func testOptionsAreReadFromTheWordsAsTheParserWould() {
        let line = CommandLineWords([
            "mtpctl", "--socket", "'/tmp/a b.sock'", "ls", "--storage=65537", "--session", "s1", "--", "--session", "x",
        ])
        XCTAssertEqual(line.value(of: "--socket"), "/tmp/a b.sock")
        XCTAssertEqual(line.value(of: "--storage"), "65537")
        XCTAssertEqual(line.value(of: "--session"), "s1", "nothing after -- is an option")
        XCTAssertNil(line.value(of: "--json"))
        XCTAssertNil(
            CommandLineWords(["mtpctl", "ls", "--socket"]).value(of: "--socket"), "an option still being typed has no value")
    }

    func testTypedWordsAreUnquotedBeforeComparingNames() {
        XCTAssertEqual(Completion.unquoted(#"":/My Mu"#), ":/My Mu")
        XCTAssertEqual(Completion.unquoted("':/My Music/'"), ":/My Music/")
        XCTAssertEqual(Completion.unquoted(#":/My\ Mu"#), ":/My Mu")
        XCTAssertEqual(Completion.unquoted("MTPSIM0001:/"), "MTPSIM0001:/")
    }

    func testZshEscapesColons() {
        XCTAssertEqual(Completion.escapedForZsh(["MTPSIM0001:/Music/", "a\\b"]), ["MTPSIM0001\\:/Music/", "a\\\\b"])
    }

    func testTheBashScriptRegistersTheJoiningFunctionLast() {
        let generated = "_mtpctl() {\n    :\n}\n\ncomplete -o filenames -F _mtpctl mtpctl\n"
        let script = Completion.bashScript(amending: generated, command: "mtpctl")
        XCTAssertTrue(script.hasPrefix(generated))
        XCTAssertTrue(script.contains("_mtpctl_joined() {"))
        XCTAssertTrue(script.contains("    _mtpctl \"${1}\" \"${typed}\""))
        let registrations = script.split(separator: "\n").filter { $0.hasPrefix("complete ") }
        XCTAssertEqual(registrations.last, "complete -o filenames -F _mtpctl_joined mtpctl")
    }

    func testTheZshScriptReplacesTheCandidateFunctionBeforeRegistering() {
        let generated =
            "#compdef mtpctl\n__mtpctl_custom_complete() {\n    :\n}\n_mtpctl() {\n    :\n}\n\nif [[ \"${funcstack[1]}\" = _mtpctl ]]; then\n    _mtpctl \"${@}\"\nelse\n    compdef _mtpctl mtpctl\nfi"
        let script = Completion.zshScript(amending: generated, command: "mtpctl")
        let lines = script.split(separator: "\n").map(String.init)
        let definitions = lines.indices.filter { lines[$0] == "__mtpctl_custom_complete() {" }
        XCTAssertEqual(definitions.count, 2, "the generated one, then the replacement")
        let registration = lines.firstIndex { $0.hasPrefix("if [[ \"${funcstack[1]}\"") }!
        XCTAssertLessThan(definitions.last!, registration, "defined before zsh runs or registers the completion")
        XCTAssertTrue(script.contains("_describe -V '' open -S '' -- closed"))
        XCTAssertTrue(script.hasSuffix("fi"))
        XCTAssertEqual(
            Completion.zshScript(amending: "no ending", command: "mtpctl"), "no ending", "a script of another shape is left alone"
        )
    }

    /// A Unix socket that is listened on and never accepted from: connects succeed, replies never come.
    private func silentListener(at path: String) throws -> Int32 {
        let fd = try UnixSocket.make()
        try UnixSocket.bind(fd, to: XCTUnwrap(UnixSocketAddress(path: path)))
        try UnixSocket.listen(fd, backlog: 8)
        return fd
    }
}
