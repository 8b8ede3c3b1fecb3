/// A PTP/MTP response code: the `code` of a response container, the outcome of one transaction.
/// It is also an `Error`, so that a failing step can throw the code the host will be told.
public struct ResponseCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, Error {
    /// The 16-bit code as it appears on the wire.
    public let rawValue: UInt16
    /// Wraps a wire code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Wraps a wire code.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The lowest response code, reserved by the standard and never sent: codes below it are not responses.
    public static let undefined = ResponseCode(0x2000)
    /// The operation succeeded.
    public static let ok = ResponseCode(0x2001)
    /// The operation failed for a reason no other code names.
    public static let generalError = ResponseCode(0x2002)
    /// The operation needs an open session.
    public static let sessionNotOpen = ResponseCode(0x2003)
    /// The transaction id is not the expected one.
    public static let invalidTransactionID = ResponseCode(0x2004)
    /// The responder does not implement the operation.
    public static let operationNotSupported = ResponseCode(0x2005)
    /// A parameter's value is not supported.
    public static let parameterNotSupported = ResponseCode(0x2006)
    /// The data phase did not carry the data the operation needed.
    public static let incompleteTransfer = ResponseCode(0x2007)
    /// No storage has that id.
    public static let invalidStorageID = ResponseCode(0x2008)
    /// No object has that handle.
    public static let invalidObjectHandle = ResponseCode(0x2009)
    /// The device property is not supported.
    public static let devicePropNotSupported = ResponseCode(0x200A)
    /// The object format code is not valid here.
    public static let invalidObjectFormatCode = ResponseCode(0x200B)
    /// The storage has no room for the object.
    public static let storeFull = ResponseCode(0x200C)
    /// The object is write-protected.
    public static let objectWriteProtected = ResponseCode(0x200D)
    /// The storage is read-only.
    public static let storeReadOnly = ResponseCode(0x200E)
    /// Access denied.
    public static let accessDenied = ResponseCode(0x200F)
    /// The object has no thumbnail.
    public static let noThumbnailPresent = ResponseCode(0x2010)
    /// Some objects could not be deleted.
    public static let partialDeletion = ResponseCode(0x2012)
    /// The storage is not available.
    public static let storeNotAvailable = ResponseCode(0x2013)
    /// Filtering by format is not supported.
    public static let specificationByFormatUnsupported = ResponseCode(0x2014)
    /// SendObject came without a valid SendObjectInfo before it.
    public static let noValidObjectInfo = ResponseCode(0x2015)
    /// The device is busy; try again.
    public static let deviceBusy = ResponseCode(0x2019)
    /// The parent handle is not a folder of that storage.
    public static let invalidParentObject = ResponseCode(0x201A)
    /// The device property's data type is wrong.
    public static let invalidDevicePropFormat = ResponseCode(0x201B)
    /// The device property's value is not allowed.
    public static let invalidDevicePropValue = ResponseCode(0x201C)
    /// A parameter is invalid.
    public static let invalidParameter = ResponseCode(0x201D)
    /// OpenSession while a session is open.
    public static let sessionAlreadyOpen = ResponseCode(0x201E)
    /// The transaction was cancelled.
    public static let transactionCancelled = ResponseCode(0x201F)
    /// The destination given is not supported.
    public static let specificationOfDestinationUnsupported = ResponseCode(0x2020)
    /// MTP: the object property code is not valid.
    public static let invalidObjectPropCode = ResponseCode(0xA801)
    /// MTP: the object property's data type is wrong.
    public static let invalidObjectPropFormat = ResponseCode(0xA802)
    /// MTP: the object property's value is not allowed.
    public static let invalidObjectPropValue = ResponseCode(0xA803)
    /// MTP: an object reference is invalid.
    public static let invalidObjectReference = ResponseCode(0xA804)
    /// MTP: the dataset is malformed.
    public static let invalidDataset = ResponseCode(0xA806)
    /// MTP: filtering by property group is not supported.
    public static let specificationByGroupUnsupported = ResponseCode(0xA807)
    /// MTP: this depth is not supported.
    public static let specificationByDepthUnsupported = ResponseCode(0xA808)
    /// MTP: the object is too large for the storage's filesystem.
    public static let objectTooLarge = ResponseCode(0xA809)
    /// MTP: the object property is not supported for this object.
    public static let objectPropNotSupported = ResponseCode(0xA80A)

    /// Every code this module names, with its name.
    public static let names: [ResponseCode: String] = [
        .undefined: "Undefined", .ok: "OK", .generalError: "GeneralError", .sessionNotOpen: "SessionNotOpen",
        .invalidTransactionID: "InvalidTransactionID", .operationNotSupported: "OperationNotSupported",
        .parameterNotSupported: "ParameterNotSupported", .incompleteTransfer: "IncompleteTransfer",
        .invalidStorageID: "InvalidStorageID", .invalidObjectHandle: "InvalidObjectHandle",
        .devicePropNotSupported: "DevicePropNotSupported", .invalidObjectFormatCode: "InvalidObjectFormatCode",
        .storeFull: "StoreFull", .objectWriteProtected: "ObjectWriteProtected", .storeReadOnly: "StoreReadOnly",
        .accessDenied: "AccessDenied", .noThumbnailPresent: "NoThumbnailPresent", .partialDeletion: "PartialDeletion",
        .storeNotAvailable: "StoreNotAvailable", .specificationByFormatUnsupported: "SpecificationByFormatUnsupported",
        .noValidObjectInfo: "NoValidObjectInfo", .deviceBusy: "DeviceBusy", .invalidParentObject: "InvalidParentObject",
        .invalidDevicePropFormat: "InvalidDevicePropFormat", .invalidDevicePropValue: "InvalidDevicePropValue",
        .invalidParameter: "InvalidParameter", .sessionAlreadyOpen: "SessionAlreadyOpen",
        .transactionCancelled: "TransactionCancelled",
        .specificationOfDestinationUnsupported: "SpecificationOfDestinationUnsupported",
        .invalidObjectPropCode: "InvalidObjectPropCode", .invalidObjectPropFormat: "InvalidObjectPropFormat",
        .invalidObjectPropValue: "InvalidObjectPropValue", .invalidObjectReference: "InvalidObjectReference",
        .invalidDataset: "InvalidDataset", .specificationByGroupUnsupported: "SpecificationByGroupUnsupported",
        .specificationByDepthUnsupported: "SpecificationByDepthUnsupported", .objectTooLarge: "ObjectTooLarge",
        .objectPropNotSupported: "ObjectPropNotSupported",
    ]

    /// The spec's name, or the hex code when unnamed.
    public var name: String { Self.names[self] ?? hex16(rawValue) }
    /// `name (0x2001)`.
    public var description: String { "\(name) (\(hex16(rawValue)))" }
}
