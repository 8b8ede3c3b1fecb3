/// A failure of the service provider (libmtp or libusb), with the C function that reported it.
public struct MTPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is, for mapping to client-visible errors.
    public enum Kind: Sendable, Equatable {
        /// No MTP device is attached.
        case noDevice
        /// The device could not be opened or has gone away (unplugged, USB I/O failed or timed out).
        case connectionFailed
        /// A progress callback asked libmtp to stop.
        case cancelled
        /// The device's storage is full.
        case storeFull
        /// The object, folder or storage named does not exist (InvalidObjectHandle, InvalidStorageID,
        /// InvalidParentObject, or libmtp found no such object).
        case notFound
        /// The device lacks the operation.
        case notSupported
        /// Anything else libmtp or libusb reported.
        case general
    }

    /// The kind of failure.
    public var kind: Kind
    /// The C function that failed, e.g. `LIBMTP_Read_Event`.
    public var function: String
    /// libmtp's error-stack text or libusb's error name.
    public var message: String
    /// The PTP response code the device answered with, when libmtp reported one.
    public var responseCode: UInt16?
    /// The errno behind the failure, when there is one.
    public var errno: Int32?

    /// A message that names the failing call.
    public var description: String { "\(function): \(message)" }

    /// Creates an error.
    public init(kind: Kind, function: String, message: String, responseCode: UInt16? = nil, errno: Int32? = nil) {
        self.kind = kind
        self.function = function
        self.message = message
        self.responseCode = responseCode
        self.errno = errno
    }
}
