#if canImport(Glibc)
import Glibc
#endif
import DedicatedThreads
import SystemCalls

/// A varlink server on a Unix stream socket: its own path, or a listening socket systemd passed. `Limits`
/// keep any one user's clients from exhausting it. It serves once (`ServerLifecycle`), and its shutdown drains:
/// the calls already received are answered before it returns.
public final class VarlinkServer: Sendable {
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
    private let limits: Limits
    private let report: @Sendable (LimitHit) -> Void
    private struct State {
        var lifecycle = ServerLifecycle()
        var connections: [Int: ServerConnection] = [:]
        var connectionsByUID: [UInt32: Int] = [:]
        var nextID = 1
        /// Written by the shutdown to wake the accept loop from poll; closed once the server has stopped.
        var wakePipe: (Int32, Int32) = (-1, -1)
        /// The accept loop's thread still holds the listener (it closes it as it ends).
        var acceptLoopRunning = false
        /// Who waits for the server to stop: `run()`, and any shutdown after the first.
        var stopWaiters: [CheckedContinuation<Void, Never>] = []

        /// Nothing left that a client could reach: no connection, no listener.
        var isDrained: Bool { connections.isEmpty && !acceptLoopRunning }
    }
    private let state = ConditionBox(State())

    /// Listens on `socketPath` (its folder is created; a stale socket file nobody listens on is replaced).
    /// `report` hears of every client refused or dropped for a limit (from the connection's threads).
    public convenience init(
        socketPath: String, mode: UInt32 = 0o666, services: [any VarlinkService], info: Info,
        maxMessageBytes: Int = 1 << 20, limits: Limits = Limits(),
        report: @escaping @Sendable (LimitHit) -> Void = { _ in }
    ) throws {
        let dispatcher = try Dispatcher(services: services, info: info)  // Before the socket: nothing to undo.
        let fd = try Self.listen(on: socketPath, mode: mode)
        self.init(
            listener: fd, ownedPath: socketPath, dispatcher: dispatcher, maxMessageBytes: maxMessageBytes,
            limits: limits, report: report)
    }

    /// Serves on a socket that is already listening (systemd socket activation).
    public convenience init(
        listeningFileDescriptor fd: Int32, services: [any VarlinkService], info: Info,
        maxMessageBytes: Int = 1 << 20, limits: Limits = Limits(),
        report: @escaping @Sendable (LimitHit) -> Void = { _ in }
    ) throws {
        let dispatcher = try Dispatcher(services: services, info: info)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.init(
            listener: fd, ownedPath: nil, dispatcher: dispatcher, maxMessageBytes: maxMessageBytes,
            limits: limits, report: report)
    }

    private init(
        listener: Int32, ownedPath: String?, dispatcher: Dispatcher, maxMessageBytes: Int, limits: Limits,
        report: @escaping @Sendable (LimitHit) -> Void
    ) {
        precondition(
            limits.pendingCallBytes >= maxMessageBytes && limits.connectionsPerUID > 0 && limits.stallSeconds > 0,
            "limits must admit one connection and one whole message")
        self.listener = listener
        self.ownedPath = ownedPath
        self.dispatcher = dispatcher
        self.maxMessageBytes = maxMessageBytes
        self.limits = limits
        self.report = report
    }

    /// A listening socket bound at `path` with `mode`, replacing a stale socket file nobody listens on.
    private static func listen(on path: String, mode: UInt32) throws -> Int32 {
        guard let address = UnixSocketAddress(path: path) else { throw StartError(description: "socket path too long: \(path)") }
        makeFolders(above: path)
        do {
            let probe = try UnixSocket.make()
            defer { close(probe) }
            if (try? UnixSocket.connect(probe, to: address)) != nil {
                throw StartError(description: "\(path) is in use by another server; stop it or pass another --socket")
            }
        } catch let error as SystemCallError {
            throw StartError(description: "\(error)")
        }
        unlink(path)  // Nobody listens: a leftover from a crash.
        let fd: Int32
        do {
            fd = try UnixSocket.make()
        } catch {
            throw StartError(description: "\(error)")
        }
        do {
            try UnixSocket.bind(fd, to: address)
        } catch {
            close(fd)
            throw StartError(description: "cannot bind \(path): \(error.reason)")
        }
        chmod(path, mode_t(mode))
        do {
            try UnixSocket.listen(fd, backlog: SOMAXCONN)
        } catch {
            close(fd)
            throw StartError(description: "cannot listen on \(path): \(error.reason)")
        }
        return fd
    }

    /// How many clients are connected now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Waits until at most `count` clients are connected; false when `seconds` pass first (tests).
    func waitForConnections(atMost count: Int, seconds: Double) -> Bool {
        state.withLock(waitingUntil: { $0.connections.count <= count }, timeout: .seconds(seconds)) { _ in true } ?? false
    }

    /// Waits until a shutdown has begun; false when `seconds` pass first (tests).
    func waitForShutdownToBegin(seconds: Double) -> Bool {
        state.withLock(
            waitingUntil: { $0.lifecycle.isShuttingDown || $0.lifecycle.state == .stopped }, timeout: .seconds(seconds)
        ) { _ in
            true
        } ?? false
    }

    /// Starts accepting clients, on a thread of its own, and returns; `shutdown()` ends it. Does nothing when
    /// a shutdown came first.
    public func start() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw StartError(description: "pipe: \(String(cString: strerror(errno)))") }
        let start = state.withLock { s -> ServerLifecycle.Start in
            let start = s.lifecycle.start()
            if start == .accept {
                s.wakePipe = (fds[0], fds[1])
                s.acceptLoopRunning = true
            }
            return start
        }
        guard start == .accept else {
            close(fds[0]); close(fds[1])
            return
        }
        DedicatedThread.start(name: "varlink-accept") { [self] in acceptLoop() }
    }

    /// Serves until `shutdown()` has drained the connections.
    public func run() async throws {
        try start()
        await stopped()
    }

    /// Stops accepting at once (the socket file is removed), lets the calls already received run to their end
    /// and their replies be written, and returns only once every connection has closed. Calls still running
    /// after `gracePeriod` are cancelled (their replies still go out); a connection whose call has not ended
    /// `cancellationGracePeriod` after that is closed regardless. A second call waits for the first one's end.
    /// Says how the connections ended, so the embedding program can log a shutdown that had to cut calls short.
    @discardableResult
    public func shutdown(gracePeriod: Duration = .seconds(10), cancellationGracePeriod: Duration = .seconds(5)) async
        -> DrainOutcome
    {
        let (shutdown, wake, open) = state.withLock { s in
            (s.lifecycle.beginShutdown(), s.wakePipe.1, Array(s.connections.values))
        }
        state.broadcast()
        switch shutdown {
        case .awaitStopped:
            await stopped()
            return .drained
        case .closeUnstarted:
            close(listener)
            if let ownedPath { unlink(ownedPath) }
            resumeStopWaiters()
            return .drained
        case .drain:
            break
        }
        if let ownedPath { unlink(ownedPath) }
        var byte: UInt8 = 1
        _ = write(wake, &byte, 1)  // The accept loop wakes, ends and closes the listener.
        // A connection admitted before the shutdown began is in `open`, started or not.
        for connection in open { connection.drain() }
        var outcome = DrainOutcome.drained
        if await !drained(within: gracePeriod) {
            let late = state.withLock { s in s.lifecycle.gracePeriodEnded() ? Array(s.connections.values) : [] }
            for connection in late { connection.cancelCalls() }
            outcome = .cancelled(connections: late.count)
            if await !drained(within: cancellationGracePeriod) {
                let stuck = state.withLock({ Array($0.connections.values) })
                for connection in stuck { connection.abandon() }
                outcome = .abandoned(connections: stuck.count)
                _ = await drained(within: nil)  // Abandoned connections close without waiting for anything.
            }
        }
        let pipe = state.withLock { s in
            s.lifecycle.drained()
            defer { s.wakePipe = (-1, -1) }
            return s.wakePipe
        }
        close(pipe.0); close(pipe.1)  // The accept loop has ended: nobody reads or writes it any more.
        state.broadcast()
        resumeStopWaiters()
        return outcome
    }

    /// How a shutdown's connections ended.
    public enum DrainOutcome: Sendable, Equatable {
        /// Every call ended by itself within the grace period.
        case drained
        /// The calls of these connections were still running when the grace period ended, and were cancelled.
        case cancelled(connections: Int)
        /// These connections were closed with calls that ignored their cancellation.
        case abandoned(connections: Int)
    }

    /// Returns once the server has stopped.
    private func stopped() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.lifecycle.state == .stopped { return true }
                s.stopWaiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    private func resumeStopWaiters() {
        let waiters = state.withLock { s in
            defer { s.stopWaiters = [] }
            return s.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether every connection has closed and the accept loop ended within `timeout` (nil: however long).
    /// The wait blocks a thread of its own, never one of the cooperative pool.
    private func drained(within timeout: Duration?) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            DedicatedThread.start(name: "varlink-drain") { [self] in
                if let timeout {
                    c.resume(returning: state.withLock(waitingUntil: \.isDrained, timeout: timeout) { _ in true } ?? false)
                } else {
                    c.resume(returning: state.withLock(waitingUntil: \.isDrained) { _ in true })
                }
            }
        }
    }

    private func remove(_ id: Int) {
        state.withLock { s in
            guard let c = s.connections.removeValue(forKey: id) else { return }
            s.connectionsByUID[c.peer.uid, default: 1] -= 1
            if s.connectionsByUID[c.peer.uid] == 0 { s.connectionsByUID[c.peer.uid] = nil }
        }
        state.broadcast()
    }

    /// Tells a client over the per-uid limit why, and closes it. The reply is small and the socket new, so
    /// the send does not block; should it not fit, the client still sees the connection close.
    private func refuse(_ client: Int32, peer: PeerCredentials) {
        let reply = ServerConnection.errorReply(limits.refusal(.connectionsPerUID, peer: peer))
        _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        close(client)
        report(LimitHit(limit: .connectionsPerUID, value: limits.value(of: .connectionsPerUID), peer: peer, connection: nil))
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
        let wake = state.withLock { $0.wakePipe.0 }
        accepting: while state.withLock({ $0.lifecycle.admitsConnections }) {
            var pfd = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            guard (try? FileIO.poll(&pfd, timeoutMilliseconds: -1)) ?? 0 > 0 else { continue }
            if pfd[1].revents != 0 { break }
            let client: Int32
            do {
                client = try UnixSocket.accept(listener)
            } catch {
                // Out of descriptors: the pending client stays queued, so back off instead of spinning on it.
                if error.errno == EMFILE || error.errno == ENFILE {
                    var wakeOnly = [pfd[1]]
                    _ = try? FileIO.poll(&wakeOnly, timeoutMilliseconds: 100)
                }
                continue
            }
            let peer = SocketIO.peerCredentials(client)
            enum Admission { case stopped, refused, admitted(ServerConnection) }
            let admission = state.withLock { s -> Admission in
                guard s.lifecycle.admitsConnections else { return .stopped }
                guard s.connectionsByUID[peer.uid, default: 0] < limits.connectionsPerUID else { return .refused }
                let id = s.nextID
                s.nextID += 1
                let c = ServerConnection(
                    id: id, fd: client, peer: peer, dispatcher: dispatcher, maxMessageBytes: maxMessageBytes,
                    limits: limits, report: report
                ) { [weak self] id in self?.remove(id) }
                s.connections[id] = c
                s.connectionsByUID[peer.uid, default: 0] += 1
                return .admitted(c)
            }
            switch admission {
            case .stopped: close(client); break accepting
            case .refused: refuse(client, peer: peer)
            case .admitted(let connection): connection.start()
            }
        }
        close(listener)
        state.withLock { $0.acceptLoopRunning = false }
        state.broadcast()
    }
}
