import ManagerContract
import SessionCore
import Varlink

extension Manager.Error {
    /// The interface's error for a core failure: one place where daemon errors become the contract's; nil for
    /// `invalidParameter`, which is the varlink service's own error, not the interface's.
    package init?(_ error: ServiceError) {
        switch error {
        case .noSuchDevice(let name, let attached): self = .noSuchDevice(device: name, attached: attached)
        case .ambiguousDevice(let name, let candidates): self = .ambiguousDevice(device: name, candidates: candidates)
        case .noSuchSession(let id): self = .noSuchSession(session: id)
        case .notSessionOwner(let id): self = .notSessionOwner(session: id)
        case .sessionTypeMismatch(let id, let began, let given):
            self = .sessionTypeMismatch(session: id, began: began, given: given)
        case .invalidSessionType(let text): self = .invalidSessionType(type: text)
        case .deviceBusy(let device, let session, let ahead, let message):
            self = .deviceBusy(device: device, session: session, ahead: ahead, message: message)
        case .notFound(let device, let path): self = .notFound(device: device, path: path)
        case .alreadyExists(let device, let path): self = .alreadyExists(device: device, path: path)
        case .notAFolder(let device, let path): self = .notAFolder(device: device, path: path)
        case .folderNotEmpty(let device, let path): self = .folderNotEmpty(device: device, path: path)
        case .invalidName(let name, let reason): self = .invalidName(name: name, reason: reason)
        case .invalidPath(let path, let reason): self = .invalidPath(path: path, reason: reason)
        case .noSuchStorage(let device, let storage): self = .noSuchStorage(device: device, storage: Int(storage))
        case .storeFull(let device, let needed, let free):
            self = .storeFull(device: device, needed: Int(clamping: needed), free: Int(clamping: free))
        case .badFileDescriptor(let fd, let reason): self = .badFileDescriptor(fd: fd, reason: reason)
        case .transferCancelled(let id): self = .transferCancelled(transfer: id)
        case .noSuchTransfer(let id): self = .noSuchTransfer(transfer: id)
        case .notSupported(let device, let operation): self = .notSupported(device: device, operation: operation)
        case .partiallyDeleted(let device, let path, let remaining, let message):
            self = .partiallyDeleted(device: device, path: path, remaining: remaining, message: message)
        case .deviceGone(let device): self = .deviceGone(device: device)
        case .deviceReset(let device, let message): self = .deviceReset(device: device, message: message)
        case .deviceError(let device, let function, let message, let code, let errno):
            self = .deviceError(
                device: device, function: function, message: message, responseCode: code.map { Int($0) },
                errno: errno.map { Int($0) })
        case .teardownFailed(let session, let component, let message):
            self = .teardownFailed(session: session, component: component, message: message)
        case .invalidParameter: return nil
        }
    }
}

extension VarlinkError {
    /// The error reply for a core failure: the interface's error, or the varlink service's InvalidParameter.
    package init(_ error: ServiceError) {
        if let contract = Manager.Error(error) {
            self = contract.varlinkError
        } else if case .invalidParameter(let what) = error {
            self = .invalidParameter(what)
        } else {
            preconditionFailure("\(error) has no error in the interface")
        }
    }
}
