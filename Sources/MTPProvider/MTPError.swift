/// A failure of the service provider (libmtp or libusb), with the C function that reported it.
public struct MTPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is, for mapping to client-visible errors.
    public enum Kind: Sendable, Equatable {
        /// No MTP device is attached.
        case noDevice
        /// The device could not be opened or has gone away.
        case connectionFailed
        /// Anything else libmtp or libusb reported.
        case general
    }

    /// The kind of failure.
    public var kind: Kind
    /// The C function that failed, e.g. `LIBMTP_Read_Event`.
    public var function: String
    /// libmtp's error-stack text or libusb's error name.
    public var message: String

    /// A message that names the failing call.
    public var description: String { "\(function): \(message)" }

    /// Creates an error.
    public init(kind: Kind, function: String, message: String) {
        self.kind = kind
        self.function = function
        self.message = message
    }
}
