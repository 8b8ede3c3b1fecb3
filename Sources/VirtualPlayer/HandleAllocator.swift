/// Hands out device-wide object handles, so objects on different storages never share one.
///
/// A class because every storage of one device draws from the same sequence.
public final class HandleAllocator {
    private var nextHandle: UInt32

    /// Starts at 1: handle 0 means "root" or "none" on the wire.
    public init(first: UInt32 = 1) {
        precondition(first != 0, "handle 0 is reserved")
        nextHandle = first
    }

    /// Continues the sequence at `first`, after the objects were renumbered below it.
    public func restart(at first: UInt32) {
        precondition(first != 0 && first != 0xFFFF_FFFF, "reserved handle")
        nextHandle = first
    }

    /// A handle not in use (never returned before, or since the last `restart`); skips the reserved 0 and
    /// 0xFFFFFFFF on wrap-around.
    public func next() -> UInt32 {
        let handle = nextHandle
        nextHandle &+= 1
        if nextHandle == 0xFFFF_FFFF { nextHandle = 1 }
        return handle
    }
}
