/// What a resolver does with a blocked name.
public enum BlockAction: String, CaseIterable, Codable, Sendable {
    /// The name does not exist (`CNAME .`).
    case nxdomain
    /// The name leads to Pantau's block landing page (`CNAME <landing host>.`).
    case redirect

    public var label: (id: String, en: String) {
        switch self {
        case .nxdomain: ("NXDOMAIN (nama tidak ada)", "NXDOMAIN (name does not exist)")
        case .redirect: ("Alihkan ke halaman pemblokiran", "Redirect to the block page")
        }
    }
}

/// One name of the published list, as the exports see it.
public struct ExportEntry: Sendable, Equatable {
    public let name: String
    public let subdomains: Bool
    /// On the allow-list: exported as `rpz-passthru.`.
    public let allow: Bool
    public let action: BlockAction

    public init(name: String, subdomains: Bool, allow: Bool = false, action: BlockAction = .nxdomain) {
        self.name = name
        self.subdomains = subdomains
        self.allow = allow
        self.action = action
    }

    /// Entries of one name, in the order the writer needs: the allow-list
    /// first, then "with subdomains", then exact.
    public static func precedes(_ a: ExportEntry, _ b: ExportEntry) -> Bool {
        let ka = BlockSortKey.of(a.name), kb = BlockSortKey.of(b.name)
        if ka != kb { return ka.utf8.lexicographicallyPrecedes(kb.utf8) }
        if a.allow != b.allow { return a.allow }
        return a.subdomains && !b.subdomains
    }
}

/// Writes an RPZ zone (RPZ-NOTES) line by line from entries in
/// `BlockSortKey` order, so a 10-million-name zone is never one string:
/// `$TTL`, `$ORIGIN`, one SOA with the serial, one NS; owners relative to
/// the zone; `CNAME .` or `CNAME <landing host>.`; `D` and `*.D` for a
/// domain with its subdomains; `rpz-passthru.` for the allow-list. One
/// owner is written once; a block already covered by a wildcard parent with
/// the same action is left out (it would punch a hole in the wildcard).
public struct RPZWriter: Sendable {
    public let zoneName: String
    public let landingHost: String
    /// Wildcard entries enclosing the current name (nearest last).
    private var enclosing: [(name: String, allow: Bool, action: BlockAction)] = []
    private var lastOwner = ""
    public private(set) var written = 0
    public private(set) var skippedAsCovered = 0

    public init(zoneName: String, landingHost: String) {
        self.zoneName = zoneName.hasSuffix(".") ? String(zoneName.dropLast()) : zoneName
        self.landingHost = landingHost.hasSuffix(".") ? String(landingHost.dropLast()) : landingHost
    }

    public func header(serial: Int64, ttl: Int = 60) -> String {
        """
        $TTL \(ttl)
        $ORIGIN \(zoneName).
        @ SOA localhost. hostmaster.localhost. \(serial) 300 60 604800 \(ttl)
        @ NS localhost.

        """
    }

    private func target(_ entry: ExportEntry) -> String {
        if entry.allow { return "rpz-passthru." }
        return entry.action == .nxdomain ? "." : landingHost + "."
    }

    static func encloses(_ parent: String, _ name: String) -> Bool {
        name == parent || (name.utf8.count > parent.utf8.count && name.hasSuffix("." + parent))
    }

    /// Appends the lines for `entry` (nothing when covered or already written).
    public mutating func write(_ entry: ExportEntry, to out: inout String) {
        while let top = enclosing.last, !Self.encloses(top.name, entry.name) { enclosing.removeLast() }
        if entry.name == lastOwner {
            // Same owner again (a lower-precedence entry of the same name).
            skippedAsCovered += 1
            return
        }
        if !entry.allow, let nearest = enclosing.last, nearest.allow || nearest.action == entry.action {
            // Under an allow-list wildcard (never blocked), or already blocked
            // by the parent's wildcard in the same way.
            skippedAsCovered += 1
            return
        }
        lastOwner = entry.name
        let cname = " CNAME " + target(entry) + "\n"
        out += entry.name + cname
        written += 1
        if entry.subdomains {
            out += "*." + entry.name + cname
            written += 1
            enclosing.append((entry.name, entry.allow, entry.action))
        }
    }
}
