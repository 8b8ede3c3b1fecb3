import Varlink

/// Commands that change a device's folders: rm, mkdir, mv; and cancel, which stops a transfer.
public enum ChangeCommands {
    private static func base(_ target: RemotePath, storage: Int?, session: String?) -> [String: JSONValue] {
        ["device": .string(target.device), "path": .string(target.path),
         "storage": storage.map { .int(Int64($0)) } ?? .null, "session": session.map(JSONValue.string) ?? .null]
    }

    /// Deletes files, or folders with `recursive`.
    public static func rm(_ ctx: Context, _ targets: [RemotePath], recursive: Bool, storage: Int?, session: String?) throws(MTPCtlError) {
        let client = try ctx.connect()
        for target in targets {
            var p = base(target, storage: storage, session: session)
            p["recursive"] = .bool(recursive)
            try client.call("Delete", p)
            if !ctx.json { ctx.say("deleted \(target)") }
        }
    }

    /// Creates a folder, with `parents` the missing ones above it too.
    public static func mkdir(_ ctx: Context, _ target: RemotePath, parents: Bool, storage: Int?, session: String?) throws(MTPCtlError) {
        var p = base(target, storage: storage, session: session)
        p["parents"] = .bool(parents)
        let entry = try ctx.connect().call("MakeDirectory", p)["entry"] ?? .null
        if ctx.json { ctx.emit(entry) } else { ctx.say("created \(target.device):\(entry.objectValue?["path"]?.stringValue ?? target.path)") }
    }

    /// Moves or renames, like mv: into `destination` when it is a folder, else to that path (a rename when the
    /// folder is the same, a move and then a rename otherwise).
    public static func mv(_ ctx: Context, _ source: RemotePath, _ destination: RemotePath, storage: Int?, session: String?) throws(MTPCtlError) {
        let client = try ctx.connect()
        var destinationIsFolder = false
        do throws(MTPCtlError) {
            let entry = try client.call("Stat", base(destination, storage: storage, session: session))["entry"]
            destinationIsFolder = entry?.objectValue?["folder"]?.boolValue == true
            if !destinationIsFolder { throw MTPCtlError.failed("\(destination) already exists; delete it first") }
        } catch .failed(let message) where message.hasPrefix("no such file or folder") {
            destinationIsFolder = false
        }
        var entry: JSONValue = .null
        // How the device was made to do each step (Move, Rename): "throughHost" when it can do neither in place.
        var methods: [String] = []
        // A copy through the host streams progress (each file off the device, then back on); an in-place change
        // sends none.
        var display = ProgressDisplay(json: ctx.json)
        func step(_ method: String, _ p: [String: JSONValue]) throws(MTPCtlError) {
            var shown = false
            defer { if shown { display.end() } }
            let reply = try client.call(method, p) { reply throws(MTPCtlError) in
                if ctx.json { ctx.emit(.object(reply)) }
                guard let progress = reply["progress"]?.objectValue else { return }
                let total = progress["total"]?.intValue ?? 0
                if progress["phase"]?.stringValue == "begin" {
                    if shown { display.end() }
                    display.begin("copying \(source.name) through this computer", total: total)
                    shown = true
                }
                display.update(done: progress["done"]?.intValue ?? 0, total: total)
            }
            entry = reply["entry"] ?? .null
            if let how = reply["method"]?.stringValue, how != "none" { methods.append(how) }
        }
        if destinationIsFolder {
            var p = base(source, storage: storage, session: session)
            p["folder"] = .string(destination.path)
            try step("Move", p)
        } else if destination.parent != source.parent {
            // Another folder and another name: one Move, so a device that can do neither in place copies it once.
            var p = base(source, storage: storage, session: session)
            p["folder"] = .string(destination.parent)
            p["name"] = .string(destination.name)
            try step("Move", p)
        } else {
            var p = base(source, storage: storage, session: session)
            p["name"] = .string(destination.name)
            try step("Rename", p)
        }
        if ctx.json {
            var object = entry.objectValue ?? [:]
            object["methods"] = .array(methods.map(JSONValue.string))
            ctx.emit(.object(object))
        } else {
            let how = methods.contains("throughHost") ? " (copied through this computer: the device cannot move or rename in place)" : ""
            ctx.say("moved \(source) → \(source.device):\(entry.objectValue?["path"]?.stringValue ?? "")\(how)")
        }
    }

    /// Cancels a running transfer by the id its progress shows.
    public static func cancel(_ ctx: Context, transfer: String) throws(MTPCtlError) {
        try ctx.connect().call("Cancel", ["transfer": .string(transfer)])
        if !ctx.json { ctx.say("cancelled \(transfer)") }
    }
}

/// session begin and session end, for bundles spanning several mtpctl invocations.
public enum SessionCommands {
    /// Begins a session and prints its id.
    public static func begin(_ ctx: Context, device: String, types: String, lease: Int?, wait: Double?,
                             expectedBytes: Int?, folder: String?) throws(MTPCtlError) {
        var context: [String: JSONValue] = [:]
        if let expectedBytes { context["expectedBytes"] = .int(Int64(expectedBytes)) }
        if let folder { context["folder"] = .string(folder) }
        let r = try ctx.connect().call("BeginSession", [
            "device": .string(device), "types": .array([.string(types)]), "context": .object(context),
            "leaseSeconds": lease.map { .int(Int64($0)) } ?? .null, "waitSeconds": wait.map(JSONValue.double) ?? .null])
        if ctx.json { ctx.emit(.object(r)) } else { ctx.say(r["session"]?.stringValue ?? "") }
    }

    /// Ends a session; the types must be those it began with.
    public static func end(_ ctx: Context, session: String, types: String) throws(MTPCtlError) {
        try ctx.connect().call("EndSession", ["session": .string(session), "types": .array([.string(types)])])
    }
}
