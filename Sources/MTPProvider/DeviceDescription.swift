internal import PTPWire

/// Who a device says it is, from its DeviceInfo read over this module's own libusb handle outside any session:
/// one transaction, no libmtp opening. Enough to list the device by serial at plug-in while the opening (about
/// thirty transactions in libmtp, most of them one per file format) follows; the opening then takes the same
/// DeviceInfo instead of reading it again.
public struct DeviceDescription: Sendable {
    /// The serial number, empty when the device reports none (as libmtp gives it).
    public let serialNumber: String
    /// The manufacturer's name.
    public let manufacturer: String
    /// The model name.
    public let model: String
    /// The dataset itself, for the opening that follows.
    let info: DeviceInfo

    /// The identity in `info`, spelt as libmtp's getters give the same fields after opening, so the serial a
    /// device is listed under never changes when it opens.
    init(_ info: DeviceInfo) {
        self.info = info
        serialNumber = DeviceValues.text(Array(info.serialNumber.utf8))
        manufacturer = DeviceValues.text(Array(info.manufacturer.utf8))
        model = DeviceValues.text(Array(info.model.utf8))
    }

    /// A description of these fields alone (a test's device).
    package init(serialNumber: String, manufacturer: String, model: String) {
        var info = DeviceInfo()
        (info.serialNumber, info.manufacturer, info.model) = (serialNumber, manufacturer, model)
        self.init(info)
    }
}

extension AttachedDevice {
    /// The device's description, or nil when its DeviceInfo cannot be read now (another program holds the
    /// interface, or the device does not answer outside a session): then only opening it tells who it is.
    public func describe() -> DeviceDescription? { readDeviceInfo().map(DeviceDescription.init) }
}
