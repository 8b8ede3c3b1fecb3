import Varlink

/// Commands that look without changing anything: devices, ls, stat, monitor.
public enum InspectCommands {
    /// Lists attached devices with identity, battery and storages.
    public static func devices(_ ctx: Context) throws(MTPCtlError) {
        let devices = try ctx.connect().call("ListDevices", [:])["devices"]?.arrayValue ?? []
        if ctx.json { return ctx.emit(.array(devices)) }
        if devices.isEmpty { ctx.say("no MTP device attached — plug one in and unlock it (phones: choose \"File transfer\")") }
        for d in devices {
            let o = d.objectValue ?? [:]
            var line = "\(o["serial"]?.stringValue ?? "?")  \(o["manufacturer"]?.stringValue ?? "") \(o["model"]?.stringValue ?? "")"
            if let name = o["friendlyName"]?.stringValue, !name.isEmpty { line += "  \"\(name)\"" }
            if let battery = o["battery"]?.intValue { line += "  battery \(battery)%" }
            if let session = o["session"]?.stringValue { line += "  held " + ErrorMessages.heldBy(session: session) }
            else if o["open"]?.boolValue == true { line += "  open" }
            ctx.say(line)
            for s in o["storages"]?.arrayValue ?? [] {
                let so = s.objectValue ?? [:]
                // null: the device reported a figure that cannot be true.
                let free = so["free"]?.intValue.map(ProgressDisplay.bytes) ?? "unknown"
                let cap = so["capacity"]?.intValue.map(ProgressDisplay.bytes) ?? "unknown"
                ctx.say("  storage \(so["id"]?.intValue ?? 0) \(so["description"]?.stringValue ?? ""): \(free) free of \(cap)")
            }
        }
    }

    /// Lists a folder.
    public static func ls(_ ctx: Context, _ target: RemotePath, long: Bool, storage: Int?, session: String?) throws(MTPCtlError) {
        let r = try ctx.connect().call("List", [
            "device": .string(target.device), "path": .string(target.path),
            "storage": storage.map { .int(Int64($0)) } ?? .null, "session": session.map(JSONValue.string) ?? .null])
        let entries = r["entries"]?.arrayValue ?? []
        if ctx.json { return ctx.emit(.array(entries)) }
        for e in entries {
            let o = e.objectValue ?? [:]
            let name = (o["name"]?.stringValue ?? "") + (o["folder"]?.boolValue == true ? "/" : "")
            if long {
                let size = o["folder"]?.boolValue == true ? "-" : String(o["size"]?.intValue ?? 0)
                ctx.say("\(String(repeating: " ", count: max(0, 12 - size.count)))\(size)  \(name)")
            } else {
                ctx.say(name)
            }
        }
    }

    /// Describes one object.
    public static func stat(_ ctx: Context, _ target: RemotePath, storage: Int?, session: String?) throws(MTPCtlError) {
        let entry = try ctx.connect().call("Stat", [
            "device": .string(target.device), "path": .string(target.path),
            "storage": storage.map { .int(Int64($0)) } ?? .null, "session": session.map(JSONValue.string) ?? .null])["entry"] ?? .null
        if ctx.json { return ctx.emit(entry) }
        let o = entry.objectValue ?? [:]
        ctx.say("path:    \(o["path"]?.stringValue ?? "")")
        ctx.say("type:    \(o["folder"]?.boolValue == true ? "folder" : "file")")
        ctx.say("size:    \(o["size"]?.intValue ?? 0)")
        ctx.say("id:      \(o["id"]?.intValue ?? 0) (storage \(o["storage"]?.intValue ?? 0), parent \(o["parent"]?.intValue ?? 0))")
    }

    /// Prints device arrivals, removals and changes as they happen; stops after `count` when given.
    public static func monitor(_ ctx: Context, count: Int?) throws(MTPCtlError) {
        var seen = 0
        do throws(MTPCtlError) {
            _ = try ctx.connect().call("Monitor", [:]) { reply throws(MTPCtlError) in
            let event = reply["event"] ?? .null
            if ctx.json { ctx.emit(event) } else {
                let o = event.objectValue ?? [:]
                var line = "\(o["kind"]?.stringValue ?? "?") \(o["device"]?.stringValue ?? "")"
                if let s = o["storage"]?.intValue { line += " storage=\(s)" }
                if let obj = o["object"]?.intValue { line += " object=\(obj)" }
                ctx.say(line)
            }
            seen += 1
            if let count, seen >= count { throw .finished }
            }
        } catch .finished {
            return
        }
    }
}
