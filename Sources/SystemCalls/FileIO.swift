#if canImport(Glibc)
import Glibc
#endif

/// Reads, writes and waits on descriptors, each through `systemCall`: short transfers continued, EINTR retried.
public enum FileIO {
    /// One read(2) into `buffer`: the bytes read, 0 at end of file.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        try systemCall("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// pread(2) until `buffer` is full or the file ends: the bytes read.
    public static func read(_ fd: Int32, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError)
        -> Int
    {
        var done = 0
        while done < buffer.count {
            let n = try systemCall("pread") {
                pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// write(2) until every byte of `bytes` is written (a write that takes none fails with EIO).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let n = try systemCall("write") { Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done) }
            guard n > 0 else { throw SystemCallError("write", errno: EIO) }
            done += n
        }
    }

    /// pwrite(2) until every byte of `bytes` is written at `offset` (a write that takes none fails with EIO).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let n = try systemCall("pwrite") {
                pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            guard n > 0 else { throw SystemCallError("pwrite", errno: EIO) }
            done += n
        }
    }

    /// One write(2) of the whole of `bytes` (an O_APPEND record, kept whole): the bytes written, which a full
    /// disk may make fewer.
    public static func writeOnce(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) -> Int {
        try systemCall("write") { Glibc.write(fd, bytes.baseAddress, bytes.count) }
    }

    /// close(2), never retried: Linux frees the descriptor even when a signal interrupts the call, so a retry
    /// could close one another thread has just been given.
    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// poll(2) on `fds` for up to `timeoutMilliseconds` (-1: no limit): how many have events. An interrupted
    /// poll is asked again with the same timeout (the callers loop on their own deadlines).
    public static func poll(_ fds: inout [pollfd], timeoutMilliseconds: Int32) throws(SystemCallError) -> Int {
        let count = nfds_t(fds.count)
        return Int(
            try fds.withUnsafeMutableBufferPointer { p throws(SystemCallError) in
                try systemCall("poll") { Glibc.poll(p.baseAddress, count, timeoutMilliseconds) }
            })
    }

    /// waitpid(2) for `pid`: its raw status.
    public static func waitForChild(_ pid: pid_t) throws(SystemCallError) -> Int32 {
        var status: Int32 = 0
        _ = try systemCall("waitpid") { waitpid(pid, &status, 0) }
        return status
    }

    /// Sleeps for `duration`, going back to sleep for what is left when a signal interrupts.
    public static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = max(duration, .zero).components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var left = timespec()
        // Not through systemCall: an interrupted nanosleep resumes with the time left, not the whole request.
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }
}
