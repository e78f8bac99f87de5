import FluentKit
import Foundation
import PantauCore
import PantauDNS
import SQLKit

/// Which bases of the two-zone mode are in play: the one secondaries are
/// given, and during a compaction the one it replaces (some secondaries
/// still hold it). `generation` counts finished compactions, so the recent
/// zone's serial moves on when it shrinks without a publication.
struct SplitBases: Sendable, Equatable {
    /// Oldest first; the last is the base served.
    var serials: [Int64]
    var generation: UInt32

    var served: Int64 { serials.last ?? 0 }

    /// Recent's serial at list serial `latest`: the list's plus the
    /// generations, so it moves on whenever recent may change.
    func recentSerial(latest: Int64) -> UInt32 {
        UInt32(truncatingIfNeeded: latest) &+ generation
    }
    var oldest: Int64 { serials.first ?? 0 }
}

/// The recent zone of the two-zone mode, kept in memory and brought up to
/// date from the change log at each new serial (`RPZSplit` in PantauCore
/// says what it holds). It is small — every name changed since the oldest
/// base in play — so a secondary that restarts, or asks from a serial it no
/// longer remembers, is given it whole.
///
/// What the split needs of the list it asks storage: the entries of the
/// changed names now and at each base (the change log undone), and whether
/// an ancestor of a changed name exists in the zone now and at each base
/// (`RPZExistence`: its ancestors' entries, and one entry of its subtree
/// that would be written, looked for by index range). Existence at a base
/// never changes and is kept; existence now is asked again for the
/// ancestors of each new change.
///
/// The DNS primary's recent zone (`persists`) is also kept in
/// storage as served (`RecentStore`): a restarted primary serves the same
/// version at once and answers IXFR from the increments that led to it,
/// while it works the zone out again in the background.
actor RecentZone {
    let zone: BlocklistZone
    private(set) var bases: SplitBases
    /// The list serial recent was last brought to.
    private(set) var builtAt: Int64 = -1
    private(set) var serial: UInt32 = 0
    /// The zone's records now.
    private(set) var records: Set<ZoneRecord> = []
    private(set) var roots: [String] = []
    /// A version was built (the journal continues from it).
    private var hasBuilt = false

    private enum Version: Hashable {
        case now
        case base(Int64)
    }

    /// A changed name's entries now and at each base in play.
    private struct Changed {
        var now: [BlocklistZone.Entry: BlockAction]
        var atBase: [Int64: [BlocklistZone.Entry: BlockAction]]
    }

    private var changed: [String: Changed] = [:]
    /// For each name, the changed names at or below it.
    private var changedUnder: [String: Set<String>] = [:]
    private var existence: [Version: [String: Bool]] = [:]
    /// Entries now of names that are not changed (ancestors of changed names).
    private var unchangedEntries: [String: [BlocklistZone.Entry: BlockAction]] = [:]
    private var rootRecords: [String: [ZoneRecord]] = [:]
    /// Increments from one serial to the next, newest last.
    private var journal: [Step] = []
    static let journalLength = 64

    /// One increment of the zone, from one serial to the next.
    struct Step: Sendable {
        let from: UInt32
        let to: UInt32
        let deleted: [ZoneRecord]
        let added: [ZoneRecord]
    }

    /// A version worked out, not yet served.
    private struct Proposed: Sendable {
        let serial: UInt32
        let records: Set<ZoneRecord>
        let latest: Int64
        /// The increment from the version served; nil when nothing was served yet or nothing changed.
        let step: Step?
    }

    /// The bases come from `rpz_split_state` (the DNS primary), not from the caller (tests).
    let followsStorage: Bool

    init(zone: BlocklistZone, bases: SplitBases) {
        self.zone = zone
        self.bases = bases
        followsStorage = false
        persists = false
    }

    /// Whether each version is kept in storage as served (`RecentStore`): the DNS primary's is; the exports' is not.
    let persists: Bool

    init(zone: BlocklistZone, persists: Bool) {
        self.zone = zone
        bases = SplitBases(serials: [0], generation: 0)
        followsStorage = true
        self.persists = persists
    }

    var database: PantauDatabase { zone.database }

    /// Another set of bases (a compaction began or ended): everything is
    /// worked out again at the next update.
    func setBases(_ new: SplitBases) {
        guard new != bases else { return }
        bases = new
        builtAt = -1
    }

    /// The update under way: callers that arrive meanwhile wait for it
    /// rather than start another (two would interleave at every await and
    /// spoil each other's state).
    private var inFlight: Task<UInt32, any Error>?
    /// The update under way works everything out again (new bases, or the first since a start).
    private var rebuildInFlight = false
    /// Updates that read storage (for tests: concurrent callers share one).
    private(set) var computations = 0
    /// The stored version was looked for (once, before the first build).
    private var storedLoaded = false
    private var storedLoad: Task<Void, any Error>?
    /// Awaited before a rebuild while a version is served (tests: to hold one under way).
    private var beforeRebuild: (@Sendable () async -> Void)?

    func holdRebuilds(with gate: (@Sendable () async -> Void)?) {
        beforeRebuild = gate
    }

    /// Brings the zone up to the latest serial (and the bases in storage,
    /// when `followsStorage`); returns its serial. One at a time.
    @discardableResult
    func update() async throws -> UInt32 {
        try await startUpdate().value
    }

    private func startUpdate() -> Task<UInt32, any Error> {
        if let inFlight { return inFlight }
        rebuildInFlight = builtAt < 0
        // The task runs on this actor and lets go of `inFlight` itself, so an update a server started without waiting for it ends all the same.
        let task = Task {
            defer {
                inFlight = nil
                rebuildInFlight = false
            }
            return try await self.performUpdate()
        }
        inFlight = task
        return task
    }

    /// The version to answer a secondary with, brought up to date when
    /// that is quick: an increment is waited for (a decision reaches the
    /// secondaries with it), a rebuild — new bases, or the first after a
    /// start from the stored version — runs in the background while the
    /// last version is served, so no SOA query (nor the DNS primary's
    /// UDP answers queued behind it) waits for it. Nothing is served
    /// before a first version exists.
    func serving() async throws -> (serial: UInt32, records: Set<ZoneRecord>) {
        try await loadStored()
        guard hasBuilt else {
            try await update()
            return (serial, records)
        }
        if followsStorage {
            // Storage unreachable: the last version, as when an update fails.
            guard let stored = try? await SplitState.load(on: database) else { return (serial, records) }
            // An update that began meanwhile read the bases itself; switching them under it would mix two sets.
            if inFlight == nil { setBases(stored) }
        }
        let task = startUpdate()
        if rebuildInFlight { return (serial, records) }
        _ = try? await task.value
        return (serial, records)
    }

    /// The stored version, looked for once before anything is built or
    /// served (callers at once share the one reading; one that fails is
    /// tried again, so a first build never replaces what is stored).
    private func loadStored() async throws {
        guard persists, !storedLoaded, !hasBuilt else { return }
        let task = storedLoad ?? Task {
            if let stored = try await RecentStore.load(on: self.database), !self.hasBuilt {
                (self.serial, self.records, self.journal, self.hasBuilt) = (stored.serial, stored.records, stored.journal, true)
            }
            self.storedLoaded = true
        }
        storedLoad = task
        do {
            try await task.value
        } catch {
            storedLoad = nil
            throw error
        }
    }

    private func performUpdate() async throws -> UInt32 {
        try await loadStored()
        if followsStorage { setBases(try await SplitState.load(on: database)) }
        let current = try await BlocklistPublications.currentSerial(on: database.db)
        if builtAt >= 0, current == builtAt { return serial }
        computations += 1
        if builtAt < 0, hasBuilt, let beforeRebuild { await beforeRebuild() }
        do {
            let proposed = try await database.readSnapshot { db in
                try await self.update(on: db)
            }
            if persists, !hasBuilt || proposed.step != nil {
                try await RecentStore.save(serial: proposed.serial, records: proposed.records, step: proposed.step, keep: Self.journalLength, on: database)
            }
            if let step = proposed.step {
                journal.append(step)
                if journal.count > Self.journalLength { journal.removeFirst() }
            }
            hasBuilt = true
            records = proposed.records
            serial = proposed.serial
            builtAt = proposed.latest
        } catch {
            // Half an update leaves caches that no longer match the version served: the next one starts over.
            builtAt = -1
            throw error
        }
        return serial
    }

    private func update(on db: any Database) async throws -> Proposed {
        let sql = db as! any SQLDatabase
        let latest = try await BlocklistPublications.currentSerial(on: db)
        let rebuilding = builtAt < 0
        if rebuilding {
            changed = [:]
            changedUnder = [:]
            existence = [:]
            unchangedEntries = [:]
            rootRecords = [:]
        }
        let since = rebuilding ? bases.oldest : builtAt
        guard latest >= since else { throw ZoneUnavailable(reason: "the base (serial \(since)) is newer than the list (\(latest))") }
        // A bulk import the change log cannot undo is folded into a new base (`RPZCompactor`);
        // until then recent stays as it is. One at or before the base served is folded into it.
        if try await BlocklistPublications.fullReloadBetween(after: max(since, bases.served), upTo: latest, on: db) {
            throw ZoneUnavailable(reason: "a bulk import after serial \(max(since, bases.served)): the two zones need a new base")
        }
        let changes = try await BlocklistPublications.changes(after: since, upTo: latest, in: database).filter { $0.kind != "ip" }
        let fresh = Set(changes.map(\.name))
        // The new changes' entries now, and — for a name not changed before — at every base (the changes undone).
        let now = try await zone.entries(named: Array(fresh), on: sql)
        var nowByName: [String: [BlocklistZone.Entry: BlockAction]] = [:]
        for (entry, action) in now { nowByName[entry.name, default: [:]][entry] = action }
        let byName = Dictionary(grouping: changes, by: \.name)
        for name in fresh {
            let entriesNow = nowByName[name] ?? [:]
            if changed[name] != nil {
                changed[name]!.now = entriesNow
                continue
            }
            var atBase: [Int64: [BlocklistZone.Entry: BlockAction]] = [:]
            for base in bases.serials {
                var then = entriesNow
                BlocklistZone.undo((byName[name] ?? []).reversed().prefix { $0.serial > base }, on: &then)
                atBase[base] = then
            }
            changed[name] = Changed(now: entriesNow, atBase: atBase)
            unchangedEntries[name] = nil
            for ancestor in Self.selfAndAncestors(name) { changedUnder[ancestor, default: []].insert(name) }
        }
        // Existence now may change for the new names' ancestors, and for anything below a new name.
        var stale: Set<String> = []
        for name in fresh { stale.formUnion(Self.selfAndAncestors(name)) }
        if let cached = existence[.now] {
            for key in cached.keys where Self.selfAndAncestors(key).dropFirst().contains(where: fresh.contains) { stale.insert(key) }
        }
        let before = existence[.now] ?? [:]
        for key in stale { existence[.now]?[key] = nil }

        // The roots: every changed name widened along its chain of ancestors whose existence differs
        // between a base and now, to the highest whose answers differ too (`RPZSplit.roots`).
        var flips: [String: Bool] = [:], answersDiffer: [String: Bool] = [:]
        for name in changed.keys {
            for ancestor in Self.selfAndAncestors(name).dropFirst() {
                if flips[ancestor] == nil {
                    flips[ancestor] = try await anyBaseDiffers { try await exists(ancestor, $0, on: sql) }
                }
                guard flips[ancestor] == true else { break }
                if answersDiffer[ancestor] == nil {
                    answersDiffer[ancestor] = try await anyBaseDiffers { try await answers(ancestor, $0, on: sql) }
                }
            }
        }
        let newRoots = RPZSplit.roots(of: Set(changed.keys), flips: { flips[$0] ?? false }, answersDiffer: { answersDiffer[$0] ?? false })
        // A root is worked out again when it is new, holds a new change, or an ancestor's existence now changed.
        let changedExistence = Set(stale.filter { before[$0] != existence[.now]?[$0] })
        let freshRoots = Set(newRoots)
        // Roots are disjoint subtrees, so their records are too: the zone changes by the records of the roots gone and redone.
        var deleted: [ZoneRecord] = [], added: [ZoneRecord] = []
        for (root, old) in rootRecords where !freshRoots.contains(root) {
            deleted += old
            rootRecords[root] = nil
        }
        var redo: [String] = []
        for root in newRoots {
            if rootRecords[root] == nil || !(changedUnder[root] ?? []).isDisjoint(with: fresh)
                || Self.selfAndAncestors(root).dropFirst().contains(where: changedExistence.contains) {
                redo.append(root)
            }
        }
        for (root, new) in try await work(out: redo, on: sql) {
            deleted += rootRecords[root] ?? []
            added += new
            rootRecords[root] = new
        }
        roots = newRoots
        var next: Set<ZoneRecord>
        if rebuilding {
            // Every root was worked out afresh: the zone is theirs alone.
            next = Set(added)
        } else {
            let addedSet = Set(added), deletedSet = Set(deleted)
            next = records
            next.subtract(deletedSet.subtracting(addedSet))
            next.formUnion(addedSet.subtracting(deletedSet))
        }

        // Worked out again for new bases or not, the step from the last version is an increment:
        // a secondary is never sent the whole zone in answer to IXFR (PowerDNS Recursor 4.8 would not
        // drop the records the new version lacks).
        let nextSerial = bases.recentSerial(latest: latest)
        // Other records under the same serial would be a zone no secondary could follow.
        if hasBuilt, nextSerial == serial, next != records {
            throw ZoneUnavailable(reason: "recent changed without a new serial (list \(latest), generation \(bases.generation))")
        }
        let step = hasBuilt && nextSerial != serial
            ? Step(from: serial, to: nextSerial, deleted: BlocklistZone.inZoneOrder(records.subtracting(next)), added: BlocklistZone.inZoneOrder(next.subtracting(records)))
            : nil
        return Proposed(serial: nextSerial, records: next, latest: latest, step: step)
    }

    /// The records of these roots, from the entries now.
    private func work(out redo: [String], on sql: any SQLDatabase) async throws -> [String: [ZoneRecord]] {
        guard !redo.isEmpty else { return [:] }
        var result: [String: [ZoneRecord]] = [:]
        let around = try await zone.entries(around: redo, on: sql)
        let rootSet = Set(redo)
        var inside: [String: [ExportEntry]] = [:]
        var byName: [String: [ExportEntry]] = [:]
        for (entry, action) in around {
            let export = ExportEntry(name: entry.name, subdomains: entry.subdomains, allow: entry.allow, action: action)
            byName[entry.name, default: []].append(export)
            if let root = Self.selfAndAncestors(entry.name).first(where: rootSet.contains) { inside[root, default: []].append(export) }
        }
        for root in redo {
            // The subtree's entries and its ancestors' (whose wildcards the writer carries into it).
            let ancestors = Self.selfAndAncestors(root).dropFirst()
            let entries = (inside[root] ?? []) + ancestors.flatMap { byName[$0] ?? [] }
            let subtree = RPZRecordSet(entries: entries)
            var inherited: RPZTarget = .passthru
            if !subtree.exists(root) {
                // The closest ancestor that exists now, and its wildcard there.
                for ancestor in ancestors where try await exists(ancestor, .now, on: sql) {
                    inherited = subtree.wildcard[ancestor] ?? .passthru
                    break
                }
            }
            result[root] = RPZSplit.records(root: root, subtree: subtree, inherited: { inherited }).map {
                ZoneRecord(relative: Array($0.name.utf8), wildcard: $0.wildcard, target: zone.target($0.target))
            }
        }
        return result
    }

    /// Whether `value` as of some base in play differs from it now.
    private func anyBaseDiffers<Value: Equatable>(_ value: (Version) async throws -> Value) async throws -> Bool {
        let now = try await value(.now)
        for base in bases.serials where try await value(.base(base)) != now { return true }
        return false
    }

    /// What `name` and an unlisted child of it answer as of `version`
    /// (`RPZSplit.Answers`), from the entries of the name and its ancestors
    /// and their existence.
    private func answers(_ name: String, _ version: Version, on sql: any SQLDatabase) async throws -> RPZSplit.Answers {
        let chain = Self.selfAndAncestors(name)
        try await loadEntries(of: chain, on: sql)
        // A name's own records follow from its entries and its ancestors' alone.
        let records = RPZRecordSet(entries: chain.flatMap { exportEntries(of: $0, version) })
        if try await exists(name, version, on: sql) {
            return RPZSplit.Answers(own: records.exact[name] ?? .passthru, child: records.wildcard[name] ?? .passthru)
        }
        for ancestor in chain.dropFirst() where try await exists(ancestor, version, on: sql) {
            let inherited = records.wildcard[ancestor] ?? .passthru
            return RPZSplit.Answers(own: inherited, child: inherited)
        }
        return RPZSplit.Answers(own: .passthru, child: .passthru)
    }

    /// The entries of these names that are not changed, read once.
    private func loadEntries(of names: [String], on sql: any SQLDatabase) async throws {
        let missing = names.filter { changed[$0] == nil && unchangedEntries[$0] == nil }
        guard !missing.isEmpty else { return }
        let found = try await zone.entries(named: missing, on: sql)
        for name in missing { unchangedEntries[name] = [:] }
        for (entry, action) in found { unchangedEntries[entry.name]?[entry] = action }
    }

    private func exportEntries(of name: String, _ version: Version) -> [ExportEntry] {
        entries(of: name, version).map { ExportEntry(name: $0.key.name, subdomains: $0.key.subdomains, allow: $0.key.allow, action: $0.value) }
    }

    /// Whether `name` exists in the zone as of `version` (`RPZExistence`).
    private func exists(_ name: String, _ version: Version, on sql: any SQLDatabase) async throws -> Bool {
        if let known = existence[version]?[name] { return known }
        let ancestors = Array(Self.selfAndAncestors(name).dropFirst())
        try await loadEntries(of: ancestors, on: sql)
        let above = ancestors.flatMap { exportEntries(of: $0, version) }
        let enclosing = RPZExistence.enclosing(ancestors: above)
        var result = false
        for other in changedUnder[name] ?? [] where entries(of: other, version).contains(where: {
            RPZExistence.makesExist(allow: $0.key.allow, action: $0.value, under: enclosing)
        }) {
            result = true
            break
        }
        if !result { result = try await anyUnchangedEntry(below: name, under: enclosing, on: sql) }
        existence[version, default: [:]][name] = result
        return result
    }

    private func entries(of name: String, _ version: Version) -> [BlocklistZone.Entry: BlockAction] {
        guard let known = changed[name] else { return unchangedEntries[name] ?? [:] }
        switch version {
        case .now: return known.now
        case .base(let serial): return known.atBase[serial] ?? [:]
        }
    }

    /// An entry at or below `name`, not changed since the oldest base, that
    /// would be written under `enclosing` — looked for page by page along the index.
    private func anyUnchangedEntry(below name: String, under enclosing: RPZExistence.Enclosing?, on sql: any SQLDatabase) async throws -> Bool {
        let key = BlockSortKey.of(name)
        let column = database.isSQLite ? "sort_key" : "sort_key COLLATE \"C\""
        let page = 64
        func search(_ table: String, _ condition: String) async throws -> Bool {
            var after: String?
            while true {
                var query = SQLQueryString("SELECT name, sort_key FROM \(unsafeRaw: table) WHERE \(unsafeRaw: condition) AND \(unsafeRaw: column) >= \(bind: key) AND \(unsafeRaw: column) < \(bind: key + "!")")
                if let after { query = query + SQLQueryString(" AND \(unsafeRaw: column) > \(bind: after)") }
                query = query + SQLQueryString(" ORDER BY \(unsafeRaw: column) LIMIT \(unsafeRaw: String(page))")
                let rows = try await sql.raw(query).all()
                for row in rows where changed[try row.decode(column: "name", as: String.self)] == nil { return true }
                guard rows.count == page, let last = rows.last else { return false }
                after = try last.decode(column: "sort_key", as: String.self)
            }
        }
        if try await search("allow_entries", "removed_at IS NULL") { return true }
        switch enclosing {
        case .none: return try await search("block_entries", BlockEntryModel.activeDomainsCondition)
        case .some(let wildcard) where wildcard.allow: return false
        case .some(let wildcard):
            return try await search("block_entries", BlockEntryModel.activeDomainsCondition + " AND action <> '\(wildcard.action.rawValue)'")
        }
    }

    /// The difference from `serial` to now, or nil when the journal does not reach back to it.
    func difference(from old: UInt32) -> ZoneDifference? {
        guard let start = journal.firstIndex(where: { $0.from == old }) else { return nil }
        // Each step's deletions were in the zone and its additions were not: the net change is their sum.
        var net: [ZoneRecord: Bool] = [:]
        for step in journal[start...] {
            for record in step.deleted { if net[record] == true { net[record] = nil } else { net[record] = false } }
            for record in step.added { if net[record] == false { net[record] = nil } else { net[record] = true } }
        }
        return ZoneDifference(soa: zone.soa(serial: Int64(serial)),
                              deleted: BlocklistZone.inZoneOrder(net.filter { !$0.value }.keys),
                              added: BlocklistZone.inZoneOrder(net.filter { $0.value }.keys))
    }

    /// The name, then each of its ancestors (nearest first).
    static func selfAndAncestors(_ name: String) -> [String] {
        var result = [name]
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            result.append(String(rest))
        }
        return result
    }
}

/// The recent zone as the DNS primary serves it (`RecentZone.serving`).
/// When it cannot be brought up to date (storage unreachable, a bulk
/// import waiting for its new base) or is being worked out again, the last
/// version is served as it is: never nothing, never half.
struct RecentZoneProvider: ZoneProvider {
    let recent: RecentZone
    let origin: DNSName

    private func current() async throws -> (serial: UInt32, records: Set<ZoneRecord>) {
        try await recent.serving()
    }

    func soa() async throws -> SOARecord {
        recent.zone.soa(serial: Int64(try await current().serial))
    }

    func streamZone(start: (SOARecord, inout [UInt8]) -> Void, emit: (UnsafeBufferPointer<UInt8>, Bool, DNSName, inout [UInt8]) -> Void,
                    write: ([UInt8]) async throws -> Void) async throws -> SOARecord {
        let (serial, records) = try await current()
        let soa = recent.zone.soa(serial: Int64(serial))
        var out: [UInt8] = []
        start(soa, &out)
        for record in BlocklistZone.inZoneOrder(records) {
            record.relative.withUnsafeBufferPointer { emit($0, record.wildcard, record.target, &out) }
            if out.count > 1 << 20 {
                try await write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { try await write(out) }
        return soa
    }

    func difference(from serial: UInt32) async throws -> ZoneDifference? {
        _ = try await current()
        return await recent.difference(from: serial)
    }
}

/// The base zone as the DNS primary serves it: the list as it was at the
/// base's serial; its increments only from one base to the next.
struct BaseZoneProvider: ZoneProvider {
    let zone: BlocklistZone
    let origin: DNSName
    let bases: @Sendable () async throws -> SplitBases

    func soa() async throws -> SOARecord {
        zone.soa(serial: try await bases().served)
    }

    func streamZone(start: (SOARecord, inout [UInt8]) -> Void, emit: (UnsafeBufferPointer<UInt8>, Bool, DNSName, inout [UInt8]) -> Void,
                    write: ([UInt8]) async throws -> Void) async throws -> SOARecord {
        try await zone.streamZone(asOf: try await bases().served, start: start, emit: emit, write: write)
    }

    func difference(from serial: UInt32) async throws -> ZoneDifference? {
        let served = try await bases().served
        guard Int64(serial) != served else { return ZoneDifference(soa: zone.soa(serial: served), deleted: [], added: []) }
        // Every secondary asks for the same increment when a compaction begins: computed once.
        return try await zone.cache.value(from: serial, to: UInt32(truncatingIfNeeded: served)) {
            try await zone.computeDifference(from: serial, to: served)
        }
    }
}

/// Recent as last served (`rpz_recent_version`, `rpz_recent_records`,
/// `rpz_recent_journal`): written with each new version, before it is
/// served, so what a secondary was given can always be continued.
enum RecentStore {
    struct Stored: Sendable {
        let serial: UInt32
        let records: Set<ZoneRecord>
        /// Oldest first.
        let journal: [RecentZone.Step]
    }

    static func load(on database: PantauDatabase) async throws -> Stored? {
        try await database.readSnapshot { db in
            let sql = db as! any SQLDatabase
            guard let version = try await sql.raw("SELECT serial FROM rpz_recent_version WHERE id = 1").first() else { return nil }
            var records: Set<ZoneRecord> = []
            for row in try await sql.raw("SELECT name, wildcard, target FROM rpz_recent_records").all() {
                records.insert(try record(name: row.decode(column: "name", as: String.self), wildcard: row.decode(column: "wildcard", as: Bool.self),
                                          target: row.decode(column: "target", as: String.self)))
            }
            var journal: [RecentZone.Step] = []
            for row in try await sql.raw("SELECT from_serial, to_serial, deleted, added FROM rpz_recent_journal ORDER BY position").all() {
                journal.append(RecentZone.Step(from: UInt32(truncatingIfNeeded: try row.decode(column: "from_serial", as: Int64.self)),
                                               to: UInt32(truncatingIfNeeded: try row.decode(column: "to_serial", as: Int64.self)),
                                               deleted: try lines(row.decode(column: "deleted", as: String.self)),
                                               added: try lines(row.decode(column: "added", as: String.self))))
            }
            return Stored(serial: UInt32(truncatingIfNeeded: try version.decode(column: "serial", as: Int64.self)), records: records, journal: journal)
        }
    }

    /// A new version. When storage holds the version its step starts
    /// from, the records of the names the step touched are written again
    /// and the step joins the journal (the oldest beyond `keep` leave);
    /// otherwise (the first version, or another primary on the same
    /// storage moved it elsewhere) all of it replaces what was stored,
    /// with its step alone as the journal. A version already stored is left.
    static func save(serial: UInt32, records: Set<ZoneRecord>, step: RecentZone.Step?, keep: Int, on database: PantauDatabase) async throws {
        let lock = database.isSQLite ? "" : " FOR UPDATE"
        try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            // Locked on PostgreSQL (an SQLite write transaction is alone already): primaries on one storage take turns.
            let stored = try await sql.raw("SELECT serial FROM rpz_recent_version WHERE id = 1\(unsafeRaw: lock)").first()?.decode(column: "serial", as: Int64.self)
            guard stored != Int64(serial) else { return }
            var written = records
            var position: Int64 = 1
            if let step, stored == Int64(step.from) {
                let touched = Set((step.deleted + step.added).map(\.relative))
                for chunk in touched.map({ String(decoding: $0, as: UTF8.self) }).chunked(500) {
                    try await sql.raw("DELETE FROM rpz_recent_records WHERE name IN (\(binds: Array(chunk)))").run()
                }
                written = records.filter { touched.contains($0.relative) }
                position = (try await sql.raw("SELECT MAX(position) AS p FROM rpz_recent_journal").first()?.decode(column: "p", as: Int64?.self) ?? 0) + 1
                try await sql.raw("DELETE FROM rpz_recent_journal WHERE position <= \(bind: position - Int64(keep))").run()
            } else {
                try await sql.raw("DELETE FROM rpz_recent_records").run()
                try await sql.raw("DELETE FROM rpz_recent_journal").run()
            }
            if let step {
                try await sql.raw("""
                    INSERT INTO rpz_recent_journal (position, from_serial, to_serial, deleted, added)
                    VALUES (\(bind: position), \(bind: Int64(step.from)), \(bind: Int64(step.to)), \(bind: text(step.deleted)), \(bind: text(step.added)))
                    """).run()
            }
            for chunk in Array(written).chunked(300) {
                var insert = sql.insert(into: "rpz_recent_records").columns("name", "wildcard", "target")
                for record in chunk {
                    insert = insert.values(SQLBind(String(decoding: record.relative, as: UTF8.self)), SQLBind(record.wildcard), SQLBind(record.target.description))
                }
                try await insert.run()
            }
            try await sql.raw("""
                INSERT INTO rpz_recent_version (id, serial, saved_at) VALUES (1, \(bind: Int64(serial)), \(bind: Date()))
                ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, saved_at = excluded.saved_at
                """).run()
        }
    }

    /// One record per line: `*` or `-`, the owner (relative to the zone), the target.
    static func text(_ records: [ZoneRecord]) -> String {
        records.map { "\($0.wildcard ? "*" : "-") \(String(decoding: $0.relative, as: UTF8.self)) \($0.target.description)" }.joined(separator: "\n")
    }

    static func lines(_ text: String) throws -> [ZoneRecord] {
        try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3 else { throw ZoneUnavailable(reason: "a stored recent record is unreadable: \(line)") }
            return try record(name: String(fields[1]), wildcard: fields[0] == "*", target: String(fields[2]))
        }
    }

    static func record(name: String, wildcard: Bool, target: String) throws -> ZoneRecord {
        guard let target = DNSName(target) else { throw ZoneUnavailable(reason: "a stored recent record's target is unreadable: \(target)") }
        return ZoneRecord(relative: Array(name.utf8), wildcard: wildcard, target: target)
    }
}

/// The two-zone mode's state in storage (`rpz_split_state`, one row).
enum SplitState {
    /// The bases in play; on the first start of the mode, the list as it is now becomes the base.
    static func load(on database: PantauDatabase) async throws -> SplitBases {
        if let bases = try await read(on: database.sql) { return bases }
        try await database.writeTransaction { db in
            let serial = try await BlocklistPublications.currentSerial(on: db)
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO rpz_split_state (id, base_serial, generation, compacted_at) VALUES (1, \(bind: serial), 0, \(bind: Date()))
                ON CONFLICT (id) DO NOTHING
                """).run()
        }
        return try await read(on: database.sql) ?? SplitBases(serials: [0], generation: 0)
    }

    /// The bases in play, if the mode ever started.
    static func stored(on database: PantauDatabase) async throws -> SplitBases? {
        try await read(on: database.sql)
    }

    private static func read(on sql: any SQLDatabase) async throws -> SplitBases? {
        guard let row = try await sql.raw("SELECT base_serial, retiring_serial, generation FROM rpz_split_state WHERE id = 1").first() else { return nil }
        let base = try row.decode(column: "base_serial", as: Int64.self)
        let retiring = try row.decode(column: "retiring_serial", as: Int64?.self)
        return SplitBases(serials: (retiring.map { [$0] } ?? []) + [base], generation: UInt32(truncatingIfNeeded: try row.decode(column: "generation", as: Int64.self)))
    }
}

/// A zone the DNS primary serves, written as a zone file (the two-zone
/// RPZ's exports): `$TTL`, `$ORIGIN`, SOA, NS, then one line per record.
enum ZoneFile {
    static func write(_ provider: any ZoneProvider, ttl: Int = 60, to write: ([UInt8]) async throws -> Void) async throws {
        let origin = provider.origin.description
        _ = try await provider.streamZone(start: { soa, out in
            out.append(contentsOf: Array("""
                $TTL \(ttl)
                $ORIGIN \(origin)
                @ SOA localhost. hostmaster.localhost. \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)
                @ NS localhost.

                """.utf8))
        }, emit: { relative, wildcard, target, out in
            if wildcard { out.append(contentsOf: Array("*.".utf8)) }
            out.append(contentsOf: relative)
            out.append(contentsOf: Array(" CNAME \(target.description)\n".utf8))
        }, write: write)
    }
}
