import PTPWire

/// What a personality advertises in DeviceInfo and therefore answers: operations, events, properties, formats.
struct PersonalityProfile {
    /// DeviceInfo's VendorExtensionDesc.
    let extensionDescription: String
    /// Operations implemented; the rest answer OperationNotSupported.
    let operations: [OperationCode]
    /// Events the device may send.
    var events: [EventCode]
    /// Device properties offered.
    let deviceProperties: [DevicePropertyCode]
    /// Formats offered; libmtp derives its file types from these.
    let playbackFormats: [ObjectFormatCode]
    /// PerceivedDeviceType (0xD407): 2 media player, 3 mobile handset.
    let perceivedDeviceType: UInt32

    private static let baseOperations: [OperationCode] = [
        .getDeviceInfo, .openSession, .closeSession, .getStorageIDs, .getStorageInfo, .getNumObjects,
        .getObjectHandles, .getObjectInfo, .getObject, .deleteObject, .sendObjectInfo, .sendObject,
        .getDevicePropDesc, .getDevicePropValue, .setDevicePropValue, .moveObject, .copyObject, .getPartialObject,
        // Single-property access: enough for libmtp to read and write track metadata one property at a time.
        .getObjectPropsSupported, .getObjectPropDesc, .getObjectPropValue, .setObjectPropValue,
        // Albums and playlists: mtp-sendtr files every track into an album and fails when it cannot.
        .getObjectReferences, .setObjectReferences,
    ]

    /// What the responders of issue 12 lack between them (QEMU's usb-mtp has no MoveObject, CopyObject or
    /// SetObjectPropValue; others have no GetObjectPropDesc): libmtp then refuses to move or copy, and renaming
    /// fails. GetObjectPropsSupported stays, so libmtp's tools report each format's properties as not inspectable.
    private static let minimalLacks: Set<OperationCode> = [.moveObject, .copyObject, .getObjectPropDesc, .setObjectPropValue]

    private static let formats: [ObjectFormatCode] = [
        .undefined, .association, .text, .html, .wav, .mp3, .aac, .flac, .ogg, .wma, .mp4, .avi, .exifJPEG, .png,
        .gif, .bmp, .m3uPlaylist, .abstractAudioAlbum, .abstractAudioVideoPlaylist,
    ]

    private static let events: [EventCode] = [
        .objectAdded, .objectRemoved, .storeAdded, .storeRemoved, .devicePropChanged, .objectInfoChanged,
        .deviceInfoChanged, .storeFull, .storageInfoChanged, .objectPropChanged,
    ]

    /// The profile of `personality`.
    static func of(_ personality: PlayerPersonality) -> PersonalityProfile {
        switch personality {
        case .android:
            PersonalityProfile(
                // libmtp finds "android.com" here and applies DEVICE_FLAGS_ANDROID_BUGS, whatever the USB ids.
                extensionDescription: "microsoft.com: 1.0; android.com: 1.0;",
                operations: baseOperations + [
                    .getObjectPropList, .setObjectPropList, .sendObjectPropList,
                    .getPartialObject64, .sendPartialObject, .truncateObject, .beginEditObject, .endEditObject,
                ],
                events: events,
                deviceProperties: [.batteryLevel, .synchronizationPartner, .deviceFriendlyName, .perceivedDeviceType],
                playbackFormats: formats, perceivedDeviceType: 3)
        case .classic:
            PersonalityProfile(
                extensionDescription: "microsoft.com: 1.0;",
                operations: baseOperations,
                events: events,
                deviceProperties: [.batteryLevel, .synchronizationPartner, .deviceFriendlyName, .perceivedDeviceType],
                playbackFormats: formats, perceivedDeviceType: 2)
        case .minimal:
            PersonalityProfile(
                extensionDescription: "microsoft.com: 1.0;",
                operations: baseOperations.filter { !minimalLacks.contains($0) },
                events: [],
                deviceProperties: [.batteryLevel, .synchronizationPartner, .deviceFriendlyName, .perceivedDeviceType],
                playbackFormats: formats, perceivedDeviceType: 2)
        }
    }

    /// Operations whose data phase runs from host to device: their data must be received (and perhaps dropped)
    /// before any response, or host and device fall out of step.
    static let hostToDeviceData: Set<OperationCode> = [
        .sendObjectInfo, .sendObject, .setDevicePropValue, .setObjectPropValue, .setObjectPropList,
        .sendObjectPropList, .setObjectReferences, .sendPartialObject,
    ]
}
