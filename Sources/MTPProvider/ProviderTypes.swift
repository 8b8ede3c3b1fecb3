/// An MTP device libmtp found on the bus, before it is opened.
public struct AttachedDevice: Sendable, Hashable {
    /// USB bus number.
    public var bus: UInt32
    /// Device address on the bus.
    public var address: UInt8
    /// USB vendor id.
    public var vendorID: UInt16
    /// USB product id.
    public var productID: UInt16
    /// Vendor name from libmtp's device table, when known.
    public var vendorName: String
    /// Product name from libmtp's device table, when known.
    public var productName: String
}

/// A storage of an open device.
public struct StorageDescription: Sendable, Equatable {
    /// Storage id.
    public var id: UInt32
    /// Description ("Internal storage").
    public var description: String
    /// Capacity in bytes.
    public var capacity: UInt64
    /// Free space in bytes.
    public var free: UInt64
}

/// A file or folder on a device, as one listing reports it.
public struct ObjectEntry: Sendable, Equatable {
    /// Object handle.
    public var id: UInt32
    /// Parent handle as the device reports it (0 at the storage root).
    public var parent: UInt32
    /// Storage id.
    public var storage: UInt32
    /// Name.
    public var name: String
    /// Size in bytes (64-bit, also beyond 4 GiB).
    public var size: UInt64
    /// Whether it is a folder.
    public var isFolder: Bool
    /// Modification time in seconds since the epoch, when the device reports one.
    public var modified: Int64?
    /// What kind of object it is as libmtp names the device's format ("mp3", "folder", "playlist", "album"); nil
    /// when the device gives none it knows.
    public var format: String?

    /// The handle to list or send into for this entry's folder: the root is `MTPDevice.rootFolder`.
    public var parentFolder: UInt32 { parent == 0 ? MTPDevice.rootFolder : parent }

    /// Creates an entry.
    public init(
        id: UInt32, parent: UInt32, storage: UInt32, name: String, size: UInt64, isFolder: Bool, modified: Int64?,
        format: String? = nil
    ) {
        self.id = id; self.parent = parent; self.storage = storage; self.name = name; self.size = size
        self.isFolder = isFolder; self.modified = modified; self.format = format ?? (isFolder ? "folder" : nil)
    }

    /// Whether it is an abstract playlist: no data of its own, a list of tracks.
    public var isPlaylist: Bool { format == ObjectFormatName.playlist }
    /// Whether it is an abstract album: no data of its own, a list of tracks with album metadata.
    public var isAlbum: Bool { format == ObjectFormatName.album }
}

/// Track metadata libmtp stores with a file sent as a track.
public struct TrackMetadata: Sendable, Equatable {
    /// Title (MTP Name).
    public var title: String?
    /// Artist.
    public var artist: String?
    /// Album name.
    public var album: String?
    /// Album artist (set as its own property: libmtp's track struct has no field for it).
    public var albumArtist: String?
    /// Genre.
    public var genre: String?
    /// Track number on the album.
    public var trackNumber: Int?
    /// Year of release, stored as the date January 1st of that year.
    public var year: Int?
    /// Duration in milliseconds.
    public var durationMs: Int?
    /// Creates track metadata.
    public init(
        title: String?, artist: String?, album: String?, albumArtist: String?, genre: String?,
        trackNumber: Int?, year: Int?, durationMs: Int?
    ) {
        self.title = title; self.artist = artist; self.album = album; self.albumArtist = albumArtist
        self.genre = genre; self.trackNumber = trackNumber; self.year = year; self.durationMs = durationMs
    }
}

/// Optional operations a device offers.
public struct DeviceCapabilitySet: Sendable, Equatable {
    /// GetPartialObject.
    public var partialRead: Bool
    /// MoveObject.
    public var move: Bool
    /// CopyObject.
    public var copy: Bool
    /// Abstract audio/video playlists among the formats its DeviceInfo lists.
    public var playlists: Bool
    /// Abstract audio albums among the formats its DeviceInfo lists.
    public var albums: Bool
    /// Creates a set; the default is none of the optional operations.
    public init(partialRead: Bool = false, move: Bool = false, copy: Bool = false, playlists: Bool = false, albums: Bool = false)
    {
        self.partialRead = partialRead; self.move = move; self.copy = copy; self.playlists = playlists; self.albums = albums
    }
}

/// The names `ObjectEntry.format` gives the kinds of object a client must tell apart from plain files.
public enum ObjectFormatName {
    /// A folder (PTP association).
    public static let folder = "folder"
    /// An abstract audio/video playlist.
    public static let playlist = "playlist"
    /// An abstract audio album.
    public static let album = "album"
}

/// A playlist or album as the device keeps it: an object with no data of its own that lists tracks by handle.
public struct TrackListObject: Sendable, Equatable {
    /// Its handle.
    public var id: UInt32
    /// The folder holding it (0 at the storage root).
    public var parent: UInt32
    /// Its storage.
    public var storage: UInt32
    /// Its Name property (the object's file name less its suffix when the device keeps no Name).
    public var name: String
    /// The album's artist; nil for a playlist or when not set.
    public var artist: String?
    /// The album's genre; nil for a playlist or when not set.
    public var genre: String?
    /// Its tracks' handles, in the device's order.
    public var tracks: [UInt32]
    /// Creates one.
    public init(
        id: UInt32, parent: UInt32, storage: UInt32, name: String, artist: String? = nil, genre: String? = nil,
        tracks: [UInt32]
    ) {
        self.id = id; self.parent = parent; self.storage = storage; self.name = name; self.artist = artist
        self.genre = genre; self.tracks = tracks
    }
}

/// What an album is made of when created or updated: its words and its tracks (handles, in order).
public struct AlbumMetadata: Sendable, Equatable {
    /// The album's name.
    public var name: String
    /// Its artist, when given.
    public var artist: String?
    /// Its genre, when given.
    public var genre: String?
    /// Creates one.
    public init(name: String, artist: String?, genre: String?) {
        self.name = name; self.artist = artist; self.genre = genre
    }
}

/// An event a device reported on its interrupt endpoint.
public enum MTPDeviceEvent: Sendable, Equatable {
    /// A storage appeared (e.g. a card was inserted).
    case storeAdded(UInt32)
    /// A storage went away.
    case storeRemoved(UInt32)
    /// An object appeared on the device.
    case objectAdded(UInt32)
    /// An object was removed from the device.
    case objectRemoved(UInt32)
    /// A device property changed.
    case devicePropertyChanged(UInt32)
    /// An event libmtp does not classify.
    case other
}
