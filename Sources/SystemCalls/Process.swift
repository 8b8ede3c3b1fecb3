internal import CSystemCalls
#if canImport(Glibc)
import Glibc
#endif

/// Another process's memory, read and written with process_vm_readv/process_vm_writev.
public enum ProcessMemory {
    /// Copies `buffer.count` bytes at `address` in process `pid` into `buffer`: the bytes copied.
    public static func read(_ pid: Int32, _ address: UInt, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError)
        -> Int
    {
        var local = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        var remote = iovec(iov_base: UnsafeMutableRawPointer(bitPattern: address), iov_len: buffer.count)
        return try systemCall("process_vm_readv") { csc_process_vm_readv(pid, &local, 1, &remote, 1) }
    }

    /// Copies each of `pieces` to its address in process `pid`, all in one call: the bytes copied.
    public static func write(_ pid: Int32, _ pieces: [(bytes: UnsafeRawBufferPointer, address: UInt)]) throws(SystemCallError)
        -> Int
    {
        var local = pieces.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.bytes.baseAddress), iov_len: $0.bytes.count)
        }
        var remote = pieces.map { iovec(iov_base: UnsafeMutableRawPointer(bitPattern: $0.address), iov_len: $0.bytes.count) }
        let count = UInt(pieces.count)
        return try systemCall("process_vm_writev") { csc_process_vm_writev(pid, &local, count, &remote, count) }
    }
}

/// The calling thread's name, as `top -H`, debuggers and /proc show it.
public enum ThreadName {
    /// Names the calling thread `name`, cut to the kernel's 15 bytes.
    public static func set(_ name: String) throws(SystemCallError) {
        try systemCallReturningErrno("pthread_setname_np") { csc_set_thread_name(name) }
    }
}
