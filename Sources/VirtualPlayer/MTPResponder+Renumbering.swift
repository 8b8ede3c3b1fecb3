/// Handles that change at every OpenSession, as on devices that number their objects afresh each session
/// (QEMU's usb-mtp, uMTP-Responder, many players).
extension MTPResponder {
    /// Gives every object of every storage a new handle; names, folders, sizes and contents stay.
    ///
    /// The objects, in a fixed order (storage, then path), take the handles 1…n+1 less one, rotated by one more
    /// place each time, and the rotation is advanced further until no object keeps its handle (among n+1
    /// rotations one always qualifies, since each object rules out at most one). So a handle from the last session
    /// now names another object or none, which is what a host holding on to handles across sessions meets on such
    /// devices; objects created later in the session draw n+2 onwards.
    func renumberObjects() {
        precondition(pendingObject == nil && editors.isEmpty, "renumbering with an object in flight")
        var order: [UInt32] = []
        for store in stores {
            var paths: [UInt32: String] = [:]
            func path(_ handle: UInt32) -> String {
                if let known = paths[handle] { return known }
                guard let object = store.object(handle) else { return "" }
                let full = (object.parent == 0 ? "" : path(object.parent) + "/") + object.name
                paths[handle] = full
                return full
            }
            order += store.allHandles().sorted { path($0) < path($1) }
        }
        let slots = order.count + 1
        var shift = renumberings + 1
        for _ in 0..<slots {
            let keepsOne = order.indices.contains { UInt32(1 + (($0 + shift) % slots)) == order[$0] }
            if !keepsOne { break }
            shift += 1
        }
        renumberings = shift
        var newHandles: [UInt32: UInt32] = [:]
        newHandles.reserveCapacity(order.count)
        for (index, handle) in order.enumerated() { newHandles[handle] = UInt32(1 + ((index + shift) % slots)) }
        for store in stores { store.renumber(newHandles) }
        handles.restart(at: UInt32(slots + 1))
        // Albums and playlists keep their members under the new numbers.
        var renumbered: [UInt32: [UInt32]] = [:]
        for (album, members) in references {
            guard let newAlbum = newHandles[album] else { continue }
            renumbered[newAlbum] = members.compactMap { newHandles[$0] }
        }
        references = renumbered
        // Events queued before the session name handles that no longer mean the same objects.
        events.removeAll()
    }
}
