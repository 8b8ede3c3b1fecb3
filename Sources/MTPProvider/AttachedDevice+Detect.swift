internal import CLibMTP
#if canImport(Glibc)
import Glibc
#endif

extension AttachedDevice {
    /// The MTP devices on the bus, as libmtp recognises them (its device table, then probing); an empty list,
    /// not an error, when none is attached.
    public static func detect() throws(MTPError) -> [AttachedDevice] {
        _ = libmtpInitialised
        var raw: UnsafeMutablePointer<LIBMTP_raw_device_t>? = nil
        var count: Int32 = 0
        let rc = LIBMTP_Detect_Raw_Devices(&raw, &count)
        defer { free(raw) }
        if rc == LIBMTP_ERROR_NO_DEVICE_ATTACHED { return [] }
        guard rc == LIBMTP_ERROR_NONE, let raw else {
            throw MTPError(kind: .general, function: "LIBMTP_Detect_Raw_Devices", message: "error \(rc.rawValue)")
        }
        return (0..<Int(count)).map { i in
            let d = raw[i]
            return AttachedDevice(
                bus: d.bus_location, address: d.devnum, vendorID: d.device_entry.vendor_id,
                productID: d.device_entry.product_id,
                vendorName: d.device_entry.vendor.map { String(cString: $0) } ?? "",
                productName: d.device_entry.product.map { String(cString: $0) } ?? "")
        }
    }
}
