#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Delivers SIGTERM/SIGINT as an awaitable value instead of an asynchronous interruption.
///
/// A real handler that writes the signal's number to a pipe (the self-pipe trick), read by a dispatch source.
/// A dispatch signal source needs the signal ignored, and an ignored signal that the kernel hands to a thread
/// which does not block it is simply dropped: about one SIGTERM in 170 right after start-up on a loaded machine
/// was lost, and the daemon never stopped. A handler runs on whichever thread the signal lands on.
final class SignalWatch: @unchecked Sendable {
    private let source: DispatchSourceRead
    private let stream: AsyncStream<Int32>

    /// Installs the handler for each of `signals`; from then on they arrive through `next()`.
    init(signals: [Int32]) {
        let (stream, sink) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        signalPipeWriteEnd = fds[1]
        let readEnd = fds[0]
        source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        source.setEventHandler {
            var number: UInt8 = 0
            while read(readEnd, &number, 1) == 1 { sink.yield(Int32(number)) }
        }
        source.resume()
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)  // Async-signal-safe; a full pipe drops a repeat, harmlessly.
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// The next signal.
    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}

/// The pipe's write end for the signal handler, which can capture nothing. Set once, before any handler.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
