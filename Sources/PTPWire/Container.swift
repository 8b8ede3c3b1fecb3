/// The 12-byte header every USB PTP container starts with.
public struct ContainerHeader: Equatable, Sendable {
    /// The header's size on the wire.
    public static let size = 12
    /// Total container length in bytes, header included (may exceed what one USB transfer carries).
    public var length: UInt32
    /// The kind of container.
    public var type: ContainerType
    /// Operation, response or event code, by type.
    public var code: UInt16
    /// The transaction this container belongs to.
    public var transactionID: UInt32

    /// Creates a header.
    public init(length: UInt32, type: ContainerType, code: UInt16, transactionID: UInt32) {
        self.length = length
        self.type = type
        self.code = code
        self.transactionID = transactionID
    }

    /// The 12 header bytes.
    public var bytes: [UInt8] {
        var writer = WireWriter(capacity: Self.size)
        writer.write(length)
        writer.write(type.rawValue)
        writer.write(code)
        writer.write(transactionID)
        return writer.bytes
    }
}

/// One whole USB PTP container: header, up to five parameters (command, response, event) or a payload (data).
public struct Container: Equatable, Sendable {
    /// Commands, responses and events carry at most this many UInt32 parameters.
    public static let maximumParameterCount = 5

    /// The kind of container.
    public var type: ContainerType
    /// Operation, response or event code, by type.
    public var code: UInt16
    /// The transaction this container belongs to.
    public var transactionID: UInt32
    /// Parameters of a command, response or event; empty for data.
    public var parameters: [UInt32]
    /// The payload of a data container; empty for the others.
    public var payload: [UInt8]

    /// A command, response or event container.
    public init(type: ContainerType, code: UInt16, transactionID: UInt32, parameters: [UInt32] = []) {
        precondition(parameters.count <= Self.maximumParameterCount, "PTP containers carry at most 5 parameters")
        self.type = type
        self.code = code
        self.transactionID = transactionID
        self.parameters = parameters
        self.payload = []
    }

    /// A data container.
    public init(dataFor code: UInt16, transactionID: UInt32, payload: [UInt8]) {
        type = .data
        self.code = code
        self.transactionID = transactionID
        parameters = []
        self.payload = payload
    }

    /// A command container for `operation`.
    public static func command(_ operation: OperationCode, transactionID: UInt32, _ parameters: [UInt32] = []) -> Container {
        Container(type: .command, code: operation.rawValue, transactionID: transactionID, parameters: parameters)
    }

    /// A response container carrying `response`.
    public static func response(_ response: ResponseCode, transactionID: UInt32, _ parameters: [UInt32] = []) -> Container {
        Container(type: .response, code: response.rawValue, transactionID: transactionID, parameters: parameters)
    }

    /// An event container for `event`.
    public static func event(_ event: EventCode, transactionID: UInt32, _ parameters: [UInt32] = []) -> Container {
        Container(type: .event, code: event.rawValue, transactionID: transactionID, parameters: parameters)
    }

    /// The header this container is sent with.
    public var header: ContainerHeader {
        let body = type == .data ? payload.count : parameters.count * 4
        return ContainerHeader(
            length: UInt32(truncatingIfNeeded: ContainerHeader.size + body), type: type,
            code: code, transactionID: transactionID)
    }

    /// The container as sent on the wire.
    public var bytes: [UInt8] {
        var writer = WireWriter(capacity: ContainerHeader.size + max(payload.count, parameters.count * 4))
        writer.write(contentsOf: header.bytes)
        for parameter in parameters { writer.write(parameter) }
        writer.write(contentsOf: payload)
        return writer.bytes
    }
}
