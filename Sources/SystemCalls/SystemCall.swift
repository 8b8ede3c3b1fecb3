#if canImport(Glibc)
import Glibc
#endif

/// A system call that failed: which call, and the errno it left, read at once.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function that failed, as `man 2` names it.
    public let call: String
    /// errno right after it returned.
    public let errno: Int32

    /// Creates the error for `call` failing with `errno`.
    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The errno's words, as strerror gives them.
    public var reason: String { String(cString: strerror(errno)) }

    /// "call: reason".
    public var description: String { "\(call): \(reason)" }
}

/// Runs `body`, one system call that returns -1 (or any negative value) and sets errno when it fails, and turns
/// a failure into a `SystemCallError` naming `call`. errno is read before anything else runs. EINTR (a signal
/// arrived first) calls it again, unless `retryOnInterrupt` is false: the one place the daemon and the emulator
/// retry an interrupted call.
@inlinable
public func systemCall<T: FixedWidthInteger>(
    _ call: String, retryOnInterrupt: Bool = true,
    _ body: () -> T
) throws(SystemCallError) -> T {
    while true {
        let result = body()
        if result >= 0 { return result }
        let failure = errno
        if failure == EINTR && retryOnInterrupt { continue }
        throw SystemCallError(call, errno: failure)
    }
}

/// Runs `body`, a call that returns 0 or an errno itself (the pthread functions), as `systemCall` does.
@inlinable
public func systemCallReturningErrno(_ call: String, _ body: () -> Int32) throws(SystemCallError) {
    while true {
        let failure = body()
        if failure == 0 { return }
        if failure == EINTR { continue }
        throw SystemCallError(call, errno: failure)
    }
}
