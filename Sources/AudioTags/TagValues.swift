/// How tag text becomes the numbers and types `TrackTags` holds; pure, so it is tested without files.
enum TagValues {
    /// The number a tag's text starts with, after any spaces: 3 of "3/12", 2019 of "2019-05-01"; nil when the text
    /// starts with no digit or the number is 0 (what formats write for "none") or absurdly long.
    static func leadingNumber(_ text: String?) -> Int? {
        guard let text else { return nil }
        let digits = text.drop(while: { $0 == " " }).prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 9, let number = Int(digits), number > 0 else { return nil }
        return number
    }

    /// A tag's text with nil for empty, as `TrackTags` wants absent fields.
    static func text(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// The MIME type a tag gives, or, when it gives none, the one the image's first bytes show.
    static func mimeType(given: String, bytes: [UInt8]) -> String {
        if !given.isEmpty { return given }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if bytes.starts(with: Array("BM".utf8)) { return "image/bmp" }
        return "application/octet-stream"
    }
}
