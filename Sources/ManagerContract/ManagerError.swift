import Varlink

extension Manager {
    /// The interface's errors with their fields: what the daemon throws at its edge and what clients catch.
    public enum Error: Swift.Error, Sendable, Equatable {
        case noSuchDevice(device: String, attached: [String])
        case ambiguousDevice(device: String, candidates: [String])
        case noSuchSession(session: String)
        case notSessionOwner(session: String)
        case sessionTypeMismatch(session: String, began: [String], given: [String])
        case invalidSessionType(type: String)
        /// The device's turn did not come in time: session, the exclusive holder waited for (its id to its
        /// owner, "*" to anyone else); ahead, the operations that were to run first; message, the device's own
        /// words when it kept answering DeviceBusy itself.
        case deviceBusy(device: String, session: String?, ahead: Int?, message: String?)
        case notFound(device: String, path: String)
        case alreadyExists(device: String, path: String)
        case notAFolder(device: String, path: String)
        case folderNotEmpty(device: String, path: String)
        case invalidName(name: String, reason: String)
        case invalidPath(path: String, reason: String)
        case noSuchStorage(device: String, storage: Int)
        case storeFull(device: String, needed: Int, free: Int)
        case badFileDescriptor(fd: Int, reason: String)
        case transferCancelled(transfer: String)
        case noSuchTransfer(transfer: String)
        case notSupported(device: String, operation: String)
        /// A recursive delete left these paths: the device refused each (its last refusal's text).
        case partiallyDeleted(device: String, path: String, remaining: [String], message: String)
        /// The device went away while in use; its sessions have ended.
        case deviceGone(device: String)
        /// The device stopped answering while still connected; its USB port was reset.
        case deviceReset(device: String, message: String)
        case deviceError(device: String, function: String, message: String, responseCode: Int?, errno: Int?)
        case teardownFailed(session: String, component: String, message: String)
        /// The client ran into one of the daemon's limits; the Varlink server sends it (`VarlinkServer.Limits`).
        case limitReached(limit: String, value: Double, fix: String)

        /// The errors' short names, as the interface declares them.
        public enum Name: String, CaseIterable, Sendable {
            case noSuchDevice = "NoSuchDevice", ambiguousDevice = "AmbiguousDevice", noSuchSession = "NoSuchSession",
                notSessionOwner = "NotSessionOwner", sessionTypeMismatch = "SessionTypeMismatch",
                invalidSessionType = "InvalidSessionType", deviceBusy = "DeviceBusy", notFound = "NotFound",
                alreadyExists = "AlreadyExists", notAFolder = "NotAFolder", folderNotEmpty = "FolderNotEmpty",
                invalidName = "InvalidName", invalidPath = "InvalidPath", noSuchStorage = "NoSuchStorage",
                storeFull = "StoreFull", badFileDescriptor = "BadFileDescriptor", transferCancelled = "TransferCancelled",
                noSuchTransfer = "NoSuchTransfer", notSupported = "NotSupported", partiallyDeleted = "PartiallyDeleted",
                deviceGone = "DeviceGone", deviceReset = "DeviceReset", deviceError = "DeviceError",
                teardownFailed = "TeardownFailed", limitReached = "LimitReached"

            /// The fully qualified name an error reply carries.
            public var qualifiedName: String { Manager.interfaceName + "." + rawValue }
        }

        /// Which error this is.
        public var name: Name {
            switch self {
            case .noSuchDevice: .noSuchDevice
            case .ambiguousDevice: .ambiguousDevice
            case .noSuchSession: .noSuchSession
            case .notSessionOwner: .notSessionOwner
            case .sessionTypeMismatch: .sessionTypeMismatch
            case .invalidSessionType: .invalidSessionType
            case .deviceBusy: .deviceBusy
            case .notFound: .notFound
            case .alreadyExists: .alreadyExists
            case .notAFolder: .notAFolder
            case .folderNotEmpty: .folderNotEmpty
            case .invalidName: .invalidName
            case .invalidPath: .invalidPath
            case .noSuchStorage: .noSuchStorage
            case .storeFull: .storeFull
            case .badFileDescriptor: .badFileDescriptor
            case .transferCancelled: .transferCancelled
            case .noSuchTransfer: .noSuchTransfer
            case .notSupported: .notSupported
            case .partiallyDeleted: .partiallyDeleted
            case .deviceGone: .deviceGone
            case .deviceReset: .deviceReset
            case .deviceError: .deviceError
            case .teardownFailed: .teardownFailed
            case .limitReached: .limitReached
            }
        }

        /// The error's fields as the interface declares them; an absent optional is null.
        public var parameters: [String: JSONValue] {
            switch self {
            case .noSuchDevice(let device, let attached): ["device": .string(device), "attached": .strings(attached)]
            case .ambiguousDevice(let device, let candidates): ["device": .string(device), "candidates": .strings(candidates)]
            case .noSuchSession(let session), .notSessionOwner(let session): ["session": .string(session)]
            case .sessionTypeMismatch(let session, let began, let given):
                ["session": .string(session), "began": .strings(began), "given": .strings(given)]
            case .invalidSessionType(let type): ["type": .string(type)]
            case .deviceBusy(let device, let session, let ahead, let message):
                [
                    "device": .string(device), "session": .optional(session), "ahead": .optional(ahead),
                    "message": .optional(message),
                ]
            case .notFound(let device, let path), .alreadyExists(let device, let path), .notAFolder(let device, let path),
                .folderNotEmpty(let device, let path):
                ["device": .string(device), "path": .string(path)]
            case .invalidName(let name, let reason): ["name": .string(name), "reason": .string(reason)]
            case .invalidPath(let path, let reason): ["path": .string(path), "reason": .string(reason)]
            case .noSuchStorage(let device, let storage): ["device": .string(device), "storage": .integer(storage)]
            case .storeFull(let device, let needed, let free):
                ["device": .string(device), "needed": .integer(needed), "free": .integer(free)]
            case .badFileDescriptor(let fd, let reason): ["fd": .integer(fd), "reason": .string(reason)]
            case .transferCancelled(let transfer), .noSuchTransfer(let transfer): ["transfer": .string(transfer)]
            case .notSupported(let device, let operation): ["device": .string(device), "operation": .string(operation)]
            case .partiallyDeleted(let device, let path, let remaining, let message):
                ["device": .string(device), "path": .string(path), "remaining": .strings(remaining), "message": .string(message)]
            case .deviceGone(let device): ["device": .string(device)]
            case .deviceReset(let device, let message): ["device": .string(device), "message": .string(message)]
            case .deviceError(let device, let function, let message, let responseCode, let errno):
                [
                    "device": .string(device), "function": .string(function), "message": .string(message),
                    "responseCode": .optional(responseCode), "errno": .optional(errno),
                ]
            case .teardownFailed(let session, let component, let message):
                ["session": .string(session), "component": .string(component), "message": .string(message)]
            case .limitReached(let limit, let value, let fix):
                ["limit": .string(limit), "value": .double(value), "fix": .string(fix)]
            }
        }

        /// The error reply the daemon sends.
        public var varlinkError: VarlinkError { VarlinkError(name: name.qualifiedName, parameters: parameters) }

        /// The interface's error in an error reply; nil for another interface's error, an unknown name, or fields
        /// that do not fit the declaration.
        public init?(_ error: VarlinkError) {
            let prefix = Manager.interfaceName + "."
            guard error.name.hasPrefix(prefix), let name = Name(rawValue: String(error.name.dropFirst(prefix.count))) else {
                return nil
            }
            guard let decoded = try? Self.decode(name, FieldReader(error.parameters)) else { return nil }
            self = decoded
        }

        private static func decode(_ name: Name, _ r: FieldReader) throws(VarlinkError) -> Self {
            switch name {
            case .noSuchDevice: .noSuchDevice(device: try r.string("device"), attached: try r.strings("attached"))
            case .ambiguousDevice: .ambiguousDevice(device: try r.string("device"), candidates: try r.strings("candidates"))
            case .noSuchSession: .noSuchSession(session: try r.string("session"))
            case .notSessionOwner: .notSessionOwner(session: try r.string("session"))
            case .sessionTypeMismatch:
                .sessionTypeMismatch(
                    session: try r.string("session"), began: try r.strings("began"), given: try r.strings("given"))
            case .invalidSessionType: .invalidSessionType(type: try r.string("type"))
            case .deviceBusy:
                .deviceBusy(
                    device: try r.string("device"), session: try r.optionalString("session"), ahead: try r.optionalInt("ahead"),
                    message: try r.optionalString("message"))
            case .notFound: .notFound(device: try r.string("device"), path: try r.string("path"))
            case .alreadyExists: .alreadyExists(device: try r.string("device"), path: try r.string("path"))
            case .notAFolder: .notAFolder(device: try r.string("device"), path: try r.string("path"))
            case .folderNotEmpty: .folderNotEmpty(device: try r.string("device"), path: try r.string("path"))
            case .invalidName: .invalidName(name: try r.string("name"), reason: try r.string("reason"))
            case .invalidPath: .invalidPath(path: try r.string("path"), reason: try r.string("reason"))
            case .noSuchStorage: .noSuchStorage(device: try r.string("device"), storage: try r.int("storage"))
            case .storeFull: .storeFull(device: try r.string("device"), needed: try r.int("needed"), free: try r.int("free"))
            case .badFileDescriptor: .badFileDescriptor(fd: try r.int("fd"), reason: try r.string("reason"))
            case .transferCancelled: .transferCancelled(transfer: try r.string("transfer"))
            case .noSuchTransfer: .noSuchTransfer(transfer: try r.string("transfer"))
            case .notSupported: .notSupported(device: try r.string("device"), operation: try r.string("operation"))
            case .partiallyDeleted:
                .partiallyDeleted(
                    device: try r.string("device"), path: try r.string("path"), remaining: try r.strings("remaining"),
                    message: try r.string("message"))
            case .deviceGone: .deviceGone(device: try r.string("device"))
            case .deviceReset: .deviceReset(device: try r.string("device"), message: try r.string("message"))
            case .deviceError:
                .deviceError(
                    device: try r.string("device"), function: try r.string("function"), message: try r.string("message"),
                    responseCode: try r.optionalInt("responseCode"), errno: try r.optionalInt("errno"))
            case .teardownFailed:
                .teardownFailed(
                    session: try r.string("session"), component: try r.string("component"), message: try r.string("message"))
            case .limitReached:
                .limitReached(limit: try r.string("limit"), value: try r.double("value"), fix: try r.string("fix"))
            }
        }
    }
}
