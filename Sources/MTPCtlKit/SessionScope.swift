import ManagerContract

/// The session a command's bundle runs in: the caller's (`--session`), or one begun for it and ended when the
/// work is done, whatever happened, so the device's setup is paid once for the whole bundle.
struct SessionScope {
    /// The session's id, for every call of the bundle.
    let id: String
    /// The device as the daemon named it (its serial), or as the user typed it for a session of theirs.
    let deviceName: String
    /// Whether this command began the session (and so ends it).
    let owned: Bool
    private let types: [String]

    /// Runs `body` in the session `given`, or in one begun here with `types` and `context`.
    static func run<T>(
        _ ctx: Context, _ client: DaemonClient, device: String, types: [String], context: Manager.SessionContext? = nil,
        given: String?, _ body: (SessionScope) throws(MTPCtlError) -> T
    ) throws(MTPCtlError) -> T {
        let scope: SessionScope
        if let given {
            scope = SessionScope(id: given, deviceName: device, owned: false, types: types)
        } else {
            let r = try client.call(
                Manager.BeginSession.self,
                .init(device: device, types: types, context: context, timeoutSeconds: ctx.timeout),
                onUpdate: ctx.waitingUpdates(device))
            scope = SessionScope(id: r.session, deviceName: r.device, owned: true, types: types)
        }
        let result: Result<T, MTPCtlError>
        do throws(MTPCtlError) { result = .success(try body(scope)) } catch { result = .failure(error) }
        if scope.owned {
            do throws(MTPCtlError) {
                try client.call(Manager.EndSession.self, .init(session: scope.id, types: types))
            } catch {
                if case .success = result { throw error }  // The first failure is the one worth reporting.
            }
        }
        return try result.get()
    }

    /// How the session is named in a summary line.
    var described: String { owned ? "one session" : "session \(id)" }
}
