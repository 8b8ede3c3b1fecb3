/// The daemon's interface description, copied from `Sources/SessionAPI/org.mtpsessiond.Manager.varlink` because
/// Varlink may not depend on SessionAPI; `FuzzCorpusTests` fails when the two differ.
let managerInterfaceText = #"""
# Device sessions for MTP players and phones, after Windows Media Device Manager's
# IWMDMDeviceSession: bracket a group of operations with BeginSession/EndSession so that the
# device is opened, its folders resolved and its free space checked once, not per transfer.
#
# A device is named by its serial number, a unique prefix of one, or "" when exactly one is
# attached. Paths are absolute within one storage ("/Music/a.mp3"); storage defaults to the
# device's first. Every operation may name a session; without one it runs in an implicit
# one-operation session with its own setup and teardown.
#
# File data never travels as a path: Put and Get take the index of a file descriptor sent with
# the call (SCM_RIGHTS), so the daemon reads only what the client could read and writes only
# where the client could write.
interface org.mtpsessiond.Manager

# A storage (internal memory, a card) of a device; sizes in bytes. A figure the device gave that cannot be true
# (free space above capacity, all ones) is null: unknown.
type Storage (
  id: int,
  description: string,
  capacity: ?int,
  free: ?int
)

# An attached MTP device.
type Device (
  serial: string,
  vendorId: int,
  productId: int,
  bus: int,
  address: int,
  manufacturer: string,
  model: string,
  friendlyName: ?string,
  # Battery charge in percent, when the device reports it.
  battery: ?int,
  storages: []Storage,
  # Whether the daemon holds the device's USB interface right now.
  open: bool,
  # The session holding the device, if any: its id to the user who began it, "*" to anyone else.
  session: ?string
)

# An object (file or folder) on a device.
type Entry (
  id: int,
  storage: int,
  parent: int,
  name: string,
  path: string,
  folder: bool,
  size: int,
  # Modification time, seconds since the epoch, when the device reports it.
  modified: ?int
)

# Track metadata sent with a file, so players file it under artist and album. (libmtp stores no album
# artist: that key is accepted and ignored by the libmtp provider.)
type Track (
  title: ?string,
  artist: ?string,
  album: ?string,
  albumArtist: ?string,
  genre: ?string,
  trackNumber: ?int,
  year: ?int,
  durationMs: ?int
)

# One step of a transfer's progress (IWMDMProgress Begin/Progress/End), streamed with "more".
type Progress (
  # The id Cancel takes.
  transfer: string,
  phase: (begin, progress, end),
  done: int,
  total: int
)

# A change seen on the bus or a device (IWMDMNotification).
type Event (
  kind: (deviceAdded, deviceRemoved, storageChanged, objectAdded, objectRemoved),
  device: string,
  storage: ?int,
  object: ?int
)

# Lists attached devices, their identity, battery and storages.
method ListDevices() -> (devices: []Device)

# Begins a session. types: any of transferToDevice, transferFromDevice, delete, custom, or the
# numeric WMDM_SESSION_TYPE mask as a string ("0x1", "0x110"). context: an opaque object handed
# to the service provider; the libmtp provider understands "expectedBytes" (int: checks free space
# once for the whole bundle) and "folder" (string: resolves that folder once). leaseSeconds: how
# long the session outlives its last use (default 30). waitSeconds: how long to wait while
# another session holds the device (default 0).
method BeginSession(
  device: string,
  types: []string,
  context: ?object,
  leaseSeconds: ?int,
  waitSeconds: ?float
) -> (session: string, device: string)

# Ends a session; types must equal BeginSession's. Runs teardown once.
method EndSession(session: string, types: []string, context: ?object) -> ()

# Lists a folder.
method List(device: string, path: string, storage: ?int, session: ?string) -> (entries: []Entry)

# Describes one object.
method Stat(device: string, path: string, storage: ?int, session: ?string) -> (entry: Entry)

# Sends the data readable from file descriptor number fd (an index into the descriptors sent with
# this call) as file name in folder. With overwrite, an object of the same name is replaced once
# the new one is complete; without it, that is AlreadyExists. With "more", streams Progress.
method Put(
  device: string,
  folder: string,
  name: string,
  fd: int,
  size: int,
  overwrite: ?bool,
  track: ?Track,
  storage: ?int,
  session: ?string
) -> (entry: ?Entry, progress: ?Progress)

# Writes a file's data, or length bytes from offset, to file descriptor fd (an index into the
# descriptors sent with this call). With "more", streams Progress.
method Get(
  device: string,
  path: string,
  fd: int,
  offset: ?int,
  length: ?int,
  storage: ?int,
  session: ?string
) -> (size: ?int, progress: ?Progress)

# Deletes a file, or a folder with recursive.
method Delete(device: string, path: string, recursive: ?bool, storage: ?int, session: ?string) -> ()

# Creates a folder; with parents, missing parents too and no error if it exists.
method MakeDirectory(device: string, path: string, parents: ?bool, storage: ?int, session: ?string) -> (entry: Entry)

# Renames an object in its folder: its name set in place where the device allows it, else a copy under the
# new name through the host, then the original deleted. method says which: "objectName", "throughHost", or
# "none" (already so named). With "more", a copy through the host streams Progress (each file twice its size:
# off the device, then back on), and Cancel with its transfer id stops it, the original untouched.
method Rename(device: string, path: string, name: string, storage: ?int, session: ?string)
  -> (entry: ?Entry, method: ?string, progress: ?Progress)

# Moves an object into another folder, under name when given (a move and a rename in one: a device that can
# do neither in place copies it through the host once): the device's MoveObject ("moveObject"), else its CopyObject then the
# original deleted ("copyObject"), else a copy through the host then the original deleted ("throughHost"); a
# failure before the copy is whole leaves the original untouched and no copy. "none": already there. With
# "more", streams Progress as Rename does.
method Move(device: string, path: string, folder: string, storage: ?int, session: ?string, name: ?string)
  -> (entry: ?Entry, method: ?string, progress: ?Progress)

# Cancels a running transfer; it ends with TransferCancelled and leaves nothing on the device.
method Cancel(transfer: string) -> ()

# Streams device arrival and removal and storage and object changes (call with "more"). The devices
# attached when the call is made come first, as deviceAdded events.
method Monitor() -> (event: Event)

error NoSuchDevice (device: string, attached: []string)
error AmbiguousDevice (device: string, candidates: []string)
error NoSuchSession (session: string)
error NotSessionOwner (session: string)
error SessionTypeMismatch (session: string, began: []string, given: []string)
error InvalidSessionType (type: string)
# session: the holder's id to its owner, "*" to anyone else, null for a single operation.
error DeviceBusy (device: string, session: ?string)
error NotFound (device: string, path: string)
error AlreadyExists (device: string, path: string)
error NotAFolder (device: string, path: string)
error FolderNotEmpty (device: string, path: string)
error InvalidName (name: string, reason: string)
error InvalidPath (path: string, reason: string)
error NoSuchStorage (device: string, storage: int)
error StoreFull (device: string, needed: int, free: int)
error BadFileDescriptor (fd: int, reason: string)
error TransferCancelled (transfer: string)
error NoSuchTransfer (transfer: string)
error NotSupported (device: string, operation: string)
# A recursive delete finished bottom-up left these paths: the device refused each (its last refusal's text).
error PartiallyDeleted (device: string, path: string, remaining: []string, message: string)
# The device went away (unplugged) while in use; its sessions have ended.
error DeviceGone (device: string)
# The device stopped answering while still connected (libmtp's text); its USB port was reset and the next
# call opens it afresh.
error DeviceReset (device: string, message: string)
error DeviceError (device: string, function: string, message: string, responseCode: ?int, errno: ?int)
error TeardownFailed (session: string, component: string, message: string)
# The client ran into one of the daemon's limits (limit: connectionsPerUID, stallSeconds or pendingCallBytes;
# see mtpsessiond --help); fix says what to do. The daemon closes the connection after this reply.
error LimitReached (limit: string, value: float, fix: string)

"""#
