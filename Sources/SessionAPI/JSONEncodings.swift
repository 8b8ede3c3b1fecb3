import SessionCore
import Varlink

extension DeviceSummary {
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue {
        .object([
            "serial": .string(serial), "vendorId": .int(Int64(vendorID)), "productId": .int(Int64(productID)),
            "bus": .int(Int64(bus)), "address": .int(Int64(address)), "manufacturer": .string(manufacturer),
            "model": .string(model), "friendlyName": friendlyName.map(JSONValue.string) ?? .null,
            "battery": battery.map { .int(Int64($0)) } ?? .null, "storages": .array(storages.map(\.json)),
            "open": .bool(isOpen), "session": session.map(JSONValue.string) ?? .null,
        ])
    }
}

extension StorageSummary {
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue {
        .object(["id": .int(Int64(id)), "description": .string(description),
                 "capacity": capacity.map { .int(Int64(clamping: $0)) } ?? .null,
                 "free": free.map { .int(Int64(clamping: $0)) } ?? .null])
    }
}

extension EntrySummary {
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue {
        .object([
            "id": .int(Int64(id)), "storage": .int(Int64(storage)), "parent": .int(Int64(parent)), "name": .string(name),
            "path": .string(path), "folder": .bool(isFolder), "size": .int(Int64(clamping: size)),
            "modified": modified.map(JSONValue.int) ?? .null,
        ])
    }
}

extension TransferProgress {
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue {
        .object(["transfer": .string(transfer), "phase": .string(phase.rawValue),
                 "done": .int(Int64(clamping: done)), "total": .int(Int64(clamping: total))])
    }
}

extension DeviceEvent {
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue {
        .object(["kind": .string(kind.rawValue), "device": .string(device),
                 "storage": storage.map { .int(Int64($0)) } ?? .null, "object": object.map { .int(Int64($0)) } ?? .null])
    }
}
