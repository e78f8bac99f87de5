import Foundation

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
    private var enclosing: [(name: [UInt8], allow: Bool, action: BlockAction)] = []
    private var lastOwner: [UInt8] = []
    private let nxdomainTarget: [UInt8] = Array(" CNAME .\n".utf8)
    private let redirectTarget: [UInt8]
    private let passthruTarget: [UInt8] = Array(" CNAME rpz-passthru.\n".utf8)
    public private(set) var written = 0
    public private(set) var skippedAsCovered = 0

    /// The nearest wildcard entry written so far that encloses the last
    /// name given (after only a name's ancestors were given: the one its
    /// subtree is written under).
    public var nearestEnclosing: RPZExistence.Enclosing? {
        enclosing.last.map { RPZExistence.Enclosing(allow: $0.allow, action: $0.action) }
    }

    public init(zoneName: String, landingHost: String) {
        self.zoneName = zoneName.hasSuffix(".") ? String(zoneName.dropLast()) : zoneName
        self.landingHost = landingHost.hasSuffix(".") ? String(landingHost.dropLast()) : landingHost
        redirectTarget = Array(" CNAME \(self.landingHost).\n".utf8)
    }

    public func header(serial: Int64, ttl: Int = 60) -> String {
        """
        $TTL \(ttl)
        $ORIGIN \(zoneName).
        @ SOA localhost. hostmaster.localhost. \(serial) 300 60 604800 \(ttl)
        @ NS localhost.

        """
    }

    /// `name` is `parent` or below it.
    static func encloses(_ parent: [UInt8], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if name.count == parent.count { return name.elementsEqual(parent) }
        guard name.count > parent.count else { return false }
        let offset = name.count - parent.count
        guard name[offset - 1] == UInt8(ascii: ".") else { return false }
        return parent.withUnsafeBufferPointer { p in memcmp(p.baseAddress!, name.baseAddress! + offset, p.count) == 0 }
    }

    /// Appends the lines for `entry` (nothing when covered or already written).
    public mutating func write(_ entry: ExportEntry, to out: inout String) {
        var bytes: [UInt8] = []
        var name = entry.name
        name.withUTF8 { write(name: $0, subdomains: entry.subdomains, allow: entry.allow, action: entry.action, to: &bytes) }
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// The same for a name given as bytes (the exports' path: no String per name).
    public mutating func write(name: UnsafeBufferPointer<UInt8>, subdomains: Bool, allow: Bool, action: BlockAction, to out: inout [UInt8]) {
        let line = self
        records(name: name, subdomains: subdomains, allow: allow, action: action) { line.appendLine(name: name, wildcard: $0, target: $1, to: &out) }
    }

    /// One record of the zone file: `[*.]name CNAME target`.
    public func appendLine(name: UnsafeBufferPointer<UInt8>, wildcard: Bool, target: RPZTarget, to out: inout [UInt8]) {
        if wildcard {
            out.append(UInt8(ascii: "*"))
            out.append(UInt8(ascii: "."))
        }
        out.append(contentsOf: name)
        switch target {
        case .passthru: out.append(contentsOf: passthruTarget)
        case .nxdomain: out.append(contentsOf: nxdomainTarget)
        case .redirect: out.append(contentsOf: redirectTarget)
        }
    }

    /// The records of one entry, as (wildcard or not, target): none when it
    /// is covered or its owner was written already; the name, then `*.name`
    /// for an entry with subdomains. The zone file and the DNS transfers
    /// both come from here, so they hold the same records.
    public mutating func records(name: UnsafeBufferPointer<UInt8>, subdomains: Bool, allow: Bool, action: BlockAction,
                                 emit: (_ wildcard: Bool, _ target: RPZTarget) -> Void) {
        while let top = enclosing.last, !Self.encloses(top.name, name) { enclosing.removeLast() }
        if name.elementsEqual(lastOwner) {
            // Same owner again (a lower-precedence entry of the same name).
            skippedAsCovered += 1
            return
        }
        if !allow, let nearest = enclosing.last, nearest.allow || nearest.action == action {
            // Under an allow-list wildcard (never blocked), or already blocked
            // by the parent's wildcard in the same way.
            skippedAsCovered += 1
            return
        }
        lastOwner.removeAll(keepingCapacity: true)
        lastOwner.append(contentsOf: name)
        let target: RPZTarget = allow ? .passthru : action == .nxdomain ? .nxdomain : .redirect
        emit(false, target)
        written += 1
        if subdomains {
            emit(true, target)
            written += 1
            enclosing.append((Array(name), allow, action))
        }
    }
}

/// What an RPZ record points at.
public enum RPZTarget: Sendable, Hashable {
    /// `CNAME .`: the name does not exist.
    case nxdomain
    /// `CNAME rpz-passthru.`: the allow-list.
    case passthru
    /// `CNAME <landing host>.`: the block page.
    case redirect
}
