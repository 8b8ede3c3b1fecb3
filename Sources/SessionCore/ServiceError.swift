/// A failure the daemon reports to a client: each case names the device, path or session involved, so the
/// varlink layer can map it to one error name with parameters and mtpctl can say what to do.
public enum ServiceError: Error, Sendable, Equatable {
    /// No attached device matches the name.
    case noSuchDevice(name: String, attached: [String])
    /// Several attached devices match the name.
    case ambiguousDevice(name: String, candidates: [String])
    /// No open session has this id.
    case noSuchSession(String)
    /// The session belongs to another uid.
    case notSessionOwner(String)
    /// EndSession named other types than BeginSession; the session stays open.
    case sessionTypeMismatch(session: String, began: [String], given: [String])
    /// A session type is neither a known name nor a mask of known bits.
    case invalidSessionType(String)
    /// The device could not be had in time: an exclusive session holds it (`session`, as the caller may see
    /// it), or `ahead` operations came first; or the device itself kept answering DeviceBusy (`message`).
    case deviceBusy(device: String, session: String?, ahead: Int?, message: String?)
    /// Nothing at this path.
    case notFound(device: String, path: String)
    /// Something already has this name.
    case alreadyExists(device: String, path: String)
    /// The path names a file where a folder is needed.
    case notAFolder(device: String, path: String)
    /// A folder has contents and recursive was not asked for.
    case folderNotEmpty(device: String, path: String)
    /// An object name is unusable.
    case invalidName(name: String, reason: String)
    /// A path is unusable.
    case invalidPath(path: String, reason: String)
    /// The device has no storage with this id.
    case noSuchStorage(device: String, storage: UInt32)
    /// Not enough free space for the transfer.
    case storeFull(device: String, needed: UInt64, free: UInt64)
    /// The file descriptor is missing, of the wrong kind, or open in the wrong mode.
    case badFileDescriptor(fd: Int, reason: String)
    /// The transfer was cancelled; nothing of it is left on the device.
    case transferCancelled(String)
    /// No running transfer has this id.
    case noSuchTransfer(String)
    /// The device cannot do this.
    case notSupported(device: String, operation: String)
    /// A recursive delete, finished bottom-up, left these objects: the device refused each of them.
    case partiallyDeleted(device: String, path: String, remaining: [String], message: String)
    /// The device went away (unplugged) while in use: the seed's WMDM_E_INTERFACEDEAD.
    case deviceGone(device: String)
    /// The device stopped answering while still on the bus; its USB port was reset, and it is opened afresh at
    /// the next call.
    case deviceReset(device: String, message: String)
    /// libmtp or libusb failed.
    case deviceError(device: String, function: String, message: String, responseCode: UInt16?, errno: Int32?)
    /// A component's teardown failed at EndSession; the others may have succeeded.
    case teardownFailed(session: String, component: String, message: String)
    /// A parameter is present but unusable (beyond what the interface's types say).
    case invalidParameter(String)
}
