#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// The progress of a bundle of files (sync, get -r) on a terminal: one redrawn line with files and bytes done of
/// the total, the rate and the time left. Off a terminal, or with --json, nothing: the per-file lines and the
/// summary say what happened.
struct BundleProgress {
    private let shown: Bool
    private let files: Int
    private let bytes: Int64
    private var filesDone = 0
    private var bytesDone: Int64 = 0
    private var current: Int64 = 0
    private var label = ""
    private let started = MonotonicClock.seconds()
    private var lastDrawn = 0.0

    /// A bundle of `files` files, `bytes` in all.
    init(json: Bool, files: Int, bytes: Int64, terminal: Bool = isatty(STDERR_FILENO) != 0) {
        shown = !json && terminal && files > 0
        self.files = files; self.bytes = bytes
    }

    /// Seconds since the bundle began.
    var elapsed: Double { MonotonicClock.seconds() - started }

    /// A file begins.
    mutating func begin(_ name: String) {
        label = name; current = 0
        draw(force: true)
    }

    /// `done` bytes of the current file have moved.
    mutating func update(done: Int64) {
        current = done
        draw(force: false)
    }

    /// The current file is done (either way); `size` bytes count as moved when it arrived.
    mutating func finished(arrived: Bool, size: Int64) {
        filesDone += 1
        if arrived { bytesDone += size }
        current = 0
        draw(force: true)
    }

    /// The bundle is over: the line is cleared for the summary.
    func end() {
        if shown { writeStderr("\r\u{1B}[K") }
    }

    /// The status line, for tests.
    func line(now: Double) -> String {
        let moved = bytesDone + current
        let seconds = max(now - started, 0.001)
        let rate = Double(moved) / seconds
        let left = rate > 0 ? Int(Double(max(bytes - moved, 0)) / rate) : nil
        let eta = left.map { "ETA \($0 / 60):\(String(repeating: "0", count: $0 % 60 < 10 ? 1 : 0))\($0 % 60)" } ?? "ETA -"
        return "[\(filesDone)/\(files) files] \(ProgressDisplay.bytes(moved)) of \(ProgressDisplay.bytes(bytes)), "
            + "\(ProgressDisplay.bytes(Int64(rate)))/s, \(eta)  \(ProgressDisplay.fit(label, 40))"
    }

    private mutating func draw(force: Bool) {
        guard shown else { return }
        let now = MonotonicClock.seconds()
        guard force || now - lastDrawn >= 0.1 else { return }  // A terminal needs no more than ten lines a second.
        lastDrawn = now
        writeStderr("\r" + line(now: now) + "\u{1B}[K")
    }
}
