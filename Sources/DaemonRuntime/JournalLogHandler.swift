#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Log lines for journald when stderr is the journal (JOURNAL_STREAM set): each line starts with its syslog
/// priority, `<3>` for errors to `<7>` for debug, so `journalctl -p warning` filters them; no timestamps,
/// journald adds its own.
public struct JournalLogHandler: LogHandler {
    /// Metadata every line carries.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level

    /// Creates a handler writing to stderr.
    public init(level: Logger.Level) { logLevel = level }

    /// Whether stderr is connected to the journal.
    public static var stderrIsJournal: Bool { getenv("JOURNAL_STREAM") != nil }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let level = event.level, message = event.message
        let fields = all.keys.sorted().map { "\($0)=\(all[$0]!)" }.joined(separator: " ")
        var text = "<\(Self.priority(level))>\(message)\(fields.isEmpty ? "" : " " + fields)\n"
        text.withUTF8 { b in _ = write(STDERR_FILENO, b.baseAddress, b.count) }
    }

    /// The syslog priority of a level.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
