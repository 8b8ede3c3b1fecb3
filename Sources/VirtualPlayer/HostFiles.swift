import Glibc
import SystemCalls

/// The few POSIX calls the directory store makes, each turning failure into `StoreError.io` with errno,
/// so the store itself reads as object logic.
enum HostFiles {
    /// One directory entry the store cares about (regular files and directories; symlinks are skipped so a
    /// link cycle cannot make a scan endless).
    struct Entry {
        /// The file name.
        let name: String
        /// Whether it is a directory.
        let isDirectory: Bool
        /// Size in bytes (0 for directories).
        let size: UInt64
        /// mtime, seconds since 1970.
        let modified: Int64
    }

    /// Entries of the directory at `path`, minus `.`/`..`, names that are not UTF-8, and names `skip` rejects.
    static func list(_ path: String, skip: (String) -> Bool) throws(StoreError) -> [Entry] {
        guard let dir = opendir(path) else { throw .io(errno: errno, operation: "opendir \(path)") }
        defer { closedir(dir) }
        var entries: [Entry] = []
        while let entry = readdir(dir) {
            let name: String? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validatingCString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard let name, name != ".", name != "..", !skip(name) else { continue }
            if let found = Self.entry(named: name, in: path) { entries.append(found) }
        }
        return entries
    }

    /// The entry `name` in the directory at `path`, or nil when it is gone or neither a file nor a directory.
    static func entry(named name: String, in path: String) -> Entry? {
        guard let info = try? status(path + "/" + name) else { return nil }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFDIR else { return nil }
        return Entry(
            name: name, isDirectory: kind == S_IFDIR,
            size: kind == S_IFDIR ? 0 : UInt64(info.st_size), modified: Int64(info.st_mtim.tv_sec))
    }

    /// lstat(2).
    static func status(_ path: String) throws(StoreError) -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .io(errno: errno, operation: "lstat \(path)") }
        return info
    }

    /// Whether anything exists at `path` (a dangling symlink counts).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// mkdir(2), also succeeding when a directory is already there.
    static func makeDirectory(_ path: String) throws(StoreError) {
        if mkdir(path, 0o755) != 0 {
            let code = errno
            if code == EEXIST, let info = try? status(path), info.st_mode & S_IFMT == S_IFDIR { return }
            throw .io(errno: code, operation: "mkdir \(path)")
        }
    }

    /// rename(2).
    static func rename(_ from: String, _ to: String) throws(StoreError) {
        guard Glibc.rename(from, to) == 0 else { throw .io(errno: errno, operation: "rename \(from)") }
    }

    /// Removes a file, or a directory with everything in it.
    static func removeTree(_ path: String) throws(StoreError) {
        let info = try status(path)
        if info.st_mode & S_IFMT == S_IFDIR {
            guard let dir = opendir(path) else { throw .io(errno: errno, operation: "opendir \(path)") }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else { throw .io(errno: errno, operation: "rmdir \(path)") }
        } else {
            guard unlink(path) == 0 else { throw .io(errno: errno, operation: "unlink \(path)") }
        }
    }

    /// unlink(2), ignoring a file already gone.
    static func removeFile(_ path: String) {
        _ = unlink(path)
    }

    /// Capacity and free bytes of the filesystem holding `path`.
    static func filesystemSpace(_ path: String) -> (capacity: UInt64, free: UInt64)? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return (UInt64(info.f_blocks) * UInt64(info.f_frsize), UInt64(info.f_bavail) * UInt64(info.f_frsize))
    }
}

/// An open file descriptor, closed exactly once.
final class HostFile {
    private var descriptor: Int32

    /// Opens `path` with `flags` (and `mode` when creating).
    init(path: String, flags: Int32, mode: mode_t = 0o644) throws(StoreError) {
        descriptor = open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .io(errno: errno, operation: "open \(path)") }
    }

    deinit { close() }

    /// pread(2) until `buffer` is full or the file ends.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int {
        guard descriptor >= 0 else { throw .io(errno: EBADF, operation: "read after close") }
        do {
            return try FileIO.read(descriptor, at: offset, into: buffer)
        } catch {
            throw .io(errno: error.errno, operation: error.call)
        }
    }

    /// write(2) until every byte is written.
    func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard descriptor >= 0 else { throw .io(errno: EBADF, operation: "write after close") }
        do { try FileIO.writeAll(descriptor, bytes) } catch { throw .io(errno: error.errno, operation: error.call) }
    }

    /// pwrite(2) until every byte is written at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(StoreError) {
        guard descriptor >= 0 else { throw .io(errno: EBADF, operation: "pwrite after close") }
        do { try FileIO.writeAll(descriptor, bytes, at: offset) } catch { throw .io(errno: error.errno, operation: error.call) }
    }

    /// ftruncate(2).
    func truncate(to size: UInt64) throws(StoreError) {
        guard descriptor >= 0 else { throw .io(errno: EBADF, operation: "truncate after close") }
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw .io(errno: errno, operation: "ftruncate") }
    }

    /// close(2), once.
    func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }
}
