import PTPWire

/// Why a storage refused an operation; each case maps to one PTP response code.
public enum StoreError: Error, Equatable, Sendable {
    /// No object has that handle on this storage.
    case invalidHandle
    /// The parent is not a folder on this storage.
    case invalidParent
    /// Not enough free space.
    case full
    /// The property cannot be set on this object (or at all).
    case propertyNotSupported
    /// The value is not acceptable for the property (wrong type, bad file name).
    case invalidValue
    /// The host filesystem failed; `errno` and the operation that failed.
    case io(errno: Int32, operation: String)

    /// The response code the host is told.
    public var responseCode: ResponseCode {
        switch self {
        case .invalidHandle: .invalidObjectHandle
        case .invalidParent: .invalidParentObject
        case .full: .storeFull
        case .propertyNotSupported: .objectPropNotSupported
        case .invalidValue: .invalidObjectPropValue
        case .io: .generalError
        }
    }
}
