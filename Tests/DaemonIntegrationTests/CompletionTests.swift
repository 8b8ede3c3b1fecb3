import Foundation
import IntegrationSupport
import XCTest

/// Shell completion of device paths against the real daemon on the virtual player: mtpctl's callback, the
/// bash script the parser generates (with mtpctl's joining of the words bash splits at ':'), and quiet
/// failure when no daemon answers.
final class CompletionTests: XCTestCase {
    private func populate(_ storage: URL) throws {
        for folder in ["Music/Album One", "Podcasts"] {
            try FileManager.default.createDirectory(at: storage.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: storage.appendingPathComponent("notes.txt"))
        try Data("y".utf8).write(to: storage.appendingPathComponent("Music/a.mp3"))
    }

    /// mtpctl's own completion callback, as the shells call it: the words, the index of the one being
    /// completed, and the cursor's offset in it.
    private func callback(
        _ words: [String], subcommand: [String] = ["ls"], argument: String = "positional@0",
        environment: [String: String] = [:]
    ) throws -> CommandResult {
        let word = words.last!
        return try runCommand(
            Binaries.mtpctl,
            ["---completion"] + subcommand + ["--", argument, String(words.count - 1), String(word.count)] + words,
            environment: environment, timeout: 30)
    }

    func testLsCompletionListsTheVirtualPlayersFolders() throws {
        let d = try DaemonFixture(populate: populate)
        let env = ["MTPSESSIOND_SOCKET": d.socket]

        let root = try callback(["mtpctl", "ls", ":/"], environment: env)
        XCTAssertEqual(root.status, 0, root.combined)
        XCTAssertEqual(root.stdout.split(separator: "\n"), [":/Music/", ":/Podcasts/", ":/notes.txt"])

        let serials = try callback(["mtpctl", "ls", ""], environment: env)
        XCTAssertEqual(serials.stdout.split(separator: "\n"), ["\(d.serial):"])

        // The socket on the command line wins over the environment's.
        let named = try callback(
            ["mtpctl", "--socket", d.socket, "ls", "\(d.serial):/Music/"], environment: ["MTPSESSIOND_SOCKET": "/nonexistent"])
        XCTAssertEqual(named.stdout.split(separator: "\n"), ["\(d.serial):/Music/Album One/", "\(d.serial):/Music/a.mp3"])

        // mkdir and put's destination are offered folders only.
        let folders = try callback(["mtpctl", "mkdir", ":/"], subcommand: ["mkdir"], environment: env)
        XCTAssertEqual(folders.stdout.split(separator: "\n"), [":/Music/", ":/Podcasts/"])
        let destination = try callback(["mtpctl", "put", "a.mp3", ":/Mu"], subcommand: ["put"], environment: env)
        XCTAssertEqual(destination.stdout.split(separator: "\n"), [":/Music/"])

        // zsh reads "value:description": its candidates have their colons escaped.
        let zsh = try callback(["mtpctl", "ls", ":/P"], environment: env.merging(["SAP_SHELL": "zsh"]) { $1 })
        XCTAssertEqual(zsh.stdout.split(separator: "\n").first, #"\:/Podcasts/"#)
    }

    func testBashCompletesDevicePathsThroughTheGeneratedScript() throws {
        let d = try DaemonFixture(populate: populate)
        let bash = try BashCompletion(socket: d.socket)

        // As bash splits them (COMP_WORDBREAKS has ':'), checked on an interactive bash 5.2.
        var r = try bash.complete("mtpctl ls :/", words: ["mtpctl", "ls", ":", "/"], cur: "/", prev: ":")
        XCTAssertEqual(r.replies, ["/Music/", "/Podcasts/", "/notes.txt"], "readline replaces what follows the ':'")

        r = try bash.complete(
            "mtpctl ls \(d.serial):/Music/Al", words: ["mtpctl", "ls", d.serial, ":", "/Music/Al"], cur: "/Music/Al", prev: ":")
        XCTAssertEqual(r.replies, [#"/Music/Album\ One/"#], "quoted as bash would, the ':' left alone")
        XCTAssertTrue(r.options.contains("-o nospace"), "a folder is gone into, not ended with a space: \(r.options)")

        r = try bash.complete(
            "mtpctl ls \(d.serial.prefix(4))", words: ["mtpctl", "ls", String(d.serial.prefix(4))],
            cur: String(d.serial.prefix(4)), prev: "ls")
        XCTAssertEqual(r.replies, ["\(d.serial):"])
        XCTAssertTrue(r.options.contains("-o nospace"), r.options.joined())

        r = try bash.complete("mtpctl ls \(d.serial):", words: ["mtpctl", "ls", d.serial, ":"], cur: "", prev: d.serial)
        XCTAssertEqual(r.replies, ["Music/", "Podcasts/", "notes.txt"], "after 'DEV:' readline replaces nothing yet")

        // A quoted word is not split: readline replaces all of it.
        r = try bash.complete("mtpctl ls \":/Music/Al", words: ["mtpctl", "ls", "\":/Music/Al"], cur: ":/Music/Al", prev: "ls")
        XCTAssertEqual(r.replies, [":/Music/Album One/"])

        // The generated parts still work on the joined words: options of the command, and its subcommands.
        r = try bash.complete("mtpctl ls --sto", words: ["mtpctl", "ls", "--sto"], cur: "--sto", prev: "ls")
        XCTAssertEqual(r.replies, ["--storage"])
        r = try bash.complete(
            "mtpctl --socket=\(d.socket) se", words: ["mtpctl", "--socket", "=", d.socket, "se"], cur: "se", prev: d.socket)
        XCTAssertEqual(r.replies, ["session"])
    }

    func testBashOffersNothingAtOnceWithoutADaemon() throws {
        let bash = try BashCompletion(socket: "/nonexistent/mtpsessiond.sock")
        let started = Date()
        let r = try bash.complete("mtpctl get :/Mu", words: ["mtpctl", "get", ":", "/Mu"], cur: "/Mu", prev: ":")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.replies, [])
        XCTAssertEqual(r.stderr, "", "completion fails quietly")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        // Subcommands need no daemon.
        XCTAssertEqual(try bash.complete("mtpctl mk", words: ["mtpctl", "mk"], cur: "mk", prev: "mtpctl").replies, ["mkdir"])
    }

    func testZshAndFishScriptsCallMtpctlBackAndParse() throws {
        for shell in ["zsh", "fish"] {
            let script = try runCommand(Binaries.mtpctl, ["--generate-completion-script", shell])
            XCTAssertEqual(script.status, 0, script.combined)
            XCTAssertTrue(script.stdout.contains("---completion ls -- positional@0"), "\(shell): ls paths come from mtpctl")
            XCTAssertTrue(script.stdout.contains("session"), shell)
            if shell == "zsh" {
                XCTAssertTrue(script.stdout.contains("_describe -V '' open -S '' -- closed"), "mtpctl's own zsh function")
            }
            let path = "/usr/bin/\(shell)"
            guard FileManager.default.isExecutableFile(atPath: path) else { continue }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("mtpctl-\(getpid()).\(shell)")
            try Data(script.stdout.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let parsed = try runCommand(path, [shell == "zsh" ? "-n" : "--no-execute", file.path])
            XCTAssertEqual(parsed.status, 0, "\(shell) parses the script: \(parsed.combined)")
        }
    }
}

/// The bash completion script mtpctl generates, run outside an interactive shell: sourced, then its
/// function called with COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set as bash sets them.
/// `compopt`, which works only under readline, records the options it was given instead.
private struct BashCompletion {
    let script: URL
    let socket: String

    init(socket: String) throws {
        self.socket = socket
        let generated = try runCommand(Binaries.mtpctl, ["--generate-completion-script", "bash"])
        XCTAssertEqual(generated.status, 0, generated.combined)
        script = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mtpctl-completion-\(getpid())-\(UUID().uuidString.prefix(6)).bash")
        try Data(generated.stdout.utf8).write(to: script)
    }

    private static let driver = """
        source "$1" || exit 2
        options=()
        compopt() { options+=("$*"); }
        function_name=$(complete -p mtpctl | sed -E 's/.* -F ([^ ]+) .*/\\1/')
        COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}; COMP_CWORD=$(($# - 6)); COMP_WORDS=("${@:6}")
        COMPREPLY=()
        "$function_name" mtpctl "$3" "$4"
        printf 'reply\\t%s\\n' "${COMPREPLY[@]}"
        printf 'option\\t%s\\n' "${options[@]}"
        printf 'function\\t%s\\n' "$function_name"
        """

    struct Result {
        var status: Int32
        var replies: [String]
        var options: [String]
        var stderr: String
    }

    func complete(_ line: String, words: [String], cur: String, prev: String) throws -> Result {
        let r = try runCommand(
            "/bin/bash", ["-c", Self.driver, "bash", script.path, line, cur, prev, "unused"] + words,
            environment: ["MTPSESSIOND_SOCKET": socket, "PATH": Binaries.directory + ":/usr/bin:/bin"], timeout: 30)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.contains("function\t_mtpctl_joined"), "the joining function is the one registered: \(r.combined)")
        return Result(
            status: r.status,
            replies: lines.filter { $0.hasPrefix("reply\t") }.map { String($0.dropFirst(6)) }.filter { !$0.isEmpty },
            options: lines.filter { $0.hasPrefix("option\t") }.map { String($0.dropFirst(7)) }.filter { !$0.isEmpty },
            stderr: r.stderr)
    }
}
