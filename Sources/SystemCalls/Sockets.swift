internal import CSystemCalls
#if canImport(Glibc)
import Glibc
#endif

/// The address of a Unix socket: the one place a sockaddr_un is built, for every bind, connect and send.
public struct UnixSocketAddress: Sendable {
    /// The path it names; one that starts with "@" names a socket in the abstract namespace (as systemd writes
    /// NOTIFY_SOCKET).
    public let path: String

    /// The longest path a sockaddr_un holds, without its terminating NUL.
    public static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// The address of `path`; nil when the path is too long for a sockaddr_un.
    public init?(path: String) {
        guard path.utf8.count <= Self.maximumPathBytes else { return nil }
        self.path = path
    }

    /// Calls `body` with the sockaddr and its length (for an abstract name, exactly the name's bytes).
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let length = abstract ? MemoryLayout<sa_family_t>.size + bytes.count : MemoryLayout<sockaddr_un>.size
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(length)) }
        }
    }
}

/// Who is at the other end of a connected Unix socket (SO_PEERCRED).
public struct SocketPeer: Sendable, Equatable {
    /// The peer's process id, user id and group id when it connected.
    public var pid: Int32, uid: UInt32, gid: UInt32
}

/// Unix stream sockets, each call through `systemCall`.
public enum UnixSocket {
    /// A new close-on-exec Unix stream socket.
    public static func make() throws(SystemCallError) -> Int32 {
        try systemCall("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    /// A new close-on-exec Unix datagram socket.
    public static func makeDatagram() throws(SystemCallError) -> Int32 {
        try systemCall("socket") { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    /// One sendto(2) of `bytes` to `address` with `flags` (MSG_NOSIGNAL is always added): the bytes sent.
    public static func send(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, to address: UnixSocketAddress,
        flags: Int32 = 0
    ) throws(SystemCallError) -> Int {
        try systemCall("sendto") {
            address.withSockaddr { sendto(fd, bytes.baseAddress, bytes.count, flags | Int32(MSG_NOSIGNAL), $0, $1) }
        }
    }

    /// connect(2) to `address`. An interrupted connect goes on in the background and may not be restarted, so
    /// it is not retried: the caller sees EINTR.
    public static func connect(_ fd: Int32, to address: UnixSocketAddress) throws(SystemCallError) {
        _ = try systemCall("connect", retryOnInterrupt: false) { address.withSockaddr { Glibc.connect(fd, $0, $1) } }
    }

    /// bind(2) to `address`.
    public static func bind(_ fd: Int32, to address: UnixSocketAddress) throws(SystemCallError) {
        _ = try systemCall("bind") { address.withSockaddr { Glibc.bind(fd, $0, $1) } }
    }

    /// listen(2) with `backlog`.
    public static func listen(_ fd: Int32, backlog: Int32) throws(SystemCallError) {
        _ = try systemCall("listen") { Glibc.listen(fd, backlog) }
    }

    /// accept4(2) of the next client, close-on-exec.
    public static func accept(_ fd: Int32) throws(SystemCallError) -> Int32 {
        try systemCall("accept") { csc_accept_cloexec(fd) }
    }

    /// The credentials of the peer of `fd`.
    public static func peer(of fd: Int32) throws(SystemCallError) -> SocketPeer {
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        _ = try systemCall("getsockopt(SO_PEERCRED)") { csc_peer_credentials(fd, &pid, &uid, &gid) }
        return SocketPeer(pid: pid, uid: uid, gid: gid)
    }

    /// Makes a blocked send give up with EAGAIN after `timeout` without progress.
    public static func setSendTimeout(_ fd: Int32, _ timeout: Duration) throws(SystemCallError) {
        try setTimeout(fd, SO_SNDTIMEO, timeout)
    }

    /// Makes a blocked receive give up with EAGAIN after `timeout` without data.
    public static func setReceiveTimeout(_ fd: Int32, _ timeout: Duration) throws(SystemCallError) {
        try setTimeout(fd, SO_RCVTIMEO, timeout)
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, _ timeout: Duration) throws(SystemCallError) {
        let (seconds, attoseconds) = max(timeout, .zero).components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = try systemCall("setsockopt") { setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size)) }
    }

    /// shutdown(2) of both directions: a thread blocked reading or writing `fd` returns.
    public static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// shutdown(2) of the reading side only: a blocked read returns end of stream, what is already received is
    /// still read, and the peer's further sends fail, while replies can still be written.
    public static func shutdownReading(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RD))
    }

    /// The most descriptors one message may carry (`receive`'s `maximumDescriptors` is at most this).
    public static let descriptorCapacity = Int(CSC_MAX_DESCRIPTORS)

    /// One recvmsg(2) into `buffer` (close-on-exec descriptors): the bytes read, 0 at end of stream. The SCM_RIGHTS
    /// descriptors that came along are appended to `descriptors` up to `maximumDescriptors` in all; any more are
    /// closed.
    public static func receive(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, descriptors: inout [Int32],
        maximumDescriptors: Int
    ) throws(SystemCallError) -> Int {
        var received = [Int32](repeating: -1, count: descriptorCapacity)
        var count: Int32 = 0
        let room = Int32(max(0, min(maximumDescriptors - descriptors.count, descriptorCapacity)))
        let n = try received.withUnsafeMutableBufferPointer { fds throws(SystemCallError) in
            try systemCall("recvmsg") { csc_recvmsg_fds(fd, buffer.baseAddress, buffer.count, fds.baseAddress, room, &count, 0) }
        }
        descriptors += received.prefix(Int(count))
        return n
    }

    /// One sendmsg(2) of `bytes` with `descriptors` (SCM_RIGHTS, when any) and `flags` (MSG_NOSIGNAL is always
    /// added): the bytes sent.
    public static func send(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, descriptors: [Int32] = [],
        flags: Int32 = 0
    ) throws(SystemCallError) -> Int {
        try descriptors.withUnsafeBufferPointer { fds throws(SystemCallError) in
            try systemCall("sendmsg") {
                csc_sendmsg_fds(
                    fd, bytes.baseAddress, bytes.count, fds.baseAddress, Int32(fds.count), flags | Int32(MSG_NOSIGNAL))
            }
        }
    }
}
