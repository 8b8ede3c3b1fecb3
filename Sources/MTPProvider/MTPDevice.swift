internal import CLibMTP
internal import PTPWire
#if canImport(Glibc)
import Glibc
#endif

/// One open MTP device: the single owner of its `LIBMTP_mtpdevice_t`, released in deinit.
///
/// Blocking and not thread-safe, like libmtp: the daemon uses each instance from its device's own thread.
/// Opened uncached, so nothing is enumerated until a folder is listed.
public final class MTPDevice {
    let device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>
    /// The event listener while events are wanted.
    var events: EventRegistration?
    /// Which track properties the device keeps, learnt as files are sent.
    var trackProperties = TrackPropertyKnowledge()
    /// Listeners stopped before the release, whose last read may still be in flight.
    var stoppedEvents: [EventRegistration] = []
    /// Where the device was opened: its bus and address tell whether it is still attached.
    public let attached: AttachedDevice
    /// The event codes the device's DeviceInfo lists, read by this module just before libmtp opened it (libmtp
    /// keeps its copy private); nil when that read failed, so whether the device reports changes is unknown.
    public let eventsSupported: [UInt16]?
    /// The operation codes the same DeviceInfo lists; nil when that read failed.
    public let operationsSupported: [UInt16]?

    /// Whether the device says it reports objects added and removed on it (ObjectAdded and ObjectRemoved among
    /// its events), so that folder listings kept across commands stay true; false when unknown.
    public var reportsObjectChanges: Bool {
        guard let eventsSupported else { return false }
        return [EventCode.objectAdded, .objectRemoved].allSatisfy { eventsSupported.contains($0.rawValue) }
    }

    /// The handle that means "the storage root" when listing, sending or creating in a folder.
    ///
    /// libmtp passes parent handles through to the device, where 0 means something else: GetObjectHandles
    /// with parent 0 lists the whole storage, and libmtp sends a file with parent 0 to a default folder
    /// (Music, Pictures) of its choosing. This module therefore reads a parent of 0 as this root too.
    public static let rootFolder: UInt32 = 0xFFFF_FFFF

    private init(
        device: UnsafeMutablePointer<LIBMTP_mtpdevice_t>, attached: AttachedDevice, info: DeviceInfo?
    ) {
        self.device = device
        self.attached = attached
        self.eventsSupported = info?.eventsSupported
        self.operationsSupported = info?.operationsSupported
    }

    deinit {
        stopEvents()
        LIBMTP_Release_Device(device)  // CloseSession, then the USB interface goes back to the system.
        // libusb_close dropped any event read still in flight without calling back (see EventRegistration).
        for registration in stoppedEvents { registration.releaseAbandonedRead() }
    }

    /// A libmtp call on this device, through `libmtpCall`; asked again with `BusyRetry.standard` pauses while
    /// the device answers DeviceBusy, unless `retryingBusy` is false (a call that moved data cannot simply be
    /// made again; transfers retry at their own level).
    /// `isRead`: the call only reads, so a failure libmtp gives no reason for is asked again too (briefly).
    func call<T>(
        _ function: String, unexplained: MTPError.Kind = .general, retryingBusy: Bool = true, isRead: Bool = false,
        _ body: () -> T, failed: (T) -> Bool
    ) throws(MTPError) -> T {
        func once() throws(MTPError) -> T {
            try libmtpCall(function, device: device, location: attached, unexplained: unexplained, body, failed: failed)
        }
        func attempt() throws(MTPError) -> T {
            guard isRead else { return try once() }
            return try BusyRetry.unexplained.run(
                while: { $0.isUnexplained && $0.kind != .connectionFailed },
                exhausted: { error, retry in
                    var error = error
                    error.message += " (asked \(retry.tries) times; a device gives no reason like this when it is busy or locked)"
                    return error
                }, once)
        }
        guard retryingBusy else { return try attempt() }
        return try BusyRetry.standard.run(while: \.isDeviceBusy, attempt)
    }

    /// `parent` as libmtp should get it: the root for 0 (see `rootFolder`).
    public static func folderHandle(_ parent: UInt32) -> UInt32 { parent == 0 ? rootFolder : parent }

    /// Opens `attached` (found again by bus and address) without enumerating its objects: our own
    /// GetDeviceInfo for its events (see `eventsSupported`), then libmtp's USB claim, OpenSession, device info,
    /// storages. `described` is the device's description read just before, which saves reading DeviceInfo again.
    public static func open(_ attached: AttachedDevice, described: DeviceDescription? = nil) throws(MTPError) -> MTPDevice {
        _ = libmtpInitialised
        var raw: UnsafeMutablePointer<LIBMTP_raw_device_t>? = nil
        var count: Int32 = 0
        let rc = LIBMTP_Detect_Raw_Devices(&raw, &count)
        defer { free(raw) }
        guard rc == LIBMTP_ERROR_NONE, let raw else {
            throw MTPError(
                kind: .connectionFailed, function: "LIBMTP_Detect_Raw_Devices", message: "the device is no longer attached")
        }
        guard
            let index = (0..<Int(count)).first(where: {
                raw[$0].bus_location == attached.bus && raw[$0].devnum == attached.address
            })
        else {
            throw MTPError(
                kind: .connectionFailed, function: "LIBMTP_Detect_Raw_Devices", message: "the device is no longer attached")
        }
        // Once per opening, not per try below: the interface is free only before libmtp claims it.
        let info = described?.info ?? attached.readDeviceInfo()
        // A failed open leaves no error stack to read (libmtp prints "Could not open session! (Return code
        // 8217)" for DeviceBusy), so any failure of a device still on the bus is tried again a few times.
        return try BusyRetry.standard.run(
            while: { _ in attached.isOnBus },
            exhausted: { _, retry in
                MTPError(
                    kind: .general, function: "LIBMTP_Open_Raw_Device_Uncached",
                    message: "the device did not open an MTP session in \(retry.tries) tries over "
                        + "\((retry.waited * 10).rounded() / 10) s; it may be busy, locked, or held by another "
                        + "program (a file manager's MTP backend) — unlock it, close that program, or replug it")
            }
        ) { () throws(MTPError) -> MTPDevice in
            let device = try libmtpCall(
                "LIBMTP_Open_Raw_Device_Uncached", kind: .connectionFailed,
                { LIBMTP_Open_Raw_Device_Uncached(raw + index) }, failed: { $0 == nil })
            return MTPDevice(device: device!, attached: attached, info: info)
        }
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
        return DeviceValues.text(s)
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
        return DeviceValues.batteryPercent(current: current, maximum: maximum)
    }

    /// The optional operations the device offers (from the device info; no transaction).
    public var capabilities: DeviceCapabilitySet {
        DeviceCapabilitySet(
            partialRead: LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_GetPartialObject) != 0,
            move: LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_MoveObject) != 0,
            copy: LIBMTP_Check_Capability(device, LIBMTP_DEVICECAP_CopyObject) != 0,
            playlists: supportedFiletypes.contains(LIBMTP_FILETYPE_PLAYLIST),
            albums: supportedFiletypes.contains(LIBMTP_FILETYPE_ALBUM))
    }

    // MARK: Storages and objects

    /// Re-reads the storages (GetStorageIDs, then GetStorageInfo each); empty when the device offers none
    /// (a locked phone).
    public func storages() throws(MTPError) -> [StorageDescription] {
        do throws(MTPError) {
            // -1 both when GetStorageIDs failed (silently) and when it listed no storage.
            _ = try call("LIBMTP_Get_Storage", isRead: true, { LIBMTP_Get_Storage(device, 0) }, failed: { $0 < 0 })
        } catch where error.message == silentFailure && error.kind == .general {
            return []
        }
        var result: [StorageDescription] = []
        var storage = device.pointee.storage
        while let s = storage {
            result.append(
                StorageDescription(
                    id: s.pointee.id,
                    description: s.pointee.StorageDescription.map { DeviceValues.text($0) } ?? "",
                    capacity: s.pointee.MaxCapacity, free: s.pointee.FreeSpaceInBytes))
            storage = s.pointee.next
        }
        return result
    }

    /// The objects directly in `folder` (`rootFolder`, or 0, for the storage root) of `storage`: one folder's
    /// listing, never the whole device (GetObjectHandles, then each object's info that libmtp has not cached).
    public func children(of folder: UInt32, storage: UInt32) throws(MTPError) -> [ObjectEntry] {
        // An empty folder and a failure both come back as NULL; only the error stack tells them apart.
        let first = try call(
            "LIBMTP_Get_Files_And_Folders", unexplained: .notFound, isRead: true,
            { LIBMTP_Get_Files_And_Folders(device, storage, Self.folderHandle(folder)) },
            failed: { $0 == nil && LIBMTP_Get_Errorstack(device) != nil })
        var result: [ObjectEntry] = []
        var file = first
        while let f = file {
            result.append(Self.entry(f))
            file = f.pointee.next
            LIBMTP_destroy_file_t(f)
        }
        return result
    }

    /// One object's metadata (free when libmtp has it cached from a listing or a send).
    public func object(_ id: UInt32) throws(MTPError) -> ObjectEntry {
        let file = try call(
            "LIBMTP_Get_Filemetadata", unexplained: .notFound, { LIBMTP_Get_Filemetadata(device, id) },
            failed: { $0 == nil })!
        defer { LIBMTP_destroy_file_t(file) }
        return Self.entry(file)
    }

    static func entry(_ f: UnsafeMutablePointer<LIBMTP_file_t>) -> ObjectEntry {
        ObjectEntry(
            id: f.pointee.item_id, parent: f.pointee.parent_id, storage: f.pointee.storage_id,
            name: f.pointee.filename.map { DeviceValues.text($0) } ?? "",
            size: f.pointee.filesize, isFolder: f.pointee.filetype == LIBMTP_FILETYPE_FOLDER,
            modified: DeviceValues.modificationTime(f.pointee.modificationdate), format: formatName(f.pointee.filetype))
    }

    /// Creates folder `name` in `parent` (`rootFolder` or 0 for the root); returns the new folder with the name
    /// it was given, which libmtp rewrites in place for devices flagged as wanting 7-bit names.
    public func createFolder(name: String, parent: UInt32, storage: UInt32) throws(MTPError) -> ObjectEntry {
        let copy = strdup(name)!
        defer { free(copy) }
        let parent = Self.folderHandle(parent)
        let id = try call("LIBMTP_Create_Folder", { LIBMTP_Create_Folder(device, copy, parent, storage) }, failed: { $0 == 0 })
        return ObjectEntry(
            id: id, parent: parent == Self.rootFolder ? 0 : parent, storage: storage,
            name: String(cString: copy), size: 0, isFolder: true, modified: nil)
    }

    /// Deletes an object (a folder with its contents, as the device does it).
    public func delete(id: UInt32) throws(MTPError) {
        _ = try call("LIBMTP_Delete_Object", { LIBMTP_Delete_Object(device, id) }, failed: { $0 != 0 })
    }

    /// Renames an object in place (the ObjectFileName property; libmtp first asks the device whether that
    /// property is settable for the object's format, which for a file it is given by `name`'s extension).
    public func rename(id: UInt32, isFolder: Bool, to name: String) throws(MTPError) {
        if isFolder {
            let folder = LIBMTP_new_folder_t()!
            defer { LIBMTP_destroy_folder_t(folder) }
            folder.pointee.folder_id = id
            _ = try call("LIBMTP_Set_Folder_Name", { LIBMTP_Set_Folder_Name(device, folder, name) }, failed: { $0 != 0 })
        } else {
            let file = LIBMTP_new_file_t()!
            defer { LIBMTP_destroy_file_t(file) }
            file.pointee.item_id = id
            file.pointee.filetype = Self.filetype(forName: name)
            _ = try call("LIBMTP_Set_File_Name", { LIBMTP_Set_File_Name(device, file, name) }, failed: { $0 != 0 })
        }
    }

    /// Sets an object's DateModified property: libmtp stamps every object it sends with the time of sending, and a
    /// sync needs the file's own time to tell later whether it changed. Devices that cannot set it (no
    /// SetObjectPropValue, or, like Android, a read-only date) fail here and keep the time of sending.
    public func setModified(id: UInt32, to seconds: Int64) throws(MTPError) {
        let date = DeviceValues.dateString(secondsSince1970: seconds)
        _ = try call(
            "LIBMTP_Set_Object_String", { LIBMTP_Set_Object_String(device, id, LIBMTP_PROPERTY_DateModified, date) },
            failed: { $0 != 0 })
    }

    /// Moves an object into `parent` (`rootFolder` or 0 for the root) of `storage` with the device's MoveObject.
    public func move(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) {
        let parent = Self.moveTarget(parent)
        _ = try call("LIBMTP_Move_Object", { LIBMTP_Move_Object(device, id, storage, parent) }, failed: { $0 != 0 })
    }

    /// Copies an object into `parent` (`rootFolder` or 0 for the root) of `storage` with the device's
    /// CopyObject; returns the copy's handle, found by listing the target folder because libmtp drops the one
    /// CopyObject answers with.
    public func copy(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) -> UInt32 {
        let original = try object(id)
        let target = Self.moveTarget(parent)
        _ = try call("LIBMTP_Copy_Object", { LIBMTP_Copy_Object(device, id, storage, target) }, failed: { $0 != 0 })
        // New handles grow, so of several objects by that name the copy is the newest.
        guard
            let copy = try children(of: parent, storage: storage).filter({ $0.name == original.name && $0.id != id })
                .max(by: { $0.id < $1.id })
        else {
            throw MTPError(
                kind: .general, function: "LIBMTP_Copy_Object",
                message: "the device copied \(original.name) but the copy is not in the target folder")
        }
        return copy.id
    }

    /// `parent` as MoveObject and CopyObject want it: unlike SendObjectInfo they name the root 0.
    static func moveTarget(_ parent: UInt32) -> UInt32 { parent == rootFolder ? 0 : parent }
}
