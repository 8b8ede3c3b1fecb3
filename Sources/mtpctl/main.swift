#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import MTPCtlKit
import ProductVersion

/// mtpctl's command line: definitions only; the work is in MTPCtlKit.
@main
struct MTPCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtpctl",
        abstract: "Use MTP players and phones through mtpsessiond.",
        discussion: """
            Device paths are written DEV:PATH. DEV is a serial number, a unique prefix of one, or empty when one \
            device is attached (":/Music"). A bare "/Music" means the only device too.

            A put of several files or a folder runs in one device session: the device is opened, the folder \
            resolved and free space checked once. To bundle across commands:
              id=$(mtpctl session begin)
              mtpctl put --session $id a.mp3 :/Music; mtpctl put --session $id b.mp3 :/Music
              mtpctl session end $id


            """ + ErrorMessages.exitStatusHelp,
        version: ProductVersion.string,
        subcommands: [
            Devices.self, Ls.self, Stat.self, Put.self, Get.self, Sync.self, Rm.self, Mkdir.self, Mv.self,
            Session.self, Monitor.self, Cancel.self,
        ])

    // Declared here too so `mtpctl --socket PATH --json COMMAND` works as well as after the command.
    @OptionGroup var global: Global

    /// The argument parser's entry, except that the bash and zsh completion scripts are amended for device
    /// paths (`Completion.bashScript`, `Completion.zshScript`).
    static func main() {
        switch requestedScript(Array(CommandLine.arguments.dropFirst())) {
        case .bash?: print(Completion.bashScript(amending: completionScript(for: .bash), command: "mtpctl"), terminator: "")
        case .zsh?: print(Completion.zshScript(amending: completionScript(for: .zsh), command: "mtpctl"))
        default: main(nil)
        }
    }

    /// The shell of a `--generate-completion-script [SHELL]` request, the only argument given.
    static func requestedScript(_ arguments: [String]) -> CompletionShell? {
        let option = "--generate-completion-script"
        switch arguments.count {
        case 1 where arguments[0] == option: return .autodetected()
        case 1 where arguments[0].hasPrefix(option + "="):
            return CompletionShell(rawValue: String(arguments[0].dropFirst(option.count + 1)))
        case 2 where arguments[0] == option: return CompletionShell(rawValue: arguments[1])
        default: return nil
        }
    }
}

/// Completion from the daemon (`Completion`), its candidates escaped for the shell asking.
func complete(_ argument: Completion.Argument) -> CompletionKind {
    .custom { words, _, prefix in
        let candidates = Completion.candidates(argument, words: words, prefix: prefix)
        return CompletionShell.requesting == .zsh ? Completion.escapedForZsh(candidates) : candidates
    }
}

/// Options every command takes.
struct Global: ParsableArguments {
    @Option(help: "The daemon's socket; $MTPSESSIOND_SOCKET sets it for every command.", completion: .file())
    var socket: String = Context.defaultSocket

    @Flag(help: "Print JSON for scripts: one object per line (progress steps included).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "How long to wait for the device's turn while other programs use it (default: 60); then exit 75.",
            valueName: "SECONDS"))
    var timeout: Double?

    var context: Context { Context(socketPath: socket, json: json, timeout: timeout) }
}

/// Options of commands that work on a device.
struct Where: ParsableArguments {
    @Option(help: "Run inside this session (from `mtpctl session begin`) instead of a one-off one.")
    var session: String?

    @Option(help: "The storage id (see `mtpctl devices`); default: the device's first.")
    var storage: Int?
}

/// Runs a command body, turning MTPCtlError into a report (JSON on stdout with --json, words on stderr
/// otherwise) and its exit status.
func perform(_ context: Context, _ body: () throws(MTPCtlError) -> Void) throws {
    do {
        try body()
    } catch {
        context.report(error)
        throw ExitCode(error.exitStatus)
    }
}

func remote(_ text: String) throws -> RemotePath {
    do { return try RemotePath(parsing: text) } catch { throw ValidationError(error.description) }
}

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List attached devices, their battery and storages.")
    @OptionGroup var global: Global
    func run() throws { try perform(global.context) { () throws(MTPCtlError) in try InspectCommands.devices(global.context) } }
}

struct Ls: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a folder on a device.", discussion: "Examples: mtpctl ls :/Music   mtpctl ls -R :/DCIM")
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Flag(name: .short, help: "Show sizes.") var long = false
    @Flag(name: .customShort("R"), help: "List every folder below too, in one session.") var recursive = false
    @Argument(help: "[DEV]:PATH", completion: complete(.remotePath)) var path: String = ":/"
    func run() throws {
        let target = try remote(path)
        try perform(global.context) { () throws(MTPCtlError) in
            try InspectCommands.ls(
                global.context, target, long: long, recursive: recursive, storage: place.storage, session: place.session)
        }
    }
}

struct Stat: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a file or folder on a device.")
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Argument(help: "[DEV]:PATH", completion: complete(.remotePath)) var path: String
    func run() throws {
        let target = try remote(path)
        try perform(global.context) { () throws(MTPCtlError) in
            try InspectCommands.stat(global.context, target, storage: place.storage, session: place.session)
        }
    }
}

struct Put: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send files and folders to a device folder, all in one session.",
        discussion: """
            Example: mtpctl put *.mp3 Album/ :/Music   (folders are sent recursively)

            Symbolic links inside folders are followed (a link back into its own folder is skipped as a loop); \
            --no-dereference skips them. Pipes, sockets and devices are not files: named here they are refused, \
            met inside a folder they are skipped. Whatever is not sent is named on stderr.

            Audio files go with their own tags (title, artist, album, genre, track number, year, duration) as \
            the track metadata players file them by; --title and the like override them for a single file, \
            --no-tags sends none. The device keeps the time a file arrives (mtpctl sync --times sets a file's own).

            - reads the file from standard input: a device must know a file's size first, so mtpctl holds the \
            input in a private unnamed temporary file in $TMPDIR (default /var/tmp) until it is complete, then \
            sends it; give its name with --name:  tar c photos | mtpctl put - --name photos.tar :/Backup
            """)
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Flag(help: "Replace an object of the same name once the new one is complete.") var overwrite = false
    @Flag(help: "Skip symbolic links inside folders (each named on stderr) instead of following them.")
    var noDereference = false
    @Flag(help: "Do not send audio files' tags as track metadata.") var noTags = false
    @Option(help: "Name on the device (a single file only; required for -, standard input).") var name: String?
    @Option(help: "Track title (a single file; overrides the file's own tag).") var title: String?
    @Option(help: "Track artist.") var artist: String?
    @Option(help: "Track album.") var album: String?
    @Option(help: "Album artist.") var albumArtist: String?
    @Option(help: "Genre.") var genre: String?
    @Option(help: "Track number.") var track: Int?
    @Option(help: "Year.") var year: Int?
    @Option(help: "Duration in milliseconds.") var durationMs: Int?
    @Argument(help: "FILE... [DEV]:FOLDER", completion: complete(.putItem)) var items: [String]

    func validate() throws {
        guard items.count >= 2 else {
            throw ValidationError("give one or more files and then the device folder, e.g. a.mp3 :/Music")
        }
    }

    func run() throws {
        let destination = try remote(items.last!)
        let meta = TransferCommands.Track(
            title: title, artist: artist, album: album, albumArtist: albumArtist, genre: genre,
            trackNumber: track, year: year, durationMs: durationMs)
        try perform(global.context) { () throws(MTPCtlError) in
            try TransferCommands.put(
                global.context, sources: Array(items.dropLast()), destination: destination, overwrite: overwrite,
                name: name, track: meta, storage: place.storage, session: place.session, dereference: !noDereference,
                tags: !noTags)
        }
    }
}

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a file, or with -r a folder, from a device.",
        discussion: """
            The local file is replaced only when the copy is complete. LOCAL may be a folder, or - for stdout.

            -r copies a folder and all it holds, in one session, into LOCAL/NAME (LOCAL is made if missing): \
              mtpctl get -r :/DCIM/Camera ~/Pictures     makes ~/Pictures/Camera
            Files already there with the same size and modification time are skipped, so a second run copies \
            nothing and an interrupted one finishes where it stopped. Each file is written under a temporary name \
            and renamed when complete. mtpctl sync DEV:FOLDER LOCAL does the same and can --delete.
            """)
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Flag(name: .shortAndLong, help: "Copy a folder and everything below it.") var recursive = false
    @Option(help: "First byte to copy.") var offset: Int?
    @Option(help: "How many bytes to copy.") var length: Int?
    @Argument(help: "[DEV]:PATH", completion: complete(.remotePath)) var path: String
    @Argument(help: "Where to write: a file, a folder, or - for stdout.", completion: .file()) var local: String
    func validate() throws {
        if recursive && (local == "-" || offset != nil || length != nil) {
            throw ValidationError("-r copies whole folders to a local folder: no -, --offset or --length")
        }
    }
    func run() throws {
        let source = try remote(path)
        var context = global.context
        context.dataOnStdout = local == "-"
        if recursive {
            var options = SyncCommand.Options()
            options.storage = place.storage
            options.session = place.session
            return try perform(context) { () throws(MTPCtlError) in
                try SyncCommand.getRecursive(context, source: source, local: local, options: options)
            }
        }
        try perform(context) { () throws(MTPCtlError) in
            try TransferCommands.get(
                context, source: source, local: local, offset: offset, length: length,
                storage: place.storage, session: place.session)
        }
    }
}

struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a folder hold what another holds: a local folder onto a device, or a device folder back.",
        discussion: """
            The direction is the order of the arguments; the device's side is written with its colon:
              mtpctl sync ~/Music :/Music          a music library onto the player
              mtpctl sync :/DCIM/Camera ~/Photos   a phone's photos back
            DEST ends up holding what SRC holds (SRC's contents, not SRC itself, as rsync SRC/ DEST does). It all \
            runs in one device session.

            What is compared: MTP has no checksums, so a file counts as up to date when DEST has one of the same \
            name and size whose modification time is not more than 2 s older than SRC's (2 s: FAT's granularity). \
            A file sent to a device carries the time it arrived, which is later than the file's own, so it counts \
            as up to date next time, and a file changed since is newer and is sent again. With --times each file \
            sent is also given its own time where the device lets it be set (one transaction more a file; phones \
            keep the arrival time whatever is asked). A file received from a device gets the device's time. \
            --size-only compares sizes alone. Nothing else is compared: a file changed without changing its size \
            or time is not noticed.

            An interrupted sync is resumed by running it again: the device never keeps a partial file and a \
            local file appears only once complete, so the rerun sends exactly what is missing.

            Symbolic links in a local SRC are followed (--no-dereference skips them); pipes, sockets and devices \
            are skipped; each is named on stderr. --exclude takes shell patterns as rsync does: "*.tmp" matches a \
            name at any depth, "Live/*" a path from SRC, "Podcasts/" folders only; excluded objects are left \
            alone on both sides, never deleted.

            Exit status: 0 when everything arrived (and was deleted, with --delete); 1 when some files failed \
            (named above; a rerun retries them); 75 when the device stayed busy; see mtpctl --help.
            """)
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Flag(help: "Delete from DEST what SRC does not hold, and device playlists whose .m3u left SRC (never without this flag).")
    var delete = false
    @Flag(name: [.customShort("n"), .long], help: "Print what would be done and change nothing.") var dryRun = false
    @Flag(help: "Compare sizes only, not modification times.") var sizeOnly = false
    @Flag(
        name: [.customShort("t"), .long],
        help: "Give each file sent to a device its own modification time, where the device allows (a transaction more a file).")
    var times = false
    @Option(help: ArgumentHelp("Leave out what matches (repeatable).", valueName: "PATTERN")) var exclude: [String] = []
    @Flag(help: "Skip symbolic links in a local SRC instead of following them.") var noDereference = false
    @Flag(help: "Send no track metadata from audio files' tags, and make no albums or playlists.") var noTags = false
    @Flag(name: .shortAndLong, help: "Name each file sent or deleted.") var verbose = false
    @Argument(help: "A local folder, or [DEV]:FOLDER on a device.", completion: complete(.putItem)) var source: String
    @Argument(help: "[DEV]:FOLDER on a device, or a local folder.", completion: complete(.putItem)) var destination: String

    func run() throws {
        var options = SyncCommand.Options()
        options.delete = delete
        options.dryRun = dryRun
        options.sizeOnly = sizeOnly
        options.keepTimes = times
        options.exclude = exclude
        options.dereference = !noDereference
        options.verbose = verbose
        options.tags = !noTags
        options.storage = place.storage
        options.session = place.session
        try perform(global.context) { () throws(MTPCtlError) in
            try SyncCommand.sync(global.context, source: source, destination: destination, options: options)
        }
    }
}

struct Rm: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete files or folders on a device.")
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Flag(name: [.short, .long], help: "Delete folders and everything in them.") var recursive = false
    @Argument(help: "[DEV]:PATH...", completion: complete(.remotePath)) var paths: [String]
    func run() throws {
        let targets = try paths.map(remote)
        try perform(global.context) { () throws(MTPCtlError) in
            try ChangeCommands.rm(global.context, targets, recursive: recursive, storage: place.storage, session: place.session)
        }
    }
}

struct Mkdir: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a folder on a device.")
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Flag(name: [.short, .long], help: "Create missing parents; an existing folder is fine.") var parents = false
    @Argument(help: "[DEV]:PATH", completion: complete(.remoteFolder)) var path: String
    func run() throws {
        let target = try remote(path)
        try perform(global.context) { () throws(MTPCtlError) in
            try ChangeCommands.mkdir(global.context, target, parents: parents, storage: place.storage, session: place.session)
        }
    }
}

struct Mv: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move or rename on a device.",
        discussion: "Into DEST when it is a folder; otherwise to that path (a rename within a folder).")
    @OptionGroup var global: Global
    @OptionGroup var place: Where
    @Argument(help: "[DEV]:PATH", completion: complete(.remotePath)) var source: String
    @Argument(help: "[DEV]:DEST", completion: complete(.remotePath)) var destination: String
    func run() throws {
        let from = try remote(source), to = try remote(destination)
        try perform(global.context) { () throws(MTPCtlError) in
            try ChangeCommands.mv(global.context, from, to, storage: place.storage, session: place.session)
        }
    }
}

struct Session: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Begin or end a device session shared by several commands.",
        subcommands: [Begin.self, End.self])

    struct Begin: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Begin a session and print its id.")
        @OptionGroup var global: Global
        @Option(help: "transferToDevice, transferFromDevice, delete, custom (comma-separated) or a mask like 0x111.")
        var types: String = defaultSessionTypes
        @Option(help: "Seconds the session outlives its last use (default: the daemon's, 30).") var lease: Int?
        @Flag(help: "Have the device alone until the session ends: other programs' operations wait.") var exclusive = false
        @Option(help: "Total bytes the bundle will send: free space is checked once, now.") var expectedBytes: Int?
        @Option(help: "A device folder the bundle works in: resolved once, now.", completion: complete(.remoteFolder)) var folder:
            String?
        @Argument(help: "DEV (empty for the only device)", completion: complete(.device)) var device: String = ""
        func run() throws {
            try perform(global.context) { () throws(MTPCtlError) in
                try SessionCommands.begin(
                    global.context, device: device, types: types, lease: lease, exclusive: exclusive,
                    expectedBytes: expectedBytes, folder: folder)
            }
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a session; --types must be those it began with.")
        @OptionGroup var global: Global
        @Option(help: "The types given at begin.") var types: String = defaultSessionTypes
        @Argument(help: "The session id.") var session: String
        func run() throws {
            try perform(global.context) { () throws(MTPCtlError) in
                try SessionCommands.end(global.context, session: session, types: types)
            }
        }
    }
}

struct Monitor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print device arrivals, removals and changes as they happen.",
        discussion: """
            Starts with the devices attached now, then runs until interrupted or until --count events. When the daemon \
            stops, monitor exits with status 69, so a script that watches can start it again.
            """)
    @OptionGroup var global: Global
    @Option(help: "Stop after this many events.") var count: Int?
    func run() throws {
        try perform(global.context) { () throws(MTPCtlError) in try InspectCommands.monitor(global.context, count: count) }
    }
}

struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a running transfer (its id is in put/get --json progress).",
        discussion: "Only the user who started the transfer, or root, may cancel it; to anyone else its id is unknown.")
    @OptionGroup var global: Global
    @Argument(help: "The transfer id, e.g. t5c2f0e9a41b7d368.") var transfer: String
    func run() throws {
        try perform(global.context) { () throws(MTPCtlError) in try ChangeCommands.cancel(global.context, transfer: transfer) }
    }
}
