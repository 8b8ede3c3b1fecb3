#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Starts work on a thread of its own, for code that blocks (libmtp, libusb, socket reads) and must never
/// occupy Swift's cooperative pool. Plain pthreads, so the daemon does not need Foundation's Thread.
public enum DedicatedThread {
    private final class Work {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) { self.name = name; self.body = body }
    }

    /// Runs `body` on a new detached thread named `name` (shown by `top -H`; cut to 15 bytes).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        // Retained for the thread, which takes it back first thing.
        let work = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { raw in
                let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
                try? ThreadName.set(work.name)  // A name is for people reading top -H; none is no failure.
                work.body()
                return nil
            }, work)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }
}
