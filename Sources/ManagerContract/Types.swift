import Varlink

extension Manager {
    /// `type Storage`: a storage (internal memory, a card) of a device; sizes in bytes, nil when the device's
    /// figure cannot be true.
    public struct Storage: VarlinkObject, Equatable {
        /// The id the device gave it.
        public var id: Int
        /// The device's description of it.
        public var description: String
        /// Its capacity in bytes; nil when the device's figure cannot be true.
        public var capacity: Int?
        /// Free bytes; nil when the device's figure cannot be true.
        public var free: Int?
        /// Creates a storage.
        public init(id: Int, description: String, capacity: Int?, free: Int?) {
            self.id = id; self.description = description; self.capacity = capacity; self.free = free
        }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                id: try r.int("id"), description: try r.string("description"), capacity: try r.optionalInt("capacity"),
                free: try r.optionalInt("free"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            ["id": .integer(id), "description": .string(description), "capacity": .optional(capacity), "free": .optional(free)]
        }
    }

    /// `type Device`: an attached MTP device.
    public struct Device: VarlinkObject, Equatable {
        /// Its serial number, by which clients name it.
        public var serial: String
        /// The USB vendor id.
        public var vendorId: Int
        /// The USB product id.
        public var productId: Int
        /// The USB bus number.
        public var bus: Int
        /// The USB device address.
        public var address: Int
        /// The manufacturer, as the device reports it.
        public var manufacturer: String
        /// The model, as the device reports it.
        public var model: String
        /// The name its owner gave it, if any.
        public var friendlyName: String?
        /// Battery charge in percent, when the device reports it.
        public var battery: Int?
        /// Its storages.
        public var storages: [Storage]
        /// Whether the daemon holds the device's USB interface right now.
        public var open: Bool
        /// The sessions open on the device: each one's id to the user who began it, "*" to anyone else.
        public var sessions: [String]
        /// Operations waiting for the device or running on it.
        public var queued: Int
        /// Whether the device keeps playlists; nil until the daemon has opened it.
        public var playlists: Bool?
        /// Whether the device keeps albums; nil until the daemon has opened it.
        public var albums: Bool?
        /// Whether the device takes album art; nil until the daemon has asked it (at the first album set with art or
        /// read back).
        public var albumArt: Bool?
        /// Creates a device.
        public init(
            serial: String, vendorId: Int, productId: Int, bus: Int, address: Int, manufacturer: String, model: String,
            friendlyName: String?, battery: Int?, storages: [Storage], open: Bool, sessions: [String], queued: Int,
            playlists: Bool? = nil, albums: Bool? = nil, albumArt: Bool? = nil
        ) {
            self.serial = serial; self.vendorId = vendorId; self.productId = productId; self.bus = bus; self.address = address
            self.manufacturer = manufacturer; self.model = model; self.friendlyName = friendlyName; self.battery = battery
            self.storages = storages; self.open = open; self.sessions = sessions; self.queued = queued
            self.playlists = playlists; self.albums = albums; self.albumArt = albumArt
        }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                serial: try r.string("serial"), vendorId: try r.int("vendorId"), productId: try r.int("productId"),
                bus: try r.int("bus"), address: try r.int("address"), manufacturer: try r.string("manufacturer"),
                model: try r.string("model"), friendlyName: try r.optionalString("friendlyName"),
                battery: try r.optionalInt("battery"), storages: try r.values("storages"), open: try r.bool("open"),
                sessions: try r.strings("sessions"), queued: try r.int("queued"), playlists: try r.optionalBool("playlists"),
                albums: try r.optionalBool("albums"), albumArt: try r.optionalBool("albumArt"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            [
                "serial": .string(serial), "vendorId": .integer(vendorId), "productId": .integer(productId), "bus": .integer(bus),
                "address": .integer(address), "manufacturer": .string(manufacturer), "model": .string(model),
                "friendlyName": .optional(friendlyName), "battery": .optional(battery), "storages": .objects(storages),
                "open": .bool(open), "sessions": .strings(sessions), "queued": .integer(queued),
                "playlists": .optional(playlists), "albums": .optional(albums), "albumArt": .optional(albumArt),
            ]
        }
    }

    /// `type Entry`: an object (file or folder) on a device.
    public struct Entry: VarlinkObject, Equatable {
        /// The id the device gave it.
        public var id: Int
        /// The storage holding it.
        public var storage: Int
        /// The id of the folder holding it (0 at the storage root).
        public var parent: Int
        /// The object's name in its folder.
        public var name: String
        /// An absolute path within the storage.
        public var path: String
        /// Whether it is a folder.
        public var folder: Bool
        /// Its size in bytes (0 for a folder).
        public var size: Int
        /// Modification time, seconds since the epoch, when the device reports it.
        public var modified: Int?
        /// What kind of object it is as libmtp names the device's format ("folder", "playlist", "album", "mp3"…).
        public var format: String?
        /// Creates an entry.
        public init(
            id: Int, storage: Int, parent: Int, name: String, path: String, folder: Bool, size: Int, modified: Int?,
            format: String? = nil
        ) {
            self.id = id; self.storage = storage; self.parent = parent; self.name = name; self.path = path
            self.folder = folder; self.size = size; self.modified = modified; self.format = format
        }
        /// Whether it is a playlist or an album: an object with no data that lists tracks, not a file.
        public var isTrackList: Bool { format == "playlist" || format == "album" }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                id: try r.int("id"), storage: try r.int("storage"), parent: try r.int("parent"), name: try r.string("name"),
                path: try r.string("path"), folder: try r.bool("folder"), size: try r.int("size"),
                modified: try r.optionalInt("modified"), format: try r.optionalString("format"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            [
                "id": .integer(id), "storage": .integer(storage), "parent": .integer(parent), "name": .string(name),
                "path": .string(path), "folder": .bool(folder), "size": .integer(size), "modified": .optional(modified),
                "format": .optional(format),
            ]
        }
    }

    /// `type TrackList`: a playlist or album read back, so a client can tell whether it lists the right tracks.
    public struct TrackList: VarlinkObject, Equatable {
        /// The list's object.
        public var entry: Entry
        /// Its name as the device keeps it.
        public var name: String
        /// An album's artist, when set.
        public var artist: String?
        /// An album's genre, when set.
        public var genre: String?
        /// Its tracks' paths in the device's order.
        public var tracks: [String]
        /// Bytes of art an album carries (0 for none); nil for a playlist or on a device that takes no album art.
        public var artBytes: Int?
        /// Creates one.
        public init(
            entry: Entry, name: String, artist: String? = nil, genre: String? = nil, tracks: [String], artBytes: Int? = nil
        ) {
            self.entry = entry; self.name = name; self.artist = artist; self.genre = genre; self.tracks = tracks
            self.artBytes = artBytes
        }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                entry: try r.value("entry"), name: try r.string("name"), artist: try r.optionalString("artist"),
                genre: try r.optionalString("genre"), tracks: try r.strings("tracks"), artBytes: try r.optionalInt("artBytes"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            [
                "entry": .object(entry.fields), "name": .string(name), "artist": .optional(artist), "genre": .optional(genre),
                "tracks": .strings(tracks), "artBytes": .optional(artBytes),
            ]
        }
    }

    /// `type Track`: metadata sent with a file, so players file it under artist and album.
    public struct Track: VarlinkObject, Equatable {
        /// Words for the player's library; nil where not given.
        public var title, artist, album, albumArtist, genre: String?
        /// The track's number on its album, its year and its duration in milliseconds; nil where not given.
        public var trackNumber, year, durationMs: Int?
        /// Creates track metadata.
        public init(
            title: String? = nil, artist: String? = nil, album: String? = nil, albumArtist: String? = nil,
            genre: String? = nil, trackNumber: Int? = nil, year: Int? = nil, durationMs: Int? = nil
        ) {
            self.title = title; self.artist = artist; self.album = album; self.albumArtist = albumArtist
            self.genre = genre; self.trackNumber = trackNumber; self.year = year; self.durationMs = durationMs
        }
        /// Reads one from the wire; the numbers fit 31 bits.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                title: try r.optionalString("title"), artist: try r.optionalString("artist"),
                album: try r.optionalString("album"),
                albumArtist: try r.optionalString("albumArtist"), genre: try r.optionalString("genre"),
                trackNumber: try r.optionalInt("trackNumber", in: smallRange), year: try r.optionalInt("year", in: smallRange),
                durationMs: try r.optionalInt("durationMs", in: smallRange))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            [
                "title": .optional(title), "artist": .optional(artist), "album": .optional(album),
                "albumArtist": .optional(albumArtist),
                "genre": .optional(genre), "trackNumber": .optional(trackNumber), "year": .optional(year),
                "durationMs": .optional(durationMs),
            ]
        }
    }

    /// `type Progress`: one step of a transfer's progress, streamed with "more".
    public struct Progress: VarlinkObject, Equatable {
        /// `phase: (begin, progress, end)`.
        public enum Phase: String, Sendable { case begin, progress, end }
        /// The id Cancel takes.
        public var transfer: String
        /// Where the transfer is.
        public var phase: Phase
        /// Bytes done so far.
        public var done: Int
        /// Bytes in all.
        public var total: Int
        /// Creates a step.
        public init(transfer: String, phase: Phase, done: Int, total: Int) {
            self.transfer = transfer; self.phase = phase; self.done = done; self.total = total
        }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                transfer: try r.string("transfer"), phase: try r.member("phase"), done: try r.int("done"),
                total: try r.int("total"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            ["transfer": .string(transfer), "phase": .string(phase.rawValue), "done": .integer(done), "total": .integer(total)]
        }
    }

    /// `type Event`: a change seen on the bus or a device.
    public struct Event: VarlinkObject, Equatable {
        /// `kind: (deviceAdded, deviceRemoved, storageChanged, objectAdded, objectRemoved)`.
        public enum Kind: String, Sendable { case deviceAdded, deviceRemoved, storageChanged, objectAdded, objectRemoved }
        /// What changed.
        public var kind: Kind
        /// The device's serial.
        public var device: String
        /// The storage concerned, if any.
        public var storage: Int?
        /// The object concerned, if any.
        public var object: Int?
        /// Creates an event.
        public init(kind: Kind, device: String, storage: Int?, object: Int?) {
            self.kind = kind; self.device = device; self.storage = storage; self.object = object
        }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                kind: try r.member("kind"), device: try r.string("device"), storage: try r.optionalInt("storage"),
                object: try r.optionalInt("object"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            [
                "kind": .string(kind.rawValue), "device": .string(device), "storage": .optional(storage),
                "object": .optional(object),
            ]
        }
    }

    /// The intermediate reply of a transfer (Put, Get, Rename, Move): one progress step.
    public struct ProgressUpdate: VarlinkObject, Equatable {
        /// One step of the transfer; nil in a reply that says why the call still waits for the device.
        public var progress: Progress?
        /// Why the call still waits for its turn on the device, before the transfer begins.
        public var waiting: Waiting?
        /// Wraps a step.
        public init(progress: Progress) { self.progress = progress }
        /// Wraps a wait.
        public init(waiting: Waiting) { self.waiting = waiting }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            progress = try r.optionalValue("progress")
            waiting = try r.optionalValue("waiting")
            guard progress != nil || waiting != nil else { throw .invalidParameter("progress") }
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] {
            var o: [String: JSONValue] = [:]
            if let progress { o["progress"] = .object(progress.fields) }
            if let waiting { o["waiting"] = .object(waiting.fields) }
            return o
        }
    }

    /// `type Waiting`: why a call still waits for its turn on the device.
    public struct Waiting: VarlinkObject, Equatable {
        /// Operations that run before it.
        public var ahead: Int
        /// The exclusive session it waits for: its id to its owner, "*" to anyone else.
        public var heldBy: String?
        /// Creates one.
        public init(ahead: Int, heldBy: String?) { self.ahead = ahead; self.heldBy = heldBy }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(ahead: try r.int("ahead"), heldBy: try r.optionalString("heldBy"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] { ["ahead": .integer(ahead), "heldBy": .optional(heldBy)] }
    }

    /// The intermediate reply of a call that moves no data, with "more": why it still waits for the device.
    public struct WaitingUpdate: VarlinkObject, Equatable {
        /// Why it waits.
        public var waiting: Waiting
        /// Wraps a wait.
        public init(waiting: Waiting) { self.waiting = waiting }
        /// Reads one from the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) { waiting = try FieldReader(fields).value("waiting") }
        /// As the interface writes it.
        public var fields: [String: JSONValue] { ["waiting": .object(waiting.fields)] }
    }
}
