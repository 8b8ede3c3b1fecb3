#if canImport(Glibc)
import Glibc
#endif
import DedicatedThreads

/// A serial executor backed by one dedicated thread, so a device actor's libmtp calls, which block for as long
/// as the device takes, never occupy the cooperative pool and never stall another device or the socket.
public final class DeviceThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = ConditionLock()
    private var jobs: [UnownedJob] = []
    private var blocking: [@Sendable () -> Void] = []
    private var stopping = false

    /// Starts the thread; `name` shows in `top -H` and debuggers.
    public init(name: String) {
        DedicatedThread.start(name: name) { [unowned self] in self.runLoop() }
    }

    /// Queues a job of the actor; runs in submission order on the device thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Runs plain blocking work on the device thread, between the actor's jobs (tests use it to stand for a
    /// hung libmtp call).
    func enqueueBlocking(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        blocking.append(work)
        condition.signal()
        condition.unlock()
    }

    /// This executor as the runtime wants it.
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Lets the thread finish the jobs already queued, then end.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && blocking.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && blocking.isEmpty && stopping { condition.unlock(); return }
            let batch = jobs, work = blocking
            jobs.removeAll(keepingCapacity: true)
            blocking.removeAll()
            condition.unlock()
            for w in work { w() }
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }
}
