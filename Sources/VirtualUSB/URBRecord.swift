internal import CUMockdev

/// One URB a client submitted, held by its umockdev data object until the client reaps it.
///
/// `data` is our own reference to umockdev's local copy of the client's `struct usbdevfs_urb`; changes to it
/// are written back to the client when an ioctl it belongs to completes.
final class URBRecord {
    /// Our reference to the local copy of the URB struct, released in deinit.
    let data: UnsafeMutablePointer<UMockdevIoctlData>
    /// The URB's address in the client process: what REAPURB hands back.
    let clientAddress: UInt
    /// Completed inside its own SUBMITURB ioctl, so its contents were written back then and the reap must
    /// only hand back the address (attaching it again would write the whole buffer a second time).
    var writtenBackAtSubmit = false
    /// Monotonic time (ns) from which the reap may report it, per the link model.
    var readyAt: UInt64 = 0

    init(data: UnsafeMutablePointer<UMockdevIoctlData>) {
        self.data = data  // The reference returned by umockdev_ioctl_data_resolve is ours: released in deinit.
        self.clientAddress = UInt(data.pointee.client_addr)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(data)) }

    /// The URB struct in umockdev's local copy.
    var urb: UnsafeMutablePointer<usbdevfs_urb> {
        UnsafeMutableRawPointer(data.pointee.data!).assumingMemoryBound(to: usbdevfs_urb.self)
    }

    var type: UInt8 { urb.pointee.type }
    var endpoint: UInt8 { urb.pointee.endpoint }
    var bufferLength: Int { Int(urb.pointee.buffer_length) }

    /// Copies `count` bytes of the client's buffer into local memory and returns it; nil for no bytes.
    /// The copy is what umockdev writes back, so only resolve what is read or delivered.
    func resolveBuffer(count: Int) -> UnsafeMutableRawBufferPointer? {
        guard count > 0 else { return nil }
        var error: UnsafeMutablePointer<GError>? = nil
        guard let child = umockdev_ioctl_data_resolve(data, mtpsim_urb_buffer_offset(), gsize(count), &error) else {
            if error != nil { g_error_free(error) }
            return nil
        }
        // The parent keeps the child alive (it is in its children list); drop the extra reference resolve gave us.
        let base = child.pointee.data
        g_object_unref(UnsafeMutableRawPointer(child))
        return UnsafeMutableRawBufferPointer(start: base, count: count)
    }

    /// Marks the URB finished with `status` (0 or a negative errno) and `actualLength` bytes.
    func finish(status: Int32, actualLength: Int) {
        urb.pointee.status = status
        urb.pointee.actual_length = Int32(actualLength)
    }
}
