import Varlink

// Playlists and albums: SetPlaylist, GetPlaylist, SetAlbum, GetAlbum.

extension Manager {
    /// The last reply of SetPlaylist and SetAlbum: the list as it now is, and whether the call created it.
    public struct TrackListReply: VarlinkObject, Equatable {
        /// Which field holds the list: "playlist" or "album".
        public let key: String
        /// The list as it now is on the device.
        public var list: TrackList
        /// Whether the call created it (false: it set the one already there); nil in a read's reply.
        public var created: Bool?
        /// Creates a reply of SetPlaylist or GetPlaylist (`key` "playlist"), SetAlbum or GetAlbum ("album").
        public init(key: String, list: TrackList, created: Bool? = nil) {
            self.key = key; self.list = list; self.created = created
        }
        /// Reads one from the wire: whichever of "playlist" and "album" it holds.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            key = fields["album"].map { $0 == .null } == false ? "album" : "playlist"
            list = try r.value(key)
            created = try r.optionalBool("created")
        }
        /// As the interface writes it; a read's reply has no `created`.
        public var fields: [String: JSONValue] {
            var o: [String: JSONValue] = [key: .object(list.fields)]
            if let created { o["created"] = .bool(created) }
            return o
        }
    }

    /// `SetPlaylist(device, name, tracks, folder, storage, session, timeoutSeconds) -> (playlist, created)`.
    public enum SetPlaylist: ManagerMethod {
        /// Which method this is.
        public static let method = Method.setPlaylist
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// The device: a serial, a unique prefix of one, or empty for the only one attached.
            public var device: String
            /// The playlist's name.
            public var name: String
            /// Its tracks' device paths, in order.
            public var tracks: [String]
            /// The folder it goes in; nil for the device's playlist folder, else the storage root.
            public var folder: String?
            /// The storage id; nil for the device's first.
            public var storage: Int?
            /// The session to run in; nil for an implicit one-operation session.
            public var session: String?
            /// How long to wait for the device's turn; nil for the daemon's default (60 s).
            public var timeoutSeconds: Double?
            /// Creates it from its fields.
            public init(
                device: String, name: String, tracks: [String], folder: String? = nil, storage: Int? = nil,
                session: String? = nil, timeoutSeconds: Double? = nil
            ) {
                self.device = device; self.name = name; self.tracks = tracks; self.folder = folder; self.storage = storage
                self.session = session; self.timeoutSeconds = timeoutSeconds
            }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(
                    device: try r.string("device"), name: try r.string("name"), tracks: try r.strings("tracks"),
                    folder: try r.optionalString("folder"), storage: try r.optionalInt("storage", in: storageRange),
                    session: try r.optionalString("session"), timeoutSeconds: try r.optionalSeconds("timeoutSeconds"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] {
                [
                    "device": .string(device), "name": .string(name), "tracks": .strings(tracks), "folder": .optional(folder),
                    "storage": .optional(storage), "session": .optional(session),
                    "timeoutSeconds": timeoutSeconds.map(JSONValue.double) ?? .null,
                ]
            }
        }
        /// The playlist as it now is, and whether the call created it.
        public typealias Reply = TrackListReply
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// `GetPlaylist(device, path, storage, session, timeoutSeconds) -> (playlist)`.
    public enum GetPlaylist: ManagerMethod {
        /// Which method this is.
        public static let method = Method.getPlaylist
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it reads: the playlist's object, or the playlist by name in its folder.
            public var place: Place
            /// Creates it from its fields.
            public init(_ place: Place) { self.place = place }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { place = try Place(FieldReader(fields)) }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields }
        }
        /// The playlist as it is.
        public typealias Reply = TrackListReply
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// `SetAlbum(device, name, tracks, artist, genre, art, artSize, folder, storage, session, timeoutSeconds)
    /// -> (album, created)`.
    public enum SetAlbum: ManagerMethod {
        /// Which method this is.
        public static let method = Method.setAlbum
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// The device: a serial, a unique prefix of one, or empty for the only one attached.
            public var device: String
            /// The album's name.
            public var name: String
            /// Its tracks' device paths, in order.
            public var tracks: [String]
            /// Its artist.
            public var artist: String?
            /// Its genre.
            public var genre: String?
            /// An index into the descriptors sent with the call: the album's art.
            public var art: Int?
            /// The art's size in bytes.
            public var artSize: Int?
            /// The folder it goes in; nil for the device's album folder, else the storage root.
            public var folder: String?
            /// The storage id; nil for the device's first.
            public var storage: Int?
            /// The session to run in; nil for an implicit one-operation session.
            public var session: String?
            /// How long to wait for the device's turn; nil for the daemon's default (60 s).
            public var timeoutSeconds: Double?
            /// Creates it from its fields.
            public init(
                device: String, name: String, tracks: [String], artist: String? = nil, genre: String? = nil,
                art: Int? = nil, artSize: Int? = nil, folder: String? = nil, storage: Int? = nil, session: String? = nil,
                timeoutSeconds: Double? = nil
            ) {
                self.device = device; self.name = name; self.tracks = tracks; self.artist = artist; self.genre = genre
                self.art = art; self.artSize = artSize; self.folder = folder; self.storage = storage; self.session = session
                self.timeoutSeconds = timeoutSeconds
            }
            /// Reads it from an object on the wire; art and its size come together or not at all.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(
                    device: try r.string("device"), name: try r.string("name"), tracks: try r.strings("tracks"),
                    artist: try r.optionalString("artist"), genre: try r.optionalString("genre"),
                    art: try r.optionalInt("art", in: smallRange), artSize: try r.optionalInt("artSize", in: byteRange),
                    folder: try r.optionalString("folder"), storage: try r.optionalInt("storage", in: storageRange),
                    session: try r.optionalString("session"), timeoutSeconds: try r.optionalSeconds("timeoutSeconds"))
                guard (art == nil) == (artSize == nil) else { throw .invalidParameter(art == nil ? "art" : "artSize") }
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] {
                [
                    "device": .string(device), "name": .string(name), "tracks": .strings(tracks), "artist": .optional(artist),
                    "genre": .optional(genre), "art": .optional(art), "artSize": .optional(artSize),
                    "folder": .optional(folder), "storage": .optional(storage), "session": .optional(session),
                    "timeoutSeconds": timeoutSeconds.map(JSONValue.double) ?? .null,
                ]
            }
        }
        /// The album as it now is, and whether the call created it.
        public typealias Reply = TrackListReply
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// `GetAlbum(device, path, storage, session, timeoutSeconds) -> (album)`.
    public enum GetAlbum: ManagerMethod {
        /// Which method this is.
        public static let method = Method.getAlbum
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it reads: the album's object, or the album by name in its folder.
            public var place: Place
            /// Creates it from its fields.
            public init(_ place: Place) { self.place = place }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { place = try Place(FieldReader(fields)) }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields }
        }
        /// The album as it is.
        public typealias Reply = TrackListReply
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }
}
