#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// A client process's memory, read and written directly with `process_vm_readv`/`process_vm_writev`.
///
/// umockdev carries every read of client memory over its socket as a round trip to the client, and every write
/// as one more message; a 16 KiB URB cost three round trips besides its own. Copying URB structs and buffers
/// directly leaves one request and one answer per ioctl. `find` confirms the process against umockdev's own
/// copy first, so a client this process may not reach (another user, ptrace restrictions) keeps the socket path.
struct ClientMemory: Equatable {
    /// The client process.
    let pid: pid_t

    /// Copies `buffer.count` bytes at `address` in the client into `buffer`; false if any could not be read.
    func read(_ address: UInt, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard buffer.count > 0 else { return true }
        // One element is never split: the call moves all of it or fails.
        return (try? ProcessMemory.read(pid, address, into: buffer)) == buffer.count
    }

    /// Copies `bytes` to `address` in the client; false if they could not all be written.
    func write(_ bytes: UnsafeRawBufferPointer, to address: UInt) -> Bool {
        guard bytes.count > 0 else { return true }
        return (try? ProcessMemory.write(pid, [(bytes, address)])) == bytes.count
    }

    /// Writes two 32-bit values at two addresses in one call (a URB's status and actual length).
    func write(_ first: Int32, to firstAddress: UInt, _ second: Int32, to secondAddress: UInt) -> Bool {
        let values = [first, second]
        let size = MemoryLayout<Int32>.stride
        return values.withUnsafeBytes { raw in
            let pieces = [
                (UnsafeRawBufferPointer(rebasing: raw[0..<size]), firstAddress),
                (UnsafeRawBufferPointer(rebasing: raw[size..<(2 * size)]), secondAddress),
            ]
            return (try? ProcessMemory.write(pid, pieces)) == 2 * size
        }
    }

    /// Whether the process still runs (a zombie does not: its descriptors are closed).
    var processIsAlive: Bool {
        guard let f = fopen("/proc/\(pid)/stat", "r") else { return false }
        defer { fclose(f) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), f) != nil else { return false }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let close = line.lastIndex(of: ")") else { return false }
        let state = line[line.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// The one process among this process's socket peers that holds `expected` at `address` — what umockdev
    /// read over the socket from the client that issued the ioctl; nil when none or several do.
    static func find(holding expected: UnsafeRawBufferPointer, at address: UInt) -> ClientMemory? {
        var found: [ClientMemory] = []
        var copy = [UInt8](repeating: 0, count: expected.count)
        for pid in socketPeers() {
            let candidate = ClientMemory(pid: pid)
            let same = copy.withUnsafeMutableBytes { candidate.read(address, into: $0) && $0.elementsEqual(expected) }
            if same { found.append(candidate) }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The processes at the other end of this process's Unix sockets (umockdev's clients are among them).
    static func socketPeers() -> Set<pid_t> {
        guard let dir = opendir("/proc/self/fd") else { return [] }
        defer { closedir(dir) }
        let me = getpid()
        var peers = Set<pid_t>()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name) else { continue }
            guard let pid = try? UnixSocket.peer(of: fd).pid else { continue }
            if pid > 0 && pid != me { peers.insert(pid) }
        }
        return peers
    }
}
