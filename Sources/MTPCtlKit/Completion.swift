#if canImport(Glibc)
import Glibc
#endif
import ManagerContract
import Varlink

/// What tab completion offers for mtpctl's arguments: device serials, the files and folders of a device
/// folder as the daemon lists them, and local files for `put`. Shells call mtpctl back for these; the
/// daemon is asked with a short timeout, and when it cannot be reached, refuses, or is slow, nothing is
/// offered, so completion never fails loudly and never hangs the shell.
public enum Completion {
    /// How long completion waits for the daemon: to connect, and for each reply.
    public static let timeoutSeconds = 1.5

    /// A device folder's entry as completion needs it.
    public struct Entry: Sendable, Equatable {
        /// The name as a path spells it.
        public var name: String
        /// Whether it is a folder (offered with a trailing "/", to go on typing into it).
        public var isFolder: Bool

        /// Creates an entry.
        public init(name: String, isFolder: Bool) { self.name = name; self.isFolder = isFolder }
    }

    /// Where completion learns what exists: the daemon for mtpctl, a table in tests.
    public protocol Source {
        /// The attached devices' serials; empty when they cannot be learnt.
        func serials() -> [String]
        /// The entries of folder `path` on `device` ("" for the only device); empty when it cannot be listed.
        func list(device: String, path: String) -> [Entry]
    }

    /// What kind of argument is being completed.
    public enum Argument: Sendable {
        /// `[DEV]:PATH` naming anything on a device.
        case remotePath
        /// `[DEV]:FOLDER`: only folders are offered.
        case remoteFolder
        /// `put`'s `FILE... [DEV]:FOLDER`: local files and folders, or device folders once a device is named.
        case putItem
        /// A device, as `session begin` takes it: a serial.
        case device
    }

    /// Candidates for the word being completed, whose text before the cursor is `prefix`, asking the
    /// daemon the command line points at (`--socket`, else $MTPSESSIOND_SOCKET, else the system's).
    public static func candidates(_ argument: Argument, words: [String], prefix: String) -> [String] {
        let line = CommandLineWords(words)
        let source = DaemonSource(
            socketPath: line.value(of: "--socket") ?? Context.defaultSocket,
            storage: line.value(of: "--storage").flatMap { Int($0) }, session: line.value(of: "--session"))
        return candidates(argument, typed: unquoted(prefix), source: source, localFolder: LocalFolder.list)
    }

    /// The rule itself, with its facts passed in: candidates for `typed` of an `argument`, from `source` for
    /// the device and `localFolder` (a folder's entries, "" for the working directory) for the host.
    public static func candidates(
        _ argument: Argument, typed: String, source: some Source,
        localFolder: (String) -> [Entry]
    ) -> [String] {
        switch argument {
        case .device:
            return source.serials().filter { $0.hasPrefix(typed) }
        case .remotePath, .remoteFolder:
            if let remote = RemoteWord(typed) {
                return remote.candidates(
                    source.list(device: remote.device, path: remote.folder),
                    foldersOnly: argument == .remoteFolder)
            }
            return source.serials().filter { $0.hasPrefix(typed) }.map { $0 + ":" }
        case .putItem:
            if let remote = RemoteWord(typed), remote.namesDevice {
                return remote.candidates(source.list(device: remote.device, path: remote.folder), foldersOnly: true)
            }
            let local = LocalWord(typed)
            let files = local.candidates(localFolder(local.folder))
            // A word with no "/" yet may be a serial as well as a local name: `put a.mp3 MTP<TAB>`.
            let devices = typed.contains("/") ? [] : source.serials().filter { $0.hasPrefix(typed) }.map { $0 + ":" }
            return files + devices
        }
    }

    /// A shell word as typed, without its opening quote or backslash escapes, so it can be compared to names.
    static func unquoted(_ word: String) -> String {
        var text = Substring(word)
        if let first = text.first, first == "'" || first == "\"" {
            text = text.dropFirst()
            if text.last == first { text = text.dropLast() }
            return String(text)
        }
        var result = "", escaped = false
        for c in text {
            if escaped { result.append(c); escaped = false } else if c == "\\" { escaped = true } else { result.append(c) }
        }
        return result
    }
}

/// A completed word that names a place on a device: `DEV:PATH`, `:PATH` or `/PATH`, split into what stays
/// as typed (up to the last "/"), the folder that holds the candidates, and the name begun after it.
struct RemoteWord {
    /// The device named before the colon ("" for the only device).
    var device: String
    /// Whether the word names its device with a colon (`DEV:` or `:`), which a local path cannot.
    var namesDevice: Bool
    /// The word up to and including its last "/" (or its colon), kept in every candidate as typed.
    var head: String
    /// The device folder whose entries are the candidates.
    var folder: String
    /// The part of a name typed after the head.
    var begun: String

    /// Splits `typed`; nil when it is no device path (a local name, or a serial being typed).
    init?(_ typed: String) {
        let path: Substring
        if let colon = typed.firstIndex(of: ":"), !typed[..<colon].contains("/") {
            device = String(typed[..<colon])
            namesDevice = true
            path = typed[typed.index(after: colon)...]
        } else if typed.hasPrefix("/") {
            device = ""
            namesDevice = false
            path = Substring(typed)
        } else {
            return nil
        }
        let slash = path.lastIndex(of: "/")
        head = String(typed[..<(slash.map { path.index(after: $0) } ?? path.startIndex)])
        begun = String(path[(slash.map { path.index(after: $0) } ?? path.startIndex)...])
        let parts = (slash.map { path[..<$0] } ?? "").split(separator: "/")
        folder = "/" + parts.joined(separator: "/")
    }

    /// The entries that continue the word, spelled as it began, folders with a "/".
    func candidates(_ entries: [Completion.Entry], foldersOnly: Bool) -> [String] {
        entries.filter { $0.name.hasPrefix(begun) && (!foldersOnly || $0.isFolder) }
            .map { head + $0.name + ($0.isFolder ? "/" : "") }
            .sorted()
    }
}

/// A completed word that names a local file: what stays as typed (up to the last "/") and its folder.
struct LocalWord {
    /// The word up to and including its last "/", kept in every candidate as typed.
    var head: String
    /// The folder to list ("" for the working directory).
    var folder: String
    /// The part of a name typed after the head.
    var begun: String

    /// Splits `typed`.
    init(_ typed: String) {
        if let slash = typed.lastIndex(of: "/") {
            head = String(typed[...slash])
            folder = head
            begun = String(typed[typed.index(after: slash)...])
        } else {
            head = ""
            folder = ""
            begun = typed
        }
    }

    /// The entries that continue the word, folders with a "/"; hidden ones only when the name begins with ".".
    func candidates(_ entries: [Completion.Entry]) -> [String] {
        entries.filter { $0.name.hasPrefix(begun) && (begun.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            .map { head + $0.name + ($0.isFolder ? "/" : "") }
            .sorted()
    }
}

/// The options a partial command line gives, read the way the parser will read them.
struct CommandLineWords {
    /// The shell words as typed, the program's name first.
    let words: [String]

    /// Reads `words`.
    init(_ words: [String]) { self.words = words }

    /// The last value given to `option` (`--opt VALUE` or `--opt=VALUE`), unquoted.
    func value(of option: String) -> String? {
        var found: String?
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == "--" { break }
            if word == option, i + 1 < words.count {
                found = Completion.unquoted(words[i + 1])
                i += 1
            } else if word.hasPrefix(option + "=") {
                found = Completion.unquoted(String(word.dropFirst(option.count + 1)))
            }
            i += 1
        }
        return found
    }
}

/// The daemon as completion asks it: one connection with a short timeout per completion; every failure is
/// an empty answer.
struct DaemonSource: Completion.Source {
    /// The daemon's socket.
    var socketPath: String
    /// The storage the command line names, if any.
    var storage: Int?
    /// The session the command line runs in, if any: a device it holds answers only within it.
    var session: String?

    private func connect() -> DaemonClient? {
        try? DaemonClient(socketPath: socketPath, timeoutSeconds: Completion.timeoutSeconds)
    }

    func serials() -> [String] {
        guard let client = connect(), let devices = try? client.call(Manager.ListDevices.self, Empty()).devices else { return [] }
        return devices.map(\.serial).sorted()
    }

    func list(device: String, path: String) -> [Completion.Entry] {
        guard let client = connect(),
            let entries = try? client.call(
                Manager.List.self,
                .init(
                    .init(
                        device: device, path: path, storage: storage,
                        session: session, timeoutSeconds: Completion.timeoutSeconds))
            ).entries
        else { return [] }
        return entries.map { e in
            // The path's last component is the name as a path must spell it (a device may name a file "a/b").
            let spelled = e.path.split(separator: "/").last.map(String.init)
            return Completion.Entry(name: spelled ?? e.name, isFolder: e.folder)
        }
    }
}

/// Local folders as `put` completion lists them.
enum LocalFolder {
    /// The entries of `folder` ("" for the working directory); empty when it cannot be read.
    static func list(_ folder: String) -> [Completion.Entry] {
        let path = folder.isEmpty ? "." : folder
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var entries: [Completion.Entry] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var st = stat()
            // stat, not lstat: a link to a folder is entered like one.
            let isFolder = stat(path + "/" + name, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
            entries.append(Completion.Entry(name: name, isFolder: isFolder))
        }
        return entries
    }
}
