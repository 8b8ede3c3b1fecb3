/// What the daemon core does with an open device, in this module's own values: the seam under the core.
///
/// `MTPDevice` is the one real conformance (libmtp over USB); a unit test puts an in-memory device here, so the
/// rules of queueing, sessions, reservations and ownership are tested without USB. Like `MTPDevice`, a conformer
/// is called from its device's one thread and may block.
public protocol DeviceSurface: AnyObject {
    /// The serial number the device reports, if any.
    var serialNumber: String? { get }
    /// The manufacturer's name.
    var manufacturer: String? { get }
    /// The model name.
    var model: String? { get }
    /// The name the user gave the device, if any.
    var friendlyName: String? { get }
    /// Battery charge in percent, when the device reports one.
    var batteryLevel: Int? { get }
    /// The optional operations the device offers.
    var capabilities: DeviceCapabilitySet { get }
    /// Whether the device says it reports objects added and removed on it (ObjectAdded and ObjectRemoved among
    /// its DeviceInfo's events), so that its silence means nothing changed.
    var reportsObjectChanges: Bool { get }

    /// The device's storages, read afresh.
    func storages() throws(MTPError) -> [StorageDescription]
    /// The objects directly in `folder` (`MTPDevice.rootFolder` for the root) of `storage`.
    func children(of folder: UInt32, storage: UInt32) throws(MTPError) -> [ObjectEntry]
    /// One object, by handle.
    func object(_ id: UInt32) throws(MTPError) -> ObjectEntry
    /// Creates a folder and returns it.
    func createFolder(name: String, parent: UInt32, storage: UInt32) throws(MTPError) -> ObjectEntry
    /// Deletes an object (a folder only when the device allows it).
    func delete(id: UInt32) throws(MTPError)
    /// Renames an object.
    func rename(id: UInt32, isFolder: Bool, to name: String) throws(MTPError)
    /// Sets an object's modification time (seconds since the epoch), where the device lets it be set.
    func setModified(id: UInt32, to seconds: Int64) throws(MTPError)
    /// Moves an object into another folder on the device.
    func move(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError)
    /// Copies an object into another folder on the device; returns the copy's handle.
    func copy(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) -> UInt32
    /// Sends `size` bytes read from `fd` as a new object; `accepted` hears its handle before the data, and
    /// `progress` returning false cancels, leaving nothing behind.
    func sendFile(
        from fd: Int32, name: String, size: UInt64, parent: UInt32, storage: UInt32, track: TrackMetadata?,
        accepted: @escaping (UInt32) -> Void, progress: @escaping (UInt64, UInt64) -> Bool
    ) throws(MTPError) -> ObjectEntry
    /// Writes a whole object to `fd`; `progress` returning false cancels.
    func getFile(id: UInt32, to fd: Int32, progress: @escaping (UInt64, UInt64) -> Bool) throws(MTPError)
    /// Up to `length` bytes of an object from `offset` (GetPartialObject).
    func readPartial(id: UInt32, offset: UInt64, length: UInt32) throws(MTPError) -> [UInt8]

    /// The folder a playlist goes in when none is named, as libmtp knows it; nil for the storage root.
    var defaultPlaylistFolder: UInt32? { get }
    /// The folder an album goes in when none is named, as libmtp knows it; nil for the storage root.
    var defaultAlbumFolder: UInt32? { get }
    /// Whether the device takes album art (a representative sample for albums); may ask the device.
    func supportsAlbumArt() throws(MTPError) -> Bool
    /// Creates a playlist listing `tracks` and returns its object.
    func createPlaylist(name: String, parent: UInt32, storage: UInt32, tracks: [UInt32]) throws(MTPError) -> ObjectEntry
    /// Sets an existing playlist's name and tracks.
    func updatePlaylist(id: UInt32, name: String, tracks: [UInt32]) throws(MTPError)
    /// Reads one playlist by handle, never listing the whole device.
    func playlist(_ id: UInt32) throws(MTPError) -> TrackListObject
    /// Creates an album listing `tracks` and returns its object.
    func createAlbum(_ album: AlbumMetadata, parent: UInt32, storage: UInt32, tracks: [UInt32]) throws(MTPError) -> ObjectEntry
    /// Sets an existing album's metadata and tracks.
    func updateAlbum(id: UInt32, _ album: AlbumMetadata, tracks: [UInt32]) throws(MTPError)
    /// Reads one album by handle, never listing the whole device.
    func album(_ id: UInt32) throws(MTPError) -> TrackListObject
    /// Sends an album's art.
    func sendAlbumArt(id: UInt32, data: [UInt8]) throws(MTPError)
    /// How many bytes of art an album carries; 0 for none.
    func albumArtSize(id: UInt32) throws(MTPError) -> Int

    /// Starts delivering the device's events to `sink`, from any thread.
    func startEvents(_ sink: @escaping @Sendable (MTPDeviceEvent) -> Void)
    /// Stops delivering events.
    func stopEvents()
    /// Runs `body`, a stretch of calls on the device, with event reading standing aside.
    func withEventThreadPaused<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T
}

extension MTPDevice: DeviceSurface {}

/// How the core reaches a device on the bus: describing it (who it is, without opening it), opening it, and
/// resetting its USB port (from any thread) when it stops answering. The daemon uses `libmtp`; a unit test opens
/// an in-memory device, describes nothing and resets nothing.
public struct DeviceAccess: Sendable {
    /// Who the device at `AttachedDevice` says it is, without opening it; nil when only opening tells.
    public var describe: @Sendable (AttachedDevice) -> DeviceDescription?
    /// Opens the device found at `AttachedDevice`, given its description if one was just read.
    public var open: @Sendable (AttachedDevice, DeviceDescription?) throws(MTPError) -> any DeviceSurface
    /// Resets the device's port; the errno of a failure, nil on success.
    public var resetPort: @Sendable (AttachedDevice) -> Int32?

    /// Creates an access from its three operations.
    public init(
        describe: @escaping @Sendable (AttachedDevice) -> DeviceDescription?,
        open: @escaping @Sendable (AttachedDevice, DeviceDescription?) throws(MTPError) -> any DeviceSurface,
        resetPort: @escaping @Sendable (AttachedDevice) -> Int32?
    ) {
        self.describe = describe
        self.open = open
        self.resetPort = resetPort
    }

    /// An access that learns who a device is only by opening it.
    public init(
        open: @escaping @Sendable (AttachedDevice) throws(MTPError) -> any DeviceSurface,
        resetPort: @escaping @Sendable (AttachedDevice) -> Int32?
    ) {
        self.init(describe: { _ in nil }, open: { attached, _ throws(MTPError) in try open(attached) }, resetPort: resetPort)
    }

    /// The real device: described over libusb, opened with libmtp, reset through usbdevfs.
    public static let libmtp = DeviceAccess(
        describe: { $0.describe() },
        open: { attached, described throws(MTPError) in try MTPDevice.open(attached, described: described) },
        resetPort: { $0.resetPort() })
}
