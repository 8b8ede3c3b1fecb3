import ManagerContract
import Varlink

/// The daemon's errors in words a user can act on, with the exit status for their kind: the one table from the
/// contract's errors to what mtpctl says and how it exits.
public enum ErrorMessages {
    /// Whose exclusive session holds the device: "*" (the daemon's stand-in for another user's session id) or the id.
    static func heldBy(session: String) -> String {
        session == "*" ? "another user's exclusive session" : "your exclusive session \(session)"
    }

    /// The exit status for each of the interface's errors.
    public static func exitStatus(_ name: Manager.Error.Name) -> Int32 {
        switch name {
        case .invalidSessionType: ExitStatus.usage
        case .deviceBusy, .limitReached: ExitStatus.busy
        case .noSuchDevice, .ambiguousDevice, .noSuchSession, .notSessionOwner, .sessionTypeMismatch, .notFound, .alreadyExists,
            .notAFolder, .folderNotEmpty, .invalidName, .invalidPath, .noSuchStorage, .storeFull, .badFileDescriptor,
            .transferCancelled, .noSuchTransfer, .notSupported, .partiallyDeleted, .deviceGone, .deviceReset, .deviceError,
            .teardownFailed:
            ExitStatus.failed
        }
    }

    /// The exit status for an error outside the interface: a parameter the daemon refused is a usage error.
    static func exitStatus(_ error: VarlinkError) -> Int32 {
        isInvalidParameter(error) ? ExitStatus.usage : ExitStatus.failed
    }

    /// What mtpctl says for each of the interface's errors.
    public static func message(_ error: Manager.Error) -> String {
        switch error {
        case .noSuchDevice(let device, let attached):
            attached.isEmpty
                ? "no MTP device attached — plug one in and unlock it (phones: choose \"File transfer\")"
                : "no device matches '\(device)'; attached: \(attached.joined(separator: ","))"
        case .ambiguousDevice(let device, let candidates):
            "'\(device)' matches several devices (\(candidates.joined(separator: ","))); give more of the serial"
        case .noSuchSession(let session):
            "no session \(session) (it ended or its lease expired); begin one with `mtpctl session begin`"
        case .notSessionOwner(let session):
            "session \(session) belongs to another user"
        case .sessionTypeMismatch(let session, let began, let given):
            "session \(session) began with types \(began.joined(separator: ",")), not \(given.joined(separator: ",")); end it with `mtpctl session end --types \(began.joined(separator: ",")) \(session)`"
        case .invalidSessionType(let type):
            "unknown session type '\(type)'; use transferToDevice, transferFromDevice, delete, custom or a mask like 0x101"
        case .deviceBusy(let device, let session, let ahead, let message):
            if let message {
                "device \(device) is busy: \(message)"
            } else if let session {
                "device \(device) is held by \(heldBy(session: session)); try again when it ends, or wait longer with `--timeout SECONDS`"
            } else {
                "device \(device) is busy: \(ahead ?? 0) operation\(ahead == 1 ? "" : "s") still ahead when the time ran out; wait longer with `--timeout SECONDS`"
            }
        case .notFound(let device, let path):
            "no such file or folder: \(device):\(path)"
        case .alreadyExists(let device, let path):
            "\(device):\(path) already exists; pass --overwrite to replace it"
        case .notAFolder(let device, let path):
            "\(device):\(path) is a file, not a folder"
        case .folderNotEmpty(let device, let path):
            "\(device):\(path) is a folder and not empty; pass -r to delete it and everything in it"
        case .invalidName(let name, let reason):
            "invalid name '\(name)': \(reason)"
        case .invalidPath(let path, let reason):
            "invalid path '\(path)': \(reason)"
        case .noSuchStorage(let device, let storage):
            "device \(device) has no storage \(storage); `mtpctl devices` lists its storages"
        case .storeFull(let device, let needed, let free):
            // A device may refuse with StoreFull while its storage info still shows room (a card, a quota).
            free > needed
                ? "\(device) refused \(needed) bytes as not fitting (StoreFull), though it reports \(free) bytes free; free some space on it and retry"
                : "not enough space on \(device): \(needed) bytes needed, \(free) free; free some space on it and retry"
        case .badFileDescriptor(_, let reason):
            "the daemon could not use the file: \(reason)"
        case .transferCancelled(let transfer):
            "transfer \(transfer) cancelled; nothing of it was left on the device"
        case .noSuchTransfer(let transfer):
            "no running transfer \(transfer) of yours; it may have ended (only the user who started a transfer, or root, may cancel it)"
        case .notSupported(let device, let operation):
            "device \(device) does not support \(operation)"
        case .partiallyDeleted(let device, let path, let remaining, let message):
            "\(device) deleted only part of \(path): the device refused \(remaining.count) object(s) "
                + "(\(message)): \(remaining.prefix(10).joined(separator: ", ") + (remaining.count > 10 ? ", …" : "")); check they are not protected or in use on the device, then retry"
        case .deviceGone(let device):
            "device \(device) went away (unplugged or reset); plug it in again and retry — what arrived of an unfinished file is removed when mtpsessiond next opens the device"
        case .deviceReset(let device, let message):
            "device \(device) stopped answering (\(message)) while still connected; its USB port was reset "
                + "— retry, and if it recurs, unplug and replug it"
        case .deviceError(let device, let function, let message, let responseCode, _):
            "device \(device) failed in \(function): \(message)\(responseCode.map { ", MTP response 0x" + String($0, radix: 16) } ?? ""); if it was unplugged or locked, reconnect and unlock it"
        case .teardownFailed(let session, let component, let message):
            "session \(session) ended, but \(component) failed: \(message)"
        case .limitReached(let limit, _, let fix):
            "mtpsessiond refused the connection: \(fix)\(limitOptions[limit] ?? "")"
        }
    }

    /// The daemon option that sets each limit LimitReached names.
    private static let limitOptions = [
        VarlinkServer.Limit.connectionsPerUID.rawValue: " (mtpsessiond --max-connections-per-uid)",
        VarlinkServer.Limit.stallSeconds.rawValue: " (mtpsessiond --stall-timeout)",
    ]

    /// Whether the varlink service refused a parameter (org.varlink.service.InvalidParameter).
    private static func isInvalidParameter(_ error: VarlinkError) -> Bool { error.name == VarlinkError.invalidParameter("").name }

    /// What mtpctl says for an error outside the interface.
    static func message(_ error: VarlinkError) -> String {
        if isInvalidParameter(error) {
            return "the daemon refused parameter '\(error.parameters["parameter"]?.stringValue ?? "?")'"
        }
        return "\(error.name) \(error.parameters)"
    }

    /// The exit statuses as `mtpctl --help` lists them, with the daemon's errors that lead to each (README.md
    /// lists every error).
    public static var exitStatusHelp: String {
        func names(_ status: Int32) -> String {
            Manager.Error.Name.allCases.filter { exitStatus($0) == status }.map(\.rawValue).joined(separator: ", ")
        }
        return """
            Exit status:
              0   done
              1   the device or operation failed: any other error of the daemon
              64  usage: the command line, a refused parameter, \(names(ExitStatus.usage))
              69  the daemon cannot be reached
              74  a local file cannot be read or written
              75  busy, try again later: \(names(ExitStatus.busy))

            With --json, an error is one JSON object on stdout like every other line (on stderr for `get ... -`): {"error": NAME, \
            "parameters": {...}, "message": TEXT, "exitCode": N}. NAME is the daemon's error \
            (\(Manager.Error.Name.notFound.qualifiedName)) or mtpctl's own (mtpctl.Usage, mtpctl.DaemonUnreachable, \
            mtpctl.LocalFile, mtpctl.Failed).
            """
    }
}
