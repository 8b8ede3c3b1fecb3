import ManagerContract
import Varlink

/// Commands that look without changing anything: devices, ls, stat, monitor.
public enum InspectCommands {
    /// Lists attached devices with identity, battery and storages.
    public static func devices(_ ctx: Context) throws(MTPCtlError) {
        let devices = try ctx.connect().call(Manager.ListDevices.self, Empty()).devices
        if ctx.json { return ctx.emit(.array(devices.map { .object($0.fields) })) }
        if devices.isEmpty { ctx.say("no MTP device attached — plug one in and unlock it (phones: choose \"File transfer\")") }
        for d in devices {
            var line = "\(d.serial)  \(d.manufacturer) \(d.model)"
            if let name = d.friendlyName, !name.isEmpty { line += "  \"\(name)\"" }
            if let battery = d.battery { line += "  battery \(battery)%" }
            if d.open { line += "  open" }
            if !d.sessions.isEmpty {
                line += d.sessions.count == 1 ? "  1 session" : "  \(d.sessions.count) sessions"
                let own = d.sessions.filter { $0 != "*" }
                if !own.isEmpty { line += " (yours: \(own.joined(separator: ", ")))" }
            }
            if d.queued > 0 {
                line += d.queued == 1 ? "  1 operation queued or running" : "  \(d.queued) operations queued or running"
            }
            ctx.say(line)
            for s in d.storages {
                // nil: the device reported a figure that cannot be true.
                let free = s.free.map { ProgressDisplay.bytes(Int64($0)) } ?? "unknown"
                let cap = s.capacity.map { ProgressDisplay.bytes(Int64($0)) } ?? "unknown"
                ctx.say("  storage \(s.id) \(s.description): \(free) free of \(cap)")
            }
        }
    }

    /// Lists a folder; with `recursive`, every folder below it too, as `ls -R` does, in one session.
    public static func ls(
        _ ctx: Context, _ target: RemotePath, long: Bool, recursive: Bool = false, storage: Int?, session: String?
    ) throws(MTPCtlError) {
        if recursive { return try lsRecursive(ctx, target, long: long, storage: storage, session: session) }
        let entries = try ctx.connect().call(
            Manager.List.self,
            .init(
                .init(
                    device: target.device, path: target.path, storage: storage,
                    session: session, timeoutSeconds: ctx.timeout)),
            onUpdate: ctx.waitingUpdates(target.device)
        ).entries
        if ctx.json { return ctx.emit(.array(entries.map { .object($0.fields) })) }
        printEntries(ctx, entries, long: long)
    }

    private static func printEntries(_ ctx: Context, _ entries: [Manager.Entry], long: Bool) {
        for e in entries {
            let name = e.name + (e.folder ? "/" : "")
            if long {
                let size = e.folder ? "-" : String(e.size)
                ctx.say("\(String(repeating: " ", count: max(0, 12 - size.count)))\(size)  \(name)")
            } else {
                ctx.say(name)
            }
        }
    }

    /// `ls -R`: each folder's path, then its entries, folder by folder; with --json one object per folder.
    private static func lsRecursive(_ ctx: Context, _ target: RemotePath, long: Bool, storage: Int?, session: String?)
        throws(MTPCtlError)
    {
        let client = try ctx.connect()
        var first = true
        try SessionScope.run(ctx, client, device: target.device, types: ["transferFromDevice"], given: session) {
            scope throws(MTPCtlError) in
            _ = try DeviceTree.walk(ctx, client, device: target.device, root: target.path, storage: storage, session: scope.id) {
                folder, entries in
                let sorted = entries.sorted { $0.name < $1.name }
                if ctx.json {
                    return ctx.emit(.object(["folder": .string(folder), "entries": .array(sorted.map { .object($0.fields) })]))
                }
                if !first { ctx.say("") }
                first = false
                ctx.say("\(folder):")
                printEntries(ctx, sorted, long: long)
            }
        }
    }

    /// Describes one object.
    public static func stat(_ ctx: Context, _ target: RemotePath, storage: Int?, session: String?) throws(MTPCtlError) {
        let entry = try ctx.connect().call(
            Manager.Stat.self,
            .init(
                .init(
                    device: target.device, path: target.path, storage: storage,
                    session: session, timeoutSeconds: ctx.timeout)),
            onUpdate: ctx.waitingUpdates(target.device)
        ).entry
        if ctx.json { return ctx.emit(.object(entry.fields)) }
        ctx.say("path:    \(entry.path)")
        ctx.say("type:    \(entry.folder ? "folder" : "file")")
        ctx.say("size:    \(entry.size)")
        ctx.say("id:      \(entry.id) (storage \(entry.storage), parent \(entry.parent))")
    }

    /// Prints device arrivals, removals and changes as they happen; stops after `count` when given. The daemon
    /// ends the stream only when it stops, which is reported as the daemon being unavailable (exit 69), so a
    /// script that watches can tell that from having seen `count` events.
    public static func monitor(_ ctx: Context, count: Int?) throws(MTPCtlError) {
        var seen = 0
        do throws(MTPCtlError) {
            _ = try ctx.connect().call(Manager.Monitor.self, Empty()) { update throws(MTPCtlError) in
                let event = update.event
                if ctx.json {
                    ctx.emit(.object(event.fields))
                } else {
                    var line = "\(event.kind.rawValue) \(event.device)"
                    if let s = event.storage { line += " storage=\(s)" }
                    if let obj = event.object { line += " object=\(obj)" }
                    ctx.say(line)
                }
                seen += 1
                if let count, seen >= count { throw .finished }
            }
            throw .daemonUnreachable(
                "mtpsessiond stopped, ending the event stream; run mtpctl monitor again once it is back (systemd starts it on demand)"
            )
        } catch .finished {
            return
        }
    }
}
