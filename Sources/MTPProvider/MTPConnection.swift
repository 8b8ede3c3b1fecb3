internal import CLibMTP
#if canImport(Glibc)
import Glibc
#endif


/// One open libmtp device: the single owner of its `LIBMTP_mtpdevice_t`, released in deinit.
///
/// Blocking and not thread-safe, like libmtp itself: callers keep each connection on one thread.
public final class MTPConnection {
    private let device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>

    private init(device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>) { self.device = device }

    deinit { LIBMTP_Release_Device(device) }

    /// Opens the first MTP device libmtp detects, without enumerating its objects.
    public static func openFirst() throws(MTPError) -> MTPConnection {
        _ = libmtpInitialised
        var raw: UnsafeMutablePointer<LIBMTP_raw_device_t>? = nil
        var count: Int32 = 0
        let rc = LIBMTP_Detect_Raw_Devices(&raw, &count)
        defer { free(raw) }
        guard rc == LIBMTP_ERROR_NONE, count > 0, let raw else {
            throw MTPError(kind: .noDevice, function: "LIBMTP_Detect_Raw_Devices",
                           message: rc == LIBMTP_ERROR_NO_DEVICE_ATTACHED ? "no MTP device attached" : "error \(rc.rawValue)")
        }
        let device = try libmtpCall("LIBMTP_Open_Raw_Device_Uncached", kind: .connectionFailed,
                                    { LIBMTP_Open_Raw_Device_Uncached(raw) }, failed: { $0 == nil })
        return MTPConnection(device: device!)
    }

    /// Blocks until the device reports an event.
    public func readEvent() throws(MTPError) -> MTPDeviceEvent {
        var event = LIBMTP_EVENT_NONE
        var parameter: UInt32 = 0
        _ = try libmtpCall("LIBMTP_Read_Event", device: device, kind: .connectionFailed,
                           { LIBMTP_Read_Event(device, &event, &parameter) }, failed: { $0 != 0 })
        return MTPDeviceEvent(event, parameter)
    }

    /// The device's friendly name (one GetDevicePropValue transaction), or nil when it has none.
    public func friendlyName() -> String? {
        guard let s = LIBMTP_Get_Friendlyname(device) else {
            LIBMTP_Clear_Errorstack(device)
            return nil
        }
        defer { free(s) }
        return String(cString: s)
    }

    /// The id of the first storage, after asking the device for its storages.
    public func firstStorageID() throws(MTPError) -> UInt32 {
        _ = try libmtpCall("LIBMTP_Get_Storage", device: device, { LIBMTP_Get_Storage(device, 0) }, failed: { $0 != 0 })
        guard let storage = device.pointee.storage else {
            throw MTPError(kind: .general, function: "LIBMTP_Get_Storage", message: "the device reports no storage")
        }
        return storage.pointee.id
    }

    /// Sends `size` bytes read from `fd` as a new file `name` in folder `parent` (0 = root) of `storage`;
    /// returns the new object's id.
    public func sendFile(from fd: Int32, name: String, size: UInt64, parent: UInt32, storage: UInt32) throws(MTPError) -> UInt32 {
        let file = LIBMTP_new_file_t()!
        defer { LIBMTP_destroy_file_t(file) }
        file.pointee.filename = strdup(name)
        file.pointee.filesize = size
        file.pointee.parent_id = parent
        file.pointee.storage_id = storage
        file.pointee.filetype = LIBMTP_FILETYPE_UNKNOWN
        _ = try libmtpCall("LIBMTP_Send_File_From_File_Descriptor", device: device,
                           { LIBMTP_Send_File_From_File_Descriptor(device, fd, file, nil, nil) }, failed: { $0 != 0 })
        return file.pointee.item_id
    }

    /// Writes object `id`'s data to `fd`.
    public func getFile(id: UInt32, to fd: Int32) throws(MTPError) {
        _ = try libmtpCall("LIBMTP_Get_File_To_File_Descriptor", device: device,
                           { LIBMTP_Get_File_To_File_Descriptor(device, id, fd, nil, nil) }, failed: { $0 != 0 })
    }

    /// Deletes object `id` (folders recursively, where the device does so).
    public func deleteObject(id: UInt32) throws(MTPError) {
        _ = try libmtpCall("LIBMTP_Delete_Object", device: device, { LIBMTP_Delete_Object(device, id) }, failed: { $0 != 0 })
    }

    /// The device's serial number as it reports it.
    public var serialNumber: String? {
        guard let s = LIBMTP_Get_Serialnumber(device) else { return nil }
        defer { free(s) }
        return String(cString: s)
    }
}
