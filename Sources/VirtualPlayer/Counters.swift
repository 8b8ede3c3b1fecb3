import PTPWire

/// What the responder has done, for `mtpsim --stats` and tests.
///
/// As JSON: `{"transactions": 12, "operations": {"0x1001": {"name": "GetDeviceInfo", "count": 1}, …},
/// "responses": {"0x2001": {"name": "OK", "count": 11}, …}, "objectBytesReceived": …, "objectBytesSent": …,
/// "dataBytesReceived": …, "dataBytesSent": …, "eventsSent": …}`. Object bytes count object contents of
/// SendObject, GetObject and the partial reads and writes; data bytes count every data container, headers included.
public struct Counters: Codable, Equatable, Sendable {
    /// How often one code occurred.
    public struct Tally: Codable, Equatable, Sendable {
        /// The code's name in the spec.
        public var name: String
        /// How many times.
        public var count: Int
    }

    /// Command containers received that began a transaction.
    public var transactions: Int = 0
    /// Operations by code (`"0x1001"`).
    public var operations: [String: Tally] = [:]
    /// Responses sent, by code (`"0x2001"`).
    public var responses: [String: Tally] = [:]
    /// Object content bytes received from the host.
    public var objectBytesReceived: UInt64 = 0
    /// Object content bytes sent to the host.
    public var objectBytesSent: UInt64 = 0
    /// Data container bytes received, headers included.
    public var dataBytesReceived: UInt64 = 0
    /// Data container bytes sent, headers included.
    public var dataBytesSent: UInt64 = 0
    /// Event containers delivered on the interrupt endpoint.
    public var eventsSent: Int = 0

    /// All zero.
    public init() {}

    /// How many times `operation` was requested.
    public func count(of operation: OperationCode) -> Int { operations[operation.hex]?.count ?? 0 }

    /// How many times `response` was sent.
    public func count(of response: ResponseCode) -> Int {
        responses[hex16(response.rawValue)]?.count ?? 0
    }

    /// Counts a command that began a transaction.
    mutating func record(_ operation: OperationCode) {
        transactions += 1
        operations[operation.hex, default: Tally(name: operation.name, count: 0)].count += 1
    }

    /// Counts a response as it starts going out.
    mutating func record(_ response: ResponseCode) {
        responses[hex16(response.rawValue), default: Tally(name: response.name, count: 0)].count += 1
    }
}

/// Four upper-case hex digits with a `0x` prefix, as the counters' keys are written.
func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
