#if canImport(Glibc)
import Glibc
#endif

/// The process environment as a dictionary, read from `environ` (no Foundation in the daemon).
public enum Environment {
    /// Every variable, by name.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let eq = text.firstIndex(of: "=") { result[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            entry += 1
        }
        return result
    }
}
