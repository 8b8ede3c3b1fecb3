internal import CLibMTP
internal import CLibUSB
internal import PTPWire

/// The one way this module calls libmtp: runs `body`, and when `failed` says the result is a failure,
/// drains the device's error stack into a typed error that names `function`.
///
/// Some libmtp calls fail without a word on the stack (LIBMTP_Get_Filemetadata, LIBMTP_Get_Storage's
/// GetStorageIDs), with only libmtp's own words, or without the device's response code. Such a failure is `.connectionFailed` when
/// `location` is no longer on the bus, and `unexplained` otherwise.
@inline(__always)
func libmtpCall<T>(
    _ function: String, device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>? = nil,
    location: AttachedDevice? = nil, kind: MTPError.Kind = .general, unexplained: MTPError.Kind = .general,
    _ body: () -> T, failed: (T) -> Bool
) throws(MTPError) -> T {
    // libmtp leaves warnings on the stack even when a call succeeds; start clean so they are not blamed later.
    if let device { LIBMTP_Clear_Errorstack(device) }
    let result = body()
    guard failed(result) else { return result }
    var error = drainErrorStack(function, device: device, kind: kind)
    // No PTP error on the stack: libmtp gave up before or without a transaction ("could not find mtpfile",
    // "Could not get object info"). 02fe (PTP_ERROR_DATA_EXPECTED): the device answered a read with a response
    // instead of data, and libmtp dropped that response's code. Both are refusals without a reason.
    if error.kind == .general, error.ptpLayerCodes.isEmpty || error.saysDataExpected {
        error.kind = location.map { !$0.isOnBus } == true ? .connectionFailed : unexplained
    }
    throw error
}

/// The message of a failure libmtp reported nothing about.
let silentFailure = "failed (libmtp gave no reason)"

/// Reads and clears the device's error stack: its texts, the kind its error numbers and the PTP response
/// code tell (libmtp writes "PTP Layer error 200c: ..."; codes below 0x2000 are libmtp's own transport errors).
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
                if code == nil { code = MTPError.ptpLayerCodes(in: line).first }
            }
            switch e.pointee.errornumber {
            case LIBMTP_ERROR_CANCELLED: kind = .cancelled
            case LIBMTP_ERROR_STORAGE_FULL: if kind != .cancelled { kind = .storeFull }
            case LIBMTP_ERROR_NO_DEVICE_ATTACHED: if kind == .general { kind = .noDevice }
            case LIBMTP_ERROR_USB_LAYER, LIBMTP_ERROR_CONNECTING: if kind == .general { kind = .connectionFailed }
            default: break
            }
            entry = e.pointee.next
        }
        LIBMTP_Clear_Errorstack(device)
    }
    if kind != .cancelled, let code, let coded = MTPError.kind(forResponse: code) { kind = coded }
    return MTPError(
        kind: kind, function: function, message: text.isEmpty ? silentFailure : text.joined(separator: "; "),
        responseCode: code.flatMap { $0 >= ResponseCode.undefined.rawValue ? $0 : nil })
}

extension MTPError {
    /// How libmtp begins a failure its PTP layer reported, before the code in four hex digits.
    static let ptpLayerMarker = "PTP Layer error "

    /// The codes of libmtp's "PTP Layer error 200c: Store full" texts in `text`, in order: the device's
    /// response codes and libmtp's own (0x02xx). The one place this module reads codes out of libmtp's words.
    static func ptpLayerCodes(in text: String) -> [UInt16] {
        text.ranges(of: ptpLayerMarker).compactMap { UInt16(text[$0.upperBound...].prefix(4), radix: 16) }
    }

    /// The codes of the PTP layer errors in `message`.
    var ptpLayerCodes: [UInt16] { Self.ptpLayerCodes(in: message) }

    /// Whether libmtp reported 02fe (PTP_ERROR_DATA_EXPECTED): the device answered a read with a response
    /// instead of data, and libmtp dropped that response's code.
    var saysDataExpected: Bool { ptpLayerCodes.contains(LibPTPError.dataExpected.rawValue) }

    /// The kind a PTP response code (or one of libmtp's transport codes, 0x02xx) stands for, if it says one.
    static func kind(forResponse code: UInt16) -> Kind? {
        switch ResponseCode(code) {
        case .storeFull: return .storeFull
        case .operationNotSupported, .specificationByFormatUnsupported, .specificationOfDestinationUnsupported:
            return .notSupported
        case .invalidStorageID, .invalidObjectHandle, .invalidParentObject: return .notFound
        case .transactionCancelled, LibPTPError.cancel: return .cancelled
        case LibPTPError.io, LibPTPError.noDevice, LibPTPError.timeout: return .connectionFailed
        default: return nil
        }
    }
}

/// libmtp's own failure codes (libptp2's PTP_ERROR_*, from a header libmtp does not install), which it reports
/// where a device's response code goes ("PTP Layer error 02fe: ...") but which never cross the wire.
enum LibPTPError {
    /// PTP_ERROR_NODEVICE: the device is gone.
    static let noDevice = ResponseCode(0x02F9)
    /// PTP_ERROR_TIMEOUT: a USB transfer timed out.
    static let timeout = ResponseCode(0x02FA)
    /// PTP_ERROR_CANCEL: the progress callback asked libmtp to stop.
    static let cancel = ResponseCode(0x02FB)
    /// PTP_ERROR_DATA_EXPECTED: the device answered with a response where data was due.
    static let dataExpected = ResponseCode(0x02FE)
    /// PTP_ERROR_IO: a USB transfer failed.
    static let io = ResponseCode(0x02FF)
}

/// libmtp keeps global tables that LIBMTP_Init fills once per process.
let libmtpInitialised: Void = { LIBMTP_Init() }()

/// A libusb context of this module's own, for asking whether a device is still on the bus without a PTP
/// transaction (libmtp's context is private to it). Never exited: it lives as long as the process.
nonisolated(unsafe) let busContext: OpaquePointer? = {
    var context: OpaquePointer? = nil
    return libusb_init(&context) == 0 ? context : nil
}()

extension AttachedDevice {
    /// Whether a device is still at this bus number and address (libusb's device list; no USB traffic).
    var isOnBus: Bool {
        guard let busContext else { return true }
        var list: UnsafeMutablePointer<OpaquePointer?>? = nil
        let count = libusb_get_device_list(busContext, &list)
        guard count >= 0, let list else { return true }
        defer { libusb_free_device_list(list, 1) }
        return (0..<count).contains { i in
            guard let device = list[i] else { return false }
            return UInt32(libusb_get_bus_number(device)) == bus && libusb_get_device_address(device) == address
        }
    }
}
