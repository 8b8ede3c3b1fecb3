import Varlink

// One enum per method of org.mtpsessiond.Manager, named as the interface names it, with what the call sends
// and what it answers. Parameters read from a call check meaning (ranges) in the order the interface declares
// the fields; the server has checked the types already.

extension Manager {
    /// `ListDevices() -> (devices: []Device)`.
    public enum ListDevices: ManagerMethod {
        /// Which method this is.
        public static let method = Method.listDevices
        /// It takes no parameters.
        public typealias Parameters = Empty
        /// The attached devices.
        public struct Reply: VarlinkObject, Equatable {
            /// The attached devices the caller may see.
            public var devices: [Device]
            /// Creates it from its fields.
            public init(devices: [Device]) { self.devices = devices }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { devices = try FieldReader(fields).values("devices") }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { ["devices": .objects(devices)] }
        }
    }

    /// The `context` object of BeginSession as the libmtp provider reads it; other keys are ignored.
    public struct SessionContext: VarlinkObject, Equatable {
        /// Bytes the bundle will send: free space is checked once.
        public var expectedBytes: Int?
        /// A folder resolved once.
        public var folder: String?
        /// The storage the bundle uses.
        public var storage: Int?
        /// Creates it from its fields.
        public init(expectedBytes: Int? = nil, folder: String? = nil, storage: Int? = nil) {
            self.expectedBytes = expectedBytes; self.folder = folder; self.storage = storage
        }
        /// Reads it from an object on the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(
                expectedBytes: try r.optionalInt("expectedBytes", in: byteRange), folder: r.values["folder"]?.stringValue,
                storage: try r.optionalInt("storage", in: storageRange))
        }
        /// Only the keys that are set, as mtpctl has always sent them.
        public var fields: [String: JSONValue] {
            var o: [String: JSONValue] = [:]
            if let expectedBytes { o["expectedBytes"] = .integer(expectedBytes) }
            if let folder { o["folder"] = .string(folder) }
            if let storage { o["storage"] = .integer(storage) }
            return o
        }
    }

    /// `BeginSession(device, types, context, leaseSeconds, exclusive, timeoutSeconds) -> (session, device)`.
    public enum BeginSession: ManagerMethod {
        /// Which method this is.
        public static let method = Method.beginSession
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// The device: a serial, a unique prefix of one, or empty for the only one attached (in replies, its serial).
            public var device: String
            /// Session types: names (transferToDevice, …) or a WMDM_SESSION_TYPE mask as a string.
            public var types: [String]
            /// Handed to the service provider.
            public var context: SessionContext?
            /// 1 to 86,400 seconds.
            public var leaseSeconds: Int?
            /// Hold the device for this session alone: other sessions and operations wait until it ends.
            public var exclusive: Bool?
            /// How long to wait for the device's turn; nil for the daemon's default (60 s).
            public var timeoutSeconds: Double?
            /// Creates it from its fields.
            public init(
                device: String, types: [String], context: SessionContext? = nil, leaseSeconds: Int? = nil,
                exclusive: Bool? = nil, timeoutSeconds: Double? = nil
            ) {
                self.device = device; self.types = types; self.context = context; self.leaseSeconds = leaseSeconds
                self.exclusive = exclusive; self.timeoutSeconds = timeoutSeconds
            }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(
                    device: try r.string("device"), types: try r.strings("types"), context: try r.optionalValue("context"),
                    leaseSeconds: try r.optionalInt("leaseSeconds", in: 1...86_400),
                    exclusive: try r.optionalBool("exclusive"), timeoutSeconds: try r.optionalSeconds("timeoutSeconds"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] {
                [
                    "device": .string(device), "types": .strings(types), "context": .optional(context),
                    "leaseSeconds": .optional(leaseSeconds), "exclusive": .optional(exclusive),
                    "timeoutSeconds": timeoutSeconds.map(JSONValue.double) ?? .null,
                ]
            }
        }
        /// The session's id and the device's full serial.
        public struct Reply: VarlinkObject, Equatable {
            /// The session's id.
            public var session: String
            /// The device's full serial.
            public var device: String
            /// Creates it from its fields.
            public init(session: String, device: String) { self.session = session; self.device = device }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(session: try r.string("session"), device: try r.string("device"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { ["session": .string(session), "device": .string(device)] }
        }
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// `EndSession(session, types, context) -> ()`.
    public enum EndSession: ManagerMethod {
        /// Which method this is.
        public static let method = Method.endSession
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// The session's id, as BeginSession gave it.
            public var session: String
            /// Session types: names (transferToDevice, …) or a WMDM_SESSION_TYPE mask as a string.
            public var types: [String]
            /// Handed to the service provider; the libmtp provider reads nothing from it at the end.
            public var context: SessionContext?
            /// Creates it from its fields.
            public init(session: String, types: [String], context: SessionContext? = nil) {
                self.session = session; self.types = types; self.context = context
            }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(session: try r.string("session"), types: try r.strings("types"))
            }
            /// Without a context unless one is set, as mtpctl has always sent it.
            public var fields: [String: JSONValue] {
                var o: [String: JSONValue] = ["session": .string(session), "types": .strings(types)]
                if let context { o["context"] = .object(context.fields) }
                return o
            }
        }
        /// It answers with no fields.
        public typealias Reply = Empty
    }

    /// Where an operation acts: a device, a path on it, and optionally a storage and a session. Shared by the
    /// parameters of List, Stat, Delete and MakeDirectory.
    public struct Place: Sendable, Equatable {
        /// The device: a serial, a unique prefix of one, or empty for the only one attached (in replies, its serial).
        public var device: String
        /// An absolute path within the storage.
        public var path: String
        /// The storage id; nil for the device's first.
        public var storage: Int?
        /// The session to run in; nil for an implicit one-operation session.
        public var session: String?
        /// How long to wait for the device's turn; nil for the daemon's default (60 s).
        public var timeoutSeconds: Double?
        /// Creates it from its fields.
        public init(device: String, path: String, storage: Int? = nil, session: String? = nil, timeoutSeconds: Double? = nil) {
            self.device = device; self.path = path; self.storage = storage; self.session = session
            self.timeoutSeconds = timeoutSeconds
        }
        init(_ r: FieldReader) throws(VarlinkError) {
            self.init(
                device: try r.string("device"), path: try r.string("path"),
                storage: try r.optionalInt("storage", in: storageRange),
                session: try r.optionalString("session"), timeoutSeconds: try r.optionalSeconds("timeoutSeconds"))
        }
        var fields: [String: JSONValue] {
            [
                "device": .string(device), "path": .string(path), "storage": .optional(storage), "session": .optional(session),
                "timeoutSeconds": timeoutSeconds.map(JSONValue.double) ?? .null,
            ]
        }
    }

    /// `List(device, path, storage, session) -> (entries: []Entry)`.
    public enum List: ManagerMethod {
        /// Which method this is.
        public static let method = Method.list
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it acts.
            public var place: Place
            /// Creates it from its fields.
            public init(_ place: Place) { self.place = place }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { place = try Place(FieldReader(fields)) }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields }
        }
        /// The last reply.
        public struct Reply: VarlinkObject, Equatable {
            /// The folder's objects.
            public var entries: [Entry]
            /// Creates it from its fields.
            public init(entries: [Entry]) { self.entries = entries }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { entries = try FieldReader(fields).values("entries") }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { ["entries": .objects(entries)] }
        }
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// A reply holding one entry: Stat's and MakeDirectory's.
    public struct EntryReply: VarlinkObject, Equatable {
        /// The object as it now is on the device.
        public var entry: Entry
        /// Creates it from its fields.
        public init(entry: Entry) { self.entry = entry }
        /// Reads it from an object on the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) { entry = try FieldReader(fields).value("entry") }
        /// As the interface writes it.
        public var fields: [String: JSONValue] { ["entry": .object(entry.fields)] }
    }

    /// `Stat(device, path, storage, session) -> (entry: Entry)`.
    public enum Stat: ManagerMethod {
        /// Which method this is.
        public static let method = Method.stat
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it acts.
            public var place: Place
            /// Creates it from its fields.
            public init(_ place: Place) { self.place = place }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { place = try Place(FieldReader(fields)) }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields }
        }
        /// It answers with the object as it now is.
        public typealias Reply = EntryReply
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// `Put(device, folder, name, fd, size, overwrite, track, storage, session) -> (entry, progress)`.
    public enum Put: ManagerMethod {
        /// Which method this is.
        public static let method = Method.put
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// The device: a serial, a unique prefix of one, or empty for the only one attached (in replies, its serial).
            public var device: String
            /// The device folder the file goes into.
            public var folder: String
            /// The object's name in its folder.
            public var name: String
            /// An index into the descriptors sent with the call.
            public var fd: Int
            /// The file's size in bytes, as the device is told beforehand.
            public var size: Int
            /// Replace an object of the same name once the new one is complete.
            public var overwrite: Bool?
            /// Track metadata, so players file the object under artist and album.
            public var track: Track?
            /// The modification time to give the object (seconds since the epoch), where the device lets it be set.
            public var modified: Int?
            /// The storage id; nil for the device's first.
            public var storage: Int?
            /// The session to run in; nil for an implicit one-operation session.
            public var session: String?
            /// How long to wait for the device's turn; nil for the daemon's default (60 s).
            public var timeoutSeconds: Double?
            /// Creates it from its fields.
            public init(
                device: String, folder: String, name: String, fd: Int, size: Int, overwrite: Bool? = nil,
                track: Track? = nil, modified: Int? = nil, storage: Int? = nil, session: String? = nil,
                timeoutSeconds: Double? = nil
            ) {
                self.device = device; self.folder = folder; self.name = name; self.fd = fd; self.size = size
                self.overwrite = overwrite; self.track = track; self.modified = modified; self.storage = storage
                self.session = session; self.timeoutSeconds = timeoutSeconds
            }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(
                    device: try r.string("device"), folder: try r.string("folder"), name: try r.string("name"),
                    fd: try r.int("fd", in: smallRange), size: try r.int("size", in: byteRange),
                    overwrite: try r.optionalBool("overwrite"), track: try r.optionalValue("track"),
                    modified: try r.optionalInt("modified", in: timeRange),
                    storage: try r.optionalInt("storage", in: storageRange), session: try r.optionalString("session"),
                    timeoutSeconds: try r.optionalSeconds("timeoutSeconds"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] {
                [
                    "timeoutSeconds": timeoutSeconds.map(JSONValue.double) ?? .null,
                    "device": .string(device), "folder": .string(folder), "name": .string(name), "fd": .integer(fd),
                    "size": .integer(size), "overwrite": .optional(overwrite), "track": .optional(track),
                    "modified": .optional(modified), "storage": .optional(storage), "session": .optional(session),
                ]
            }
        }
        /// The last reply: the object as it now is on the device.
        public typealias Reply = EntryReply
        /// With "more", each step of the transfer.
        public typealias Update = ProgressUpdate
    }

    /// `Get(device, path, fd, offset, length, storage, session) -> (size, progress)`.
    public enum Get: ManagerMethod {
        /// Which method this is.
        public static let method = Method.get
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// The device: a serial, a unique prefix of one, or empty for the only one attached (in replies, its serial).
            public var device: String
            /// An absolute path within the storage.
            public var path: String
            /// An index into the descriptors sent with the call.
            public var fd: Int
            /// The first byte to copy.
            public var offset: Int?
            /// How many bytes to copy; nil for all to the end.
            public var length: Int?
            /// The storage id; nil for the device's first.
            public var storage: Int?
            /// The session to run in; nil for an implicit one-operation session.
            public var session: String?
            /// How long to wait for the device's turn; nil for the daemon's default (60 s).
            public var timeoutSeconds: Double?
            /// Creates it from its fields.
            public init(
                device: String, path: String, fd: Int, offset: Int? = nil, length: Int? = nil, storage: Int? = nil,
                session: String? = nil, timeoutSeconds: Double? = nil
            ) {
                self.device = device; self.path = path; self.fd = fd; self.offset = offset; self.length = length
                self.storage = storage; self.session = session; self.timeoutSeconds = timeoutSeconds
            }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(
                    device: try r.string("device"), path: try r.string("path"), fd: try r.int("fd", in: smallRange),
                    offset: try r.optionalInt("offset", in: byteRange), length: try r.optionalInt("length", in: byteRange),
                    storage: try r.optionalInt("storage", in: storageRange), session: try r.optionalString("session"),
                    timeoutSeconds: try r.optionalSeconds("timeoutSeconds"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] {
                [
                    "timeoutSeconds": timeoutSeconds.map(JSONValue.double) ?? .null,
                    "device": .string(device), "path": .string(path), "fd": .integer(fd), "offset": .optional(offset),
                    "length": .optional(length), "storage": .optional(storage), "session": .optional(session),
                ]
            }
        }
        /// The last reply: how many bytes were written to the descriptor.
        public struct Reply: VarlinkObject, Equatable {
            /// Bytes written to the descriptor.
            public var size: Int
            /// Creates it from its fields.
            public init(size: Int) { self.size = size }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { size = try FieldReader(fields).int("size") }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { ["size": .integer(size)] }
        }
        /// With "more", each step of the transfer.
        public typealias Update = ProgressUpdate
    }

    /// `Delete(device, path, recursive, storage, session) -> ()`.
    public enum Delete: ManagerMethod {
        /// Which method this is.
        public static let method = Method.delete
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it acts.
            public var place: Place
            /// Delete a folder and everything in it.
            public var recursive: Bool?
            /// Creates it from its fields.
            public init(_ place: Place, recursive: Bool? = nil) { self.place = place; self.recursive = recursive }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(try Place(r), recursive: try r.optionalBool("recursive"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields.merging(["recursive": .optional(recursive)]) { $1 } }
        }
        /// It answers with no fields.
        public typealias Reply = Empty
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// `MakeDirectory(device, path, parents, storage, session) -> (entry: Entry)`.
    public enum MakeDirectory: ManagerMethod {
        /// Which method this is.
        public static let method = Method.makeDirectory
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it acts.
            public var place: Place
            /// Create missing parents too, and accept a folder that exists.
            public var parents: Bool?
            /// Creates it from its fields.
            public init(_ place: Place, parents: Bool? = nil) { self.place = place; self.parents = parents }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                self.init(try Place(r), parents: try r.optionalBool("parents"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields.merging(["parents": .optional(parents)]) { $1 } }
        }
        /// It answers with the object as it now is.
        public typealias Reply = EntryReply
        /// With "more", why the call still waits for the device's turn.
        public typealias Update = WaitingUpdate
    }

    /// How a Rename or Move was carried out (the interface's `method` string).
    public enum Relocation: String, Sendable {
        /// Already so named, or already there.
        case none
        /// The device's MoveObject.
        case moveObject
        /// The device's CopyObject, then the original deleted.
        case copyObject
        /// The device's object name set in place.
        case objectName
        /// A copy through the host, then the original deleted.
        case throughHost
    }

    /// The last reply of Rename and Move: the object as it now is, and how the device was made to do it.
    public struct ChangeReply: VarlinkObject, Equatable {
        /// The object as it now is on the device.
        public var entry: Entry
        /// How the device was made to do it.
        public var method: Relocation
        /// Creates it from its fields.
        public init(entry: Entry, method: Relocation) { self.entry = entry; self.method = method }
        /// Reads it from an object on the wire.
        public init(fields: [String: JSONValue]) throws(VarlinkError) {
            let r = FieldReader(fields)
            self.init(entry: try r.value("entry"), method: try r.member("method"))
        }
        /// As the interface writes it.
        public var fields: [String: JSONValue] { ["entry": .object(entry.fields), "method": .string(method.rawValue)] }
    }

    /// `Rename(device, path, name, storage, session) -> (entry, method, progress)`.
    public enum Rename: ManagerMethod {
        /// Which method this is.
        public static let method = Method.rename
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it acts.
            public var place: Place
            /// The object's name in its folder.
            public var name: String
            /// Creates it from its fields.
            public init(_ place: Place, name: String) { self.place = place; self.name = name }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                let device = try r.string("device"), path = try r.string("path"), name = try r.string("name")
                self.init(
                    Place(
                        device: device, path: path, storage: try r.optionalInt("storage", in: storageRange),
                        session: try r.optionalString("session"), timeoutSeconds: try r.optionalSeconds("timeoutSeconds")),
                    name: name)
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { place.fields.merging(["name": .string(name)]) { $1 } }
        }
        /// It answers with the object and how it was moved.
        public typealias Reply = ChangeReply
        /// With "more", each step of the transfer.
        public typealias Update = ProgressUpdate
    }

    /// `Move(device, path, folder, storage, session, name) -> (entry, method, progress)`.
    public enum Move: ManagerMethod {
        /// Which method this is.
        public static let method = Method.move
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// Where it acts.
            public var place: Place
            /// The folder it goes into.
            public var folder: String
            /// A new name as well, when given.
            public var name: String?
            /// Creates it from its fields.
            public init(_ place: Place, folder: String, name: String? = nil) {
                self.place = place; self.folder = folder; self.name = name
            }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                let r = FieldReader(fields)
                let device = try r.string("device"), path = try r.string("path"), folder = try r.string("folder")
                self.init(
                    Place(
                        device: device, path: path, storage: try r.optionalInt("storage", in: storageRange),
                        session: try r.optionalString("session"), timeoutSeconds: try r.optionalSeconds("timeoutSeconds")),
                    folder: folder, name: try r.optionalString("name"))
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] {
                place.fields.merging(["folder": .string(folder), "name": .optional(name)]) { $1 }
            }
        }
        /// It answers with the object and how it was moved.
        public typealias Reply = ChangeReply
        /// With "more", each step of the transfer.
        public typealias Update = ProgressUpdate
    }

    /// `Cancel(transfer) -> ()`.
    public enum Cancel: ManagerMethod {
        /// Which method this is.
        public static let method = Method.cancel
        /// What the call sends.
        public struct Parameters: VarlinkObject, Equatable {
            /// A running transfer's id, as its progress shows it.
            public var transfer: String
            /// Creates it from its fields.
            public init(transfer: String) { self.transfer = transfer }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) {
                transfer = try FieldReader(fields).string("transfer")
            }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { ["transfer": .string(transfer)] }
        }
        /// It answers with no fields.
        public typealias Reply = Empty
    }

    /// `Monitor() -> (event: Event)`, called with "more": every reply but the last carries one event.
    public enum Monitor: ManagerMethod {
        /// Which method this is.
        public static let method = Method.monitor
        /// It takes no parameters.
        public typealias Parameters = Empty
        /// The last reply, sent only when the daemon stops: no event.
        public typealias Reply = Empty
        /// One event.
        public struct Update: VarlinkObject, Equatable {
            /// One change.
            public var event: Event
            /// Creates it from its fields.
            public init(event: Event) { self.event = event }
            /// Reads it from an object on the wire.
            public init(fields: [String: JSONValue]) throws(VarlinkError) { event = try FieldReader(fields).value("event") }
            /// As the interface writes it.
            public var fields: [String: JSONValue] { ["event": .object(event.fields)] }
        }
    }
}
