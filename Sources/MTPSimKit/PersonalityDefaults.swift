/// The ids and strings a personality presents unless the command line overrides them.
public struct PersonalityDefaults: Sendable {
    /// idVendor.
    public var vendorID: UInt16
    /// idProduct.
    public var productID: UInt16
    /// Manufacturer.
    public var manufacturer: String
    /// Model.
    public var model: String
    /// Serial number.
    public var serial: String
    /// Friendly name.
    public var friendlyName: String

    /// The defaults of `personality`.
    public init(_ personality: Personality) {
        switch personality {
        case .android:
            // A Google Pixel/Nexus in MTP mode: in libmtp's device list with the Android quirk flags, as most
            // phones users plug in are.
            self.init(vendorID: 0x18D1, productID: 0x4EE1, manufacturer: "Google", model: "Pixel (mtpsim)",
                      serial: "MTPSIM0001", friendlyName: "Virtual Phone")
        case .classic:
            // An id libmtp does not list, so it probes the device (MTP interface string, Microsoft OS descriptor)
            // and treats it as a generic MTP player without quirks. 0x1209 is pid.codes' open vendor id.
            self.init(vendorID: 0x1209, productID: 0x4D54, manufacturer: "mtpsessiond", model: "Classic Player (mtpsim)",
                      serial: "MTPSIM0002", friendlyName: "Virtual Player")
        }
    }

    init(vendorID: UInt16, productID: UInt16, manufacturer: String, model: String, serial: String, friendlyName: String) {
        self.vendorID = vendorID
        self.productID = productID
        self.manufacturer = manufacturer
        self.model = model
        self.serial = serial
        self.friendlyName = friendlyName
    }
}
