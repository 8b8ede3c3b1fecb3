internal import CUMockdev

/// One URB a client submitted, kept until the client reaps it.
///
/// Its struct and buffer are reached one of two ways. Directly: read and written in the client's memory at once
/// (`ClientMemory`), so there is nothing left to write back. Through umockdev: our reference to umockdev's
/// local copy of the client's `struct usbdevfs_urb`, whose changes (and those to resolved buffers) are written
/// back to the client when an ioctl they are attached to completes.
final class URBRecord {
    /// The URB's address in the client process: what REAPURB hands back.
    let clientAddress: UInt
    let type: UInt8
    let endpoint: UInt8
    let bufferLength: Int
    private let bufferAddress: UInt
    private let access: Access
    /// Completed inside its own SUBMITURB ioctl, so its contents were written back then and the reap must
    /// only hand back the address (attaching it again would write the whole buffer a second time).
    var writtenBackAtSubmit = false
    /// Monotonic time (ns) from which the reap may report it, per the link model.
    var readyAt: UInt64 = 0

    private enum Access {
        case direct(ClientMemory)
        case umockdev(UnsafeMutablePointer<UMockdevIoctlData>)
    }

    /// A URB resolved through umockdev; the reference `umockdev_ioctl_data_resolve` returned is ours, released in deinit.
    init(resolved data: UnsafeMutablePointer<UMockdevIoctlData>) {
        access = .umockdev(data)
        clientAddress = UInt(data.pointee.client_addr)
        let urb = UnsafeRawPointer(data.pointee.data!).assumingMemoryBound(to: usbdevfs_urb.self).pointee
        (type, endpoint, bufferLength) = (urb.type, urb.endpoint, Int(urb.buffer_length))
        bufferAddress = UInt(bitPattern: urb.buffer)  // Still the client's pointer: nothing resolved yet.
    }

    /// A URB read straight from the client's memory; nil if it cannot be read.
    init?(at address: UInt, in memory: ClientMemory) {
        var urb = usbdevfs_urb()
        guard withUnsafeMutableBytes(of: &urb, { memory.read(address, into: $0) }) else { return nil }
        access = .direct(memory)
        clientAddress = address
        (type, endpoint, bufferLength) = (urb.type, urb.endpoint, Int(urb.buffer_length))
        bufferAddress = UInt(bitPattern: urb.buffer)
    }

    deinit { if case .umockdev(let data) = access { g_object_unref(UnsafeMutableRawPointer(data)) } }

    /// umockdev's copy of the struct, to attach at reap when it still has to be written back; nil when direct.
    var umockdevCopy: UnsafeMutablePointer<UMockdevIoctlData>? {
        if case .umockdev(let data) = access { return data } else { return nil }
    }

    /// Whether the reap must attach `umockdevCopy` so that umockdev writes the struct and buffer back.
    var needsWriteBackAtReap: Bool { umockdevCopy != nil && !writtenBackAtSubmit }

    /// Copies the first `buffer.count` bytes of the client's buffer into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard buffer.count > 0 else { return true }
        guard buffer.count <= bufferLength else { return false }
        switch access {
        case .direct(let memory):
            return memory.read(bufferAddress, into: buffer)
        case .umockdev(let data):
            guard let local = resolve(data, count: buffer.count) else { return false }
            buffer.copyMemory(from: UnsafeRawBufferPointer(local))
            return true
        }
    }

    /// Copies `bytes` into the client's buffer at `offset`. Through umockdev, only the bytes up to the end of
    /// these are resolved: resolving is a copy of client memory, and what is resolved is written back.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> Bool {
        guard bytes.count > 0 else { return true }
        guard offset + bytes.count <= bufferLength else { return false }
        switch access {
        case .direct(let memory):
            return memory.write(bytes, to: bufferAddress + UInt(offset))
        case .umockdev(let data):
            guard let local = resolve(data, count: offset + bytes.count) else { return false }
            UnsafeMutableRawBufferPointer(rebasing: local[offset..<(offset + bytes.count)]).copyMemory(from: bytes)
            return true
        }
    }

    /// Marks the URB finished with `status` (0 or a negative errno) and `actualLength` bytes.
    func finish(status: Int32, actualLength: Int) {
        switch access {
        case .direct(let memory):
            // If the client is gone there is nobody left to reap it; nothing else to do.
            _ = memory.write(
                status, to: clientAddress + UInt(mtpsim_urb_status_offset()),
                Int32(actualLength), to: clientAddress + UInt(mtpsim_urb_actual_length_offset()))
        case .umockdev(let data):
            let urb = UnsafeMutableRawPointer(data.pointee.data!).assumingMemoryBound(to: usbdevfs_urb.self)
            urb.pointee.status = status
            urb.pointee.actual_length = Int32(actualLength)
        }
    }

    /// umockdev's local copy of the first `count` bytes of the buffer (the first resolve fixes its length).
    private func resolve(_ data: UnsafeMutablePointer<UMockdevIoctlData>, count: Int) -> UnsafeMutableRawBufferPointer? {
        var error: UnsafeMutablePointer<GError>? = nil
        guard let child = umockdev_ioctl_data_resolve(data, mtpsim_urb_buffer_offset(), gsize(count), &error) else {
            if error != nil { g_error_free(error) }
            return nil
        }
        // The parent keeps the child alive (it is in its children list); drop the extra reference resolve gave us.
        let base = child.pointee.data, length = Int(child.pointee.data_len)
        g_object_unref(UnsafeMutableRawPointer(child))
        guard length >= count else { return nil }
        return UnsafeMutableRawBufferPointer(start: base, count: count)
    }
}
