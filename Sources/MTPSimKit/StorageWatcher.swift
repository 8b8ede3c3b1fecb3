import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Watches storage directories with inotify and reports, per device, that something changed on the host side,
/// so that the device can rescan and raise ObjectAdded/ObjectRemoved as a phone does when a file appears.
///
/// Subdirectories are watched as they appear. Change bursts are coalesced: one report per batch of reads,
/// naming the paths that changed so the device looks at those alone, or none (look at everything) when the
/// kernel dropped events.
final class StorageWatcher: @unchecked Sendable {
    private let fd: Int32
    private var watches: [Int32: Int] = [:]  // watch descriptor → device index
    private let onChange: @Sendable (_ device: Int, _ paths: [String]?) -> Void

    init?(directories: [(device: Int, path: String)], onChange: @escaping @Sendable (_ device: Int, _ paths: [String]?) -> Void) {
        guard !directories.isEmpty else { return nil }
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.onChange = onChange
        for (device, path) in directories { addTree(path, device: device) }
        Thread { [self] in loop() }.start()
    }

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF)

    private func addTree(_ path: String, device: Int) {
        let wd = inotify_add_watch(fd, path, Self.mask)
        if wd >= 0 { watches[wd] = device; paths[wd] = path }
        guard let children = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in children {
            var isDir: ObjCBool = false
            let child = (path as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: child, isDirectory: &isDir), isDir.boolValue {
                addTree(child, device: device)
            }
        }
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { (try? FileIO.read(fd, into: $0)) ?? 0 }
            if n == 0 { return }
            var changed: [Int: Set<String>] = [:]
            var everything = Set<Int>()
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (wd, mask, nameLength, name) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int, String) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let start = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[start..<(start + Int(event.len))].prefix { $0 != 0 }
                    return (event.wd, event.mask, Int(event.len), String(decoding: nameBytes, as: UTF8.self))
                }
                offset += MemoryLayout<inotify_event>.size + nameLength
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    everything.formUnion(watches.values)  // Events were lost: every device looks at everything.
                    continue
                }
                guard let device = watches[wd] else { continue }
                if let directory = paths[wd], !name.isEmpty {
                    changed[device, default: []].insert((directory as NSString).appendingPathComponent(name))
                } else {
                    everything.insert(device)  // The watched directory itself went.
                }
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    // A new folder: watch it too (its path is the parent's plus the name).
                    if let parent = paths[wd] { addTree((parent as NSString).appendingPathComponent(name), device: device) }
                }
            }
            for d in everything { onChange(d, nil) }
            for (d, names) in changed where !everything.contains(d) { onChange(d, Array(names)) }
        }
    }

    /// Watched directory by watch descriptor, to name the new subdirectories it reports.
    private var paths: [Int32: String] = [:]
}
