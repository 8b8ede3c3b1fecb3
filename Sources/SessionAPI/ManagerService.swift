import Logging
import SessionCore
import Varlink

/// org.mtpsessiond.Manager: the daemon's varlink interface, bound to the session manager.
///
/// This is the one place that knows both worlds: it decodes parameters, takes file descriptors from the
/// call, streams progress as "more" replies, and maps core errors to the interface's error names.
public struct ManagerService: VarlinkService {
    /// The interface's name.
    public static let interfaceName = "org.mtpsessiond.Manager"
    /// The interface text, as kept in org.mtpsessiond.Manager.varlink.
    public static let description = String(decoding: PackageResources.org_mtpsessiond_Manager_varlink, as: UTF8.self)

    /// The interface text served by GetInterfaceDescription.
    public var interfaceDescription: String { Self.description }
    private let manager: SessionManager
    private let logger: Logger

    /// Serves `manager`.
    public init(manager: SessionManager, logger: Logger) {
        self.manager = manager
        self.logger = logger
    }

    /// Runs one call.
    public func handle(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue] {
        let caller = Caller(uid: call.peer.uid, pid: call.peer.pid)
        let p = Parameters(call.parameters)
        do {
            switch call.method {
            case "ListDevices":
                return ["devices": .array(await manager.listDevices(for: caller).map(\.json))]
            case "BeginSession":
                let context = p.object("context") ?? [:]
                let (session, device) = try await manager.beginSession(
                    caller: caller, device: try p.string("device"), types: try p.strings("types"),
                    context: try Self.providerContext(context),
                    lease: try p.optionalInt("leaseSeconds", in: 1...86_400).map(Double.init),
                    wait: try p.optionalDouble("waitSeconds") ?? 0)
                return ["session": .string(session), "device": .string(device)]
            case "EndSession":
                try await manager.endSession(caller: caller, session: try p.string("session"), types: try p.strings("types"))
                return [:]
            case "List":
                let entries = try await manager.list(caller, device: try p.string("device"), path: try p.string("path"),
                                                     storage: try p.storage(), session: p.optionalString("session"))
                return ["entries": .array(entries.map(\.json))]
            case "Stat":
                let entry = try await manager.stat(caller, device: try p.string("device"), path: try p.string("path"),
                                                   storage: try p.storage(), session: p.optionalString("session"))
                return ["entry": entry.json]
            case "Put":
                let (fd, index) = try Self.descriptor(p, call)
                let request = PutRequest(folder: try p.string("folder"), name: try p.string("name"), fd: fd, fdIndex: index,
                                         size: UInt64(try p.int("size", in: 0...Int64.max)), overwrite: p.bool("overwrite"),
                                         track: try p.object("track").map(Self.track))
                let entry = try await streamingProgress(call, replies) { progress throws(ServiceError) in
                    try await manager.put(caller, device: try Self.string(p, "device"), request: request, storage: try Self.storage(p),
                                          session: p.optionalString("session"), progress: progress)
                }
                return ["entry": entry.json]
            case "Get":
                let (fd, index) = try Self.descriptor(p, call)
                let request = GetRequest(path: try p.string("path"), fd: fd, fdIndex: index,
                                         offset: UInt64(try p.optionalInt("offset", in: 0...Int64.max) ?? 0),
                                         length: try p.optionalInt("length", in: 0...Int64.max).map(UInt64.init))
                let size = try await streamingProgress(call, replies) { progress throws(ServiceError) in
                    try await manager.get(caller, device: try Self.string(p, "device"), request: request, storage: try Self.storage(p),
                                          session: p.optionalString("session"), progress: progress)
                }
                return ["size": .int(Int64(clamping: size))]
            case "Delete":
                try await manager.delete(caller, device: try p.string("device"), path: try p.string("path"),
                                         recursive: p.bool("recursive"), storage: try p.storage(), session: p.optionalString("session"))
                return [:]
            case "MakeDirectory":
                let entry = try await manager.makeDirectory(caller, device: try p.string("device"), path: try p.string("path"),
                                                            parents: p.bool("parents"), storage: try p.storage(),
                                                            session: p.optionalString("session"))
                return ["entry": entry.json]
            case "Rename":
                let (device, path, name, storage) = (try p.string("device"), try p.string("path"), try p.string("name"), try p.storage())
                let done = try await streamingProgress(call, replies) { progress throws(ServiceError) in
                    try await manager.rename(caller, device: device, path: path, name: name, storage: storage,
                                             session: p.optionalString("session"), progress: progress)
                }
                return ["entry": done.entry.json, "method": .string(done.method.rawValue)]
            case "Move":
                let (device, path, folder, storage) = (try p.string("device"), try p.string("path"), try p.string("folder"), try p.storage())
                let done = try await streamingProgress(call, replies) { progress throws(ServiceError) in
                    try await manager.move(caller, device: device, path: path, folder: folder, name: p.optionalString("name"),
                                           storage: storage, session: p.optionalString("session"), progress: progress)
                }
                return ["entry": done.entry.json, "method": .string(done.method.rawValue)]
            case "Cancel":
                try manager.cancel(transfer: try p.string("transfer"))
                return [:]
            case "Monitor":
                guard call.more else { throw VarlinkError.expectedMore() }
                let events = manager.hub.subscribe()
                logger.debug("monitor subscribed", metadata: ["connection": "\(call.connection)", "pid": "\(call.peer.pid)"])
                // The current devices first, so a client knows where it stands before any change arrives.
                // Subscribed before listing, so no arrival is missed; an arrival the list already showed is
                // then dropped once, so none is reported twice.
                var listed = Set<String>()
                for device in await manager.listDevices() {
                    listed.insert(device.serial)
                    try await replies.send(["event": DeviceEvent(kind: .deviceAdded, device: device.serial, storage: nil, object: nil).json])
                }
                for await event in events {
                    if event.kind == .deviceAdded, listed.remove(event.device) != nil { continue }
                    if event.kind == .deviceRemoved { listed.remove(event.device) }
                    try await replies.send(["event": event.json])
                }
                return [:]
            default:
                throw VarlinkError.methodNotImplemented(Self.interfaceName + "." + call.method)
            }
        } catch let error as ServiceError {
            throw VarlinkError(error)
        }
    }

    /// Runs a transfer, forwarding its progress as "continues" replies when the client asked for more; every
    /// progress reply is written before the final one.
    private func streamingProgress<T: Sendable>(
        _ call: VarlinkCall, _ replies: VarlinkReplyStream,
        _ body: (@escaping @Sendable (TransferProgress) -> Void) async throws(ServiceError) -> T
    ) async throws -> T {
        guard call.more else { return try await body { _ in } }
        let (steps, sink) = AsyncStream<TransferProgress>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let forwarder = Task {
            for await step in steps { try? await replies.send(["progress": step.json]) }
        }
        defer { sink.finish() }
        let result: T
        do {
            result = try await body { sink.yield($0) }
        } catch {
            sink.finish()
            await forwarder.value
            throw error
        }
        sink.finish()
        await forwarder.value
        return result
    }

    private static func descriptor(_ p: Parameters, _ call: VarlinkCall) throws(ServiceError) -> (Int32, Int) {
        let index: Int64
        do { index = try p.int("fd", in: 0...Int64(Int32.max)) } catch { throw .invalidParameter("fd") }
        guard Int(index) < call.fileDescriptors.count else {
            throw .badFileDescriptor(fd: Int(index), reason: call.fileDescriptors.isEmpty
                ? "no file descriptor came with the call; send it with SCM_RIGHTS"
                : "only \(call.fileDescriptors.count) file descriptor(s) came with the call")
        }
        return (call.fileDescriptors[Int(index)], Int(index))
    }

    private static func string(_ p: Parameters, _ key: String) throws(ServiceError) -> String {
        guard let s = p.optionalString(key) else { throw .invalidParameter(key) }
        return s
    }

    private static func storage(_ p: Parameters) throws(ServiceError) -> UInt32? {
        do { return try p.storage() } catch { throw .invalidParameter("storage") }
    }

    /// The libmtp provider's documented context keys; anything else in the object is ignored.
    static func providerContext(_ object: [String: JSONValue]) throws(VarlinkError) -> ProviderContext {
        let p = Parameters(object)
        return ProviderContext(expectedBytes: try p.optionalInt("expectedBytes", in: 0...Int64.max).map(UInt64.init),
                               folder: p.optionalString("folder"), storage: try p.storage())
    }

    private static func track(_ object: [String: JSONValue]) throws(VarlinkError) -> TrackInfo {
        let p = Parameters(object)
        let small = 0...Int64(Int32.max)
        return TrackInfo(title: p.optionalString("title"), artist: p.optionalString("artist"), album: p.optionalString("album"),
                         albumArtist: p.optionalString("albumArtist"), genre: p.optionalString("genre"),
                         trackNumber: try p.optionalInt("trackNumber", in: small).map(Int.init),
                         year: try p.optionalInt("year", in: small).map(Int.init),
                         durationMs: try p.optionalInt("durationMs", in: small).map(Int.init))
    }
}
