/// How the emulated device introduces itself on the bus: ids and the strings behind its descriptors.
public struct USBIdentity: Sendable, Equatable {
    /// USB vendor id (idVendor).
    public var vendorID: UInt16
    /// USB product id (idProduct).
    public var productID: UInt16
    /// Device release number (bcdDevice).
    public var deviceRelease: UInt16 = 0x0100
    /// iManufacturer string.
    public var manufacturer: String
    /// iProduct string.
    public var product: String
    /// iSerialNumber string; also the device's identity for clients.
    public var serial: String

    /// Creates an identity.
    public init(vendorID: UInt16, productID: UInt16, manufacturer: String, product: String, serial: String) {
        self.vendorID = vendorID
        self.productID = productID
        self.manufacturer = manufacturer
        self.product = product
        self.serial = serial
    }
}
