/// A varlink error reply: a fully qualified error name and its parameters.
public struct VarlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// e.g. `org.varlink.service.InvalidParameter`.
    public var name: String
    /// The error's parameters.
    public var parameters: [String: JSONValue]

    /// Creates an error reply.
    public init(name: String, parameters: [String: JSONValue] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    /// "name {parameters}".
    public var description: String { "\(name) \(String(decoding: JSONValue.object(parameters).serialized(), as: UTF8.self))" }

    /// No service on this socket implements the interface.
    public static func interfaceNotFound(_ interface: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.InterfaceNotFound", parameters: ["interface": .string(interface)])
    }
    /// The interface has no such method.
    public static func methodNotFound(_ method: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.MethodNotFound", parameters: ["method": .string(method)])
    }
    /// The method is declared but not implemented.
    public static func methodNotImplemented(_ method: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.MethodNotImplemented", parameters: ["method": .string(method)])
    }
    /// A parameter is unknown, missing, or of the wrong type; also used for messages that are not calls.
    public static func invalidParameter(_ parameter: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.InvalidParameter", parameters: ["parameter": .string(parameter)])
    }
    /// The caller may not do this.
    public static func permissionDenied() -> VarlinkError { VarlinkError(name: "org.varlink.service.PermissionDenied") }
    /// The method only works with "more".
    public static func expectedMore() -> VarlinkError { VarlinkError(name: "org.varlink.service.ExpectedMore") }
}

/// The credentials of the process at the other end of a connection (SO_PEERCRED).
public struct PeerCredentials: Sendable, Equatable {
    /// Process id.
    public var pid: Int32
    /// User id.
    public var uid: UInt32
    /// Group id.
    public var gid: UInt32
    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) { self.pid = pid; self.uid = uid; self.gid = gid }
}

/// One method call as a service sees it.
public struct VarlinkCall: Sendable {
    /// The interface, e.g. `org.example.Ping`.
    public var interface: String
    /// The method's short name, e.g. `Ping`.
    public var method: String
    /// Its parameters, already checked against the interface.
    public var parameters: [String: JSONValue]
    /// The client asked for several replies.
    public var more: Bool
    /// The client wants no reply.
    public var oneway: Bool
    /// The client asked to upgrade the connection after the reply.
    public var upgrade: Bool
    /// File descriptors received with this message; the server closes them after the call.
    public var fileDescriptors: [Int32]
    /// Who called.
    public var peer: PeerCredentials
    /// Which connection, for logs.
    public var connection: Int
}

/// Where a service sends the intermediate replies of a "more" call.
public protocol VarlinkReplyStream: Sendable {
    /// Sends one reply with "continues": true; a no-op when the call did not ask for more.
    func send(_ parameters: [String: JSONValue]) async throws
}

/// A service: the interfaces it implements and how it answers calls.
public protocol VarlinkService: Sendable {
    /// The interface description text (one interface).
    var interfaceDescription: String { get }
    /// Answers a call; the returned parameters are the last (or only) reply. A thrown `VarlinkError` becomes
    /// an error reply; any other error becomes `org.varlink.service.InternalError` with its description.
    /// The calling task is cancelled when the client disconnects.
    func handle(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue]
}
