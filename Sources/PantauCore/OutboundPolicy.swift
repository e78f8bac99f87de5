/// Where Pantau may send requests of its own (platform webhooks, publishing
/// webhooks, later the crawler): only to public internet addresses, so that
/// someone who may set a webhook cannot make the server reach into its own
/// network (a cloud metadata service, a database on loopback, a router) or
/// learn from delivery errors which internal ports are open.
///
/// The rule is applied twice: to the URL when it is configured (scheme,
/// no user-info, no numeric tricks, no literal internal address) and to
/// every address its name resolves to when a request is made, so a name
/// that resolves inside is refused too (and the request goes to the very
/// address that was checked, so a second lookup cannot change the answer).
public enum OutboundPolicy {
    /// A configured URL, checked.
    public struct Target: Equatable, Sendable {
        public let scheme: String
        /// Lower case; an IPv6 literal without its brackets.
        public let host: String
        public let port: Int
        /// The host when it is an address literal.
        public let address: NetworkAddress?
    }

    /// Why a URL or an address is refused.
    public enum Refusal: Error, Equatable, Sendable {
        case notHTTP
        case malformed
        case userInfo
        /// `2130706433`, `0x7f.1`, `127.1`, `0177.0.0.1`: forms of an address
        /// some resolvers read differently from how they look.
        case numericHost
        /// The address (or what the name resolves to) is of this kind.
        case internalAddress(NetworkAddress.Kind)
        /// The name has no address.
        case unresolvable

        public var message: (id: String, en: String) {
            switch self {
            case .notHTTP:
                ("Alamat harus http:// atau https://.", "The address must be http:// or https://.")
            case .malformed:
                ("Alamat tidak dapat dibaca.", "The address cannot be parsed.")
            case .userInfo:
                ("Alamat tidak boleh memuat nama pengguna atau kata sandi (user:sandi@…).",
                 "The address must not carry a user name or password (user:password@…).")
            case .numericHost:
                ("Alamat IP harus ditulis sebagai empat angka desimal (mis. 203.0.113.5) atau IPv6 dalam kurung siku.",
                 "An IP address must be written as four decimal numbers (e.g. 203.0.113.5) or IPv6 in brackets.")
            case .internalAddress(let kind):
                ("Alamat menuju jaringan internal (\(kind.title.id)); hanya alamat internet publik yang diizinkan.",
                 "The address leads to an internal network (\(kind.title.en)); only public internet addresses are allowed.")
            case .unresolvable:
                ("Nama host tidak ditemukan.", "The host name was not found.")
            }
        }
    }

    /// Checks a URL as it is configured. With `allowInternal` (tests, a
    /// deliberately local set-up) literal internal addresses pass; the other
    /// rules hold always.
    public static func check(url text: String, allowInternal: Bool = false) -> Result<Target, Refusal> {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return .failure(.notHTTP) }
        let rest = text.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, authority.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else {
            return .failure(.malformed)
        }
        if authority.contains("@") { return .failure(.userInfo) }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.malformed) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.malformed) }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard (1...5).contains(portText.count), portText.allSatisfy(\.isASCIIDigit), let value = Int(portText), (1...65_535).contains(value) else {
                return .failure(.malformed)
            }
            port = value
        }
        let hostText = host.lowercased()
        let address: NetworkAddress?
        if authority.hasPrefix("[") {
            guard let groups = IPLiteral.parseIPv6(Array(hostText.utf8)) else { return .failure(.malformed) }
            address = .v6(groups)
        } else if let octets = IPLiteral.parseIPv4(Array(hostText.utf8)) {
            address = .v4(octets.reduce(0) { $0 << 8 | UInt32($1) })
        } else {
            let labels = hostText.split(separator: ".", omittingEmptySubsequences: false)
            guard !hostText.isEmpty, hostText.utf8.count <= 253, labels.allSatisfy(isHostLabel) || (labels.last == "" && labels.dropLast().allSatisfy(isHostLabel)) else {
                return .failure(.malformed)
            }
            // A name's last label is never a number; one that is (or is hex)
            // is an address in a form resolvers read in different ways.
            let last = labels.last(where: { !$0.isEmpty }) ?? ""
            if last.allSatisfy(\.isASCIIDigit) || last.hasPrefix("0x") { return .failure(.numericHost) }
            address = nil
            if !allowInternal && (last == "localhost" || hostText == "localhost.") {
                return .failure(.internalAddress(.loopback))
            }
        }
        if let address, !allowInternal, let kind = address.kind {
            return .failure(.internalAddress(kind))
        }
        return .success(Target(scheme: scheme, host: hostText, port: port, address: address))
    }

    /// Checks every address a name resolved to: all must be public (one
    /// internal answer among public ones is refused too, since a client may
    /// pick any of them).
    public static func check(resolved addresses: [NetworkAddress], allowInternal: Bool = false) -> Result<NetworkAddress, Refusal> {
        guard let first = addresses.first else { return .failure(.unresolvable) }
        if !allowInternal, let kind = addresses.lazy.compactMap(\.kind).first {
            return .failure(.internalAddress(kind))
        }
        return .success(first)
    }

    private static func isHostLabel(_ label: Substring) -> Bool {
        (1...63).contains(label.count) && label.first != "-" && label.last != "-"
            && label.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" }
    }
}

/// An IP address, to classify where it leads.
public enum NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    /// Eight 16-bit groups.
    case v6([UInt16])

    /// The kinds of address that are not the public internet.
    public enum Kind: String, Sendable, Equatable {
        case unspecified, loopback, privateNetwork = "private", sharedAddressSpace = "shared", linkLocal = "link-local"
        case multicast, reserved

        public var title: (id: String, en: String) {
            switch self {
            case .unspecified: ("alamat tak tertentu", "unspecified address")
            case .loopback: ("loopback", "loopback")
            case .privateNetwork: ("jaringan privat", "private network")
            case .sharedAddressSpace: ("ruang alamat bersama/CGNAT", "shared address space/CGNAT")
            case .linkLocal: ("link-local", "link-local")
            case .multicast: ("multicast", "multicast")
            case .reserved: ("alamat khusus/cadangan", "special-purpose or reserved address")
            }
        }
    }

    /// Parses a literal (dotted-quad IPv4 or IPv6, without brackets).
    public init?(_ text: String) {
        if let octets = IPLiteral.parseIPv4(Array(text.utf8)) {
            self = .v4(octets.reduce(0) { $0 << 8 | UInt32($1) })
        } else if let groups = IPLiteral.parseIPv6(Array(text.lowercased().utf8)) {
            self = .v6(groups)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let value): [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xFF) }.joined(separator: ".")
        case .v6(let groups): IPLiteral.formatIPv6(groups)
        }
    }

    /// nil for a public address, else what it is (RFC 6890's special-purpose
    /// registries; an IPv6 address carrying an IPv4 one is judged by that).
    public var kind: Kind? {
        switch self {
        case .v4(let a):
            func within(_ prefix: UInt32, _ length: UInt32) -> Bool { a >> (32 - length) == prefix >> (32 - length) }
            if within(0x0000_0000, 8) { return .unspecified }          // 0.0.0.0/8 "this network"
            if within(0x7F00_0000, 8) { return .loopback }             // 127.0.0.0/8
            if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) { return .privateNetwork }
            if within(0x6440_0000, 10) { return .sharedAddressSpace }  // 100.64.0.0/10
            if within(0xA9FE_0000, 16) { return .linkLocal }           // 169.254.0.0/16 (cloud metadata lives here)
            if within(0xE000_0000, 4) { return .multicast }            // 224.0.0.0/4
            if within(0xF000_0000, 4) { return .reserved }             // 240.0.0.0/4 and the broadcast address
            if within(0xC000_0000, 24) || within(0xC612_0000, 15) { return .reserved } // 192.0.0.0/24, 198.18.0.0/15
            return nil
        case .v6(let g):
            guard g.count == 8 else { return .reserved }
            func embedded(_ high: UInt16, _ low: UInt16) -> Kind? { NetworkAddress.v4(UInt32(high) << 16 | UInt32(low)).kind }
            if g.allSatisfy({ $0 == 0 }) { return .unspecified }
            if g[0..<7].allSatisfy({ $0 == 0 }) && g[7] == 1 { return .loopback }
            if g[0..<5].allSatisfy({ $0 == 0 }) && g[5] == 0xFFFF { return embedded(g[6], g[7]) } // ::ffff:a.b.c.d
            if g[0..<6].allSatisfy({ $0 == 0 }) { return .reserved }                              // ::a.b.c.d (deprecated)
            if g[0] == 0x0064 && g[1] == 0xFF9B && g[2..<6].allSatisfy({ $0 == 0 }) { return embedded(g[6], g[7]) } // NAT64
            if g[0] == 0x2002 { return embedded(g[1], g[2]) }                                     // 6to4
            if g[0] & 0xFE00 == 0xFC00 { return .privateNetwork }                                 // fc00::/7 unique local
            if g[0] & 0xFFC0 == 0xFE80 || g[0] & 0xFFC0 == 0xFEC0 { return .linkLocal }           // fe80::/10, old site-local
            if g[0] & 0xFF00 == 0xFF00 { return .multicast }                                      // ff00::/8
            if g[0] == 0x0100 && g[1..<4].allSatisfy({ $0 == 0 }) { return .reserved }            // 100::/64 discard
            return nil
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
