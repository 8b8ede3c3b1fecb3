import MTPProvider
import SessionAPI
import SessionCore
import SessionModel
import Varlink

/// Feeds arbitrary bytes to what the daemon does with values a device hands libmtp: names, storage
/// descriptions and identity strings as C strings, modification times, sizes and battery levels. The first
/// byte says where the rest splits into a name and a second string; numbers come from the bytes after it.
/// Every value must end as JSON the Varlink parser reads back unchanged, and no name may become a path
/// component unchanged unless it is one a client could have written.
func fuzzDeviceData(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let split = bytes.first else { return }
    let rest = UnsafeBufferPointer(rebasing: bytes[1...])
    let cut = rest.count == 0 ? 0 : Int(split) % (rest.count + 1)
    let first = UnsafeBufferPointer(rebasing: rest[..<cut]), second = UnsafeBufferPointer(rebasing: rest[cut...])
    let number = Numbers(rest)

    let name = checkText(first)
    // The same bytes as a Swift string that kept its NULs, as no C string can: the path rules must hold anyway.
    let rawName = String(decoding: first, as: UTF8.self)
    // Without a NUL the two are decoded from the same bytes, and checking both would only repeat the first.
    let names = first.contains(0) ? [name, rawName] : [name]
    for folder in folders {
        for n in names { checkPath(deviceName: n, in: folder) }
    }
    let modified = DeviceValues.modificationTime(number.int(0))
    precondition(modified == (number.int(0) > 0 ? Int64(number.int(0)) : nil), "a modification time changed")
    for n in names {
        let entry = EntrySummary(
            id: number.u32(8), storage: number.u32(12), parent: number.u32(4), name: n,
            path: ObjectPath.root.childPath(deviceName: n), isFolder: split & 1 == 1,
            size: number.u64(0), modified: modified)
        let json = roundTrip(entry.json)
        precondition(json.objectValue?["name"]?.stringValue == n, "a name did not survive JSON")
        precondition(json.objectValue?["size"]?.intValue.map { $0 >= 0 } == true, "a size became negative")
    }

    let description = checkText(second)
    let figures = StorageFigures(reportedCapacity: number.u64(0), reportedFree: number.u64(8))
    let storage = StorageSummary(id: number.u32(0), description: description, capacity: figures.capacity, free: figures.free)
    let storageJSON = roundTrip(storage.json)
    precondition(
        storageJSON.objectValue?["description"]?.stringValue == description, "a storage description did not survive JSON")
    if let free = storageJSON.objectValue?["free"]?.intValue, let capacity = storageJSON.objectValue?["capacity"]?.intValue {
        precondition(free >= 0 && free <= capacity, "a device's impossible free space reached a client")
    }

    let battery = DeviceValues.batteryPercent(current: number.byte(0), maximum: number.byte(1))
    precondition((battery == nil) == (number.byte(1) == 0), "battery known without a range, or unknown with one")
    if let battery { precondition((0...100).contains(battery), "battery at \(battery) %") }
    let device = DeviceSummary(
        serial: description, vendorID: UInt16(truncatingIfNeeded: number.u32(0)),
        productID: UInt16(truncatingIfNeeded: number.u32(2)), bus: number.u32(4), address: number.u32(8),
        manufacturer: name, model: description, friendlyName: name.isEmpty ? nil : name,
        battery: battery, storages: [storage], isOpen: true, sessions: [rawName], queued: Int(number.byte(2)))
    precondition(
        roundTrip(device.json).objectValue?["sessions"]?.arrayValue?.first?.stringValue == rawName,
        "a session name did not survive JSON")
}

/// The folders a listed name is joined to: the root, and one below it. Parsed once, not per input.
private let folders = [ObjectPath.root, try! ObjectPath("/Music/Album")]

/// Device bytes as the provider reads them: the same string `String(cString:)` makes of them.
private func checkText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let text = DeviceValues.text(bytes)
    let cString = (Array(bytes) + [0]).withUnsafeBufferPointer {
        $0.withMemoryRebound(to: CChar.self) { String(cString: $0.baseAddress!) }
    }
    precondition(text == cString && Array(text.utf8) == Array(cString.utf8), "device text differs from String(cString:)")
    return text
}

/// A device name in a listed path is a safe component: one path component, never "", "." or "..", and the
/// name itself whenever a client could have written that name.
private func checkPath(deviceName: String, in folder: ObjectPath) {
    let component = ObjectName.pathComponent(forDeviceName: deviceName)
    precondition(!component.isEmpty && component != "." && component != "..", "unsafe component \(component)")
    precondition(!component.utf8.contains(0) && !component.utf8.contains(UInt8(ascii: "/")), "unsafe component \(component)")
    if (try? ObjectName(deviceName)) != nil { precondition(component == deviceName, "a valid name was changed") }
    let path = folder.childPath(deviceName: deviceName)
    do {
        let parsed = try ObjectPath(path)
        precondition(
            parsed.components.map(\.text) == folder.components.map(\.text) + [component], "listed path reads back as another")
    } catch {
        // Only a name longer than any a client may write makes the listed path unreadable.
        guard case .invalidName = error, component.utf8.count > ObjectName.maxBytes else {
            preconditionFailure("listed path \(path) refused: \(error)")
        }
    }
}

/// `value` as a client receives it, parsed back: it must be what was sent.
private func roundTrip(_ value: JSONValue) -> JSONValue {
    guard let parsed = try? JSONValue.parse(value.serialized()) else { preconditionFailure("device data became invalid JSON") }
    precondition(parsed == value, "device data changed on its way through JSON")
    return parsed
}

/// Little-endian numbers read from fuzz input, zero past its end.
private struct Numbers {
    let bytes: [UInt8]
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = Array(bytes.prefix(16)) }
    func byte(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(byte(at + $1)) << (8 * UInt64($1)) } }
    func u32(_ at: Int) -> UInt32 { UInt32(truncatingIfNeeded: u64(at)) }
    func int(_ at: Int) -> Int { Int(truncatingIfNeeded: u64(at)) }
}
