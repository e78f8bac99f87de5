import FluentKit
import Foundation
import NIOCore
import PantauCore
import PantauDNS
import SQLKit

/// The blocklist as the DNS server's zone: the same records as the RPZ
/// file (`BlocklistExporter.walkZone`), the serial the list's, and each
/// increment computed from the change log.
///
/// A change to a name affects that name and the names below it only (a
/// wildcard covers its subdomains), so an increment re-derives the records
/// of each changed name's subtree before and after — the entries as they
/// are now, and as they were once the changes since the client's serial are
/// undone — and answers the difference. Nothing else of the zone is read.
struct BlocklistZone: ZoneProvider {
    let database: PantauDatabase
    var exporter: BlocklistExporter
    let origin: DNSName
    let landing: DNSName
    let cache = DifferenceCache()
    /// The SOA's refresh: how often a secondary that misses a NOTIFY asks for the serial.
    var refresh: UInt32 = 300
    static let nxdomain = DNSName.root
    static let passthru = DNSName("rpz-passthru")!

    init?(database: PantauDatabase, zoneName: String, landingHost: String) {
        guard let origin = DNSName(zoneName), let landing = DNSName(landingHost) else { return nil }
        self.database = database
        self.origin = origin
        self.landing = landing
        exporter = BlocklistExporter(database: database, zoneName: zoneName, landingHost: landingHost)
    }

    func target(_ target: RPZTarget) -> DNSName {
        switch target {
        case .nxdomain: Self.nxdomain
        case .passthru: Self.passthru
        case .redirect: landing
        }
    }

    func soa() async throws -> SOARecord {
        soa(serial: try await BlocklistPublications.currentSerial(on: database.db))
    }

    func soa(serial: Int64) -> SOARecord {
        // As in the zone file's header.
        SOARecord(primary: DNSName("localhost")!, mailbox: DNSName("hostmaster.localhost")!, serial: UInt32(truncatingIfNeeded: serial),
                  refresh: refresh, retry: 60, expire: 604_800, minimum: 60)
    }

    func streamZone(start: (SOARecord, inout [UInt8]) -> Void, emit: (UnsafeBufferPointer<UInt8>, Bool, DNSName, inout [UInt8]) -> Void,
                    write: ([UInt8]) async throws -> Void) async throws -> SOARecord {
        let nx = Self.nxdomain, pass = Self.passthru, landing = self.landing
        return try await exporter.withSnapshot { snapshot in
            var output = BlocklistExporter.Output(chunkBytes: exporter.chunkBytes)
            output.bytes.reserveCapacity(exporter.chunkBytes + 70_000)
            let soa = soa(serial: snapshot.serial)
            start(soa, &output.bytes)
            try await exporter.walkZone(in: snapshot, output: &output, write: { try await write(Array($0.readableBytesView)) }) { name, wildcard, target, out in
                emit(name, wildcard, target == .nxdomain ? nx : target == .passthru ? pass : landing, &out)
            }
            if !output.bytes.isEmpty { try await write(output.bytes) }
            return soa
        }
    }

    /// The whole zone as the list was at `serial` (a base zone's): the list
    /// streamed as it is, but under every name changed since `serial` the
    /// records as they were then. Those are read in a snapshot taken after
    /// the stream's, so they cover every change the stream holds.
    func streamZone(asOf serial: Int64, start: (SOARecord, inout [UInt8]) -> Void, emit: (UnsafeBufferPointer<UInt8>, Bool, DNSName, inout [UInt8]) -> Void,
                    write: ([UInt8]) async throws -> Void) async throws -> SOARecord {
        let nx = Self.nxdomain, pass = Self.passthru, landing = self.landing
        return try await exporter.withSnapshot { snapshot in
            guard serial <= snapshot.serial else { throw ZoneUnavailable(reason: "serial \(serial) is not published yet") }
            let past = try await database.readSnapshot { db in
                let latest = try await BlocklistPublications.currentSerial(on: db)
                if try await BlocklistPublications.fullReloadBetween(after: serial, upTo: latest, on: db) {
                    throw ZoneUnavailable(reason: "a bulk import after serial \(serial): the list as it was then cannot be rebuilt")
                }
                return try await recordsAsOf([serial], since: serial, upTo: latest, on: db)
            }
            let roots = Set((past?.roots ?? []).map { Array($0.utf8) })
            var output = BlocklistExporter.Output(chunkBytes: exporter.chunkBytes)
            output.bytes.reserveCapacity(exporter.chunkBytes + 70_000)
            let soa = soa(serial: serial)
            start(soa, &output.bytes)
            try await exporter.walkZone(in: snapshot, output: &output, write: { try await write(Array($0.readableBytesView)) }) { name, wildcard, target, out in
                if !roots.isEmpty, Self.isInside(name, roots) { return }
                emit(name, wildcard, target == .nxdomain ? nx : target == .passthru ? pass : landing, &out)
            }
            for record in Self.inZoneOrder(past?.records.first ?? []) {
                record.relative.withUnsafeBufferPointer { emit($0, record.wildcard, record.target, &output.bytes) }
            }
            if !output.bytes.isEmpty { try await write(output.bytes) }
            return soa
        }
    }

    /// `name` is one of `roots` or below one.
    static func isInside(_ name: UnsafeBufferPointer<UInt8>, _ roots: Set<[UInt8]>) -> Bool {
        var start = 0
        while start < name.count {
            if roots.contains(Array(name[start...])) { return true }
            guard let dot = name[start...].firstIndex(of: UInt8(ascii: ".")) else { return false }
            start = dot + 1
        }
        return false
    }

    /// One entry of the list, as the change log and the tables know it.
    struct Entry: Hashable {
        let name: String
        let subdomains: Bool
        let allow: Bool
    }

    func difference(from serial: UInt32) async throws -> ZoneDifference? {
        // Keyed by the serial now: the secondaries asking after one NOTIFY share it.
        let latest = UInt32(truncatingIfNeeded: try await BlocklistPublications.currentSerial(on: database.db))
        return try await cache.value(from: serial, to: latest) { try await computeDifference(from: serial) }
    }

    /// The increment from `serial` to the latest serial, read in one
    /// snapshot: the entries now and the serial they are the list of belong
    /// together even while publications commit. (The change log up to that
    /// serial never changes once written; it is read as it is.)
    func computeDifference(from serial: UInt32) async throws -> ZoneDifference? {
        try await computeDifference(from: serial, to: nil)
    }

    /// The increment from `serial` to the list as it was at `target` (nil:
    /// the latest serial) — a base zone's, in the two-zone mode.
    func computeDifference(from serial: UInt32, to target: Int64?) async throws -> ZoneDifference? {
        let from = Int64(serial)
        return try await database.readSnapshot { db in
            let latest = try await BlocklistPublications.currentSerial(on: db)
            let to = target ?? latest
            // The client must hold a serial this list published, older than the target.
            guard from < to, to <= latest, from >= 0, try await BlocklistSerialModel.find(from, on: db) != nil || from == 0 else { return nil }
            if try await BlocklistPublications.fullReloadBetween(after: from, upTo: latest, on: db) { return nil }
            guard let states = try await recordsAsOf([to, from], since: from, upTo: latest, on: db)?.records else {
                return ZoneDifference(soa: soa(serial: to), deleted: [], added: [])
            }
            let new = states[0], old = states[1]
            return ZoneDifference(soa: soa(serial: to), deleted: Self.inZoneOrder(old.subtracting(new)), added: Self.inZoneOrder(new.subtracting(old)))
        }
    }

    /// The records, under the subtree of every name changed after `since`
    /// (up to `latest`, the snapshot's serial), as the list was at each of
    /// `serials` (each at least `since`): the entries now, with the changes
    /// after each serial undone. Nil when nothing changed.
    func recordsAsOf(_ serials: [Int64], since: Int64, upTo latest: Int64, on db: any Database) async throws -> (roots: Set<String>, records: [Set<ZoneRecord>])? {
        let changes = try await BlocklistPublications.changes(after: since, upTo: latest, in: database).filter { $0.kind != "ip" }
        guard !changes.isEmpty else { return nil }
        // The changed names, without those inside another changed name's subtree.
        let names = Set(changes.map(\.name)).sorted { BlockSortKey.of($0) < BlockSortKey.of($1) }
        var roots: [String] = []
        for name in names where !(roots.last.map { name == $0 || name.hasSuffix("." + $0) } ?? false) { roots.append(name) }
        let now = try await entries(around: roots, on: db as! any SQLDatabase)
        let rootSet = Set(roots)
        return (rootSet, serials.map { serial in
            var then = now
            Self.undo(changes.reversed().prefix { $0.serial > serial }, on: &then)
            return records(of: then, under: rootSet)
        })
    }

    /// Undoes `changes`, given newest first, on `entries`.
    static func undo(_ changes: some Sequence<BlocklistChange>, on entries: inout [Entry: BlockAction]) {
        for change in changes {
            let entry = Entry(name: change.name, subdomains: change.kind == BlockEntryKind.subdomains.rawValue, allow: change.allow)
            if change.op == "add" { entries[entry] = nil } else { entries[entry] = BlockAction(rawValue: change.action) ?? .nxdomain }
        }
    }

    /// Records in zone order, each record's sort key made once (the comparator below makes two per comparison).
    static func inZoneOrder(_ records: some Collection<ZoneRecord>) -> [ZoneRecord] {
        records.map { (key: BlockSortKey.of(String(decoding: $0.relative, as: UTF8.self)), record: $0) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : (!$0.record.wildcard && $1.record.wildcard) }.map(\.record)
    }


    /// The entries in force for each root, every name below it, and its
    /// ancestors (whose wildcards may cover it): name → action. Indexed
    /// reads in batches: a subtree is one range of the sort key (`key`, then
    /// `key ` + more labels, all below `key!`), ancestors are lists.
    func entries(around roots: [String], on sql: any SQLDatabase) async throws -> [Entry: BlockAction] {
        // PostgreSQL compares in the byte order the index is built in.
        let column = database.isSQLite ? "sort_key" : "sort_key COLLATE \"C\""
        var ancestors: Set<String> = []
        for root in roots {
            let labels = root.split(separator: ".")
            for index in 1..<max(labels.count, 1) { ancestors.insert(BlockSortKey.of(labels[index...].joined(separator: "."))) }
        }
        var result: [Entry: BlockAction] = [:]
        func addBlocks(_ query: SQLQueryString) async throws { try Self.add(try await sql.raw(query).all(), allow: false, to: &result) }
        func addAllows(_ query: SQLQueryString) async throws { try Self.add(try await sql.raw(query).all(), allow: true, to: &result) }
        // Each subtree is one range of the index: the ranges as a VALUES
        // list joined to the table, so the database walks one range per root.
        for chunk in roots.chunked(500) {
            var ranges = SQLQueryString("WITH r (lo, hi) AS (VALUES ")
            for (index, root) in chunk.enumerated() {
                let key = BlockSortKey.of(root)
                if index > 0 { ranges.appendLiteral(", ") }
                ranges += SQLQueryString("(\(bind: key), \(bind: key + "!"))")
            }
            ranges.appendLiteral(") ")
            // `r` has only lo and hi: the table's columns need no qualifier.
            let inRange = "\(column) >= r.lo AND \(column) < r.hi"
            // SQLite: with hundreds of ranges its planner would rather build a
            // temporary index over the whole table (a minute at a million
            // names): the live index, one range per root, is named.
            let join = database.isSQLite ? "r CROSS JOIN block_entries INDEXED BY block_entries_live" : "r JOIN block_entries"
            try await addBlocks(ranges + SQLQueryString("SELECT name, kind, action FROM \(unsafeRaw: join) ON \(unsafeRaw: inRange) WHERE \(unsafeRaw: BlockEntryModel.activeDomainsCondition)"))
            try await addAllows(ranges + SQLQueryString("SELECT name, kind FROM r \(unsafeRaw: database.isSQLite ? "CROSS " : "")JOIN allow_entries ON \(unsafeRaw: inRange) WHERE removed_at IS NULL"))
        }
        try await result.merge(entries(keyed: ancestors.sorted(), on: sql)) { a, _ in a }
        return result
    }

    /// The entries in force of these names (their own, nothing below).
    func entries(named names: [String], on sql: any SQLDatabase) async throws -> [Entry: BlockAction] {
        try await entries(keyed: names.map(BlockSortKey.of), on: sql)
    }

    private func entries(keyed keys: [String], on sql: any SQLDatabase) async throws -> [Entry: BlockAction] {
        let column = database.isSQLite ? "sort_key" : "sort_key COLLATE \"C\""
        var result: [Entry: BlockAction] = [:]
        for chunk in keys.chunked(500) {
            var inList = SQLQueryString("\(unsafeRaw: column) IN (")
            for (index, key) in chunk.enumerated() {
                if index > 0 { inList.appendLiteral(", ") }
                inList.appendInterpolation(bind: key)
            }
            inList.appendLiteral(")")
            try Self.add(try await sql.raw(SQLQueryString("SELECT name, kind, action FROM block_entries WHERE \(unsafeRaw: BlockEntryModel.activeDomainsCondition) AND ") + inList).all(),
                         allow: false, to: &result)
            try Self.add(try await sql.raw(SQLQueryString("SELECT name, kind FROM allow_entries WHERE removed_at IS NULL AND ") + inList).all(),
                         allow: true, to: &result)
        }
        return result
    }

    /// Rows of `block_entries` (name, kind, action) or `allow_entries` (name, kind) as entries.
    private static func add(_ rows: [any SQLRow], allow: Bool, to result: inout [Entry: BlockAction]) throws {
        for row in rows {
            let entry = Entry(name: try row.decode(column: "name", as: String.self),
                              subdomains: try row.decode(column: "kind", as: String.self) == BlockEntryKind.subdomains.rawValue, allow: allow)
            result[entry] = allow ? .nxdomain : BlockAction(rawValue: try row.decode(column: "action", as: String.self)) ?? .nxdomain
        }
    }

    /// The zone's records for the roots and below, from these entries (the
    /// ancestors' wildcards taken into account, their own records not).
    func records(of entries: [Entry: BlockAction], under roots: Set<String>) -> Set<ZoneRecord> {
        let sorted = entries.map { ExportEntry(name: $0.key.name, subdomains: $0.key.subdomains, allow: $0.key.allow, action: $0.value) }
            .sorted(by: ExportEntry.precedes)
        var writer = RPZWriter(zoneName: origin.description, landingHost: landing.description)
        var out: Set<ZoneRecord> = []
        func inside(_ name: String) -> Bool {
            var rest = Substring(name)
            while true {
                if roots.contains(String(rest)) { return true }
                guard let dot = rest.firstIndex(of: ".") else { return false }
                rest = rest[rest.index(after: dot)...]
            }
        }
        for entry in sorted {
            var name = entry.name
            let keep = inside(name)
            name.withUTF8 { bytes in
                writer.records(name: bytes, subdomains: entry.subdomains, allow: entry.allow, action: entry.action) { wildcard, target in
                    if keep { out.insert(ZoneRecord(relative: Array(bytes), wildcard: wildcard, target: self.target(target))) }
                }
            }
        }
        return out
    }
}

/// A zone that cannot be served as asked (the transfer fails; the secondary keeps what it has and retries).
struct ZoneUnavailable: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The last few increments, computed once: the secondaries of every ISP
/// ask for the same one within moments of each NOTIFY, so the second asks
/// while the first is still being computed — both wait for that one.
actor DifferenceCache {
    private var entries: [(from: UInt32, to: UInt32, task: Task<ZoneDifference?, any Error>)] = []

    func value(from: UInt32, to: UInt32, compute: @escaping @Sendable () async throws -> ZoneDifference?) async throws -> ZoneDifference? {
        if let running = entries.first(where: { $0.from == from && $0.to == to })?.task { return try await running.value }
        let task = Task { try await compute() }
        entries.append((from, to, task))
        if entries.count > 16 { entries.removeFirst() }
        do {
            return try await task.value
        } catch {
            entries.removeAll { $0.from == from && $0.to == to }
            throw error
        }
    }
}

/// Keeps, per secondary (its TSIG key name, or its address) and zone, the
/// last serial it transferred and how: the staff page shows who is behind.
struct TransferLog: TransferObserver {
    let database: PantauDatabase

    func transferred(client: String, keyName: String?, zone: String, serial: UInt32, kind: String, bytes: Int) async {
        let now = Date()
        // Through the write path (on SQLite, the one writer at a time).
        _ = try? await database.writeTransaction { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO dns_zone_transfers (client, zone, key_name, serial, kind, bytes, transferred_at) VALUES
                (\(bind: client), \(bind: zone), \(bind: keyName), \(bind: Int64(serial)), \(bind: kind), \(bind: bytes), \(bind: now))
                ON CONFLICT (client, zone) DO UPDATE SET key_name = excluded.key_name, serial = excluded.serial, kind = excluded.kind,
                bytes = excluded.bytes, transferred_at = excluded.transferred_at
                """).run()
        }
    }
}
