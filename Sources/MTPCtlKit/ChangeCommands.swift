import ManagerContract
import Varlink

/// Commands that change a device's folders: rm, mkdir, mv; and cancel, which stops a transfer.
public enum ChangeCommands {
    private static func base(_ target: RemotePath, storage: Int?, session: String?, _ ctx: Context) -> Manager.Place {
        Manager.Place(device: target.device, path: target.path, storage: storage, session: session, timeoutSeconds: ctx.timeout)
    }

    /// Deletes files, or folders with `recursive`.
    public static func rm(_ ctx: Context, _ targets: [RemotePath], recursive: Bool, storage: Int?, session: String?)
        throws(MTPCtlError)
    {
        let client = try ctx.connect()
        for target in targets {
            try client.call(
                Manager.Delete.self, .init(base(target, storage: storage, session: session, ctx), recursive: recursive),
                onUpdate: ctx.waitingUpdates(target.device))
            if !ctx.json { ctx.say("deleted \(target)") }
        }
    }

    /// Creates a folder, with `parents` the missing ones above it too.
    public static func mkdir(_ ctx: Context, _ target: RemotePath, parents: Bool, storage: Int?, session: String?)
        throws(MTPCtlError)
    {
        let place = base(target, storage: storage, session: session, ctx)
        let entry = try ctx.connect().call(
            Manager.MakeDirectory.self, .init(place, parents: parents), onUpdate: ctx.waitingUpdates(target.device)
        ).entry
        if ctx.json { ctx.emit(.object(entry.fields)) } else { ctx.say("created \(target.device):\(entry.path)") }
    }

    /// Moves or renames, like mv: into `destination` when it is a folder, else to that path (a rename when the
    /// folder is the same, a move and then a rename otherwise).
    public static func mv(_ ctx: Context, _ source: RemotePath, _ destination: RemotePath, storage: Int?, session: String?)
        throws(MTPCtlError)
    {
        let client = try ctx.connect()
        var destinationIsFolder = false
        do throws(MTPCtlError) {
            let entry = try client.call(
                Manager.Stat.self, .init(base(destination, storage: storage, session: session, ctx)),
                onUpdate: ctx.waitingUpdates(destination.device)
            ).entry
            destinationIsFolder = entry.folder
            if !destinationIsFolder { throw MTPCtlError.failed("\(destination) already exists; delete it first") }
        } catch .daemon(.notFound) {
            destinationIsFolder = false
        }
        var entry: Manager.Entry?
        // How the device was made to do each step (Move, Rename): "throughHost" when it can do neither in place.
        var methods: [Manager.Relocation] = []
        // A copy through the host streams progress (each file off the device, then back on); an in-place change
        // sends none.
        var display = ProgressDisplay(json: ctx.json)
        func step<M: ManagerMethod>(_ method: M.Type, _ p: M.Parameters) throws(MTPCtlError)
        where M.Reply == Manager.ChangeReply, M.Update == Manager.ProgressUpdate {
            var shown = false
            defer { if shown { display.end() } }
            let reply = try client.call(method, p) { update throws(MTPCtlError) in
                if let wait = update.waiting { return ctx.sayWaiting(wait, device: source.device) }
                guard let progress = update.progress else { return }
                if ctx.json { ctx.emit(.object(update.fields)) }
                if progress.phase == .begin {
                    if shown { display.end() }
                    display.begin("copying \(source.name) through this computer", total: Int64(progress.total))
                    shown = true
                }
                display.update(done: Int64(progress.done), total: Int64(progress.total))
            }
            entry = reply.entry
            if reply.method != .none { methods.append(reply.method) }
        }
        let from = base(source, storage: storage, session: session, ctx)
        if destinationIsFolder {
            try step(Manager.Move.self, .init(from, folder: destination.path))
        } else if destination.parent != source.parent {
            // Another folder and another name: one Move, so a device that can do neither in place copies it once.
            try step(Manager.Move.self, .init(from, folder: destination.parent, name: destination.name))
        } else {
            try step(Manager.Rename.self, .init(from, name: destination.name))
        }
        if ctx.json {
            var object = entry?.fields ?? [:]
            object["methods"] = .array(methods.map { .string($0.rawValue) })
            ctx.emit(.object(object))
        } else {
            let how =
                methods.contains(.throughHost) ? " (copied through this computer: the device cannot move or rename in place)" : ""
            ctx.say("moved \(source) → \(source.device):\(entry?.path ?? "")\(how)")
        }
    }

    /// Cancels a running transfer by the id its progress shows.
    public static func cancel(_ ctx: Context, transfer: String) throws(MTPCtlError) {
        try ctx.connect().call(Manager.Cancel.self, .init(transfer: transfer))
        if !ctx.json { ctx.say("cancelled \(transfer)") }
    }
}

/// session begin and session end, for bundles spanning several mtpctl invocations.
public enum SessionCommands {
    /// Begins a session and prints its id.
    public static func begin(
        _ ctx: Context, device: String, types: String, lease: Int?, exclusive: Bool,
        expectedBytes: Int?, folder: String?
    ) throws(MTPCtlError) {
        let r = try ctx.connect().call(
            Manager.BeginSession.self,
            .init(
                device: device, types: [types], context: Manager.SessionContext(expectedBytes: expectedBytes, folder: folder),
                leaseSeconds: lease, exclusive: exclusive ? true : nil, timeoutSeconds: ctx.timeout),
            onUpdate: ctx.waitingUpdates(device))
        if ctx.json { ctx.emit(.object(r.fields)) } else { ctx.say(r.session) }
    }

    /// Ends a session; the types must be those it began with.
    public static func end(_ ctx: Context, session: String, types: String) throws(MTPCtlError) {
        try ctx.connect().call(Manager.EndSession.self, .init(session: session, types: [types]))
    }
}
