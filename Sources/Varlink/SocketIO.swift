#if canImport(Glibc)
import Glibc
#endif

/// The socket calls the server and client share: Unix addresses, credentials, and messages with descriptors.
enum SocketIO {
    /// Fills a sockaddr_un for `path`; nil when the path is too long for one.
    static func address(_ path: String) -> sockaddr_un? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return addr
    }

    static func connect(_ fd: Int32, _ addr: sockaddr_un) -> Int32 {
        var addr = addr
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    static func bind(_ fd: Int32, _ addr: sockaddr_un) -> Int32 {
        var addr = addr
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    static func peerCredentials(_ fd: Int32) -> PeerCredentials {
        // struct ucred {pid, uid, gid}, which Glibc exposes to Swift only under _GNU_SOURCE.
        var cred: (Int32, UInt32, UInt32) = (0, UInt32.max, UInt32.max)
        var length = socklen_t(12)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0 else { return PeerCredentials(pid: 0, uid: UInt32.max, gid: UInt32.max) }
        return PeerCredentials(pid: cred.0, uid: cred.1, gid: cred.2)
    }

    /// Seconds on the monotonic clock, for deadlines that wall-clock changes must not move.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Waits until `fd` has something to read (or is closed) or `deadline` (monotonic seconds) passes;
    /// false on the deadline.
    static func waitReadable(_ fd: Int32, until deadline: Double) -> Bool {
        while true {
            let left = deadline - monotonicSeconds()
            if left <= 0 { return false }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let n = poll(&pfd, 1, Int32(min(left * 1000, 1e9).rounded(.up)))
            if n > 0 { return true }
            if n < 0 && errno != EINTR { return true }  // Let the read that follows report it.
        }
    }

    /// Makes a blocked send give up with EAGAIN after `seconds` without progress.
    static func setSendTimeout(_ fd: Int32, seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Makes a blocked receive give up with EAGAIN after `seconds` without data.
    static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The most descriptors accepted with one message; extras are closed.
    static let maximumDescriptors = 16

    /// Reads what is there (blocking), with any descriptors that came along (close-on-exec).
    /// Returns 0 at end of stream, -1 on error.
    static func receive(_ fd: Int32, into buffer: inout [UInt8], descriptors: inout [Int32]) -> Int {
        let space = MemoryLayout<cmsghdr>.stride + maximumDescriptors * MemoryLayout<Int32>.stride + 16
        var control = [UInt8](repeating: 0, count: space)
        let count = buffer.count
        return buffer.withUnsafeMutableBytes { data -> Int in
            control.withUnsafeMutableBytes { ctl -> Int in
                var iov = iovec(iov_base: data.baseAddress, iov_len: count)
                return withUnsafeMutablePointer(to: &iov) { iovp -> Int in
                    var msg = msghdr()
                    msg.msg_iov = iovp
                    msg.msg_iovlen = 1
                    msg.msg_control = ctl.baseAddress
                    msg.msg_controllen = ctl.count
                    var n: Int
                    repeat { n = recvmsg(fd, &msg, Int32(MSG_CMSG_CLOEXEC)) } while n < 0 && errno == EINTR
                    guard n >= 0 else { return -1 }
                    var header = msg.msg_controllen >= MemoryLayout<cmsghdr>.size ? ctl.baseAddress!.assumingMemoryBound(to: cmsghdr.self) : nil
                    while let h = header {
                        if h.pointee.cmsg_level == SOL_SOCKET && h.pointee.cmsg_type == Int32(SCM_RIGHTS) {
                            let payload = Int(h.pointee.cmsg_len) - MemoryLayout<cmsghdr>.stride
                            let fds = UnsafeRawPointer(h).advanced(by: MemoryLayout<cmsghdr>.stride)
                            for k in 0..<(payload / MemoryLayout<Int32>.size) {
                                let received = fds.loadUnaligned(fromByteOffset: k * 4, as: Int32.self)
                                if descriptors.count < maximumDescriptors { descriptors.append(received) } else { close(received) }
                            }
                        }
                        let next = UnsafeMutableRawPointer(h).advanced(by: (Int(h.pointee.cmsg_len) + 7) & ~7)
                        header = next + MemoryLayout<cmsghdr>.size <= ctl.baseAddress! + Int(msg.msg_controllen)
                            ? next.assumingMemoryBound(to: cmsghdr.self) : nil
                    }
                    return n
                }
            }
        }
    }

    /// Writes what the socket takes without blocking; returns how many bytes, 0 when it would block, -1 on
    /// an error (left for a blocking `send` to meet again).
    static func sendWithoutWaiting(_ fd: Int32, _ bytes: [UInt8]) -> Int {
        var n: Int
        repeat {
            n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        } while n < 0 && errno == EINTR
        if n < 0 { return errno == EAGAIN ? 0 : -1 }
        return n
    }

    /// Writes all of `bytes`, the first chunk carrying `descriptors` (SCM_RIGHTS). False on error.
    static func send(_ fd: Int32, _ bytes: [UInt8], descriptors: [Int32] = []) -> Bool {
        var offset = 0
        var pending = descriptors
        while offset < bytes.count {
            let n: Int = bytes[offset...].withUnsafeBytes { data in
                var iov = iovec(iov_base: UnsafeMutableRawPointer(mutating: data.baseAddress), iov_len: data.count)
                return withUnsafeMutablePointer(to: &iov) { iovp in
                    var msg = msghdr()
                    msg.msg_iov = iovp
                    msg.msg_iovlen = 1
                    guard !pending.isEmpty else { return sendmsg(fd, &msg, Int32(MSG_NOSIGNAL)) }
                    let length = MemoryLayout<cmsghdr>.stride + pending.count * MemoryLayout<Int32>.size
                    var control = [UInt8](repeating: 0, count: (length + 7) & ~7)
                    return control.withUnsafeMutableBytes { ctl in
                        let h = ctl.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
                        h.pointee.cmsg_len = length
                        h.pointee.cmsg_level = SOL_SOCKET
                        h.pointee.cmsg_type = Int32(SCM_RIGHTS)
                        for (k, d) in pending.enumerated() {
                            ctl.storeBytes(of: d, toByteOffset: MemoryLayout<cmsghdr>.stride + k * 4, as: Int32.self)
                        }
                        msg.msg_control = ctl.baseAddress
                        msg.msg_controllen = ctl.count
                        return sendmsg(fd, &msg, Int32(MSG_NOSIGNAL))
                    }
                }
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            pending = []
            offset += n
        }
        return true
    }
}
