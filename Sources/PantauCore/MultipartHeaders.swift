/// The two header values a multipart/form-data reader needs from text (the
/// body itself is parsed by multipart-kit as it streams in).
public enum MultipartHeaders {
    /// The boundary of a `multipart/form-data; boundary=…` content type
    /// (1–70 characters, RFC 2046).
    public static func boundary(fromContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }

    /// A parameter of a `Content-Disposition` value (`name`, `filename`),
    /// quoted or not.
    public static func parameter(_ key: String, in value: String) -> String? {
        for item in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard item.lowercased().hasPrefix("\(key)=") else { continue }
            var found = String(item.dropFirst(key.count + 1))
            if found.hasPrefix("\""), found.hasSuffix("\""), found.count >= 2 { found = String(found.dropFirst().dropLast()) }
            return found
        }
        return nil
    }
}
