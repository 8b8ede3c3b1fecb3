import ManagerContract
import SessionCore
import Varlink

// The handlers of SetPlaylist, GetPlaylist, SetAlbum and GetAlbum.
extension ManagerService {
    /// SetPlaylist: a playlist created, or the one of that name given these tracks.
    func setPlaylist(_ p: Manager.SetPlaylist.Parameters, _ r: Request) async throws -> Manager.TrackListReply {
        let request = TrackListRequest(name: p.name, tracks: p.tracks, folder: p.folder)
        return try await set(.playlist, request, device: p.device, p.storage, p.session, p.timeoutSeconds, r)
    }

    /// GetPlaylist: a playlist and its tracks' paths.
    func getPlaylist(_ p: Manager.GetPlaylist.Parameters, _ r: Request) async throws -> Manager.TrackListReply {
        Manager.TrackListReply(key: "playlist", list: try await read(.playlist, p.place, r).contract)
    }

    /// SetAlbum: an album created, or the one of that name given these words and tracks; art sent from the
    /// call's descriptor.
    func setAlbum(_ p: Manager.SetAlbum.Parameters, _ r: Request) async throws -> Manager.TrackListReply {
        var art: (fd: Int32, fdIndex: Int, size: UInt64)?
        if let index = p.art, let size = p.artSize { art = (try Self.descriptor(index, r.call), index, UInt64(size)) }
        let request = TrackListRequest(
            name: p.name, tracks: p.tracks, folder: p.folder, artist: p.artist, genre: p.genre, art: art)
        return try await set(.album, request, device: p.device, p.storage, p.session, p.timeoutSeconds, r)
    }

    /// GetAlbum: an album, its words and its tracks' paths.
    func getAlbum(_ p: Manager.GetAlbum.Parameters, _ r: Request) async throws -> Manager.TrackListReply {
        Manager.TrackListReply(key: "album", list: try await read(.album, p.place, r).contract)
    }

    private func set(
        _ kind: TrackListKind, _ request: TrackListRequest, device: String, _ storage: Int?, _ session: String?,
        _ timeout: Double?, _ r: Request
    ) async throws -> Manager.TrackListReply {
        let list = try await streaming(r) { (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.setTrackList(
                r.caller, device: device, kind: kind, request: request, storage: storage.map(UInt32.init),
                session: session, timeout: timeout, waiting: Self.waiting(send))
        }
        return Manager.TrackListReply(key: kind.rawValue, list: list.contract, created: list.created)
    }

    private func read(_ kind: TrackListKind, _ at: Manager.Place, _ r: Request) async throws -> TrackListSummary {
        try await streaming(r) { (send: @escaping @Sendable (Manager.WaitingUpdate) -> Void) throws(ServiceError) in
            try await manager.trackList(
                r.caller, device: at.device, kind: kind, path: at.path, storage: at.storage.map(UInt32.init),
                session: at.session, timeout: at.timeoutSeconds, waiting: Self.waiting(send))
        }
    }
}
