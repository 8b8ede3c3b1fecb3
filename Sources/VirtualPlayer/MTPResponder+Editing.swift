import PTPWire

/// Android's in-place editing: BeginEditObject opens an object, SendPartialObject writes a range of it,
/// TruncateObject sets its size, EndEditObject closes it. Writes land as they arrive, as on a phone.
extension MTPResponder {
    /// BeginEditObject.
    func beginEditObject(_ handle: UInt32) -> Reply {
        guard let (index, object) = locate(handle), !object.isFolder else { return .response(.invalidObjectHandle) }
        if editors[handle] != nil { return .response(.ok) }
        do throws(StoreError) {
            editors[handle] = try stores[index].openEditor(handle)
            return .response(.ok)
        } catch {
            return .response(error.responseCode)
        }
    }

    /// EndEditObject.
    func endEditObject(_ handle: UInt32) -> Reply {
        guard let editor = editors.removeValue(forKey: handle) else { return .response(.generalError) }
        _ = editor.close()
        return .response(.ok)
    }

    /// TruncateObject.
    func truncateObject(_ handle: UInt32, size: UInt64) -> Reply {
        guard let editor = editors[handle] else { return .response(locate(handle) == nil ? .invalidObjectHandle : .generalError) }
        do throws(StoreError) {
            try editor.truncate(to: size)
            return .response(.ok)
        } catch {
            return .response(error.responseCode)
        }
    }

    /// SendPartialObject's command: its data goes straight into the object.
    func beginSendPartialObject(_ handle: UInt32, offset: UInt64, size: UInt32) -> Reply {
        guard let editor = editors[handle] else {
            return .receive(.discard, .header, failure: locate(handle) == nil ? .invalidObjectHandle : .generalError)
        }
        return .receive(.edit(editor, offset: offset), .header)
    }

    /// SendPartialObject after its data phase.
    func finishSendPartialObject(_ incoming: IncomingData) -> Reply {
        // The response names how many bytes were written.
        .response(.ok, [UInt32(truncatingIfNeeded: incoming.received)])
    }

    /// Ends every edit (reset, client gone); what was written stays.
    func closeEditors() {
        for editor in editors.values { _ = editor.close() }
        editors.removeAll()
    }
}
