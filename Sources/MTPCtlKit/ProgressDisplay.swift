#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Shows a transfer's progress: a redrawn bar on a terminal, a line per tenth otherwise, nothing with --json
/// (whose consumers get the progress objects themselves).
public struct ProgressDisplay {
    /// How progress is shown.
    public enum Style: Sendable { case bar, lines, none }
    private let style: Style
    private var label = ""
    private var lastTenth = -1
    private var started = 0.0

    /// Picks the style for stderr: a bar when it is a terminal.
    public init(json: Bool) {
        style = json ? .none : (isatty(STDERR_FILENO) != 0 ? .bar : .lines)
    }

    /// Creates a display with a fixed style (tests).
    public init(style: Style) { self.style = style }

    /// A transfer of `total` bytes named `label` begins.
    public mutating func begin(_ label: String, total: Int64) {
        self.label = label
        lastTenth = -1
        started = Self.now()
    }

    /// `done` of `total` bytes have moved; returns what was written, for tests.
    @discardableResult
    public mutating func update(done: Int64, total: Int64) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        switch style {
        case .none: return ""
        case .bar:
            let width = 30, filled = Int(fraction * Double(width))
            let elapsed = max(Self.now() - started, 0.001)
            let rate = Double(done) / elapsed
            let text =
                "\r\(Self.fit(label, 32)) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(Int(fraction * 100))% \(Self.bytes(Int64(rate)))/s "
            writeStderr(text)
            return text
        case .lines:
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth, total >= 1 << 20 else { return "" }  // Small files: the result line is enough.
            lastTenth = tenth
            let text = "\(label): \(tenth * 10)%\n"
            writeStderr(text)
            return text
        }
    }

    /// The transfer ended (either way); a bar gets its line break.
    public mutating func end() {
        if style == .bar { writeStderr("\n") }
    }

    /// `text` cut or padded to `width` characters, so the bar stays put.
    static func fit(_ text: String, _ width: Int) -> String {
        let cut = String(text.prefix(width))
        return cut + String(repeating: " ", count: width - cut.count)
    }

    /// "12.3 MB", decimal units as storage is sold.
    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        let tenths = Int((value * 10).rounded())
        return unit == 0 ? "\(n) B" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    private static func now() -> Double { MonotonicClock.seconds() }
}

/// Writes `text` to stderr unbuffered, so messages interleave correctly with progress bars.
public func writeStderr(_ text: String) {
    var text = text
    text.withUTF8 { buffer in _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
}
