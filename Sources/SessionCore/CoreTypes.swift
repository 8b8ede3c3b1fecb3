import MTPProvider

/// Who is asking: the peer credentials of the client's socket, so sessions belong to a uid.
public struct Caller: Sendable, Equatable {
    /// The client's uid.
    public var uid: UInt32
    /// The client's pid, for logs.
    public var pid: Int32
    /// Creates a caller.
    public init(uid: UInt32, pid: Int32) { self.uid = uid; self.pid = pid }
}

/// A storage of a device as clients see it.
public struct StorageSummary: Sendable, Equatable {
    /// The storage id.
    public var id: UInt32
    /// Its description ("Internal storage", "SD card").
    public var description: String
    /// Capacity in bytes; nil when the device's figure cannot be true (`StorageFigures`).
    public var capacity: UInt64?
    /// Free space in bytes; nil when the device's figure cannot be true.
    public var free: UInt64?
    /// Creates a summary.
    public init(id: UInt32, description: String, capacity: UInt64?, free: UInt64?) {
        self.id = id; self.description = description; self.capacity = capacity; self.free = free
    }
    /// The free space to plan with: the believable figure, else the capacity, else no limit (the device decides).
    public var freeForDecisions: UInt64 { free ?? capacity ?? .max }
}

/// An attached device as ListDevices reports it.
public struct DeviceSummary: Sendable, Equatable {
    /// Serial number: the device's name for clients.
    public var serial: String
    /// USB vendor id.
    public var vendorID: UInt16
    /// USB product id.
    public var productID: UInt16
    /// USB bus number.
    public var bus: UInt32
    /// USB device address.
    public var address: UInt32
    /// Manufacturer, as the device reports it.
    public var manufacturer: String
    /// Model, as the device reports it.
    public var model: String
    /// The user-visible name, when set.
    public var friendlyName: String?
    /// Battery charge in percent, when reported.
    public var battery: Int?
    /// Storages as last read.
    public var storages: [StorageSummary]
    /// Whether the daemon holds the USB interface now.
    public var isOpen: Bool
    /// The sessions open on the device: their ids to their owner (and root), "*" to anyone else.
    public var sessions: [String]
    /// Operations waiting for the device or running on it.
    public var queued: Int
    /// Whether the device keeps playlists; nil until it was first opened.
    public var playlists: Bool?
    /// Whether the device keeps albums; nil until it was first opened.
    public var albums: Bool?
    /// Whether the device takes album art; nil until the daemon has asked it.
    public var albumArt: Bool?
    /// Creates a summary (the daemon's device actors, and the fuzzer over device data).
    package init(
        serial: String, vendorID: UInt16, productID: UInt16, bus: UInt32, address: UInt32, manufacturer: String,
        model: String, friendlyName: String?, battery: Int?, storages: [StorageSummary], isOpen: Bool, sessions: [String],
        queued: Int, playlists: Bool? = nil, albums: Bool? = nil, albumArt: Bool? = nil
    ) {
        self.serial = serial; self.vendorID = vendorID; self.productID = productID; self.bus = bus; self.address = address
        self.manufacturer = manufacturer; self.model = model; self.friendlyName = friendlyName; self.battery = battery
        self.storages = storages; self.isOpen = isOpen; self.sessions = sessions; self.queued = queued
        self.playlists = playlists; self.albums = albums; self.albumArt = albumArt
    }
}

/// A move or rename done, and how the device was made to do it: clients can tell a quick in-place change from a
/// copy through the host.
public struct Relocation: Sendable, Equatable {
    /// How it was done.
    public enum Method: String, Sendable {
        /// Nothing to do: already there, or already so named.
        case none
        /// The device's MoveObject.
        case moveObject
        /// The device's CopyObject, then the original deleted.
        case copyObject
        /// The object's name property set in place.
        case objectName
        /// Copied off the device and back on, then the original deleted: the device can do neither.
        case throughHost
    }
    /// The object where it is now.
    public var entry: EntrySummary
    /// How it got there.
    public var method: Method
    /// Creates a relocation.
    public init(entry: EntrySummary, method: Method) { self.entry = entry; self.method = method }
}

/// An object on a device as clients see it.
public struct EntrySummary: Sendable, Equatable {
    /// Object handle.
    public var id: UInt32
    /// Storage id.
    public var storage: UInt32
    /// Parent object handle (0 for the storage root).
    public var parent: UInt32
    /// Name.
    public var name: String
    /// Absolute path within the storage.
    public var path: String
    /// Whether it is a folder.
    public var isFolder: Bool
    /// Size in bytes.
    public var size: UInt64
    /// Modification time in seconds since the epoch, when known.
    public var modified: Int64?
    /// The kind of object as libmtp names its format ("mp3", "folder", "playlist", "album"), when known.
    public var format: String?
    /// Creates a summary (the daemon's device actors, and the fuzzer over device data).
    package init(
        id: UInt32, storage: UInt32, parent: UInt32, name: String, path: String, isFolder: Bool, size: UInt64, modified: Int64?,
        format: String? = nil
    ) {
        self.id = id; self.storage = storage; self.parent = parent; self.name = name; self.path = path
        self.isFolder = isFolder; self.size = size; self.modified = modified; self.format = format
    }
}

/// Track metadata a client sends with a file (the seed's IWMDMMetaData subset libmtp can store): the
/// provider's own type, so the core passes it through unchanged.
public typealias TrackInfo = TrackMetadata

/// One step of a transfer's progress (the seed's IWMDMProgress Begin/Progress/End).
public struct TransferProgress: Sendable, Equatable {
    /// Which step.
    public enum Phase: String, Sendable { case begin, progress, end }
    /// The transfer's id, which Cancel takes.
    public var transfer: String
    /// Which step.
    public var phase: Phase
    /// Bytes moved so far.
    public var done: UInt64
    /// Bytes in all.
    public var total: UInt64
}

/// A change on the bus or a device, for Monitor (the seed's IWMDMNotification).
public struct DeviceEvent: Sendable, Equatable {
    /// What changed.
    public enum Kind: String, Sendable { case deviceAdded, deviceRemoved, storageChanged, objectAdded, objectRemoved }
    /// What changed.
    public var kind: Kind
    /// The device's serial.
    public var device: String
    /// The storage concerned, if any.
    public var storage: UInt32?
    /// The object concerned, if any.
    public var object: UInt32?
    /// Creates an event.
    public init(kind: Kind, device: String, storage: UInt32?, object: UInt32?) {
        self.kind = kind; self.device = device; self.storage = storage; self.object = object
    }
}

/// Options of a Put.
public struct PutRequest: Sendable {
    /// The folder to send into.
    public var folder: String
    /// The new object's name.
    public var name: String
    /// A readable file descriptor the data comes from; the caller keeps it open for the call.
    public var fd: Int32
    /// The descriptor's index in the call, for error messages.
    public var fdIndex: Int
    /// How many bytes to send.
    public var size: UInt64
    /// Replace an object of the same name once the new one is complete.
    public var overwrite: Bool
    /// Send as a track with this metadata.
    public var track: TrackInfo?
    /// The modification time to give the object (seconds since the epoch), where the device lets it be set.
    public var modified: Int64?
    /// Creates a request.
    public init(
        folder: String, name: String, fd: Int32, fdIndex: Int, size: UInt64, overwrite: Bool, track: TrackInfo?,
        modified: Int64? = nil
    ) {
        self.folder = folder; self.name = name; self.fd = fd; self.fdIndex = fdIndex; self.size = size
        self.overwrite = overwrite; self.track = track; self.modified = modified
    }
}

/// Options of a Get.
public struct GetRequest: Sendable {
    /// The file to read.
    public var path: String
    /// A writable file descriptor the data goes to.
    public var fd: Int32
    /// The descriptor's index in the call, for error messages.
    public var fdIndex: Int
    /// First byte to read (0 for the whole file).
    public var offset: UInt64
    /// How many bytes to read, nil for up to the end.
    public var length: UInt64?
    /// Creates a request.
    public init(path: String, fd: Int32, fdIndex: Int, offset: UInt64, length: UInt64?) {
        self.path = path; self.fd = fd; self.fdIndex = fdIndex; self.offset = offset; self.length = length
    }
}

/// Which kind of track list an operation is about: an abstract playlist or an abstract album.
public enum TrackListKind: String, Sendable {
    /// An abstract audio/video playlist.
    case playlist
    /// An abstract audio album.
    case album
}

/// What SetPlaylist and SetAlbum ask for: a list named `name` in `folder` (nil: the device's default folder for
/// the kind, else the storage root) whose tracks are the objects at `tracks`, in order.
public struct TrackListRequest: Sendable {
    /// The list's name (the device's object gets libmtp's suffix for the kind).
    public var name: String
    /// Device paths of its tracks, in order.
    public var tracks: [String]
    /// The folder it goes in; nil for the device's default.
    public var folder: String?
    /// An album's artist.
    public var artist: String?
    /// An album's genre.
    public var genre: String?
    /// An album's art: a readable descriptor, its index in the call, and its size in bytes.
    public var art: (fd: Int32, fdIndex: Int, size: UInt64)?
    /// Creates a request.
    public init(
        name: String, tracks: [String], folder: String? = nil, artist: String? = nil, genre: String? = nil,
        art: (fd: Int32, fdIndex: Int, size: UInt64)? = nil
    ) {
        self.name = name; self.tracks = tracks; self.folder = folder; self.artist = artist; self.genre = genre
        self.art = art
    }
}

/// A playlist or album as read back: its object, its name, an album's artist and genre, and its tracks' paths.
public struct TrackListSummary: Sendable, Equatable {
    /// The list's object.
    public var entry: EntrySummary
    /// Its name as the device keeps it.
    public var name: String
    /// An album's artist, when set.
    public var artist: String?
    /// An album's genre, when set.
    public var genre: String?
    /// Its tracks' paths in the device's order; a track the device no longer has is left out.
    public var tracks: [String]
    /// Bytes of art an album carries (0 for none); nil for a playlist, or a device that takes no album art.
    public var artBytes: Int?
    /// Whether the call that returned it created the list (false: it set an existing one); nil for a read.
    public var created: Bool?
    /// Creates one.
    public init(
        entry: EntrySummary, name: String, artist: String? = nil, genre: String? = nil, tracks: [String],
        artBytes: Int? = nil, created: Bool? = nil
    ) {
        self.entry = entry; self.name = name; self.artist = artist; self.genre = genre; self.tracks = tracks
        self.artBytes = artBytes; self.created = created
    }
}
