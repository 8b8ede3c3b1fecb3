import DedicatedThreads
@testable import MTPProvider

#if canImport(Glibc)
import Glibc
#endif

/// An MTP device in memory, put under the daemon core through `DeviceSurface`, so the rules of sharing a device
/// (queue, sessions, reservations, ownership) are tested without USB.
///
/// It keeps storages with capacity and free space, a tree of objects with their bytes, and a log of every call
/// the core made. A gate holds calls of the operations named until the test opens it, so a test can keep one
/// operation in flight while others queue behind it. All state sits in one `ConditionBox`: the core calls from
/// its device thread while the test reads and waits from its own task.
final class FakeDevice: DeviceSurface, Sendable {
    /// One call the core made: the operation and the object's name (a folder's for a listing).
    struct Call: Sendable, Equatable, CustomStringConvertible {
        var operation: String
        var name: String
        var description: String { name.isEmpty ? operation : "\(operation) \(name)" }
    }

    /// What the device holds and what was done with it.
    struct State: Sendable {
        var storages: [StorageDescription]
        var objects: [UInt32: ObjectEntry] = [:]
        var bytes: [UInt32: [UInt8]] = [:]
        var lastID: UInt32 = 0
        /// Playlists and albums: their words and track handles, by object handle.
        var lists: [UInt32: TrackListObject] = [:]
        /// Every call, in order, including those still held at the gate.
        var calls: [Call] = []
        /// Operations whose calls wait at the gate.
        var gated: Set<String> = []
        /// Calls waiting at the gate now.
        var held: [Call] = []
        /// Where events go while the core reads them.
        var events: (@Sendable (MTPDeviceEvent) -> Void)?
        fileprivate var waiters: [UInt64: Waiter] = [:]
        fileprivate var lastWaiter: UInt64 = 0
    }

    fileprivate struct Waiter: Sendable {
        var ready: @Sendable (State) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
        var deadline: Task<Void, Never>?
    }

    private let state: ConditionBox<State>
    let serialNumber: String?
    let manufacturer: String? = "Fake"
    let model: String? = "In-memory player"
    let friendlyName: String? = nil
    let batteryLevel: Int? = 100
    let capabilities: DeviceCapabilitySet
    /// Like libmtp on a device opened uncached: lists go to the root unless told otherwise.
    let defaultPlaylistFolder: UInt32? = nil
    let defaultAlbumFolder: UInt32? = nil
    /// Like a device that sends no events: listings are trusted only within a spell of use.
    let reportsObjectChanges = false

    /// The storage most tests use.
    static let storage: UInt32 = 0x0001_0001

    /// A device with one storage of `capacity` bytes, `free` of them free.
    init(serial: String = "FAKE-1", capacity: UInt64 = 1 << 30, free: UInt64? = nil, trackLists: Bool = true) {
        serialNumber = serial
        capabilities = DeviceCapabilitySet(partialRead: true, move: true, copy: true, playlists: trackLists, albums: trackLists)
        state = ConditionBox(
            State(storages: [
                StorageDescription(id: Self.storage, description: "Internal storage", capacity: capacity, free: free ?? capacity)
            ]))
    }

    /// How the core opens this device: always this one, as a real device is the same device each opening.
    var access: DeviceAccess {
        DeviceAccess(open: { _ in self }, resetPort: { _ in nil })
    }

    // MARK: What tests do

    /// Puts a folder on the device behind the core's back (as it came with it); returns its handle.
    @discardableResult
    func addFolder(_ name: String, in parent: UInt32 = 0) -> UInt32 {
        state.withLock { s in Self.insert(&s, name: name, parent: parent, storage: Self.storage, isFolder: true, bytes: []).id }
    }

    /// Puts a file on the device behind the core's back; returns its handle.
    @discardableResult
    func addFile(_ name: String, in parent: UInt32 = 0, bytes: [UInt8]) -> UInt32 {
        state.withLock { s in Self.insert(&s, name: name, parent: parent, storage: Self.storage, isFolder: false, bytes: bytes).id
        }
    }

    /// Calls of `operation` wait at the gate from now on, until `open`.
    func gate(_ operation: String) { state.withLock { _ = $0.gated.insert(operation) } }

    /// Lets the calls of `operation` through, those waiting at the gate now included.
    func open(_ operation: String) {
        state.withLock { _ = $0.gated.remove(operation) }
        state.broadcast()
    }

    /// Every call so far.
    var calls: [Call] { state.withLock { $0.calls } }

    /// The calls of the operations named, in order, as "operation name".
    func calls(_ operations: Set<String>) -> [String] {
        calls.filter { operations.contains($0.operation) }.map(\.description)
    }

    /// Free bytes of the storage now.
    var free: UInt64 { state.withLock { $0.storages[0].free } }

    /// Waits, without holding a thread, until `ready` holds of the device's state; false when `seconds` pass
    /// first (a deadline for a test that went wrong, not a pause).
    func waitUntil(seconds: Double = 10, _ ready: @escaping @Sendable (State) -> Bool) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            state.withLock { s in
                if ready(s) { return c.resume(returning: true) }
                s.lastWaiter += 1
                let id = s.lastWaiter
                let deadline = Task { [state] in
                    try? await Task.sleep(for: .seconds(seconds))
                    state.withLock { $0.waiters.removeValue(forKey: id)?.continuation.resume(returning: false) }
                }
                s.waiters[id] = Waiter(ready: ready, continuation: c, deadline: deadline)
            }
        }
    }

    /// Waits until `count` calls are held at the gate.
    func waitUntilHeld(_ count: Int = 1) async -> Bool { await waitUntil { $0.held.count == count } }

    // MARK: The device surface

    func storages() throws(MTPError) -> [StorageDescription] {
        try enter("storages", "")
        return state.withLock { $0.storages }
    }

    func children(of folder: UInt32, storage: UInt32) throws(MTPError) -> [ObjectEntry] {
        let parent = folder == MTPDevice.rootFolder ? 0 : folder
        try enter("children", parent == 0 ? "/" : name(of: parent))
        return try state.withLock { (s: inout State) throws(MTPError) -> [ObjectEntry] in
            guard parent == 0 || s.objects[parent]?.isFolder == true else { throw Self.notFound("LIBMTP_Get_Files_And_Folders") }
            return s.objects.values.filter { $0.parent == parent && $0.storage == storage }.sorted { $0.id < $1.id }
        }
    }

    func object(_ id: UInt32) throws(MTPError) -> ObjectEntry {
        try enter("object", name(of: id))
        guard let entry = state.withLock({ $0.objects[id] }) else { throw Self.notFound("LIBMTP_Get_Filemetadata") }
        return entry
    }

    func createFolder(name: String, parent: UInt32, storage: UInt32) throws(MTPError) -> ObjectEntry {
        try enter("createFolder", name)
        return state.withLock {
            Self.insert(&$0, name: name, parent: Self.parent(parent), storage: storage, isFolder: true, bytes: [])
        }
    }

    func delete(id: UInt32) throws(MTPError) {
        try enter("delete", name(of: id))
        try state.withLock { (s: inout State) throws(MTPError) in
            guard let entry = s.objects[id] else { throw Self.notFound("LIBMTP_Delete_Object") }
            guard !s.objects.values.contains(where: { $0.parent == id }) else {
                throw MTPError(kind: .general, function: "LIBMTP_Delete_Object", message: "folder not empty")
            }
            s.objects[id] = nil
            s.bytes[id] = nil
            s.storages[0].free += entry.size
        }
    }

    func rename(id: UInt32, isFolder: Bool, to name: String) throws(MTPError) {
        try enter("rename", self.name(of: id))
        try state.withLock { (s: inout State) throws(MTPError) in
            guard s.objects[id] != nil else { throw Self.notFound("LIBMTP_Set_File_Name") }
            s.objects[id]!.name = name
        }
    }

    func setModified(id: UInt32, to seconds: Int64) throws(MTPError) {
        try enter("setModified", name(of: id))
        try state.withLock { (s: inout State) throws(MTPError) in
            guard s.objects[id] != nil else { throw Self.notFound("LIBMTP_Set_Object_String") }
            s.objects[id]!.modified = seconds
        }
    }

    func move(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) {
        try enter("move", name(of: id))
        try state.withLock { (s: inout State) throws(MTPError) in
            guard s.objects[id] != nil else { throw Self.notFound("LIBMTP_Move_Object") }
            s.objects[id]!.parent = Self.parent(parent)
            s.objects[id]!.storage = storage
        }
    }

    func copy(id: UInt32, toParent parent: UInt32, storage: UInt32) throws(MTPError) -> UInt32 {
        try enter("copy", name(of: id))
        return try state.withLock { (s: inout State) throws(MTPError) -> UInt32 in
            guard let entry = s.objects[id], !entry.isFolder else { throw Self.notFound("LIBMTP_Copy_Object") }
            guard entry.size <= s.storages[0].free else { throw Self.storeFull("LIBMTP_Copy_Object") }
            let bytes = s.bytes[id] ?? []
            return Self.insert(&s, name: entry.name, parent: Self.parent(parent), storage: storage, isFolder: false, bytes: bytes)
                .id
        }
    }

    func sendFile(
        from fd: Int32, name: String, size: UInt64, parent: UInt32, storage: UInt32, track: TrackMetadata?,
        accepted: @escaping (UInt32) -> Void, progress: @escaping (UInt64, UInt64) -> Bool
    ) throws(MTPError) -> ObjectEntry {
        let function = "LIBMTP_Send_File_From_File_Descriptor"
        try enter("sendFile", name)
        guard size <= free else { throw Self.storeFull(function) }
        // Like libmtp, the object's id is known before its data moves.
        let id = state.withLock { s in
            s.lastID += 1; return s.lastID
        }
        accepted(id)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while UInt64(bytes.count) < size {
            let want = min(chunk.count, Int(size) - bytes.count)
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
            guard got > 0 else { throw MTPError(kind: .general, function: function, message: "short read from the file") }
            bytes += chunk[0..<got]
            guard progress(UInt64(bytes.count), size) else {
                throw MTPError(kind: .cancelled, function: function, message: "cancelled")
            }
        }
        return state.withLock { s in
            let entry = ObjectEntry(
                id: id, parent: Self.parent(parent), storage: storage, name: name, size: size, isFolder: false, modified: nil)
            s.objects[id] = entry
            s.bytes[id] = bytes
            s.storages[0].free -= size
            return entry
        }
    }

    func getFile(id: UInt32, to fd: Int32, progress: @escaping (UInt64, UInt64) -> Bool) throws(MTPError) {
        try enter("getFile", name(of: id))
        guard let bytes = state.withLock({ $0.bytes[id] }) else { throw Self.notFound("LIBMTP_Get_File_To_File_Descriptor") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw MTPError(kind: .general, function: "LIBMTP_Get_File_To_File_Descriptor", message: "short write")
        }
        guard progress(UInt64(bytes.count), UInt64(bytes.count)) else {
            throw MTPError(kind: .cancelled, function: "LIBMTP_Get_File_To_File_Descriptor", message: "cancelled")
        }
    }

    func readPartial(id: UInt32, offset: UInt64, length: UInt32) throws(MTPError) -> [UInt8] {
        try enter("readPartial", name(of: id))
        guard let bytes = state.withLock({ $0.bytes[id] }) else { throw Self.notFound("LIBMTP_GetPartialObject") }
        let start = min(Int(offset), bytes.count)
        return Array(bytes[start..<min(bytes.count, start + Int(length))])
    }

    func startEvents(_ sink: @escaping @Sendable (MTPDeviceEvent) -> Void) { state.withLock { $0.events = sink } }

    func stopEvents() { state.withLock { $0.events = nil } }

    func withEventThreadPaused<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T { try body() }

    // MARK: Inside

    /// Logs a call, then holds it at the gate while its operation is gated (a minute at most: a test that never
    /// opens the gate fails instead of hanging).
    private func enter(_ operation: String, _ name: String) throws(MTPError) {
        let call = Call(operation: operation, name: name)
        let gated = state.withLock { s in
            s.calls.append(call)
            guard s.gated.contains(operation) else { return false }
            s.held.append(call)
            Self.wake(&s)
            return true
        }
        guard gated else { return }
        let opened: Void? = state.withLock(waitingUntil: { !$0.gated.contains(operation) }, timeout: .seconds(60)) { s in
            s.held.remove(at: s.held.firstIndex(of: call)!)
            Self.wake(&s)
        }
        guard opened != nil else {
            throw MTPError(kind: .general, function: operation, message: "the test never opened the gate")
        }
    }

    /// Resumes the waiters whose condition now holds; called with every change a waiter may wait for.
    private static func wake(_ s: inout State) {
        for (id, waiter) in s.waiters where waiter.ready(s) {
            s.waiters[id] = nil
            waiter.deadline?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    // MARK: Playlists and albums, kept as libmtp would: an object named with its suffix, and its references

    func supportsAlbumArt() throws(MTPError) -> Bool { false }

    func createPlaylist(name: String, parent: UInt32, storage: UInt32, tracks: [UInt32]) throws(MTPError) -> ObjectEntry {
        try enter("createPlaylist", name)
        return createList(name: name, suffix: ".pla", format: "playlist", parent: parent, storage: storage, tracks: tracks)
    }

    func updatePlaylist(id: UInt32, name: String, tracks: [UInt32]) throws(MTPError) {
        try enter("updatePlaylist", name)
        state.withLock {
            $0.lists[id]?.name = name; $0.lists[id]?.tracks = tracks
        }
    }

    func playlist(_ id: UInt32) throws(MTPError) -> TrackListObject {
        try enter("playlist", name(of: id))
        guard let list = state.withLock({ $0.lists[id] }) else { throw Self.notFound("LIBMTP_Get_Playlist") }
        return list
    }

    func createAlbum(_ album: AlbumMetadata, parent: UInt32, storage: UInt32, tracks: [UInt32]) throws(MTPError) -> ObjectEntry {
        try enter("createAlbum", album.name)
        let entry = createList(
            name: album.name, suffix: ".alb", format: "album", parent: parent, storage: storage, tracks: tracks)
        state.withLock {
            $0.lists[entry.id]?.artist = album.artist; $0.lists[entry.id]?.genre = album.genre
        }
        return entry
    }

    func updateAlbum(id: UInt32, _ album: AlbumMetadata, tracks: [UInt32]) throws(MTPError) {
        try enter("updateAlbum", album.name)
        state.withLock {
            $0.lists[id]?.name = album.name; $0.lists[id]?.artist = album.artist; $0.lists[id]?.genre = album.genre
            $0.lists[id]?.tracks = tracks
        }
    }

    func album(_ id: UInt32) throws(MTPError) -> TrackListObject {
        try enter("album", name(of: id))
        guard let list = state.withLock({ $0.lists[id] }) else { throw Self.notFound("LIBMTP_Get_Album") }
        return list
    }

    func sendAlbumArt(id: UInt32, data: [UInt8]) throws(MTPError) {
        throw MTPError(kind: .notSupported, function: "LIBMTP_Send_Representative_Sample", message: "no art")
    }

    func albumArtSize(id: UInt32) throws(MTPError) -> Int { 0 }

    private func createList(
        name: String, suffix: String, format: String, parent: UInt32, storage: UInt32, tracks: [UInt32]
    ) -> ObjectEntry {
        state.withLock { s in
            var entry = Self.insert(
                &s, name: name + suffix, parent: Self.parent(parent), storage: storage, isFolder: false, bytes: [])
            entry.format = format
            s.objects[entry.id] = entry
            s.lists[entry.id] = TrackListObject(
                id: entry.id, parent: entry.parent, storage: storage, name: name, tracks: tracks)
            return entry
        }
    }

    private func name(of id: UInt32) -> String { state.withLock { $0.objects[id]?.name ?? "#\(id)" } }

    /// A parent as stored: 0 at the root, however the core spelled it.
    private static func parent(_ handle: UInt32) -> UInt32 { handle == MTPDevice.rootFolder ? 0 : handle }

    private static func insert(
        _ s: inout State, name: String, parent: UInt32, storage: UInt32, isFolder: Bool, bytes: [UInt8]
    ) -> ObjectEntry {
        s.lastID += 1
        let entry = ObjectEntry(
            id: s.lastID, parent: parent, storage: storage, name: name, size: UInt64(bytes.count), isFolder: isFolder,
            modified: nil)
        s.objects[entry.id] = entry
        s.bytes[entry.id] = bytes
        s.storages[0].free -= min(s.storages[0].free, entry.size)
        return entry
    }

    private static func notFound(_ function: String) -> MTPError {
        MTPError(kind: .notFound, function: function, message: "no such object", responseCode: 0x2009)
    }

    private static func storeFull(_ function: String) -> MTPError {
        MTPError(kind: .storeFull, function: function, message: "store full", responseCode: 0x200C)
    }
}
