internal import CLibMTP

/// The one way this module calls libmtp: runs `body`, and when `failed` says the result is a failure,
/// drains the device's error stack into a typed error that names `function`.
@inline(__always)
func libmtpCall<T>(_ function: String, device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>? = nil, kind: MTPError.Kind = .general,
                   _ body: () -> T, failed: (T) -> Bool) throws(MTPError) -> T {
    let result = body()
    guard failed(result) else { return result }
    var text: [String] = []
    if let device {
        var entry = LIBMTP_Get_Errorstack(device)
        while let e = entry {
            if let t = e.pointee.error_text { text.append(String(cString: t)) }
            entry = e.pointee.next
        }
        LIBMTP_Clear_Errorstack(device)
    }
    throw MTPError(kind: kind, function: function, message: text.isEmpty ? "failed" : text.joined(separator: "; "))
}

/// libmtp keeps global tables that LIBMTP_Init fills once per process.
let libmtpInitialised: Void = { LIBMTP_Init() }()
