import ManagerContract
import Varlink

/// mtpctl's line to the daemon: one varlink connection, calls through the contract's typed methods, and every
/// failure turned into an MTPCtlError whose message says what to do.
public final class DaemonClient {
    /// The socket it talks to.
    public let socketPath: String
    private let connection: VarlinkClient

    /// Connects; an absent or silent daemon is `daemonUnreachable` with the command that starts it. With
    /// `timeoutSeconds`, no step (connecting, sending, each reply) waits longer than that.
    public init(socketPath: String, timeoutSeconds: Double? = nil) throws(MTPCtlError) {
        self.socketPath = socketPath
        do {
            connection = try VarlinkClient(path: socketPath, timeoutSeconds: timeoutSeconds)
        } catch {
            throw .daemonUnreachable(Self.unreachableMessage(socketPath, error))
        }
    }

    /// Calls method `M` of org.mtpsessiond.Manager; with `onUpdate`, asks for "more" and hands over each
    /// intermediate reply (progress, events) before returning the last.
    @discardableResult
    public func call<M: ManagerMethod>(
        _: M.Type, _ parameters: M.Parameters, fileDescriptors: [Int32] = [],
        onUpdate: ((M.Update) throws(MTPCtlError) -> Void)? = nil
    ) throws(MTPCtlError) -> M.Reply {
        do {
            var replies = try connection.call(
                M.method.qualifiedName, parameters.fields, fileDescriptors: fileDescriptors,
                more: onUpdate != nil)
            while let reply = try replies.next() {
                if reply.continues {
                    try onUpdate?(try read(M.Update.self, reply.parameters, M.method))
                } else {
                    return try read(M.Reply.self, reply.parameters, M.method)
                }
            }
            throw MTPCtlError.daemonUnreachable(
                "mtpsessiond at \(socketPath) closed the connection mid-reply; see `journalctl -u mtpsessiond`")
        } catch let error as MTPCtlError {
            throw error
        } catch let error as VarlinkError {
            throw Manager.Error(error).map(MTPCtlError.daemon) ?? .varlink(error)
        } catch {
            throw .daemonUnreachable("lost mtpsessiond at \(socketPath): \(error); see `journalctl -u mtpsessiond`")
        }
    }

    /// A reply as the contract types it; one that does not fit is a daemon speaking another version.
    private func read<T: VarlinkObject>(_: T.Type, _ fields: [String: JSONValue], _ method: Manager.Method) throws(MTPCtlError)
        -> T
    {
        do {
            return try T(fields: fields)
        } catch {
            throw .daemonUnreachable(
                "mtpsessiond at \(socketPath) answered \(method.rawValue) with a reply mtpctl does not understand "
                    + "(field '\(error.parameters["parameter"]?.stringValue ?? "?")'); are mtpctl and mtpsessiond the same version?"
            )
        }
    }

    static func unreachableMessage(_ path: String, _ error: VarlinkClientError) -> String {
        switch error {
        case .noSocket:
            "no daemon at \(path) — start it with `systemctl start mtpsessiond` (or run `mtpsessiond --socket \(path)`)"
        case .nobodyListening:
            "nothing listens at \(path) (a stale socket?) — start the daemon with `systemctl start mtpsessiond`"
        case .permissionDenied:
            "not allowed to connect to \(path) — its group may connect: join it (`sudo usermod -aG mtpsessiond $USER`, then log in again)"
        case .failed, .protocolError:
            "cannot reach mtpsessiond at \(path): \(error)"
        }
    }
}
