#if canImport(Glibc)
import Glibc
#endif

/// systemd's socket activation (sd_listen_fds' protocol, without libsystemd).
enum SocketActivation {
    /// The listening socket systemd passed (LISTEN_FDS, LISTEN_PID), if any. The variables are removed, so
    /// nothing the daemon might start takes the socket for its own.
    static func listeningFileDescriptor() -> Int32? {
        let env = Environment.current
        guard let pid = env["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
            let count = env["LISTEN_FDS"].flatMap(Int.init), count >= 1
        else { return nil }
        unsetenv("LISTEN_PID"); unsetenv("LISTEN_FDS"); unsetenv("LISTEN_FDNAMES")
        return 3  // SD_LISTEN_FDS_START
    }
}
