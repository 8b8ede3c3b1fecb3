import Logging
import ManagerContract
import SessionCore
import Varlink

/// org.mtpsessiond.Manager: the daemon's varlink interface, bound to the session manager.
///
/// This is the one place that knows both worlds: each method has one small handler that takes the contract's
/// typed parameters, takes file descriptors from the call, streams progress as "more" replies, and returns the
/// contract's typed reply; core errors become the interface's errors at this edge (`Manager.Error`).
public struct ManagerService: VarlinkService {
    /// The interface text served by GetInterfaceDescription.
    public var interfaceDescription: String { Manager.description }
    let manager: SessionManager
    let logger: Logger

    /// Serves `manager`.
    public init(manager: SessionManager, logger: Logger) {
        self.manager = manager
        self.logger = logger
    }

    /// Runs one call through its method's handler.
    public func handle(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue] {
        guard let method = Manager.Method(rawValue: call.method), let handler = Self.handlers[method] else {
            throw VarlinkError.methodNotImplemented(Manager.interfaceName + "." + call.method)
        }
        do {
            return try await handler(self, Request(call: call, replies: replies))
        } catch let error as ServiceError {
            throw VarlinkError(error)
        }
    }

    /// What a handler gets besides its parameters: the call (descriptors, "more", peer) and where updates go.
    struct Request: Sendable {
        let call: VarlinkCall
        let replies: VarlinkReplyStream
        /// Who called, as the core's ownership rules see it.
        var caller: Caller { Caller(uid: call.peer.uid, pid: call.peer.pid) }
        /// Sends one intermediate reply of a "more" call.
        func send<U: VarlinkObject>(_ update: U) async throws { try await replies.send(update.fields) }
    }

    /// A handler as the table keeps it: parameters read, the method run, its reply written.
    typealias Handler = @Sendable (ManagerService, Request) async throws -> [String: JSONValue]

    /// Binds one method's typed handler into the table.
    private static func on<M: ManagerMethod>(
        _: M.Type, _ body: @escaping @Sendable (ManagerService, M.Parameters, Request) async throws -> M.Reply
    ) -> (Manager.Method, Handler) {
        (
            M.method,
            { service, request in
                try await body(service, try M.Parameters(fields: request.call.parameters), request).fields
            }
        )
    }

    /// One handler per method of the interface (`ManagerService+Handlers.swift`).
    static let handlers: [Manager.Method: Handler] = Dictionary(uniqueKeysWithValues: [
        on(Manager.ListDevices.self) { s, _, r in await s.listDevices(r) },
        on(Manager.BeginSession.self) { s, p, r in try await s.beginSession(p, r) },
        on(Manager.EndSession.self) { s, p, r in try await s.endSession(p, r) },
        on(Manager.List.self) { s, p, r in try await s.list(p, r) },
        on(Manager.Stat.self) { s, p, r in try await s.stat(p, r) },
        on(Manager.Put.self) { s, p, r in try await s.put(p, r) },
        on(Manager.Get.self) { s, p, r in try await s.get(p, r) },
        on(Manager.Delete.self) { s, p, r in try await s.delete(p, r) },
        on(Manager.MakeDirectory.self) { s, p, r in try await s.makeDirectory(p, r) },
        on(Manager.Rename.self) { s, p, r in try await s.rename(p, r) },
        on(Manager.Move.self) { s, p, r in try await s.move(p, r) },
        on(Manager.Cancel.self) { s, p, r in try s.cancel(p, r) },
        on(Manager.Monitor.self) { s, _, r in try await s.monitor(r) },
        on(Manager.SetPlaylist.self) { s, p, r in try await s.setPlaylist(p, r) },
        on(Manager.GetPlaylist.self) { s, p, r in try await s.getPlaylist(p, r) },
        on(Manager.SetAlbum.self) { s, p, r in try await s.setAlbum(p, r) },
        on(Manager.GetAlbum.self) { s, p, r in try await s.getAlbum(p, r) },
    ])
}
