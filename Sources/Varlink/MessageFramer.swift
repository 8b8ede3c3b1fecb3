/// Cuts a connection's byte stream into NUL-terminated varlink messages. Pure, so the framing the server
/// uses is the framing the fuzzer and the tests drive.
///
/// Linear in the bytes received however they are split: each byte is searched for a NUL once, and framed
/// messages are dropped from the front in bulk, so a client trickling a large message byte by byte, or
/// packing thousands of small ones into one read, costs no more than one that sends them whole.
package struct MessageFramer: Sendable {
    /// The longest message accepted, without its NUL.
    package let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    /// Where the bytes not yet framed begin in `buffer`.
    private var start = 0
    /// How many bytes from `start` are known to hold no NUL.
    private var searched = 0

    /// A framer refusing messages longer than `maxMessageBytes`.
    package init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    /// Bytes received but not yet framed.
    package var pending: ArraySlice<UInt8> { buffer[start...] }

    /// Adds bytes as they arrived.
    package mutating func append(_ bytes: some Collection<UInt8>) {
        // Framed bytes go once they are at least half the buffer, so dropping them costs O(1) per byte.
        if start > 0 && start >= buffer.count - start {
            buffer.removeSubrange(..<start)
            start = 0
        }
        buffer += bytes
    }

    /// The next complete message without its NUL, or nil when none is complete within the cap.
    /// A complete message over the cap is not returned: it stays pending and trips `isOverCap`.
    package mutating func next() -> [UInt8]? {
        guard let nul = buffer[(start + searched)...].firstIndex(of: 0) else {
            searched = buffer.count - start
            return nil
        }
        guard nul - start <= maxMessageBytes else {
            searched = nul - start
            return nil
        }
        let message = Array(buffer[start..<nul])
        start = nul + 1
        searched = 0
        return message
    }

    /// Whether what is pending already exceeds the cap, so the connection must be refused and closed.
    package var isOverCap: Bool { buffer.count - start > maxMessageBytes }
}
