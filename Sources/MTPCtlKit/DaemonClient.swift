import Varlink

/// mtpctl's line to the daemon: one varlink connection, calls by method name, and every failure turned into
/// an MTPCtlError whose message says what to do.
public final class DaemonClient {
    /// The socket it talks to.
    public let socketPath: String
    private let connection: VarlinkClient
    static let interface = "org.mtpsessiond.Manager."

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

    /// Calls `method` of org.mtpsessiond.Manager; with `onReply`, asks for "more" and hands over each
    /// intermediate reply (progress, events) before returning the last.
    @discardableResult
    public func call(_ method: String, _ parameters: [String: JSONValue], fileDescriptors: [Int32] = [],
                     onReply: (([String: JSONValue]) throws(MTPCtlError) -> Void)? = nil) throws(MTPCtlError) -> [String: JSONValue] {
        do {
            var replies = try connection.call(Self.interface + method, parameters, fileDescriptors: fileDescriptors,
                                              more: onReply != nil)
            while let reply = try replies.next() {
                if reply.continues {
                    try onReply?(reply.parameters)
                } else {
                    return reply.parameters
                }
            }
            throw MTPCtlError.daemonUnreachable("mtpsessiond at \(socketPath) closed the connection mid-reply; see `journalctl -u mtpsessiond`")
        } catch let error as MTPCtlError {
            throw error
        } catch let error as VarlinkError {
            throw ErrorMessages.describe(error)
        } catch {
            throw .daemonUnreachable("lost mtpsessiond at \(socketPath): \(error); see `journalctl -u mtpsessiond`")
        }
    }

    static func unreachableMessage(_ path: String, _ error: Error) -> String {
        let text = "\(error)"
        if text.contains("ENOENT") || text.contains("No such file") || text.contains("noSocket") {
            return "no daemon at \(path) — start it with `systemctl start mtpsessiond` (or run `mtpsessiond --socket \(path)`)"
        }
        if text.contains("ECONNREFUSED") || text.contains("refused") || text.contains("nobodyListening") {
            return "nothing listens at \(path) (a stale socket?) — start the daemon with `systemctl start mtpsessiond`"
        }
        if text.contains("EACCES") || text.contains("ermission") {
            return "not allowed to connect to \(path) — its group may connect: join it (`sudo usermod -aG mtpsessiond $USER`, then log in again)"
        }
        return "cannot reach mtpsessiond at \(path): \(text)"
    }
}
