/// Which kind of device the responder imitates.
public enum PlayerPersonality: String, Sendable, Codable, CaseIterable {
    /// An Android phone: `android.com` extension (libmtp then applies its Android quirk flags), property lists,
    /// 64-bit partial reads and in-place editing.
    case android
    /// A plain MTP media player: single object properties but no property lists, so libmtp lists objects with
    /// GetObjectHandles and GetObjectInfo and sets track metadata one property at a time.
    case classic
    /// A responder of the kind nobody here wrote (QEMU's usb-mtp, uMTP-Responder, many cheap players): the classic
    /// operations without MoveObject, CopyObject, GetObjectPropDesc and SetObjectPropValue; handles renumbered at
    /// every OpenSession; a non-empty folder deleted only in part (PartialDeletion, as QEMU does); no events.
    case minimal
}

/// Where one storage keeps its objects.
public enum StorageBacking: Sendable, Equatable {
    /// In memory; gone at exit.
    case memory
    /// In a host directory (created if missing); folders are directories, files are files.
    case directory(String)
}

/// One storage the device offers.
public struct StorageConfiguration: Sendable, Equatable {
    /// Where objects live.
    public var backing: StorageBacking
    /// Capacity in bytes; nil means 1 GiB in memory, or the host filesystem's size for a directory.
    public var capacity: UInt64?
    /// StorageDescription and VolumeLabel.
    public var label: String

    /// Creates a storage configuration.
    public init(backing: StorageBacking, capacity: UInt64? = nil, label: String = "Internal storage") {
        self.backing = backing
        self.capacity = capacity
        self.label = label
    }
}

/// Everything that makes one virtual device what it is: personality, identity strings, storages.
public struct PlayerConfiguration: Sendable, Equatable {
    /// The personality.
    public var personality: PlayerPersonality
    /// USB idVendor; the responder itself does not use it (PTP has no vendor id), it is here so one value
    /// describes the whole device.
    public var vendorID: UInt16
    /// USB idProduct, likewise.
    public var productID: UInt16
    /// DeviceInfo Manufacturer.
    public var manufacturer: String
    /// DeviceInfo Model.
    public var model: String
    /// DeviceInfo SerialNumber.
    public var serialNumber: String
    /// DeviceInfo DeviceVersion.
    public var deviceVersion: String
    /// DeviceFriendlyName (0xD402).
    public var friendlyName: String
    /// SynchronizationPartner (0xD401).
    public var synchronizationPartner: String
    /// BatteryLevel (0x5001), 0…100.
    public var batteryLevel: UInt8
    /// The storages, given ids 0x00010001, 0x00020001… in this order.
    public var storages: [StorageConfiguration]
    /// Bulk endpoint max packet size; a container whose length is a multiple of it ends with a zero-length packet.
    public var packetSize: Int
    /// What becomes of a file whose data phase is cut off (the host gone, a cancel, a reset, a short send):
    /// false drops it, as Android's MTP server does; true keeps the bytes that arrived as an object of that
    /// size, as players that write straight to flash do. The host must then delete it itself.
    public var keepsPartialObjects = false
    /// Whether the PTP session outlives the host closing the device without CloseSession. A real device cannot
    /// tell that the process holding it died, so the next host finds the session still open; only a reset ends it.
    public var sessionSurvivesDisconnect = false
    /// Whether every OpenSession gives every object a new handle, as devices that number their objects while
    /// listing them do: a handle from an earlier session then names nothing, or another object.
    public var renumbersHandles = false
    /// Whether the interrupt endpoint carries events; without them DeviceInfo lists none and the host must look
    /// for itself.
    public var sendsEvents = true
    /// Whether DeleteObject of a non-empty folder deletes only what QEMU's usb-mtp does and answers
    /// PartialDeletion, instead of deleting the folder with everything in it.
    public var deletesNonEmptyFoldersPartially = false

    /// The defaults of `personality`, with one 1 GiB in-memory storage.
    public init(personality: PlayerPersonality) {
        self.personality = personality
        switch personality {
        case .android:
            // A Google Nexus/Pixel in MTP mode: in libmtp's device list with DEVICE_FLAGS_ANDROID_BUGS.
            vendorID = 0x18D1
            productID = 0x4EE1
            manufacturer = "Google"
            model = "Pixel (mtpsim)"
            serialNumber = "MTPSIM0001"
            friendlyName = "Virtual Phone"
        case .classic:
            // pid.codes' open vendor id: not in libmtp's list, so libmtp probes it and applies no quirks.
            vendorID = 0x1209
            productID = 0x4D54
            manufacturer = "mtpsessiond"
            model = "Classic Player (mtpsim)"
            serialNumber = "MTPSIM0002"
            friendlyName = "Virtual Player"
        case .minimal:
            // Not QEMU's 46f4:0004, which libmtp's device table names ("QEMU Virtual MTP"), nor classic's: a
            // pid.codes id of its own that libmtp does not list, so libmtp probes it and applies no quirks.
            vendorID = 0x1209
            productID = 0x4D4E
            manufacturer = "mtpsessiond"
            model = "Minimal Responder (mtpsim)"
            serialNumber = "MTPSIM0003"
            friendlyName = "Virtual Minimal Responder"
            renumbersHandles = true
            sendsEvents = false
            deletesNonEmptyFoldersPartially = true
        }
        deviceVersion = "1.0"
        synchronizationPartner = ""
        batteryLevel = 100
        storages = [StorageConfiguration(backing: .memory)]
        packetSize = 512
    }

    /// The PTP storage id of the storage at `index`: physical storage index+1 in the high half, logical 1 below.
    public static func storageID(index: Int) -> UInt32 {
        UInt32(index + 1) << 16 | 0x0001
    }
}
