#if canImport(Glibc)
import Glibc
#endif
import DedicatedThreads

/// A varlink server on a Unix stream socket: its own path, or a listening socket systemd passed.
public final class VarlinkServer: @unchecked Sendable {
    /// What org.varlink.service.GetInfo reports.
    public struct Info: Sendable {
        public var vendor, product, version, url: String
        /// Creates the info.
        public init(vendor: String, product: String, version: String, url: String) {
            self.vendor = vendor; self.product = product; self.version = version; self.url = url
        }
    }

    /// Why the server cannot start.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with the path and the fix.
        public var description: String
    }

    private let listener: Int32
    private let ownedPath: String?
    private let dispatcher: Dispatcher
    private let maxMessageBytes: Int
    private let lock = ConditionLock()
    private var connections: [Int: ServerConnection] = [:]
    private var nextID = 1
    private var stopped = false
    private var wakePipe: (Int32, Int32) = (-1, -1)
    private var finished: CheckedContinuation<Void, Never>?
    private var isFinished = false

    /// Listens on `socketPath` (its folder is created; a stale socket file nobody listens on is replaced).
    public init(socketPath: String, mode: UInt32 = 0o666, services: [any VarlinkService], info: Info,
                maxMessageBytes: Int = 1 << 20) throws {
        dispatcher = try Dispatcher(services: services, info: info)
        self.maxMessageBytes = maxMessageBytes
        guard let addr = SocketIO.address(socketPath) else { throw StartError(description: "socket path too long: \(socketPath)") }
        Self.makeFolders(above: socketPath)
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if SocketIO.connect(probe, addr) == 0 {
            close(probe)
            throw StartError(description: "\(socketPath) is in use by another server; stop it or pass another --socket")
        }
        close(probe)
        unlink(socketPath)  // Nobody listens: a leftover from a crash.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard SocketIO.bind(fd, addr) == 0 else {
            let e = errno
            close(fd)
            throw StartError(description: "cannot bind \(socketPath): \(String(cString: strerror(e)))")
        }
        chmod(socketPath, mode_t(mode))
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw StartError(description: "cannot listen on \(socketPath): \(String(cString: strerror(errno)))")
        }
        listener = fd
        ownedPath = socketPath
    }

    /// Serves on a socket that is already listening (systemd socket activation).
    public init(listeningFileDescriptor fd: Int32, services: [any VarlinkService], info: Info, maxMessageBytes: Int = 1 << 20) throws {
        dispatcher = try Dispatcher(services: services, info: info)
        self.maxMessageBytes = maxMessageBytes
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        listener = fd
        ownedPath = nil
    }

    /// How many clients are connected now.
    public var connectionCount: Int { lock.withLock { connections.count } }

    /// Serves until `shutdown()`.
    public func run() async throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw StartError(description: "pipe: \(String(cString: strerror(errno)))") }
        lock.withLock { wakePipe = (fds[0], fds[1]) }
        DedicatedThread.start(name: "varlink-accept") { [self] in acceptLoop() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = lock.withLock { () -> Bool in
                if isFinished { return true }
                finished = c
                return false
            }
            if done { c.resume() }
        }
    }

    /// Stops accepting, ends every connection (running calls are cancelled) and removes the socket file.
    public func shutdown() async {
        let (wake, open) = lock.withLock { () -> (Int32, [ServerConnection]) in
            stopped = true
            return (wakePipe.1, Array(connections.values))
        }
        if wake >= 0 { var b: UInt8 = 1; _ = write(wake, &b, 1) }
        for c in open { c.shutdown() }
        if let ownedPath { unlink(ownedPath) }
        let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            isFinished = true
            defer { finished = nil }
            return finished
        }
        c?.resume()
    }

    /// Creates the folders above `path` that are missing (mkdir -p of its dirname).
    static func makeFolders(above path: String) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/").dropLast() {
            prefix += "/" + part
            mkdir(prefix, 0o755)
        }
    }

    private func acceptLoop() {
        let wake = lock.withLock { wakePipe.0 }
        while !lock.withLock({ stopped }) {
            var pfd = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            guard poll(&pfd, 2, -1) > 0 else { continue }
            if pfd[1].revents != 0 { break }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let connection = lock.withLock { () -> ServerConnection? in
                guard !stopped else { return nil }
                let id = nextID
                nextID += 1
                let c = ServerConnection(id: id, fd: client, dispatcher: dispatcher, maxMessageBytes: maxMessageBytes) { [weak self] id in
                    self?.lock.withLock { _ = self?.connections.removeValue(forKey: id) }
                }
                connections[id] = c
                return c
            }
            guard let connection else { close(client); break }
            connection.start()
        }
        close(listener)
    }
}
