#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Checks on the file descriptors clients pass, so a wrong one is a clear error before any byte moves.
enum FileDescriptorChecks {
    /// Fails unless `fd` is open for reading and, when it is a regular file, holds exactly `size` bytes from its
    /// current offset (libmtp must announce the size before the data).
    static func readable(_ fd: Int32, index: Int, size: UInt64) throws(ServiceError) {
        guard let flags = try? systemCall("fcntl", { fcntl(fd, F_GETFL) }) else {
            throw .badFileDescriptor(fd: index, reason: "not an open file descriptor")
        }
        guard flags & O_ACCMODE != O_WRONLY else {
            throw .badFileDescriptor(fd: index, reason: "open for writing only; pass it opened for reading")
        }
        var st = stat()
        do throws(SystemCallError) {
            _ = try systemCall("fstat") { fstat(fd, &st) }
        } catch {
            throw .badFileDescriptor(fd: index, reason: error.reason)
        }
        if st.st_mode & S_IFMT == S_IFDIR { throw .badFileDescriptor(fd: index, reason: "a directory, not a file") }
        if st.st_mode & S_IFMT == S_IFREG {
            let offset = (try? systemCall("lseek") { lseek(fd, 0, SEEK_CUR) }) ?? 0
            let available = UInt64(max(0, Int64(st.st_size) - Int64(offset)))
            guard available == size else {
                throw .badFileDescriptor(fd: index, reason: "size is \(size) bytes but the file holds \(available)")
            }
        }
    }

    /// Fails unless `fd` is open for writing.
    static func writable(_ fd: Int32, index: Int) throws(ServiceError) {
        guard let flags = try? systemCall("fcntl", { fcntl(fd, F_GETFL) }) else {
            throw .badFileDescriptor(fd: index, reason: "not an open file descriptor")
        }
        guard flags & O_ACCMODE != O_RDONLY else {
            throw .badFileDescriptor(fd: index, reason: "open for reading only; pass it opened for writing")
        }
        var st = stat()
        if (try? systemCall("fstat") { fstat(fd, &st) }) != nil, st.st_mode & S_IFMT == S_IFDIR {
            throw .badFileDescriptor(fd: index, reason: "a directory, not a file")
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, index: Int) throws(ServiceError) {
        do {
            try FileIO.writeAll(fd, bytes)
        } catch {
            throw .badFileDescriptor(fd: index, reason: "writing failed: \(error.reason)")
        }
    }
}
