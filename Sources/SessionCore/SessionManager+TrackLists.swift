import SessionModel

// Playlists and albums: each call takes its turn in the device's queue like any other operation.
extension SessionManager {
    /// Creates a playlist or album, or sets the tracks (and an album's words and art) of the one of that name
    /// already in its folder.
    public func setTrackList(
        _ caller: Caller, device: String, kind: TrackListKind, request: TrackListRequest, storage: UInt32?,
        session: String?, timeout: Double? = nil, waiting: WaitingSink? = nil
    ) async throws(ServiceError) -> TrackListSummary {
        try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
            d, s throws(ServiceError) in
            try await d.setTrackList(kind, request, storage: storage, session: s)
        }
    }

    /// Reads back a playlist or album: its object, words and tracks' paths.
    public func trackList(
        _ caller: Caller, device: String, kind: TrackListKind, path: String, storage: UInt32?, session: String?,
        timeout: Double? = nil, waiting: WaitingSink? = nil
    ) async throws(ServiceError) -> TrackListSummary {
        let path = try Self.path(path)
        return try await run(caller, device: device, session: session, timeout: timeout, waiting: waiting) {
            d, s throws(ServiceError) in
            try await d.trackList(kind, at: path, storage: storage, session: s)
        }
    }
}
