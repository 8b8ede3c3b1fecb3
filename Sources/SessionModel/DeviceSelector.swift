/// Resolves the device a client names: a serial, a unique prefix of one, or "" when exactly one is attached.
public enum DeviceSelector {
    /// Why a name matched no single device.
    public enum Failure: Error, Sendable, Equatable {
        /// Nothing matches (or "" with no device attached).
        case noMatch(name: String, attached: [String])
        /// Several devices match ("" with several attached, or a shared prefix).
        case ambiguous(name: String, candidates: [String])
    }

    /// The serial `name` selects among `attached` serials.
    public static func resolve(_ name: String, among attached: [String]) -> Result<String, Failure> {
        if attached.contains(name) { return .success(name) }
        let matches = attached.filter { $0.hasPrefix(name) }.sorted()
        switch matches.count {
        case 1: return .success(matches[0])
        case 0: return .failure(.noMatch(name: name, attached: attached.sorted()))
        default: return .failure(.ambiguous(name: name, candidates: matches))
        }
    }
}
