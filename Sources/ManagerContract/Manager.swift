import Varlink

/// The `org.mtpsessiond.Manager` contract: its interface text, its methods, and what each takes, answers and
/// throws, as Swift values. The daemon, mtpctl and the fuzzer all speak through it, so a name is spelled once.
public enum Manager {
    /// The interface's name.
    public static let interfaceName = "org.mtpsessiond.Manager"
    /// The interface text, as kept in org.mtpsessiond.Manager.varlink.
    public static let description = String(decoding: PackageResources.org_mtpsessiond_Manager_varlink, as: UTF8.self)

    /// The interface, parsed; the text is part of this module, so a failure to parse is a build defect.
    public static let interface: VarlinkInterface = {
        do { return try VarlinkInterface(parsing: description) } catch { preconditionFailure("\(error)") }
    }()

    /// The interface's methods by their short names.
    public enum Method: String, CaseIterable, Sendable {
        case listDevices = "ListDevices", beginSession = "BeginSession", endSession = "EndSession", list = "List",
            stat = "Stat", put = "Put", get = "Get", delete = "Delete", makeDirectory = "MakeDirectory",
            rename = "Rename", move = "Move", cancel = "Cancel", monitor = "Monitor", setPlaylist = "SetPlaylist",
            getPlaylist = "GetPlaylist", setAlbum = "SetAlbum", getAlbum = "GetAlbum"

        /// The fully qualified name a call carries, e.g. `org.mtpsessiond.Manager.Put`.
        public var qualifiedName: String { Manager.interfaceName + "." + rawValue }

        /// The type of the method's parameters, for code that handles any method (the fuzzer).
        public var parametersType: any VarlinkObject.Type {
            switch self {
            case .listDevices: ListDevices.Parameters.self
            case .beginSession: BeginSession.Parameters.self
            case .endSession: EndSession.Parameters.self
            case .list: List.Parameters.self
            case .stat: Stat.Parameters.self
            case .put: Put.Parameters.self
            case .get: Get.Parameters.self
            case .delete: Delete.Parameters.self
            case .makeDirectory: MakeDirectory.Parameters.self
            case .rename: Rename.Parameters.self
            case .move: Move.Parameters.self
            case .cancel: Cancel.Parameters.self
            case .monitor: Monitor.Parameters.self
            case .setPlaylist: SetPlaylist.Parameters.self
            case .getPlaylist: GetPlaylist.Parameters.self
            case .setAlbum: SetAlbum.Parameters.self
            case .getAlbum: GetAlbum.Parameters.self
            }
        }
    }
}

/// A value that travels as a varlink object: a method's parameters, a reply, or a type of the interface.
public protocol VarlinkObject: Sendable {
    /// Reads the value from an object, throwing `InvalidParameter` naming the first field that does not fit.
    init(fields: [String: JSONValue]) throws(VarlinkError)
    /// The value as the interface writes it: every declared field present, an absent optional as null.
    var fields: [String: JSONValue] { get }
}

/// One method of the interface: its name and the types of its parameters, its last reply and, for a method that
/// streams with "more", its intermediate replies.
public protocol ManagerMethod {
    /// What the call sends.
    associatedtype Parameters: VarlinkObject
    /// The last (or only) reply.
    associatedtype Reply: VarlinkObject
    /// A "continues" reply of a streaming call; `NoUpdates` for a method that sends none.
    associatedtype Update: VarlinkObject = NoUpdates
    /// Which method this is.
    static var method: Manager.Method { get }
}

/// An empty parameters object or reply, `()` in the interface.
public struct Empty: VarlinkObject, Equatable {
    /// The empty value.
    public init() {}
    /// Accepts any object: the interface declares no fields to read.
    public init(fields: [String: JSONValue]) {}
    /// No fields.
    public var fields: [String: JSONValue] { [:] }
}

/// The intermediate reply of a method that sends none; reading one is a protocol error.
public struct NoUpdates: VarlinkObject {
    /// Always fails: a method without updates has no intermediate reply to read.
    public init(fields: [String: JSONValue]) throws(VarlinkError) { throw .invalidParameter("continues") }
    /// Unreachable: no value exists.
    public var fields: [String: JSONValue] { [:] }
}
