import PTPWire

/// DeviceInfo, storages and device properties.
extension MTPResponder {
    /// The DeviceInfo dataset this device sends.
    public var deviceInfo: DeviceInfo {
        var info = DeviceInfo()
        info.standardVersion = 100
        // 6 is Microsoft's vendor extension id: what makes libmtp treat a PTP device as MTP.
        info.vendorExtensionID = 6
        info.vendorExtensionVersion = 100
        info.vendorExtensionDesc = profile.extensionDescription
        info.operationsSupported = profile.operations.map(\.rawValue)
        info.eventsSupported = profile.events.map(\.rawValue)
        info.devicePropertiesSupported = profile.deviceProperties.map(\.rawValue)
        info.captureFormats = []
        info.playbackFormats = profile.playbackFormats.map(\.rawValue)
        info.manufacturer = configuration.manufacturer
        info.model = configuration.model
        info.deviceVersion = configuration.deviceVersion
        info.serialNumber = configuration.serialNumber
        return info
    }

    /// The GetStorageIDs array.
    func storageIDsDataset() -> [UInt8] {
        var writer = WireWriter()
        writer.writeArray(stores.map(\.storageID))
        return writer.bytes
    }

    /// The index in `stores` of storage `id`.
    func storeIndex(_ id: UInt32) -> Int? { stores.firstIndex { $0.storageID == id } }

    /// GetStorageInfo; free space reads 0 while the StoreFull fault is on.
    func storageInfo(_ id: UInt32) -> Reply {
        guard let index = storeIndex(id) else { return .response(.invalidStorageID) }
        var info = stores[index].storageInfo
        if faults.storeFull { info.freeSpaceInBytes = 0 }
        return .data(info.bytes)
    }

    /// The description of a device property this personality supports.
    func devicePropertyDescription(_ code: DevicePropertyCode) -> DevicePropertyDescription? {
        guard profile.deviceProperties.contains(code) else { return nil }
        switch code {
        case .batteryLevel:
            // libmtp reads the range's maximum as the full-battery level.
            return DevicePropertyDescription(
                code: code, writable: false, factoryDefault: .uint8(100),
                current: .uint8(min(configuration.batteryLevel, 100)),
                form: .range(minimum: .uint8(0), maximum: .uint8(100), step: .uint8(1)))
        case .deviceFriendlyName:
            return DevicePropertyDescription(
                code: code, writable: true, factoryDefault: .string(configuration.friendlyName),
                current: .string(friendlyName))
        case .synchronizationPartner:
            return DevicePropertyDescription(
                code: code, writable: true, factoryDefault: .string(""),
                current: .string(synchronizationPartner))
        case .perceivedDeviceType:
            return DevicePropertyDescription(
                code: code, writable: false, factoryDefault: .uint32(profile.perceivedDeviceType),
                current: .uint32(profile.perceivedDeviceType))
        default:
            return nil
        }
    }

    /// GetDevicePropDesc.
    func devicePropDesc(_ code: DevicePropertyCode) -> Reply {
        guard let description = devicePropertyDescription(code) else { return .response(.devicePropNotSupported) }
        return .data(description.bytes)
    }

    /// GetDevicePropValue.
    func devicePropValue(_ code: DevicePropertyCode) -> Reply {
        guard let description = devicePropertyDescription(code) else { return .response(.devicePropNotSupported) }
        var writer = WireWriter()
        description.current.write(to: &writer)
        return .data(writer.bytes)
    }

    /// SetDevicePropValue, after its data phase.
    func setDevicePropValue(_ command: Container, data: [UInt8]) -> Reply {
        let code = DevicePropertyCode(UInt16(truncatingIfNeeded: command.parameters.first ?? 0))
        guard let description = devicePropertyDescription(code) else { return .response(.devicePropNotSupported) }
        guard description.writable else { return .response(.accessDenied) }
        var reader = WireReader(data)
        guard let value = try? PropertyValue.read(description.current.dataType, from: &reader), reader.isAtEnd,
            let string = value.stringValue
        else {
            return .response(.invalidDevicePropFormat)
        }
        switch code {
        case .deviceFriendlyName: friendlyName = string
        case .synchronizationPartner: synchronizationPartner = string
        default: return .response(.accessDenied)
        }
        return .response(.ok)
    }
}
