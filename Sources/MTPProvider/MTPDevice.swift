internal import CLibMTP
#if canImport(Glibc)
import Glibc
#endif

/// One open MTP device: the single owner of its `LIBMTP_mtpdevice_t`, released in deinit.
///
/// Blocking and not thread-safe, like libmtp: the daemon uses each instance from its device's own thread.
/// Opened uncached, so nothing is enumerated until a folder is listed.
public final class MTPDevice {
    let device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>
    var events: EventRegistration?

    /// The handle that means "the storage root" when listing or sending into a folder.
    public static let rootFolder: UInt32 = 0xFFFF_FFFF

    private init(device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>) { self.device = device }

    deinit {
        stopEvents()
        LIBMTP_Release_Device(device)  // CloseSession, then the USB interface goes back to the system.
    }

    /// Opens `attached` (found again by bus and address) without enumerating its objects: USB claim,
    /// OpenSession, device info, storages.
    public static func open(_ attached: AttachedDevice) throws(MTPError) -> MTPDevice {
        _ = libmtpInitialised
        var raw: UnsafeMutablePointer<LIBMTP_raw_device_t>? = nil
        var count: Int32 = 0
        let rc = LIBMTP_Detect_Raw_Devices(&raw, &count)
        defer { free(raw) }
        guard rc == LIBMTP_ERROR_NONE, let raw else {
            throw MTPError(kind: .connectionFailed, function: "LIBMTP_Detect_Raw_Devices", message: "the device is no longer attached")
        }
        guard let index = (0..<Int(count)).first(where: { raw[$0].bus_location == attached.bus && raw[$0].devnum == attached.address }) else {
            throw MTPError(kind: .connectionFailed, function: "LIBMTP_Detect_Raw_Devices", message: "the device is no longer attached")
        }
        let device = try libmtpCall("LIBMTP_Open_Raw_Device_Uncached", kind: .connectionFailed,
                                    { LIBMTP_Open_Raw_Device_Uncached(raw + index) }, failed: { $0 == nil })
        return MTPDevice(device: device!)
    }

    /// Opens the first MTP device attached (test and benchmark tools; the daemon opens devices by location).
    public static func openFirst() throws(MTPError) -> MTPDevice {
        guard let first = try AttachedDevice.detect().first else {
            throw MTPError(kind: .noDevice, function: "LIBMTP_Detect_Raw_Devices", message: "no MTP device attached")
        }
        return try open(first)
    }

    // MARK: Identity

    private func string(_ fetch: (UnsafeMutablePointer<LIBMTP_mtpdevice_t>) -> UnsafeMutablePointer<CChar>?) -> String? {
        guard let s = fetch(device) else { LIBMTP_Clear_Errorstack(device); return nil }
        defer { free(s) }
        return String(cString: s)
    }

    /// Serial number, from the device info read at opening.
    public var serialNumber: String? { string(LIBMTP_Get_Serialnumber) }
    /// Manufacturer, from the device info.
    public var manufacturer: String? { string(LIBMTP_Get_Manufacturername) }
    /// Model, from the device info.
    public var model: String? { string(LIBMTP_Get_Modelname) }
    /// Friendly name (one GetDevicePropValue), nil when the device has none.
    public var friendlyName: String? { string(LIBMTP_Get_Friendlyname).flatMap { $0.isEmpty ? nil : $0 } }

    /// Battery charge in percent (one GetDevicePropValue), nil when the device does not report it.
    public var batteryLevel: Int? {
        var maximum: UInt8 = 0, current: UInt8 = 0
        guard LIBMTP_Get_Batterylevel(device, &maximum, &current) == 0, maximum > 0 else {
            LIBMTP_Clear_Errorstack(device)
            return nil
        }
        return Int(current) * 100 / Int(maximum)
    }

    /// The optional operations the device offers (from the device info; no transaction).
    public var capabilities: DeviceCapabilitySet {
        DeviceCapabilitySet(partialRead: LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_GetPartialObject) != 0,
                            move: LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_MoveObject) != 0,
                            copy: LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_CopyObject) != 0)
    }

    // MARK: Storages and objects

    /// Re-reads the storages (GetStorageIDs, then GetStorageInfo each).
    public func storages() throws(MTPError) -> [StorageDescription] {
        _ = try libmtpCall("LIBMTP_Get_Storage", device: device, { LIBMTP_Get_Storage(device, 0) }, failed: { $0 < 0 })
        var result: [StorageDescription] = []
        var storage = device.pointee.storage
        while let s = storage {
            result.append(StorageDescription(id: s.pointee.id,
                                             description: s.pointee.StorageDescription.map { String(cString: $0) } ?? "",
                                             capacity: s.pointee.MaxCapacity, free: s.pointee.FreeSpaceInBytes))
            storage = s.pointee.next
        }
        return result
    }

    /// The objects directly in `folder` (`rootFolder` for the storage root) of `storage`: one folder's
    /// listing, never the whole device.
    public func children(of folder: UInt32, storage: UInt32) throws(MTPError) -> [ObjectEntry] {
        LIBMTP_Clear_Errorstack(device)
        let first = LIBMTP_Get_Files_And_Folders(device, storage, folder)
        if first == nil {
            // An empty folder and a failure both come back as NULL; only the error stack tells them apart.
            if LIBMTP_Get_Errorstack(device) != nil {
                throw drainErrorStack("LIBMTP_Get_Files_And_Folders", device: device, kind: .general)
            }
            return []
        }
        var result: [ObjectEntry] = []
        var file = first
        while let f = file {
            result.append(Self.entry(f))
            file = f.pointee.next
            LIBMTP_destroy_file_t(f)
        }
        return result
    }

    /// One object's metadata.
    public func object(_ id: UInt32) throws(MTPError) -> ObjectEntry {
        let file = try libmtpCall("LIBMTP_Get_Filemetadata", device: device, { LIBMTP_Get_Filemetadata(device, id) },
                                  failed: { $0 == nil })!
        defer { LIBMTP_destroy_file_t(file) }
        return Self.entry(file)
    }

    static func entry(_ f: UnsafeMutablePointer<LIBMTP_file_t>) -> ObjectEntry {
        ObjectEntry(id: f.pointee.item_id, parent: f.pointee.parent_id, storage: f.pointee.storage_id,
                    name: f.pointee.filename.map { String(cString: $0) } ?? "",
                    size: f.pointee.filesize, isFolder: f.pointee.filetype == LIBMTP_FILETYPE_FOLDER,
                    modified: f.pointee.modificationdate > 0 ? Int64(f.pointee.modificationdate) : nil)
    }

    /// Creates folder `name` in `parent`; returns the new folder as the device reports it (libmtp may have
    /// adjusted the name for devices that need 7-bit names).
    public func createFolder(name: String, parent: UInt32, storage: UInt32) throws(MTPError) -> ObjectEntry {
        let copy = strdup(name)!
        defer { free(copy) }
        let id = try libmtpCall("LIBMTP_Create_Folder", device: device,
                                { LIBMTP_Create_Folder(device, copy, parent, storage) }, failed: { $0 == 0 })
        return ObjectEntry(id: id, parent: parent == Self.rootFolder ? 0 : parent, storage: storage,
                           name: String(cString: copy), size: 0, isFolder: true, modified: nil)
    }

    /// Deletes an object (a folder with its contents, as the device does it).
    public func delete(id: UInt32) throws(MTPError) {
        _ = try libmtpCall("LIBMTP_Delete_Object", device: device, { LIBMTP_Delete_Object(device, id) }, failed: { $0 != 0 })
    }

    /// Renames an object in place.
    public func rename(id: UInt32, isFolder: Bool, to name: String) throws(MTPError) {
        if isFolder {
            let folder = LIBMTP_new_folder_t()!
            defer { LIBMTP_destroy_folder_t(folder) }
            folder.pointee.folder_id = id
            _ = try libmtpCall("LIBMTP_Set_Folder_Name", device: device, { LIBMTP_Set_Folder_Name(device, folder, name) },
                               failed: { $0 != 0 })
        } else {
            let file = LIBMTP_new_file_t()!
            defer { LIBMTP_destroy_file_t(file) }
            file.pointee.item_id = id
            _ = try libmtpCall("LIBMTP_Set_File_Name", device: device, { LIBMTP_Set_File_Name(device, file, name) },
                               failed: { $0 != 0 })
        }
    }

    /// Moves an object into `parent` of `storage` with the device's MoveObject.
    public func move(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) {
        _ = try libmtpCall("LIBMTP_Move_Object", device: device, { LIBMTP_Move_Object(device, id, storage, parent) },
                           failed: { $0 != 0 })
    }

    /// Copies an object into `parent` of `storage` with the device's CopyObject; returns the copy's handle.
    public func copy(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) -> UInt32 {
        _ = try libmtpCall("LIBMTP_Copy_Object", device: device, { LIBMTP_Copy_Object(device, id, storage, parent) },
                           failed: { $0 != 0 })
        // libmtp does not return the new handle: find the copy by name in the target folder.
        let original = try object(id)
        guard let copy = try children(of: parent, storage: storage).first(where: { $0.name == original.name && $0.id != id }) else {
            throw MTPError(kind: .general, function: "LIBMTP_Copy_Object", message: "the copy is not in the target folder")
        }
        return copy.id
    }
}
