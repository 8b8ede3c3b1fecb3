import Logging

/// Where the daemon's log lines go: to the journal with syslog priorities when stderr is the journal, else
/// to stderr as swift-log writes them.
public enum DaemonLogging {
    /// Installs the handler for every logger of the process, at `level`. Once per process, before any logging.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            if JournalLogHandler.stderrIsJournal { return JournalLogHandler(level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
