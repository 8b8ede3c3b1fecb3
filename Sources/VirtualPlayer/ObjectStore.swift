import Glibc
import PTPWire

/// One storage of the virtual player: its objects and their contents.
///
/// Handles are device-wide (drawn from a shared `HandleAllocator`); parent 0 is the storage's root.
/// Creating a file goes through an `ObjectWriter` so that nothing is visible until the data is complete.
public protocol ObjectStore: AnyObject {
    /// The PTP storage id (0x00010001, 0x00020001…).
    var storageID: UInt32 { get }
    /// The StorageInfo dataset as of now (free space included).
    var storageInfo: StorageInfo { get }
    /// Free bytes as of now.
    var freeBytes: UInt64 { get }
    /// Number of objects.
    var objectCount: Int { get }
    /// The object with `handle`, if it lives here.
    func object(_ handle: UInt32) -> StoredObject?
    /// Every handle on this storage, in creation order.
    func allHandles() -> [UInt32]
    /// The direct children of `parent` (0 for the root), in creation order.
    func childHandles(of parent: UInt32) -> [UInt32]
    /// Creates a folder at once (folders have no data phase).
    func createFolder(_ draft: ObjectDraft, handle: UInt32) throws(StoreError) -> StoredObject
    /// Starts receiving a file; it appears only when the writer commits.
    func beginWrite(_ draft: ObjectDraft, handle: UInt32) throws(StoreError) -> any ObjectWriter
    /// Opens a file's contents for reading in chunks.
    func openReader(_ handle: UInt32) throws(StoreError) -> any ObjectReader
    /// Opens a file for in-place editing (Android's BeginEditObject); changes are visible as they are made.
    func openEditor(_ handle: UInt32) throws(StoreError) -> any ObjectEditor
    /// Deletes an object (a folder with everything in it); returns the removed handles.
    func delete(_ handle: UInt32) throws(StoreError) -> [UInt32]
    /// Moves an object under another parent of this storage.
    func move(_ handle: UInt32, to parent: UInt32) throws(StoreError)
    /// Sets a settable property (file name, track metadata).
    func setProperty(_ code: ObjectPropertyCode, to value: PropertyValue, of handle: UInt32) throws(StoreError)
    /// Sets an album's cover art (RepresentativeSampleData), kept with the object's record like its metadata.
    func setRepresentativeSample(_ sample: [UInt8], of handle: UInt32) throws(StoreError)
    /// Gives every object the handle `newHandles` maps its handle to (a device that renumbers its objects at
    /// OpenSession); the map covers every object of the device, and no writer or editor may be open.
    func renumber(_ newHandles: [UInt32: UInt32])
    /// Looks again at the backing store and reports what changed behind the responder's back.
    func refresh() -> StoreChanges
    /// Looks again at just these host paths of the backing store (a watcher named them).
    func refresh(paths: [String]) -> StoreChanges
}

extension ObjectStore {
    /// A store with no notion of host paths looks at everything.
    public func refresh(paths: [String]) -> StoreChanges { refresh() }
}

/// Streams one object's contents out of a store.
public protocol ObjectReader: AnyObject {
    /// Copies up to `buffer.count` bytes starting at `offset`; returns the count (0 at the end).
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int
    /// Releases the reader's resources; further reads fail.
    func close()
}

/// Streams one new object's contents into a store; the object exists only after `commit`.
public protocol ObjectWriter: AnyObject {
    /// The handle the object will have.
    var handle: UInt32 { get }
    /// Bytes written so far.
    var bytesWritten: UInt64 { get }
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError)
    /// Makes the object visible with the bytes written.
    func commit() throws(StoreError) -> StoredObject
    /// Discards everything written; the object never appears.
    func abort()
}

/// Changes an existing object's contents in place.
public protocol ObjectEditor: AnyObject {
    /// The object being edited.
    var handle: UInt32 { get }
    /// Writes `bytes` at `offset`, growing the object if needed.
    func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(StoreError)
    /// Cuts or extends (with zeros) the object to `size` bytes.
    func truncate(to size: UInt64) throws(StoreError)
    /// Ends the edit and returns the object's record as it now is.
    func close() -> StoredObject?
}

/// File names a storage accepts: what a host filesystem could hold as one path component.
func isAcceptableName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
        && name.utf8.count <= 255
}

/// The current time, seconds since 1970.
func nowSince1970() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec)
}
