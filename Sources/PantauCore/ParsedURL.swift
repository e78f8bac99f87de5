import Foundation

/// A URL taken apart the way reports need it: strict about what it accepts,
/// lenient about spelling (missing scheme, upper case, default ports).
struct ParsedURL: Sendable, Equatable {
    var scheme: String          // "http" or "https"
    var host: String            // lower-case ASCII (punycode)
    var port: Int?              // nil when default for the scheme
    var pathSegments: [String]  // decoded where safe, dot segments resolved
    var query: [(name: String, value: String?)]

    static func == (lhs: ParsedURL, rhs: ParsedURL) -> Bool {
        lhs.scheme == rhs.scheme && lhs.host == rhs.host && lhs.port == rhs.port
            && lhs.pathSegments == rhs.pathSegments
            && lhs.query.map { "\($0.name)=\($0.value ?? "")" } == rhs.query.map { "\($0.name)=\($0.value ?? "")" }
    }

    func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Host and port as written in a normalised URL.
    var authority: String { port.map { "\(host):\($0)" } ?? host }

    var pathString: String {
        pathSegments.isEmpty ? "/" : "/" + pathSegments.joined(separator: "/")
    }

    var queryString: String {
        query.map { item in
            item.value.map { "\(item.name)=\($0)" } ?? item.name
        }.joined(separator: "&")
    }

    /// The lower-case host of a URL as a post or page gives it, or nil when
    /// it does not parse (a link to a watched domain is matched by its host).
    static func host(of url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= 2048,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              let parsed = try? parse(trimmed) else { return nil }
        return parsed.host.hasSuffix(".") ? String(parsed.host.dropLast()) : parsed.host
    }

    /// Parses `input` (already trimmed and free of control characters).
    /// Input without a scheme is read as https.
    static func parse(_ input: String) throws(SubjectError) -> ParsedURL {
        var rest = Substring(input)
        var scheme = "https"
        if let colon = rest.firstIndex(of: ":"), let schemePart = Optional(rest[..<colon]),
           !schemePart.isEmpty, schemePart.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
           schemePart.first!.isLetter {
            let lowered = schemePart.lowercased()
            let afterColon = rest[rest.index(after: colon)...]
            if afterColon.hasPrefix("//") {
                guard lowered == "http" || lowered == "https" else {
                    throw SubjectError(.unsupportedScheme, "Only http and https addresses can be reported (got \(lowered):).")
                }
                scheme = lowered
                rest = afterColon.dropFirst(2)
            } else if ["javascript", "data", "vbscript", "file", "mailto", "tel", "about", "blob", "ftp", "ws", "wss", "chrome"].contains(lowered) {
                throw SubjectError(.unsupportedScheme, "Only http and https addresses can be reported (got \(lowered):).")
            }
            // Otherwise "host:port/path" without a scheme: fall through.
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        }

        // Split off the fragment, then the query, then the path.
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var queryPart: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            queryPart = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var authorityPart = rest
        var pathPart: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authorityPart = rest[..<slash]
            pathPart = rest[slash...]
        }
        if let at = authorityPart.lastIndex(of: "@") {
            // user-info is never part of what a page is; drop it.
            authorityPart = authorityPart[authorityPart.index(after: at)...]
        }
        var hostPart = authorityPart
        var port: Int?
        if hostPart.hasPrefix("[") {
            throw SubjectError(.invalidHost, "IPv6 literal addresses are not supported; report the domain name instead.")
        }
        if let colon = hostPart.lastIndex(of: ":") {
            let portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
            if !portText.isEmpty {
                guard portText.count <= 5, let value = Int(portText), (1...65535).contains(value) else {
                    throw SubjectError(.invalidHost, "The port '\(portText)' is not a valid port number.")
                }
                port = value
            }
        }
        let decodedHost = percentDecode(String(hostPart)) ?? String(hostPart)
        guard !decodedHost.isEmpty else { throw SubjectError(.notAURL, "The address has no host name.") }
        guard let host = IDNA.toASCII(decodedHost) else {
            throw SubjectError(.invalidHost, "'\(decodedHost)' is not a valid host name.")
        }
        let isIPv4 = isIPv4Address(host)
        guard isIPv4 || host.containsASCII(".") else {
            throw SubjectError(.invalidHost, "'\(host)' is not a public domain name (it has no dot).")
        }
        if !isIPv4, let tld = host.split(separator: ".").last, tld.allSatisfy(\.isNumber) {
            throw SubjectError(.invalidHost, "'\(host)' is not a valid host name.")
        }
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { port = nil }

        return ParsedURL(
            scheme: scheme, host: host, port: port,
            pathSegments: normalisePath(String(pathPart)),
            query: parseQuery(String(queryPart))
        )
    }

    static func isIPv4Address(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) && Int(p)! <= 255
        }
    }

    /// Resolves dot segments, drops empty segments and a trailing slash, and
    /// normalises percent-encoding (unreserved characters decoded, hex upper case).
    static func normalisePath(_ path: String) -> [String] {
        var output: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            let segment = normalisePercentEncoding(String(raw))
            switch segment {
            case ".": continue
            case "..": if !output.isEmpty { output.removeLast() }
            default: output.append(segment)
            }
        }
        return output
    }

    static func parseQuery(_ query: String) -> [(name: String, value: String?)] {
        query.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            if let eq = pair.firstIndex(of: "=") {
                let name = normalisePercentEncoding(String(pair[..<eq]))
                return name.isEmpty ? nil : (name, normalisePercentEncoding(String(pair[pair.index(after: eq)...])))
            }
            return (normalisePercentEncoding(String(pair)), nil)
        }
    }

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let allowedRaw: Set<UInt8> = unreserved.union(Array("!$&'()*+,;=:@/%".utf8))

    /// Decodes %XX for unreserved characters, upper-cases the rest, and
    /// percent-encodes bytes that may not appear raw (spaces, non-ASCII).
    static func normalisePercentEncoding(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                let value = hi << 4 | lo
                if unreserved.contains(value) {
                    out.append(value)
                } else {
                    out.append(contentsOf: Array(String(format: "%%%02X", value).utf8))
                }
                i += 3
                continue
            }
            if allowedRaw.contains(b) && b != UInt8(ascii: "%") {
                out.append(b)
            } else {
                out.append(contentsOf: Array(String(format: "%%%02X", b).utf8))
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func percentDecode(_ text: String) -> String? {
        guard text.containsASCII("%") else { return text }
        return text.removingPercentEncoding
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}
