/// A USB setup packet, decoded from the first eight bytes of a control URB.
struct ControlRequest: Equatable {
    var requestType: UInt8
    var request: UInt8
    var value: UInt16
    var index: UInt16
    var length: UInt16

    init(requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: UInt16) {
        self.requestType = requestType
        self.request = request
        self.value = value
        self.index = index
        self.length = length
    }

    init?(_ b: UnsafeRawBufferPointer) {
        guard b.count >= 8 else { return nil }
        requestType = b[0]
        request = b[1]
        value = UInt16(b[2]) | UInt16(b[3]) << 8
        index = UInt16(b[4]) | UInt16(b[5]) << 8
        length = UInt16(b[6]) | UInt16(b[7]) << 8
    }

    var isDeviceToHost: Bool { requestType & 0x80 != 0 }
}

/// What the device answers to a control request: data for the host (IN), nothing (OUT accepted), or a stall.
enum ControlReply: Equatable {
    case data([UInt8])
    case stall
}

/// Answers the control requests an MTP host sends: standard descriptors and status, the Microsoft OS
/// descriptors libmtp probes unknown devices with, and the three PTP class requests.
struct ControlResponder {
    let descriptors: USBDescriptors

    func reply(to r: ControlRequest, payload: UnsafeRawBufferPointer, function: PTPFunction) -> ControlReply {
        switch (r.requestType, r.request) {
        case (0x80, 0x06):  // GET_DESCRIPTOR
            let index = UInt8(r.value & 0xFF)
            let bytes: [UInt8]?
            switch r.value >> 8 {
            case 1: bytes = descriptors.deviceDescriptor
            case 2: bytes = index == 0 ? descriptors.configurationDescriptor : nil
            case 3: bytes = descriptors.stringDescriptor(index: index)
            default: bytes = nil
            }
            return bytes.map { .data(Array($0.prefix(Int(r.length)))) } ?? .stall
        case (0x80, 0x00), (0x81, 0x00), (0x82, 0x00):  // GET_STATUS: not halted, bus powered.
            return .data(Array([0, 0].prefix(Int(r.length))))
        case (0x80, 0x08):  // GET_CONFIGURATION
            return .data([1])
        case (0x00, 0x09), (0x01, 0x0B), (0x02, 0x01), (0x00, 0x01), (0x01, 0x01):
            return .data([])  // SET_CONFIGURATION, SET_INTERFACE, CLEAR_FEATURE: accepted.
        case (0xC0, USBDescriptors.microsoftVendorCode), (0xC1, USBDescriptors.microsoftVendorCode):
            return descriptors.microsoftFeatureDescriptor(index: r.index)
                .map { .data(Array($0.prefix(Int(r.length)))) } ?? .stall
        case (0x21, 0x64):  // PTP Cancel Request: 0x4001 then the transaction id.
            guard payload.count >= 6 else { return .stall }
            let id = UInt32(payload[2]) | UInt32(payload[3]) << 8 | UInt32(payload[4]) << 16 | UInt32(payload[5]) << 24
            function.cancelTransaction(id)
            return .data([])
        case (0x21, 0x66):  // PTP Device Reset Request
            function.reset()
            return .data([])
        case (0xA1, 0x67):  // PTP Get Device Status
            return .data(Array(function.deviceStatus().prefix(Int(r.length))))
        default:
            return .stall
        }
    }
}
