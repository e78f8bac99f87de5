import Foundation

/// An RPZ zone's records in memory: per owner name (relative to the zone,
/// lower case, no trailing dot) the target of its own record and of its
/// wildcard `*.name`. What the two-zone split reasons about.
public struct RPZRecordSet: Sendable, Equatable {
    public private(set) var exact: [String: RPZTarget] = [:]
    public private(set) var wildcard: [String: RPZTarget] = [:]
    /// Every name that exists in the zone: owners, the names their
    /// wildcards hang from, and every ancestor of those (empty non-terminals).
    public private(set) var nodes: Set<String> = []

    public init() {}

    /// The records the one-zone export writes for these entries (`RPZWriter.records`).
    public init(entries: [ExportEntry]) {
        var writer = RPZWriter(zoneName: "rpz.invalid", landingHost: "landing.invalid")
        var records: [(name: String, wildcard: Bool, target: RPZTarget)] = []
        for entry in entries.sorted(by: ExportEntry.precedes) {
            var name = entry.name
            name.withUTF8 { bytes in
                writer.records(name: bytes, subdomains: entry.subdomains, allow: entry.allow, action: entry.action) { isWildcard, target in
                    records.append((entry.name, isWildcard, target))
                }
            }
        }
        for record in records { set(record.name, wildcard: record.wildcard, record.target) }
    }

    public mutating func set(_ name: String, wildcard isWildcard: Bool, _ target: RPZTarget) {
        if isWildcard { wildcard[name] = target } else { exact[name] = target }
        var rest = Substring(name)
        while nodes.insert(String(rest)).inserted {
            guard let dot = rest.firstIndex(of: ".") else { break }
            rest = rest[rest.index(after: dot)...]
        }
    }

    public var count: Int { exact.count + wildcard.count }

    public func exists(_ name: String) -> Bool { nodes.contains(name) }

    /// The existing names at or below `name`.
    public func nodes(atOrBelow name: String) -> [String] {
        nodes.filter { $0 == name || $0.hasSuffix("." + name) }
    }
}

/// How a resolver reads one policy zone for a query name, and a list of
/// them. Within a zone: the name's own record; else, when the name does not
/// exist in the zone, the wildcard of its closest encloser — the longest
/// ancestor that exists (RFC 4592) — if that has one; else no match. This
/// is why a redundant `www.D` under `*.D` punches a hole for `x.www.D`
/// (RPZ-NOTES). Over several zones the first zone that matches wins, and a
/// passthru counts as a match (BIND, Unbound ≥ 1.16, PowerDNS Recursor).
public enum RPZResolution {
    public static func answer(_ name: String, in zone: RPZRecordSet) -> RPZTarget? {
        if let own = zone.exact[name] { return own }
        if zone.exists(name) { return nil }
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            let ancestor = String(rest)
            if zone.exists(ancestor) { return zone.wildcard[ancestor] }
        }
        return nil
    }

    /// The first zone's match, in the order the resolver lists them.
    public static func answer(_ name: String, in zones: [RPZRecordSet]) -> RPZTarget? {
        for zone in zones {
            if let found = answer(name, in: zone) { return found }
        }
        return nil
    }

    /// What a client sees: a passthru and no match both resolve normally.
    public static func effect(_ target: RPZTarget?) -> RPZTarget { target ?? .passthru }
}

/// The blocklist as two policy zones (issue 22): a large **base** that
/// changes only at compaction, and a small **recent** zone that resolvers
/// list first. `recent(base:now:changed:)` gives the recent zone whose
/// answers, read before the base's, equal the one-zone list's for every
/// name — under `RPZResolution`'s rules.
///
/// For each changed name, the subtree it heads is given recent records that
/// answer every name in it definitively (a passthru where the list now has
/// no policy), so the base is never consulted there; names outside every
/// such subtree find no match in recent and keep the base's answer, which
/// is unchanged for them. A subtree is widened to an ancestor whose
/// existence in the zone differs between base and now *and* whose answer
/// differs with it: an empty non-terminal that appears or disappears
/// changes the closest encloser, and so the wildcard, of the names beside
/// the changed one — but when the wildcard found above it answers as the
/// empty non-terminal does (no policy), nobody's answer changes, and a
/// brand-new parent (a thousand names under a new `x.example`) does not
/// make every change under it rewrite the parent's whole subtree.
///
/// During a compaction two bases are in play — secondaries that hold the
/// old one and those that already transferred the new — and recent must be
/// right over either: it is computed from the changes since the *older*
/// base, widened by every base's existence (`recent(bases:…)`).
public enum RPZSplit {
    public static func recent(base: RPZRecordSet, now: RPZRecordSet, changed: Set<String>) -> RPZRecordSet {
        recent(bases: [base], now: now, changed: changed)
    }

    /// Recent for every base in `bases`; `changed` holds the names changed since the oldest of them.
    public static func recent(bases: [RPZRecordSet], now: RPZRecordSet, changed: Set<String>) -> RPZRecordSet {
        var recent = RPZRecordSet()
        for root in roots(of: changed, bases: bases, now: now) {
            for record in records(root: root, now: now) { recent.set(record.name, wildcard: record.wildcard, record.target) }
        }
        return recent
    }

    /// One record of the recent zone.
    public struct Record: Sendable, Hashable {
        public let name: String
        public let wildcard: Bool
        public let target: RPZTarget
        public init(name: String, wildcard: Bool, target: RPZTarget) {
            self.name = name
            self.wildcard = wildcard
            self.target = target
        }
    }

    /// Recent's records for one root, from `now` — which must be complete
    /// at and below `root` (every record there) and know the existence of
    /// `root`'s ancestors and their wildcards (for a root that no longer
    /// exists). Every name of the subtree answers definitively, as now.
    public static func records(root: String, now: RPZRecordSet) -> [Record] {
        records(root: root, subtree: now, inherited: { RPZResolution.effect(RPZResolution.answer(root, in: now)) })
    }

    /// The same, with the answer the root inherits from above given
    /// separately (the subtree's records alone know nothing above it).
    public static func records(root: String, subtree: RPZRecordSet, inherited: () -> RPZTarget) -> [Record] {
        guard subtree.exists(root) else {
            // Nothing of the subtree exists now: the whole subtree answers as its closest existing ancestor's wildcard.
            let answer = inherited()
            return [Record(name: root, wildcard: false, target: answer), Record(name: root, wildcard: true, target: answer)]
        }
        // Every existing name of the subtree answers as now, a passthru where now has no policy.
        return subtree.nodes(atOrBelow: root).sorted().flatMap { node in
            [Record(name: node, wildcard: false, target: subtree.exact[node] ?? .passthru),
             Record(name: node, wildcard: true, target: subtree.wildcard[node] ?? .passthru)]
        }
    }

    /// The changed names, each widened to the highest ancestor whose
    /// existence flips between base and now and whose answers differ,
    /// without those inside another.
    public static func roots(of changed: Set<String>, base: RPZRecordSet, now: RPZRecordSet) -> [String] {
        roots(of: changed, bases: [base], now: now)
    }

    public static func roots(of changed: Set<String>, bases: [RPZRecordSet], now: RPZRecordSet) -> [String] {
        roots(of: changed,
              flips: { parent in bases.contains { $0.exists(parent) != now.exists(parent) } },
              answersDiffer: { parent in
                  let answers = Answers(parent, in: now)
                  return bases.contains { Answers(parent, in: $0) != answers }
              })
    }

    /// What a name answers in one zone, and what a name directly below it
    /// that the zone does not hold answers. For a name whose existence
    /// flips, these are all that can change beside the changed names: the
    /// names below it that exist in neither version answer as such a child.
    public struct Answers: Sendable, Equatable {
        public let own: RPZTarget
        public let child: RPZTarget

        public init(own: RPZTarget, child: RPZTarget) {
            self.own = own
            self.child = child
        }

        public init(_ name: String, in zone: RPZRecordSet) {
            if zone.exists(name) {
                self.init(own: zone.exact[name] ?? .passthru, child: zone.wildcard[name] ?? .passthru)
            } else {
                // Neither the name nor its children exist: both fall to the closest encloser's wildcard.
                let inherited = RPZResolution.effect(RPZResolution.answer(name, in: zone))
                self.init(own: inherited, child: inherited)
            }
        }
    }

    /// The same, with whether a name's existence differs between any base
    /// in play and now given by `flips`, and whether its `Answers` differ
    /// by `answersDiffer` (both asked only for ancestors of changed names,
    /// the second only where the first holds).
    ///
    /// A changed name's chain is the run of ancestors, nearest first,
    /// whose existence flips; it ends at the first that exists in both
    /// versions (then so does every name above) or in neither (a flip
    /// above it comes from another changed name, whose chain reaches it).
    /// Any name outside every root whose answer could change lies below a
    /// flipping ancestor on some chain and answers as its `Answers.child`,
    /// so widening to the highest chain member whose answers differ is enough.
    public static func roots(of changed: Set<String>, flips: (String) -> Bool, answersDiffer: (String) -> Bool) -> [String] {
        var widened: Set<String> = []
        for name in changed {
            var root = name
            var rest = Substring(name)
            while let dot = rest.firstIndex(of: ".") {
                let parent = String(rest[rest.index(after: dot)...])
                guard flips(parent) else { break }
                if answersDiffer(parent) { root = parent }
                rest = Substring(parent)
            }
            widened.insert(root)
        }
        // In sort-key order a subtree follows the name that heads it (each key made once).
        let ordered = widened.map { (key: BlockSortKey.of($0), name: $0) }.sorted { $0.key < $1.key }.map(\.name)
        var roots: [String] = []
        for name in ordered where !(roots.last.map { name == $0 || name.hasSuffix("." + $0) } ?? false) { roots.append(name) }
        return roots
    }
}

/// When the two-zone mode compacts, and when a compaction is over.
public struct RPZCompactionPolicy: Sendable, Equatable {
    /// Names in recent that start a compaction.
    public var recentLimit = 50_000
    /// The hour (WIB, 0–23) of the daily compaction when recent is not empty; nil: only by size.
    public var quietHour: Int? = 3
    /// Time given to a resolver, after it transferred the new base, to walk it (BIND rebuilds its summary).
    public var settle: TimeInterval = 120
    /// A compaction ends after this long even if a secondary never fetched
    /// the new base (one taken out of service must not hold recent growing forever).
    public var maximumWait: TimeInterval = 6 * 3600

    public init(recentLimit: Int = 50_000, quietHour: Int? = 3, settle: TimeInterval = 120, maximumWait: TimeInterval = 6 * 3600) {
        self.recentLimit = recentLimit
        self.quietHour = quietHour
        self.settle = settle
        self.maximumWait = maximumWait
    }

    /// Whether to fold recent into a new base now: recent passed its size,
    /// or the quiet hour has come and no compaction ran since it began.
    public func isDue(recentNames: Int, lastCompactionAt: Date?, now: Date, calendar: Calendar) -> Bool {
        guard recentNames > 0 else { return false }
        if recentNames >= recentLimit { return true }
        guard let quietHour, calendar.component(.hour, from: now) == quietHour else { return false }
        let hourStart = calendar.dateInterval(of: .hour, for: now)?.start ?? now
        return (lastCompactionAt ?? .distantPast) < hourStart
    }

    /// One secondary's last transfer of the base zone.
    public struct Transfer: Sendable, Equatable {
        public let serial: UInt32
        public let at: Date
        public init(serial: UInt32, at: Date) {
            self.serial = serial
            self.at = at
        }
    }

    /// Whether the old base may leave (and recent shrink to the changes
    /// since the new one): every configured secondary has transferred the
    /// new base's serial (or a later one), and `settle` has passed since
    /// the last of them did. A secondary never heard from holds it back.
    public func isOver(newBaseSerial: UInt32, secondaries: [String], transfers: [String: Transfer], now: Date, startedAt: Date? = nil) -> Bool {
        if let startedAt, now.timeIntervalSince(startedAt) >= maximumWait { return true }
        var latest = Date.distantPast
        for secondary in secondaries {
            guard let transfer = transfers[secondary],
                  transfer.serial == newBaseSerial || Self.isNewer(transfer.serial, than: newBaseSerial) else { return false }
            latest = max(latest, transfer.at)
        }
        return now.timeIntervalSince(latest) >= settle
    }

    /// The secondaries that do not hold the new base yet.
    public func laggards(newBaseSerial: UInt32, secondaries: [String], transfers: [String: Transfer]) -> [String] {
        secondaries.filter { secondary in
            guard let transfer = transfers[secondary] else { return true }
            return !(transfer.serial == newBaseSerial || Self.isNewer(transfer.serial, than: newBaseSerial))
        }
    }

    /// Serial arithmetic (RFC 1982).
    static func isNewer(_ a: UInt32, than b: UInt32) -> Bool { a != b && (a &- b) < 0x8000_0000 }
}

/// Whether a name exists in the one-zone list's zone — owns a record or
/// has one below it — decided from entries alone, as storage can answer it
/// without writing the zone: from the wildcard the writer carries into the
/// name's subtree (its ancestors' entries decide it) and whether any entry
/// of the subtree would be written under it. (The first such entry in
/// the zone's order is written, or is under a wildcard of the subtree that
/// was; when there is none, every entry is covered.)
public enum RPZExistence {
    /// The nearest enclosing wildcard entry the writer wrote: an allow-list
    /// one, or a block's with its action.
    public struct Enclosing: Sendable, Equatable {
        public let allow: Bool
        public let action: BlockAction
        public init(allow: Bool, action: BlockAction) {
            self.allow = allow
            self.action = action
        }
    }

    /// The wildcard a name's subtree is written under, from the entries of the name's strict ancestors.
    public static func enclosing(ancestors: [ExportEntry]) -> Enclosing? {
        var writer = RPZWriter(zoneName: "rpz.invalid", landingHost: "landing.invalid")
        for entry in ancestors.sorted(by: ExportEntry.precedes) {
            var name = entry.name
            name.withUTF8 { writer.records(name: $0, subdomains: entry.subdomains, allow: entry.allow, action: entry.action) { _, _ in } }
        }
        return writer.nearestEnclosing
    }

    /// Whether this entry of the subtree makes it exist: an allow-list
    /// entry always does; a block does unless the wildcard above already
    /// says the same (or is the allow-list's, under which nothing is blocked).
    public static func makesExist(allow: Bool, action: BlockAction, under enclosing: Enclosing?) -> Bool {
        guard !allow, let enclosing else { return true }
        return !enclosing.allow && enclosing.action != action
    }
}
