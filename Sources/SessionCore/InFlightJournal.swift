#if canImport(Glibc)
import Glibc
#endif
import DedicatedThreads
import SessionModel
import SystemCalls

/// The objects being sent right now, in a file under the state directory, so that a daemon killed mid-transfer
/// can remove on its next start the partial objects it left on a device.
///
/// Each event is one `write` of one line with O_APPEND, so a SIGKILL leaves at worst a last line cut short,
/// which reading ignores. No fsync: the journal is for a daemon that dies, not for a machine that loses power
/// (the device is then cut off mid-transfer anyway). The file is emptied whenever nothing is in flight.
/// A journal that cannot be written is logged by the caller and the transfer goes on without it.
public final class InFlightJournal: Sendable {
    /// The journal file.
    public let path: String
    private struct State {
        var log: InFlightLog
        var fd: Int32
    }
    private let state: LockedBox<State>

    /// Opens (creating if needed, with its directory) the journal at `directory`/in-flight and compacts what
    /// an earlier run left in it.
    public init(directory: String) throws(JournalError) {
        let path = directory + "/in-flight"
        self.path = path
        try Self.makeDirectory(directory)
        var log = InFlightLog()
        let existing: Int32?
        do throws(SystemCallError) {
            existing = try systemCall("open") { open(path, O_RDONLY | O_CLOEXEC) }
        } catch where error.errno == ENOENT {
            existing = nil  // A first start: nothing was in flight.
        } catch {
            throw JournalError(path: path, errno: error.errno)
        }
        if let existing {
            defer { FileIO.close(existing) }
            log = InFlightLog(text: try Self.readAll(existing, path: path)[...])
        }
        let fd = try Self.rewrite(path, with: log.compacted)
        state = LockedBox(State(log: log, fd: fd))
    }

    deinit { state.withLock { FileIO.close($0.fd) } }

    /// What an earlier run left in flight on the device with `serial`, by journal id.
    public func pending(serial: String) -> [(id: UInt64, object: InFlightObject)] {
        state.withLock { s in
            s.log.pending.filter { $0.value.serial == serial }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    /// The object noted under `id`, while it is in flight.
    public func pending(id: UInt64) -> InFlightObject? { state.withLock { $0.log.pending[id] } }

    /// Records that `object` is about to be sent; returns its id.
    public func begin(_ object: InFlightObject) throws(JournalError) -> UInt64 {
        let (id, line) = state.withLock { $0.log.begin(object) }
        try append(line)
        return id
    }

    /// Records the object id the device gave `id`'s object.
    public func accepted(_ id: UInt64, handle: UInt32) throws(JournalError) {
        guard let line = state.withLock({ $0.log.accepted(id, handle: handle) }) else { return }
        try append(line)
    }

    /// Records that `id` is settled: complete, or removed from the device. The file is emptied when nothing
    /// is left in flight.
    public func end(_ id: UInt64) throws(JournalError) {
        let failure: Int32? = state.withLock { s in
            guard let line = s.log.end(id) else { return nil }
            if s.log.pending.isEmpty {
                do throws(SystemCallError) {
                    _ = try systemCall("ftruncate") { ftruncate(s.fd, 0) }
                    return nil
                } catch {
                    return error.errno
                }
            }
            return Self.write(s.fd, line)
        }
        if let failure { throw JournalError(path: path, errno: failure) }
    }

    private func append(_ line: String) throws(JournalError) {
        if let failure = state.withLock({ Self.write($0.fd, line) }) { throw JournalError(path: path, errno: failure) }
    }

    /// One write of the whole line (O_APPEND); the errno when it fails or falls short.
    private static func write(_ fd: Int32, _ line: String) -> Int32? {
        var line = line
        return line.withUTF8 { bytes -> Int32? in
            do throws(SystemCallError) {
                return try FileIO.writeOnce(fd, UnsafeRawBufferPointer(bytes)) == bytes.count ? nil : EIO
            } catch {
                return error.errno
            }
        }
    }

    private static func makeDirectory(_ directory: String) throws(JournalError) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            do throws(SystemCallError) {
                _ = try systemCall("mkdir") { mkdir(prefix, 0o700) }
            } catch where error.errno == EEXIST {
                continue  // Already there, from an earlier run or another user of the path.
            } catch {
                throw JournalError(path: prefix, errno: error.errno)
            }
        }
    }

    private static func readAll(_ fd: Int32, path: String) throws(JournalError) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let read = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemCallError) in try FileIO.read(fd, into: buffer) }
            }
            let n: Int
            do { n = try read.get() } catch { throw JournalError(path: path, errno: error.errno) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces the file with `text` (through a rename, so a crash leaves the old or the new) and opens it
    /// for appending.
    private static func rewrite(_ path: String, with text: String) throws(JournalError) -> Int32 {
        let temporary = path + ".new"
        let out = try call("open", on: temporary) { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        let failure = write(out, text)
        FileIO.close(out)
        if let failure, !text.isEmpty { throw JournalError(path: temporary, errno: failure) }
        _ = try call("rename", on: path) { rename(temporary, path) }
        return try call("open", on: path) { open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }
    }

    /// `systemCall`, its failure reported on `path`.
    private static func call(_ name: String, on path: String, _ body: () -> Int32) throws(JournalError) -> Int32 {
        do throws(SystemCallError) {
            return try systemCall(name, body)
        } catch {
            throw JournalError(path: path, errno: error.errno)
        }
    }
}

/// The journal could not be read or written.
public struct JournalError: Error, CustomStringConvertible, Sendable {
    /// The file the failed call was on (the temporary file while rewriting).
    public let path: String
    /// The errno the call left.
    public let errno: Int32
    /// The path and the errno's text, as a log line wants them.
    public var description: String { "\(path): \(String(cString: strerror(errno)))" }
}
