/// What a line of a blocklist names, once cleaned: a DNS name (exact, or
/// with all its subdomains) or an IP address or prefix (for the IP list).
public enum BlockTarget: Hashable, Sendable {
    /// A lower-case ASCII (punycode) name without a trailing dot;
    /// `subdomains` when the input was `*.name` (the name and everything below).
    case domain(String, subdomains: Bool)
    /// An IPv4 or IPv6 address, or a prefix (`203.0.113.0/24`), in canonical text.
    case ip(String)
}

/// Why a name cannot enter the list. Raw values appear in import summaries.
public enum BlockNameProblem: String, Error, CaseIterable, Sendable {
    case empty
    case invalidCharacter = "invalid_character"
    case emptyLabel = "empty_label"
    case labelTooLong = "label_too_long"
    case nameTooLong = "name_too_long"
    case hyphenAtLabelEdge = "hyphen_at_label_edge"
    case singleLabel = "single_label"
    case numericTopLevel = "numeric_top_level"
    case invalidIDN = "invalid_idn"
    case invalidIP = "invalid_ip"

    public var message: (id: String, en: String) {
        switch self {
        case .empty: ("Kosong.", "Empty.")
        case .invalidCharacter: ("Hanya huruf, angka, tanda hubung (dan garis bawah) yang boleh.", "Only letters, digits and hyphens (and underscores) are allowed.")
        case .emptyLabel: ("Ada label kosong (dua titik berurutan).", "An empty label (two dots in a row).")
        case .labelTooLong: ("Label lebih dari 63 oktet.", "A label is longer than 63 octets.")
        case .nameTooLong: ("Nama terlalu panjang bersama nama zona RPZ (maks. 253).", "The name is too long together with the RPZ zone name (at most 253).")
        case .hyphenAtLabelEdge: ("Label diawali atau diakhiri tanda hubung.", "A label starts or ends with a hyphen.")
        case .singleLabel: ("Hanya satu label (domain tingkat atas atau nama host).", "A single label (a top-level domain or a host name).")
        case .numericTopLevel: ("Domain tingkat atas berupa angka: bukan nama domain.", "A numeric top-level domain: not a domain name.")
        case .invalidIDN: ("Nama domain internasional tidak sah (UTS #46).", "Not a valid international domain name (UTS #46).")
        case .invalidIP: ("Alamat IP atau prefiks tidak sah.", "Not a valid IP address or prefix.")
        }
    }
}

/// Validates and normalises every name that enters the blocklist (UI, API,
/// import) — the rules of RPZ-NOTES: scheme, user, path, port and trailing
/// dot stripped; lower case; international names as punycode A-labels;
/// letters, digits and hyphens only (underscore tolerated); labels of at most
/// 63 octets; at most 253 octets **including the RPZ zone name** the export
/// appends (and `*.` for subdomain blocks); IP literals go to the IP list.
public struct BlockNameNormalizer: Sendable {
    /// The RPZ zone name without its trailing dot (e.g. `rpz.pantau`).
    public let zoneName: String
    private let budget: Int

    public init(zoneName: String) {
        let zone = zoneName.hasSuffix(".") ? String(zoneName.dropLast()) : zoneName
        self.zoneName = zone
        // owner + "." + zone ≤ 253 presentation octets (255 on the wire).
        budget = 253 - zone.utf8.count - 1
    }

    public func normalize(_ raw: some StringProtocol) -> Result<BlockTarget, BlockNameProblem> {
        var bytes = Array(raw.utf8)
        trimWhitespace(&bytes)
        guard !bytes.isEmpty else { return .failure(.empty) }
        stripURLParts(&bytes)
        guard !bytes.isEmpty else { return .failure(.empty) }
        if let ip = IPLiteral.parse(bytes) {
            guard let text = ip else { return .failure(.invalidIP) }
            return .success(.ip(text))
        }
        var subdomains = false
        if bytes.count >= 2 && bytes[0] == UInt8(ascii: "*") && bytes[1] == UInt8(ascii: ".") {
            subdomains = true
            bytes.removeFirst(2)
        }
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty else { return .failure(.empty) }
        if bytes.contains(where: { $0 >= 0x80 }) {
            guard let ascii = IDNA.toASCII(String(decoding: bytes, as: UTF8.self)) else { return .failure(.invalidIDN) }
            bytes = Array(ascii.utf8)
        }
        if let problem = checkASCII(&bytes, wildcard: subdomains) { return .failure(problem) }
        return .success(.domain(String(decoding: bytes, as: UTF8.self), subdomains: subdomains))
    }

    /// Lower-cases in place and checks every DNS rule; nil when valid.
    private func checkASCII(_ bytes: inout [UInt8], wildcard: Bool) -> BlockNameProblem? {
        var labelLength = 0
        var labels = 1
        var previous: UInt8 = UInt8(ascii: ".")
        var lastLabelAllDigits = true
        for index in bytes.indices {
            var b = bytes[index]
            if b >= 0x41 && b <= 0x5A { b += 0x20; bytes[index] = b }
            if b == UInt8(ascii: ".") {
                if labelLength == 0 { return .emptyLabel }
                if previous == UInt8(ascii: "-") { return .hyphenAtLabelEdge }
                labels += 1
                labelLength = 0
                lastLabelAllDigits = true
            } else {
                let isLetter = b >= 0x61 && b <= 0x7A
                let isDigit = b >= 0x30 && b <= 0x39
                guard isLetter || isDigit || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") else { return .invalidCharacter }
                if b == UInt8(ascii: "-") && labelLength == 0 { return .hyphenAtLabelEdge }
                if !isDigit { lastLabelAllDigits = false }
                labelLength += 1
                if labelLength > 63 { return .labelTooLong }
            }
            previous = b
        }
        if labelLength == 0 { return .emptyLabel }
        if previous == UInt8(ascii: "-") { return .hyphenAtLabelEdge }
        if labels < 2 { return .singleLabel }
        if lastLabelAllDigits { return .numericTopLevel }
        // A subdomain block is also exported as `*.name`.
        if bytes.count + (wildcard ? 2 : 0) > budget { return .nameTooLong }
        return nil
    }

    private func trimWhitespace(_ bytes: inout [UInt8]) {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        if let first = bytes.firstIndex(where: { !isSpace($0) }), first > 0 { bytes.removeFirst(first) }
    }

    /// `https://user@Host.example:8080/path?q#f` → `Host.example`. An IPv6
    /// literal in brackets keeps its brackets (the IP parser takes them off).
    private func stripURLParts(_ bytes: inout [UInt8]) {
        // Scheme: letters then "://".
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon + 2 < bytes.count,
           bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/"),
           bytes[..<colon].allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) {
            bytes.removeFirst(colon + 3)
        }
        if let end = bytes.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            // A "/" right after an IP address is a prefix length, not a path.
            let head = Array(bytes[..<end])
            if bytes[end] == UInt8(ascii: "/"), IPLiteral.looksLikeAddress(head) {
                let rest = bytes[(end + 1)...].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
                if !rest.isEmpty && rest.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    bytes = head + [UInt8(ascii: "/")] + Array(rest)
                    return
                }
            }
            bytes.removeSubrange(end...)
        }
        if let at = bytes.lastIndex(of: UInt8(ascii: "@")) { bytes.removeFirst(at + 1) }
        if bytes.first == UInt8(ascii: "[") {
            if let close = bytes.firstIndex(of: UInt8(ascii: "]")) { bytes.removeSubrange((close + 1)...) }
            return
        }
        // host:port (one colon only; several colons is an IPv6 address).
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes.lastIndex(of: UInt8(ascii: ":")) == colon,
           bytes[(colon + 1)...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            bytes.removeSubrange(colon...)
        }
    }
}

/// IP addresses and prefixes in blocklists, in canonical text (IPv6 as
/// RFC 5952: lower case, longest zero run as `::`).
public enum IPLiteral {
    /// nil: not an IP literal at all (treat as a name); `.some(nil)`: looks
    /// like one but is invalid; `.some(text)`: the canonical form.
    public static func parse(_ input: [UInt8]) -> String?? {
        var bytes = input
        if bytes.first == UInt8(ascii: "[") {
            guard bytes.last == UInt8(ascii: "]") || bytes.contains(UInt8(ascii: "]")) else { return .some(nil) }
            bytes = Array(bytes.dropFirst().prefix { $0 != UInt8(ascii: "]") })
        }
        var prefix: Int?
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
            let digits = bytes[(slash + 1)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return looksLikeAddress(Array(bytes[..<slash])) ? .some(nil) : nil
            }
            prefix = Int(String(decoding: digits, as: UTF8.self))
            bytes = Array(bytes[..<slash])
        }
        if bytes.contains(UInt8(ascii: ":")) {
            guard let groups = parseIPv6(bytes) else { return .some(nil) }
            if let prefix, prefix > 128 { return .some(nil) }
            return .some(formatIPv6(groups) + (prefix.map { "/\($0)" } ?? ""))
        }
        guard looksLikeIPv4(bytes) else { return prefix == nil ? nil : .some(nil) }
        guard let octets = parseIPv4(bytes) else { return .some(nil) }
        if let prefix, prefix > 32 { return .some(nil) }
        return .some(octets.map(String.init).joined(separator: ".") + (prefix.map { "/\($0)" } ?? ""))
    }

    static func looksLikeAddress(_ bytes: [UInt8]) -> Bool {
        looksLikeIPv4(bytes) || (bytes.contains(UInt8(ascii: ":")) && bytes.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
    }

    /// Digits and dots only (a name's last label is never all digits).
    static func looksLikeIPv4(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
    }

    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66)
    }

    static func parseIPv4(_ bytes: [UInt8]) -> [Int]? {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            // Leading zeros are refused: some tools read them as octal.
            guard (1...3).contains(part.count), part.count == 1 || part.first != UInt8(ascii: "0"),
                  let value = Int(String(decoding: part, as: UTF8.self)), value <= 255 else { return nil }
            octets.append(value)
        }
        return octets
    }

    static func parseIPv6(_ bytes: [UInt8]) -> [UInt16]? {
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.containsASCII(".") {
                    guard let v4 = parseIPv4(Array(piece.utf8)) else { return nil }
                    out.append(UInt16(v4[0] << 8 | v4[1]))
                    out.append(UInt16(v4[2] << 8 | v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), piece.utf8.allSatisfy(isHex), let value = UInt16(piece, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    static func formatIPv6(_ groups: [UInt16]) -> String {
        // The longest run of two or more zero groups becomes "::" (the first if tied).
        var bestStart = -1, bestLength = 1, start = -1
        for index in 0...groups.count {
            if index < groups.count && groups[index] == 0 {
                if start < 0 { start = index }
            } else if start >= 0 {
                if index - start > bestLength { bestStart = start; bestLength = index - start }
                start = -1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        return hex[..<bestStart].joined(separator: ":") + "::" + hex[(bestStart + bestLength)...].joined(separator: ":")
    }
}
