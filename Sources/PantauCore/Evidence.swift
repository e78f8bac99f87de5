/// Evidence files are checked by their content, not by the name or the type
/// the sender claims.
public enum EvidenceType {
    public static let allowed = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"]

    /// The media type the bytes really are, or nil when not an allowed type.
    public static func sniff(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(12))
        func starts(_ prefix: [UInt8]) -> Bool { head.count >= prefix.count && Array(head.prefix(prefix.count)) == prefix }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), head.count >= 12, Array(head[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        return nil
    }

    /// The format's name as people know it (PNG, JPEG, GIF, WebP, PDF).
    public static func title(_ mediaType: String) -> String {
        switch mediaType {
        case "image/png": "PNG"
        case "image/jpeg": "JPEG"
        case "image/gif": "GIF"
        case "image/webp": "WebP"
        case "application/pdf": "PDF"
        default: mediaType
        }
    }
}
