/// How far one device-to-host container has gone out, and whether the zero-length packet that ends it is due.
///
/// Pure: the responder asks it what the next bulk-IN transfer carries and copies those bytes.
struct BulkInCursor: Equatable {
    /// What the next bulk-IN transfer should carry.
    enum Step: Equatable {
        /// Bytes `range` of the container.
        case bytes(Range<UInt64>)
        /// A zero-length packet: the container filled its last packet exactly.
        case zeroLengthPacket
        /// Nothing: the container is complete.
        case finished
    }

    /// The container's length on the wire, header included (beyond 4 GiB for big objects).
    let total: UInt64
    /// Max packet size of the bulk-IN endpoint.
    let packetSize: UInt64
    /// Bytes sent so far.
    private(set) var sent: UInt64 = 0
    private var zeroLengthPacketSent = false

    /// A container of `total` bytes on an endpoint of `packetSize`.
    init(total: UInt64, packetSize: Int) {
        precondition(packetSize > 0, "packet size must be positive")
        self.total = total
        self.packetSize = UInt64(packetSize)
    }

    /// Whether some but not all of the container has gone out.
    var isInProgress: Bool { sent > 0 && !isFinished }

    /// Whether everything, the zero-length packet included, has gone out.
    var isFinished: Bool { next(capacity: 1) == .finished }

    /// The next transfer for a buffer of `capacity` bytes; does not advance.
    func next(capacity: Int) -> Step {
        if sent < total {
            return .bytes(sent..<(sent + min(UInt64(max(capacity, 0)), total - sent)))
        }
        // A transfer that ends on a packet boundary is ended by a zero-length packet; without it the host
        // would keep reading into the next container.
        if total % packetSize == 0 && !zeroLengthPacketSent { return .zeroLengthPacket }
        return .finished
    }

    /// Records that `step` went out.
    mutating func advance(_ step: Step) {
        switch step {
        case .bytes(let range): sent = range.upperBound
        case .zeroLengthPacket: zeroLengthPacketSent = true
        case .finished: break
        }
    }
}
