/// The objects of one storage indexed by handle, by parent and by name within a parent, so that every lookup
/// the responder makes is a dictionary access rather than a scan.
struct ObjectTable {
    private(set) var objects: [UInt32: StoredObject] = [:]
    /// Children by parent handle (0 is the root).
    private var children: [UInt32: [String: UInt32]] = [:]

    /// Number of objects.
    var count: Int { objects.count }

    /// The object with `handle`.
    subscript(handle: UInt32) -> StoredObject? { objects[handle] }

    /// Handles of the direct children of `parent`, in creation (handle) order.
    func childHandles(of parent: UInt32) -> [UInt32] {
        guard let names = children[parent] else { return [] }
        return names.values.sorted()
    }

    /// The child of `parent` called `name`.
    func child(named name: String, of parent: UInt32) -> UInt32? { children[parent]?[name] }

    /// All handles, in creation order.
    var allHandles: [UInt32] { objects.keys.sorted() }

    /// Whether `parent` can hold children: the root or a folder.
    func isContainer(_ parent: UInt32) -> Bool {
        parent == 0 || objects[parent]?.isFolder == true
    }

    /// Adds an object under its parent.
    mutating func insert(_ object: StoredObject) {
        precondition(objects[object.handle] == nil, "handle \(object.handle) inserted twice")
        objects[object.handle] = object
        children[object.parent, default: [:]][object.name] = object.handle
    }

    /// Replaces an object's record, keeping the parent and name indexes right.
    mutating func update(_ object: StoredObject) {
        guard let old = objects[object.handle] else { preconditionFailure("update of unknown handle") }
        if old.parent != object.parent || old.name != object.name {
            children[old.parent]?[old.name] = nil
            children[object.parent, default: [:]][object.name] = object.handle
        }
        objects[object.handle] = object
    }

    /// Removes `handle` and everything below it; returns the removed handles, deepest first.
    @discardableResult
    mutating func remove(_ handle: UInt32) -> [UInt32] {
        guard let object = objects[handle] else { return [] }
        var removed: [UInt32] = []
        for child in childHandles(of: handle) { removed += remove(child) }
        children[handle] = nil
        children[object.parent]?[object.name] = nil
        objects[handle] = nil
        removed.append(handle)
        return removed
    }

    /// Gives every object the handle `newHandles` maps its handle to, parents included; every handle in the
    /// table must be mapped, to distinct handles.
    mutating func renumber(_ newHandles: [UInt32: UInt32]) {
        var renumbered = ObjectTable()
        for object in objects.values {
            guard let handle = newHandles[object.handle], let parent = object.parent == 0 ? 0 : newHandles[object.parent] else {
                preconditionFailure("handle \(object.handle) left out of a renumbering")
            }
            renumbered.insert(object.renumbered(handle: handle, parent: parent))
        }
        self = renumbered
    }

    /// `handle` and everything below it, parents before children.
    func subtree(_ handle: UInt32) -> [UInt32] {
        var result = [handle]
        var index = 0
        while index < result.count {
            result += childHandles(of: result[index])
            index += 1
        }
        return result
    }

    /// Whether `candidate` is `ancestor` or lies below it.
    func isWithin(_ candidate: UInt32, _ ancestor: UInt32) -> Bool {
        var current = candidate
        while current != 0 {
            if current == ancestor { return true }
            guard let parent = objects[current]?.parent else { return false }
            current = parent
        }
        return false
    }

    /// A name not yet used under `parent`: `name` itself, else `stem (2).ext`, `stem (3).ext`…
    func unusedName(_ name: String, under parent: UInt32, isTaken: (String) -> Bool = { _ in false }) -> String {
        if child(named: name, of: parent) == nil, !isTaken(name) { return name }
        let (stem, ext) = splitExtension(name)
        var n = 2
        while true {
            let candidate = "\(stem) (\(n))\(ext)"
            if child(named: candidate, of: parent) == nil, !isTaken(candidate) { return candidate }
            n += 1
        }
    }

    private func splitExtension(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }
}
