import ManagerContract
import SessionCore
import Varlink

extension DeviceSummary {
    /// As the interface's `Device` shows it to clients.
    package var contract: Manager.Device {
        Manager.Device(
            serial: serial, vendorId: Int(vendorID), productId: Int(productID), bus: Int(bus), address: Int(address),
            manufacturer: manufacturer, model: model, friendlyName: friendlyName, battery: battery,
            storages: storages.map(\.contract), open: isOpen, sessions: sessions, queued: queued, playlists: playlists,
            albums: albums, albumArt: albumArt)
    }
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue { .object(contract.fields) }
}

extension StorageSummary {
    /// As the interface's `Storage` shows it to clients.
    package var contract: Manager.Storage {
        Manager.Storage(
            id: Int(id), description: description, capacity: capacity.map { Int(clamping: $0) },
            free: free.map { Int(clamping: $0) })
    }
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue { .object(contract.fields) }
}

extension EntrySummary {
    /// As the interface's `Entry` shows it to clients.
    package var contract: Manager.Entry {
        Manager.Entry(
            id: Int(id), storage: Int(storage), parent: Int(parent), name: name, path: path, folder: isFolder,
            size: Int(clamping: size), modified: modified.map { Int($0) }, format: format)
    }
    /// As the interface's JSON shows it to clients.
    package var json: JSONValue { .object(contract.fields) }
}

extension TrackListSummary {
    /// As the interface's `TrackList` shows it to clients.
    package var contract: Manager.TrackList {
        Manager.TrackList(entry: entry.contract, name: name, artist: artist, genre: genre, tracks: tracks, artBytes: artBytes)
    }
}

extension TransferProgress {
    /// As the interface's `Progress` shows it to clients.
    package var contract: Manager.Progress {
        let phase: Manager.Progress.Phase =
            switch self.phase {
            case .begin: .begin
            case .progress: .progress
            case .end: .end
            }
        return Manager.Progress(transfer: transfer, phase: phase, done: Int(clamping: done), total: Int(clamping: total))
    }
}

extension DeviceEvent {
    /// As the interface's `Event` shows it to clients.
    package var contract: Manager.Event {
        let kind: Manager.Event.Kind =
            switch self.kind {
            case .deviceAdded: .deviceAdded
            case .deviceRemoved: .deviceRemoved
            case .storageChanged: .storageChanged
            case .objectAdded: .objectAdded
            case .objectRemoved: .objectRemoved
            }
        return Manager.Event(kind: kind, device: device, storage: storage.map { Int($0) }, object: object.map { Int($0) })
    }
}

extension Relocation.Method {
    /// As the interface's `method` string names it.
    package var contract: Manager.Relocation {
        switch self {
        case .none: .none
        case .moveObject: .moveObject
        case .copyObject: .copyObject
        case .objectName: .objectName
        case .throughHost: .throughHost
        }
    }
}
