internal import CLibMTP

/// The one way this module calls libmtp: runs `body`, and when `failed` says the result is a failure,
/// drains the device's error stack into a typed error that names `function`.
@inline(__always)
func libmtpCall<T>(_ function: String, device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>? = nil, kind: MTPError.Kind = .general,
                   _ body: () -> T, failed: (T) -> Bool) throws(MTPError) -> T {
    // libmtp leaves warnings on the stack even when a call succeeds; start clean so they are not blamed later.
    if let device { LIBMTP_Clear_Errorstack(device) }
    let result = body()
    guard failed(result) else { return result }
    throw drainErrorStack(function, device: device, kind: kind)
}

/// Reads and clears the device's error stack: its texts, the most telling error number, and a PTP response
/// code when libmtp wrote one ("PTP Layer error 200c: ...").
func drainErrorStack(_ function: String, device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>?, kind: MTPError.Kind) -> MTPError {
    var text: [String] = []
    var kind = kind
    var code: UInt16?
    if let device {
        var entry = LIBMTP_Get_Errorstack(device)
        while let e = entry {
            if let t = e.pointee.error_text {
                let line = String(cString: t)
                text.append(line)
                let marker = "PTP Layer error "
                if code == nil, line.hasPrefix(marker) {
                    code = UInt16(line.dropFirst(marker.count).prefix(4), radix: 16)
                }
            }
            switch e.pointee.errornumber {
            case LIBMTP_ERROR_CANCELLED: kind = .cancelled
            case LIBMTP_ERROR_STORAGE_FULL: if kind != .cancelled { kind = .storeFull }
            case LIBMTP_ERROR_USB_LAYER, LIBMTP_ERROR_CONNECTING: if kind == .general { kind = .connectionFailed }
            default: break
            }
            entry = e.pointee.next
        }
        LIBMTP_Clear_Errorstack(device)
    }
    switch code {
    case 0x200C: kind = .storeFull           // StoreFull
    case 0x2005: kind = .notSupported        // OperationNotSupported
    case 0x02FF, 0x02F9, 0x02FA: kind = .connectionFailed  // libmtp's PTP_ERROR_IO, _NODEVICE, _TIMEOUT
    case 0x02FB: kind = .cancelled           // PTP_ERROR_CANCEL
    default: break
    }
    return MTPError(kind: kind, function: function, message: text.isEmpty ? "failed" : text.joined(separator: "; "),
                    responseCode: code.flatMap { $0 >= 0x2000 ? $0 : nil })
}

/// libmtp keeps global tables that LIBMTP_Init fills once per process.
let libmtpInitialised: Void = { LIBMTP_Init() }()
