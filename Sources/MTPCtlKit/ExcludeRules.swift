#if canImport(Glibc)
import Glibc
#endif

/// `--exclude PATTERN` as rsync reads it: a shell pattern (`*`, `?`, `[...]`) matched against a name at any
/// depth, or, when it holds a slash, against the path from the synced folder ("Live/*.flac"; a leading slash
/// anchors it there). A trailing slash matches folders only. An excluded folder is skipped with all it holds,
/// and excluded objects on the receiving side are neither compared nor deleted.
public struct ExcludeRules: Sendable, Equatable {
    private struct Rule: Sendable, Equatable {
        var pattern: String
        var anchored: Bool
        var foldersOnly: Bool
    }

    private let rules: [Rule]

    /// Reads the patterns as given on the command line.
    public init(_ patterns: [String]) {
        rules = patterns.compactMap { text in
            var pattern = text
            let foldersOnly = pattern.count > 1 && pattern.hasSuffix("/")
            if foldersOnly { pattern.removeLast() }
            let rooted = pattern.hasPrefix("/")
            if rooted { pattern.removeFirst() }
            guard !pattern.isEmpty else { return nil }
            return Rule(pattern: pattern, anchored: rooted || pattern.contains("/"), foldersOnly: foldersOnly)
        }
    }

    /// No pattern given.
    public var isEmpty: Bool { rules.isEmpty }

    /// Whether the object at `relativePath` (from the synced folder, no leading slash) is excluded.
    public func excludes(_ relativePath: String, isFolder: Bool) -> Bool {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return rules.contains { rule in
            guard isFolder || !rule.foldersOnly else { return false }
            // FNM_PATHNAME: a "*" in a path pattern does not cross folders, as in rsync.
            return rule.anchored
                ? fnmatch(rule.pattern, relativePath, FNM_PATHNAME) == 0 : fnmatch(rule.pattern, name, 0) == 0
        }
    }
}
