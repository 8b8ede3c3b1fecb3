internal import PTPWire

/// What bulk IN brings back for one GetDeviceInfo, put together into its data and response containers however
/// the device splits them into reads (the data's header alone, the data's end with the response, a zero-length
/// packet after whole packets). Pure, so it is tested byte by byte.
struct DeviceInfoReply {
    /// A DeviceInfo dataset is a few hundred bytes; a container declaring more than this is not one.
    static let largestContainer: UInt32 = 1 << 20

    private let transactionID: UInt32
    private var pending: [UInt8] = []
    private var dataset: [UInt8]?

    /// Expects the containers of transaction `transactionID`.
    init(transactionID: UInt32) { self.transactionID = transactionID }

    /// Takes one read's bytes; returns the dataset once the response said OK, nil while more is to come.
    mutating func receive(_ bytes: some Collection<UInt8>) throws(USBFailure) -> DeviceInfo? {
        pending.append(contentsOf: bytes)
        while pending.count >= ContainerHeader.size {
            guard case .success(let header) = ContainerParser().parseHeader(pending), header.length <= Self.largestContainer
            else { throw USBFailure(step: "not a container") }
            let length = Int(header.length)
            guard pending.count >= length else { return nil }
            guard header.transactionID == transactionID else { throw USBFailure(step: "another transaction's container") }
            let body = Array(pending[ContainerHeader.size..<length])
            pending.removeFirst(length)
            switch header.type {
            case .data where header.code == OperationCode.getDeviceInfo.rawValue && dataset == nil:
                dataset = body
            case .response where header.code == ResponseCode.ok.rawValue:
                guard let dataset, let info = try? DeviceInfo(bytes: dataset) else {
                    throw USBFailure(step: "no DeviceInfo dataset before OK")
                }
                return info
            case .response:
                throw USBFailure(step: "answered \(ResponseCode(header.code))")
            default:
                throw USBFailure(step: "unexpected \(header.type) container")
            }
        }
        return nil
    }
}
