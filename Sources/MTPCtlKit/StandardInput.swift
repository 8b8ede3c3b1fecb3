#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// `put -`: standard input as a file a device can take. A device must be told a file's size before its data, so
/// input from a pipe or a terminal is first held in a private temporary file (unlinked from the start: nothing is
/// left behind, whatever happens) in $TMPDIR, else /var/tmp; input redirected from a file is sent as it is.
enum StandardInput {
    /// A readable descriptor holding all of standard input, and its size.
    static func spooled() throws(MTPCtlError) -> (fd: Int32, size: Int64) {
        var st = stat()
        if fstat(STDIN_FILENO, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
            let fd = dup(STDIN_FILENO)
            let at = lseek(STDIN_FILENO, 0, SEEK_CUR)
            guard fd >= 0, at >= 0 else { throw .localFile("cannot read standard input: \(String(cString: strerror(errno)))") }
            return (fd, Int64(st.st_size) - Int64(at))
        }
        guard isatty(STDIN_FILENO) == 0 else {
            throw .usage("put - reads the file from standard input, which is a terminal; pipe or redirect the data in")
        }
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/var/tmp"
        let fd: Int32
        do { fd = try FileIO.openUnnamed(in: folder) } catch {
            throw .localFile(
                "cannot hold standard input in \(folder): \(error.description); set TMPDIR to a folder you can write")
        }
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                let why = String(cString: strerror(errno))
                close(fd)
                throw .localFile("reading standard input failed: \(why); nothing was sent")
            }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, n - written) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    let why = String(cString: strerror(errno))
                    close(fd)
                    throw .localFile(
                        "cannot hold standard input in \(folder): \(why); nothing was sent. Set TMPDIR to a folder with room for it"
                    )
                }
                written += w
            }
            size += Int64(n)
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            throw .localFile("cannot read back standard input: \(String(cString: strerror(errno)))")
        }
        return (fd, size)
    }
}
