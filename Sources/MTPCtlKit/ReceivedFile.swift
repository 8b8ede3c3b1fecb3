#if canImport(Glibc)
import Glibc
#endif
import ManagerContract

/// A device file written to a local path the safe way: into a temporary file beside the target, synced and
/// renamed over it only when complete, so a failure never leaves a truncated or half-written file, and given the
/// device's modification time so a later sync can tell it is the same.
enum ReceivedFile {
    /// Copies `path` on `device` to `target`; `progress` hears the bytes done. Returns the size written.
    static func receive(
        _ ctx: Context, _ client: DaemonClient, device: String, path: String, offset: Int? = nil, length: Int? = nil,
        storage: Int?, session: String?, target: String, modified: Int64? = nil,
        progress: @escaping (Manager.ProgressUpdate) throws(MTPCtlError) -> Void
    ) throws(MTPCtlError) -> Int64 {
        let temporary = "\(target).partial-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .localFile("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var fdOpen = true
        do throws(MTPCtlError) {
            let r = try client.call(
                Manager.Get.self,
                .init(
                    device: device, path: path, fd: 0, offset: offset, length: length, storage: storage,
                    session: session, timeoutSeconds: ctx.timeout
                ), fileDescriptors: [fd]
            ) { update throws(MTPCtlError) in
                if let wait = update.waiting { return ctx.sayWaiting(wait, device: device) }
                try progress(update)
            }
            if let modified {
                let times = [timespec(tv_sec: time_t(modified), tv_nsec: 0), timespec(tv_sec: time_t(modified), tv_nsec: 0)]
                _ = futimens(fd, times)  // A time not kept costs the next sync a copy, not data.
            }
            let synced = fsync(fd) == 0
            fdOpen = false
            guard synced, close(fd) == 0 else {
                throw .localFile("writing \(target) failed: \(String(cString: strerror(errno)))")
            }
            guard rename(temporary, target) == 0 else {
                throw .localFile("cannot move the data into \(target): \(String(cString: strerror(errno)))")
            }
            return Int64(r.size)
        } catch {
            if fdOpen { close(fd) }
            unlink(temporary)
            throw error
        }
    }
}
