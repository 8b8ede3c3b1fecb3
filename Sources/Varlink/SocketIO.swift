#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// The socket calls the server and client share, on top of `SystemCalls`: credentials, deadlines, and messages
/// with descriptors.
enum SocketIO {
    /// The peer's credentials; nobody (uid and gid -1) when the kernel will not say.
    static func peerCredentials(_ fd: Int32) -> PeerCredentials {
        guard let peer = try? UnixSocket.peer(of: fd) else { return PeerCredentials(pid: 0, uid: UInt32.max, gid: UInt32.max) }
        return PeerCredentials(pid: peer.pid, uid: peer.uid, gid: peer.gid)
    }

    /// Waits until `fd` has something to read (or is closed) or `deadline` (monotonic seconds) passes;
    /// false on the deadline.
    static func waitReadable(_ fd: Int32, until deadline: Double) -> Bool {
        while true {
            let left = deadline - MonotonicClock.seconds()
            if left <= 0 { return false }
            var pfd = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            do {
                if try FileIO.poll(&pfd, timeoutMilliseconds: Int32(min(left * 1000, 1e9).rounded(.up))) > 0 { return true }
            } catch {
                return true  // Let the read that follows report it.
            }
        }
    }

    /// Makes a blocked send give up with EAGAIN after `seconds` without progress.
    static func setSendTimeout(_ fd: Int32, seconds: Double) {
        try? UnixSocket.setSendTimeout(fd, .seconds(seconds))
    }

    /// Makes a blocked receive give up with EAGAIN after `seconds` without data.
    static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        try? UnixSocket.setReceiveTimeout(fd, .seconds(seconds))
    }

    /// The most descriptors accepted with one message; extras are closed.
    static let maximumDescriptors = 16

    /// Reads what is there (blocking), with any descriptors that came along (close-on-exec): the bytes read,
    /// 0 at end of stream.
    static func receive(_ fd: Int32, into buffer: inout [UInt8], descriptors: inout [Int32]) throws(SystemCallError) -> Int {
        try buffer.withUnsafeMutableBytes { data in
            Result { () throws(SystemCallError) in
                try UnixSocket.receive(fd, into: data, descriptors: &descriptors, maximumDescriptors: maximumDescriptors)
            }
        }.get()
    }

    /// Writes what the socket takes without blocking; returns how many bytes, 0 when it would block, -1 on
    /// an error (left for a blocking `send` to meet again).
    static func sendWithoutWaiting(_ fd: Int32, _ bytes: [UInt8]) -> Int {
        let sent = bytes.withUnsafeBytes { data in
            Result { () throws(SystemCallError) in try UnixSocket.send(fd, data, flags: Int32(MSG_DONTWAIT)) }
        }
        switch sent {
        case .success(let n): return n
        case .failure(let error): return error.errno == EAGAIN ? 0 : -1
        }
    }

    /// Writes all of `bytes`, the first chunk carrying `descriptors` (SCM_RIGHTS).
    static func send(_ fd: Int32, _ bytes: [UInt8], descriptors: [Int32] = []) throws(SystemCallError) {
        var offset = 0
        var pending = descriptors
        while offset < bytes.count {
            offset += try bytes[offset...].withUnsafeBytes { data in
                Result { () throws(SystemCallError) in try UnixSocket.send(fd, data, descriptors: pending) }
            }.get()
            pending = []
        }
    }
}
