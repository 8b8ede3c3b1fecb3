/// The kind of a USB PTP container (PIMA 15740 USB still image class, section 7.1).
public enum ContainerType: UInt16, Sendable, Codable, CaseIterable {
    /// Host to device: an operation and its parameters.
    case command = 1
    /// Either direction: the data phase of a transaction.
    case data = 2
    /// Device to host: the outcome of a transaction.
    case response = 3
    /// Device to host on the interrupt endpoint: something happened.
    case event = 4
}
