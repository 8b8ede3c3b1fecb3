import SessionCore
import Varlink

extension VarlinkError {
    /// The interface's error for a core failure: one place where daemon errors become varlink names.
    init(_ error: ServiceError) {
        let i = ManagerService.interfaceName + "."
        switch error {
        case .noSuchDevice(let name, let attached):
            self.init(name: i + "NoSuchDevice", parameters: ["device": .string(name), "attached": .array(attached.map(JSONValue.string))])
        case .ambiguousDevice(let name, let candidates):
            self.init(name: i + "AmbiguousDevice", parameters: ["device": .string(name), "candidates": .array(candidates.map(JSONValue.string))])
        case .noSuchSession(let id):
            self.init(name: i + "NoSuchSession", parameters: ["session": .string(id)])
        case .notSessionOwner(let id):
            self.init(name: i + "NotSessionOwner", parameters: ["session": .string(id)])
        case .sessionTypeMismatch(let id, let began, let given):
            self.init(name: i + "SessionTypeMismatch", parameters: [
                "session": .string(id), "began": .array(began.map(JSONValue.string)), "given": .array(given.map(JSONValue.string))])
        case .invalidSessionType(let text):
            self.init(name: i + "InvalidSessionType", parameters: ["type": .string(text)])
        case .deviceBusy(let device, let session):
            self.init(name: i + "DeviceBusy", parameters: ["device": .string(device), "session": session.map(JSONValue.string) ?? .null])
        case .notFound(let device, let path):
            self.init(name: i + "NotFound", parameters: ["device": .string(device), "path": .string(path)])
        case .alreadyExists(let device, let path):
            self.init(name: i + "AlreadyExists", parameters: ["device": .string(device), "path": .string(path)])
        case .notAFolder(let device, let path):
            self.init(name: i + "NotAFolder", parameters: ["device": .string(device), "path": .string(path)])
        case .folderNotEmpty(let device, let path):
            self.init(name: i + "FolderNotEmpty", parameters: ["device": .string(device), "path": .string(path)])
        case .invalidName(let name, let reason):
            self.init(name: i + "InvalidName", parameters: ["name": .string(name), "reason": .string(reason)])
        case .invalidPath(let path, let reason):
            self.init(name: i + "InvalidPath", parameters: ["path": .string(path), "reason": .string(reason)])
        case .noSuchStorage(let device, let storage):
            self.init(name: i + "NoSuchStorage", parameters: ["device": .string(device), "storage": .int(Int64(storage))])
        case .storeFull(let device, let needed, let free):
            self.init(name: i + "StoreFull", parameters: ["device": .string(device), "needed": .int(Int64(clamping: needed)),
                                                         "free": .int(Int64(clamping: free))])
        case .badFileDescriptor(let fd, let reason):
            self.init(name: i + "BadFileDescriptor", parameters: ["fd": .int(Int64(fd)), "reason": .string(reason)])
        case .transferCancelled(let id):
            self.init(name: i + "TransferCancelled", parameters: ["transfer": .string(id)])
        case .noSuchTransfer(let id):
            self.init(name: i + "NoSuchTransfer", parameters: ["transfer": .string(id)])
        case .notSupported(let device, let operation):
            self.init(name: i + "NotSupported", parameters: ["device": .string(device), "operation": .string(operation)])
        case .partiallyDeleted(let device, let path, let remaining, let message):
            self.init(name: i + "PartiallyDeleted", parameters: ["device": .string(device), "path": .string(path),
                                                                "remaining": .array(remaining.map(JSONValue.string)),
                                                                "message": .string(message)])
        case .deviceGone(let device):
            self.init(name: i + "DeviceGone", parameters: ["device": .string(device)])
        case .deviceReset(let device, let message):
            self.init(name: i + "DeviceReset", parameters: ["device": .string(device), "message": .string(message)])
        case .deviceError(let device, let function, let message, let code, let errno):
            self.init(name: i + "DeviceError", parameters: [
                "device": .string(device), "function": .string(function), "message": .string(message),
                "responseCode": code.map { .int(Int64($0)) } ?? .null, "errno": errno.map { .int(Int64($0)) } ?? .null])
        case .teardownFailed(let session, let component, let message):
            self.init(name: i + "TeardownFailed", parameters: ["session": .string(session), "component": .string(component),
                                                              "message": .string(message)])
        case .invalidParameter(let what):
            self = .invalidParameter(what)
        }
    }
}
