#if canImport(Glibc)
import Glibc
#endif
import DedicatedThreads
import SystemCalls

/// One client connection: a reader thread that frames messages and receives descriptors, a writer thread
/// with a bounded queue (a client that stops reading is dropped, not waited for), and one task that runs
/// the calls one after another so replies keep the calls' order. `VarlinkServer.Limits` bound what the
/// client may leave half-sent, unanswered or unread.
final class ServerConnection: Sendable {
    let id: Int
    let fd: Int32
    let peer: PeerCredentials
    private let dispatcher: Dispatcher
    private let maxMessageBytes: Int
    private let limits: VarlinkServer.Limits
    private let report: @Sendable (VarlinkServer.LimitHit) -> Void
    private let onClose: @Sendable (Int) -> Void

    private struct State {
        var outbox: [UInt8] = []
        /// The writer thread has taken bytes from the outbox and is sending them: nothing may overtake them.
        var writerSending = false
        var life = ConnectionLifecycle()
        var processor: Task<Void, Never>?
        /// Bytes of calls handed to the processor and not yet answered.
        var pendingBytes = 0
    }
    private let state = ConditionBox(State())

    /// What the reader hands the processing task: a call, or an error reply for a message that was not one.
    enum Item: Sendable { case call(VarlinkCall, bytes: Int), refuse(VarlinkError) }
    private let items: AsyncStream<Item>
    private let itemSink: AsyncStream<Item>.Continuation

    init(
        id: Int, fd: Int32, peer: PeerCredentials, dispatcher: Dispatcher, maxMessageBytes: Int, limits: VarlinkServer.Limits,
        report: @escaping @Sendable (VarlinkServer.LimitHit) -> Void, onClose: @escaping @Sendable (Int) -> Void
    ) {
        self.id = id
        self.fd = fd
        self.peer = peer
        self.dispatcher = dispatcher
        self.maxMessageBytes = maxMessageBytes
        self.limits = limits
        self.report = report
        self.onClose = onClose
        (items, itemSink) = AsyncStream<Item>.makeStream()
        SocketIO.setSendTimeout(fd, seconds: limits.stallSeconds)
    }

    func start() {
        let processor = Task { [self] in
            for await item in items {
                switch item {
                case .refuse(let error):
                    enqueue(Self.errorReply(error))
                case .call(let call, let bytes):
                    await run(call)
                    state.withLock { $0.pendingBytes -= bytes }
                }
            }
        }
        state.withLock { $0.processor = processor }
        DedicatedThread.start(name: "varlink-r\(id)") { [self] in readLoop() }
        DedicatedThread.start(name: "varlink-w\(id)") { [self] in writeLoop() }
    }

    /// Stops taking calls, for the server's shutdown: those already received still run and are answered, and
    /// the connection closes once they have been.
    func drain() {
        state.withLock { s in
            if s.life.drain() { UnixSocket.shutdownReading(fd) }
        }
    }

    /// Cancels the calls still running, when the shutdown's grace period is over; their replies still go out.
    func cancelCalls() { state.withLock { $0.processor }?.cancel() }

    /// Closes the connection whatever its calls are doing (the shutdown's last resort); nothing more is sent.
    func abandon() {
        state.withLock { s in
            s.outbox.removeAll()
            if s.life.stopOutput() { UnixSocket.shutdown(fd) }
        }
        state.broadcast()
    }

    // MARK: Calls

    private func run(_ call: VarlinkCall) async {
        defer { for d in call.fileDescriptors { close(d) } }
        let stream = ReplySink(connection: self, enabled: call.more && !call.oneway)
        let reply: [UInt8]
        do {
            let parameters = try await dispatcher.dispatch(call, replies: stream)
            reply = Self.message(["parameters": .object(parameters)])
        } catch let error as VarlinkError {
            reply = Self.errorReply(error)
        } catch {
            reply = Self.errorReply(
                VarlinkError(name: "org.varlink.service.InternalError", parameters: ["message": .string("\(error)")]))
        }
        if !call.oneway { enqueue(reply) }
    }

    static func message(_ object: [String: JSONValue]) -> [UInt8] { JSONValue.object(object).serialized() + [0] }

    static func errorReply(_ error: VarlinkError) -> [UInt8] {
        message(["error": .string(error.name), "parameters": .object(error.parameters)])
    }

    /// Sends bytes now when nothing is ahead of them and the socket takes them without waiting; queues the
    /// rest for the writer. Drops the connection when the client has stopped reading. A reply always fits
    /// an empty queue, so the limit bounds the backlog, not the size of one reply. Sending inline spares each
    /// call a wake-up of the writer thread, which was a third of a cheap call's cost under load.
    func enqueue(_ bytes: [UInt8]) {
        enum Outcome { case sent, queued, overflow }
        let outcome = state.withLock { s -> Outcome in
            guard s.life.acceptsReplies else { return .sent }
            var bytes = bytes
            if s.outbox.isEmpty && !s.writerSending {
                let sent = SocketIO.sendWithoutWaiting(fd, bytes)
                if sent == bytes.count { return .sent }
                // The writer finishes the rest, and meets any error itself (it decides what closes the connection).
                bytes.removeFirst(max(sent, 0))
            }
            if !s.outbox.isEmpty && s.outbox.count + bytes.count > limits.queuedReplyBytes {
                s.outbox.removeAll()
                if s.life.stopOutput() { UnixSocket.shutdown(fd) }
                return .overflow
            }
            s.outbox += bytes
            return .queued
        }
        if outcome != .sent { state.broadcast() }
        if outcome == .overflow { hit(.queuedReplyBytes) }
    }

    private func hit(_ limit: VarlinkServer.Limit) {
        report(VarlinkServer.LimitHit(limit: limit, value: limits.value(of: limit), peer: peer, connection: id))
    }

    // MARK: Threads

    private func readLoop() {
        var framer = MessageFramer(maxMessageBytes: maxMessageBytes)
        var chunk = [UInt8](repeating: 0, count: 65536)
        var descriptors: [Int32] = []
        // When the first byte of the message still incomplete in the framer arrived: the whole message must
        // follow within stallSeconds, however slowly it trickles (an idle connection has no deadline).
        var messageStarted = 0.0
        reading: while true {
            if !framer.pending.isEmpty && !SocketIO.waitReadable(fd, until: messageStarted + limits.stallSeconds) {
                itemSink.yield(.refuse(limits.refusal(.stallSeconds, peer: peer)))
                hit(.stallSeconds)
                break reading
            }
            guard let n = try? SocketIO.receive(fd, into: &chunk, descriptors: &descriptors), n > 0 else { break }
            var fresh = framer.pending.isEmpty
            framer.append(chunk[0..<n])
            // A complete message over the cap is not framed: it stays pending and trips the check below.
            while let message = framer.next() {
                fresh = true
                let item = parse(message, descriptors: descriptors)
                descriptors = []
                if case .call(let call, let size) = item {
                    let pending = state.withLock { s in
                        s.pendingBytes += size
                        return s.pendingBytes
                    }
                    if pending > limits.pendingCallBytes {
                        for d in call.fileDescriptors { close(d) }
                        itemSink.yield(.refuse(limits.refusal(.pendingCallBytes, peer: peer)))
                        hit(.pendingCallBytes)
                        break reading
                    }
                }
                itemSink.yield(item)
            }
            if fresh && !framer.pending.isEmpty { messageStarted = MonotonicClock.seconds() }
            if framer.isOverCap {
                itemSink.yield(.refuse(.invalidParameter("message: longer than \(maxMessageBytes) bytes")))
                break reading
            }
        }
        for d in descriptors { close(d) }
        itemSink.finish()
        let (processor, cancelCalls) = state.withLock { s in (s.processor, s.life.readerEnded()) }
        state.broadcast()
        // The client is gone or misbehaved: running calls are cancelled, queued replies still go out. A server
        // that drains lets them end instead, and cancels them itself when its grace period is over.
        if let processor {
            Task { [self] in
                if cancelCalls { processor.cancel() }
                await processor.value
                markClosing()
            }
        } else {
            markClosing()
        }
    }

    private func markClosing() {
        state.withLock { $0.life.callsEnded() }
        state.broadcast()
    }

    private func writeLoop() {
        while true {
            let taken = state.withLock(waitingUntil: { !$0.outbox.isEmpty || !$0.life.acceptsReplies }) { s -> [UInt8]? in
                if s.outbox.isEmpty { return nil }  // Closing, with nothing left to send.
                defer { s.outbox.removeAll(keepingCapacity: true) }
                s.writerSending = true
                return s.outbox
            }
            guard let bytes = taken else { break }
            let failure: SystemCallError?
            do { try SocketIO.send(fd, bytes); failure = nil } catch { failure = error }
            state.withLock { $0.writerSending = false }
            if let failure {
                // EAGAIN is the send timeout: the client left a reply unread for stallSeconds.
                if failure.errno == EAGAIN { hit(.stallSeconds) }
                let open = state.withLock { s in
                    s.outbox.removeAll()
                    return s.life.stopOutput()
                }
                if open { UnixSocket.shutdown(fd) }
                break
            }
        }
        // A reader still blocked in recvmsg is woken by the shutdown; the descriptor closes once it is done.
        if !state.withLock({ $0.life.readerIsDone }) { UnixSocket.shutdown(fd) }
        state.withLock(waitingUntil: { $0.life.readerIsDone }) { _ in }  // readLoop broadcasts when it ends.
        finish()
    }

    private func finish() {
        state.withLock { s in
            s.life.descriptorClosed()
            close(fd)
        }
        onClose(id)
    }

    /// Turns one message into a call (with its size, for the pending-calls limit), or into the error its sender
    /// gets (whose descriptors are closed).
    private func parse(_ bytes: [UInt8], descriptors: [Int32]) -> Item {
        do {
            return .call(
                try VarlinkCall(message: bytes, fileDescriptors: descriptors, peer: peer, connection: id), bytes: bytes.count + 1)
        } catch {
            for d in descriptors { close(d) }
            return .refuse(error)
        }
    }
}

/// The intermediate replies of one call.
struct ReplySink: VarlinkReplyStream {
    let connection: ServerConnection
    let enabled: Bool
    func send(_ parameters: [String: JSONValue]) async throws {
        guard enabled else { return }
        connection.enqueue(ServerConnection.message(["parameters": .object(parameters), "continues": .bool(true)]))
    }
}
