import DedicatedThreads

/// A serial executor backed by one dedicated thread, so a device actor's libmtp calls, which block for as long
/// as the device takes, never occupy the cooperative pool and never stall another device or the socket.
///
/// `shutdown()` lets the thread end once its queue is empty. A job that comes later (a task that still held the
/// actor when its device left) is not dropped, which would leave its awaiter hanging: a thread is started again
/// to run it, and ends once the queue is empty again. One thread at most runs jobs at any time.
public final class DeviceThreadExecutor: SerialExecutor, Sendable {
    private enum Phase { case running, stopping, finished }
    private struct Queue {
        var jobs: [UnownedJob] = []
        var blocking: [@Sendable () -> Void] = []
        var phase = Phase.running
        var isEmpty: Bool { jobs.isEmpty && blocking.isEmpty }
    }
    private let name: String
    private let queue = ConditionBox(Queue())

    /// Starts the thread; `name` shows in `top -H` and debuggers.
    public init(name: String) {
        self.name = name
        startThread()
    }

    /// Queues a job of the actor; runs in submission order on the device thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        add { $0.jobs.append(unowned) }
    }

    /// Runs plain blocking work on the device thread, between the actor's jobs (tests use it to stand for a
    /// hung libmtp call).
    func enqueueBlocking(_ work: @escaping @Sendable () -> Void) {
        add { $0.blocking.append(work) }
    }

    /// Queues with `append`, starting a thread again when the last one has ended (see the type's comment).
    private func add(_ append: (inout Queue) -> Void) {
        let restart = queue.withLock { q -> Bool in
            append(&q)
            guard q.phase == .finished else { return false }
            q.phase = .stopping
            return true
        }
        if restart { startThread() } else { queue.signal() }
    }

    /// This executor as the runtime wants it.
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Lets the thread finish the jobs already queued, then end.
    public func shutdown() {
        queue.withLock { if $0.phase == .running { $0.phase = .stopping } }
        queue.broadcast()
    }

    /// Whether the thread has ended within `timeout` (tests).
    func waitUntilFinished(timeout: Duration) -> Bool {
        queue.withLock(waitingUntil: { $0.phase == .finished }, timeout: timeout) { _ in true } ?? false
    }

    private func startThread() {
        // The thread holds the executor until it ends, so a late job always finds it.
        DedicatedThread.start(name: name) { [self] in runLoop() }
    }

    private func runLoop() {
        while true {
            let taken = queue.withLock(waitingUntil: { !$0.isEmpty || $0.phase != .running }) { q -> Queue? in
                if q.isEmpty {
                    q.phase = .finished
                    return nil
                }
                defer { q.jobs.removeAll(keepingCapacity: true); q.blocking.removeAll() }
                return q
            }
            guard let batch = taken else {
                queue.broadcast()  // For waitUntilFinished.
                return
            }
            for w in batch.blocking { w() }
            for job in batch.jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }
}
