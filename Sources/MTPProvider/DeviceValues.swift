#if canImport(Glibc)
import Glibc
#endif

/// Values as libmtp hands them over from a device, turned into Swift ones. Pure, so they are fuzzed and
/// unit-tested without a device; the functions that read a live device go through these.
package enum DeviceValues {
    /// Text a device sent: the bytes up to the first NUL, invalid UTF-8 replaced by U+FFFD exactly as
    /// `String(cString:)` does (libmtp converts the device's UTF-16 and may pass on broken sequences).
    package static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    /// `text` of a C string libmtp owns.
    static func text(_ cString: UnsafePointer<CChar>) -> String {
        text(UnsafeRawBufferPointer(start: cString, count: strlen(cString)))
    }

    /// A modification time as libmtp parsed it from the device's date string: 0 (no date, or one libmtp
    /// could not read) and earlier mean unknown.
    package static func modificationTime(_ seconds: Int) -> Int64? { seconds > 0 ? Int64(seconds) : nil }

    /// An MTP date string ("YYYYMMDDThhmmss") for `seconds` since the epoch, in local time: libmtp reads a
    /// device's dates back with mktime, so local time is what round-trips.
    package static func dateString(secondsSince1970 seconds: Int64) -> String {
        var t = time_t(seconds), parts = tm()
        guard localtime_r(&t, &parts) != nil else { return "19700101T000000" }
        func pad(_ n: Int32, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2)
    }

    /// Battery charge in percent from the BatteryLevel property's value and its range's maximum; nil when the
    /// device gives no range. A value beyond the maximum counts as full: clients are promised 0...100.
    package static func batteryPercent(current: UInt8, maximum: UInt8) -> Int? {
        guard maximum > 0 else { return nil }
        return min(Int(current), Int(maximum)) * 100 / Int(maximum)
    }
}
