import Varlink

/// The daemon's varlink errors in words a user can act on, with the exit status for their kind.
enum ErrorMessages {
    /// "by session ID", or, for the "*" the daemon shows in place of another user's session id, whose.
    static func heldBy(session: String) -> String {
        session == "*" ? "by another user's session" : "by session \(session)"
    }

    static func describe(_ error: VarlinkError) -> MTPCtlError {
        let p = error.parameters
        func s(_ key: String) -> String { p[key]?.stringValue ?? "?" }
        func list(_ key: String) -> String { (p[key]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",") }
        let short = error.name.split(separator: ".").last.map(String.init) ?? error.name
        switch short {
        case "NoSuchDevice":
            let attached = list("attached")
            return .failed(attached.isEmpty
                ? "no MTP device attached — plug one in and unlock it (phones: choose \"File transfer\")"
                : "no device matches '\(s("device"))'; attached: \(attached)")
        case "AmbiguousDevice":
            return .failed("'\(s("device"))' matches several devices (\(list("candidates"))); give more of the serial")
        case "NoSuchSession":
            return .failed("no session \(s("session")) (it ended or its lease expired); begin one with `mtpctl session begin`")
        case "NotSessionOwner":
            return .failed("session \(s("session")) belongs to another user")
        case "SessionTypeMismatch":
            return .failed("session \(s("session")) began with types \(list("began")), not \(list("given")); end it with `mtpctl session end --types \(list("began")) \(s("session"))`")
        case "InvalidSessionType":
            return .usage("unknown session type '\(s("type"))'; use transferToDevice, transferFromDevice, delete, custom or a mask like 0x101")
        case "DeviceBusy":
            let holder = p["session"]?.stringValue.map { " " + heldBy(session: $0) } ?? ""
            return .busy("device \(s("device")) is held\(holder); wait for it to end (`--wait SECONDS`), or pass `--session ID` if it is yours")
        case "NotFound":
            return .failed("no such file or folder: \(s("device")):\(s("path"))")
        case "AlreadyExists":
            return .failed("\(s("device")):\(s("path")) already exists; pass --overwrite to replace it")
        case "NotAFolder":
            return .failed("\(s("device")):\(s("path")) is a file, not a folder")
        case "FolderNotEmpty":
            return .failed("\(s("device")):\(s("path")) is a folder and not empty; pass -r to delete it and everything in it")
        case "InvalidName":
            return .failed("invalid name '\(s("name"))': \(s("reason"))")
        case "InvalidPath":
            return .failed("invalid path '\(s("path"))': \(s("reason"))")
        case "NoSuchStorage":
            return .failed("device \(s("device")) has no storage \(p["storage"]?.intValue ?? 0); `mtpctl devices` lists its storages")
        case "StoreFull":
            let needed = p["needed"]?.intValue ?? 0, free = p["free"]?.intValue ?? 0
            // A device may refuse with StoreFull while its storage info still shows room (a card, a quota).
            return .failed(free > needed
                ? "\(s("device")) refused \(needed) bytes as not fitting (StoreFull), though it reports \(free) bytes free; free some space on it and retry"
                : "not enough space on \(s("device")): \(needed) bytes needed, \(free) free; free some space on it and retry")
        case "BadFileDescriptor":
            return .failed("the daemon could not use the file: \(s("reason"))")
        case "TransferCancelled":
            return .failed("transfer \(s("transfer")) cancelled; nothing of it was left on the device")
        case "NoSuchTransfer":
            return .failed("no running transfer \(s("transfer"))")
        case "NotSupported":
            return .failed("device \(s("device")) does not support \(s("operation"))")
        case "PartiallyDeleted":
            let remaining = p["remaining"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let shown = remaining.prefix(10).joined(separator: ", ") + (remaining.count > 10 ? ", …" : "")
            return .failed("\(s("device")) deleted only part of \(s("path")): the device refused \(remaining.count) object(s) "
                           + "(\(s("message"))): \(shown); check they are not protected or in use on the device, then retry")
        case "DeviceGone":
            return .failed("device \(s("device")) went away (unplugged or reset); plug it in again and retry — what arrived of an unfinished file is removed when mtpsessiond next opens the device")
        case "DeviceReset":
            return .failed("device \(s("device")) stopped answering (\(s("message"))) while still connected; its USB port was reset "
                           + "— retry, and if it recurs, unplug and replug it")
        case "DeviceError":
            let code = p["responseCode"]?.intValue.map { ", MTP response 0x" + String($0, radix: 16) } ?? ""
            return .failed("device \(s("device")) failed in \(s("function")): \(s("message"))\(code); if it was unplugged or locked, reconnect and unlock it")
        case "TeardownFailed":
            return .failed("session \(s("session")) ended, but \(s("component")) failed: \(s("message"))")
        case "LimitReached":
            let option = ["connectionsPerUID": " (mtpsessiond --max-connections-per-uid)", "stallSeconds": " (mtpsessiond --stall-timeout)"]
            return .busy("mtpsessiond refused the connection: \(s("fix"))\(option[s("limit")] ?? "")")
        case "InvalidParameter":
            return .usage("the daemon refused parameter '\(s("parameter"))'")
        default:
            return .failed("\(error.name) \(p)")
        }
    }
}
