import FluentKit
import Foundation
import PantauCore
import SQLKit
import NIOCore
import PostgresKit
import PostgresNIO

/// The published list in the formats ISPs and tools read, written as bytes
/// in pieces of about `chunkBytes`, so a 10-million-name export never sits
/// in memory whole.
///
/// Every export reads one snapshot of the list (`withSnapshot`). On SQLite
/// the entries come from one statement on the C API, walked along the live
/// index with no String per row; on PostgreSQL in keyset pages of the same
/// order, inside one repeatable-read transaction.
struct BlocklistExporter: Sendable {
    enum Format: String, CaseIterable, Sendable {
        case rpz, domains, hosts, ips, json

        var contentType: String {
            switch self {
            case .rpz, .domains, .hosts, .ips: "text/plain; charset=utf-8"
            case .json: "application/json; charset=utf-8"
            }
        }
    }

    let database: PantauDatabase
    let zoneName: String
    let landingHost: String
    /// Rows per keyset page (PostgreSQL).
    var pageSize = 20_000
    /// Output is handed on in pieces of about this size.
    var chunkBytes = 256 * 1024

    /// One active entry as the writers see it; `name` is valid only during the call.
    struct Row {
        let kind: BlocklistImporter.Kind
        let name: UnsafeBufferPointer<UInt8>
        let action: BlockAction
        let detail: Detail?
    }

    /// What the JSON export adds to a row.
    struct Detail {
        let reason: String
        let legalBases: String
        let activatedAt: Date?
        let appID: UUID?
    }

    /// Collects output and hands it on whenever a piece is full.
    struct Output {
        var bytes: [UInt8] = []
        let chunkBytes: Int

        mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func flushIfFull(_ write: (ByteBuffer) async throws -> Void) async throws {
            if bytes.count >= chunkBytes { try await flush(write) }
        }

        mutating func flush(_ write: (ByteBuffer) async throws -> Void) async throws {
            guard !bytes.isEmpty else { return }
            let buffer = ByteBuffer(bytes: bytes)
            bytes.removeAll(keepingCapacity: true)
            try await write(buffer)
        }
    }

    private static let columns = "kind, name, action, reason, legal_bases, activated_at, app_id"

    /// An allow-list entry as the exports need it.
    struct Allow {
        let name: String
        let kind: String
        let sortKey: String
        let reason: String
        let addedAt: Date
        var subdomains: Bool { kind == BlockEntryKind.subdomains.rawValue }
    }

    /// The list as of one moment: its serial, the allow-list and every entry
    /// read in one transaction, so a walk that takes a minute still writes
    /// exactly the list of the serial it names, however many publications
    /// commit meanwhile (a zone transfer's closing SOA depends on it).
    struct Snapshot {
        enum Source {
            case sqlite(SQLiteDirectConnection)
            case postgres(PostgresConnection)
        }

        let serial: Int64
        let allows: [Allow]
        let source: Source
    }

    private static let allowQuery = "SELECT name, kind, sort_key, reason, added_at FROM allow_entries WHERE removed_at IS NULL"

    /// Runs `body` on one snapshot of the list. SQLite: one read transaction
    /// on a connection of its own (WAL keeps its view from the first read).
    /// PostgreSQL: a REPEATABLE READ transaction on a connection of its own,
    /// outside the pool, since `body` writes to the caller's output as it goes.
    func withSnapshot<T>(_ body: (Snapshot) async throws -> T) async throws -> T {
        func sorted(_ allows: [Allow]) -> [Allow] {
            allows.sorted { ($0.sortKey, $0.subdomains ? 0 : 1) < ($1.sortKey, $1.subdomains ? 0 : 1) }
        }
        switch database.location {
        case .sqlite(let file):
            let connection = try SQLiteDirectConnection(path: file, readOnly: true)
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            let serial = try connection.scalarInt("SELECT COALESCE(MAX(serial), 0) FROM blocklist_serials")
            var allows: [Allow] = []
            let statement = try connection.prepare(Self.allowQuery)
            while try statement.step() {
                allows.append(Allow(name: statement.text(0), kind: statement.text(1), sortKey: statement.text(2), reason: statement.text(3),
                                    addedAt: Date(timeIntervalSince1970: statement.double(4))))
            }
            return try await body(Snapshot(serial: serial, allows: sorted(allows), source: .sqlite(connection)))
        case .postgres(let url):
            let connection = try await PostgresConnection.connect(on: PantauDatabase.eventLoopGroup.next(),
                                                                  configuration: try SQLPostgresConfiguration(url: url).coreConfiguration,
                                                                  id: 0, logger: database.logger)
            do {
                let sql = connection.sql(queryLogLevel: .trace)
                try await sql.raw("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").run()
                let serial = try await sql.raw("SELECT COALESCE(MAX(serial), 0) AS serial FROM blocklist_serials").first()?
                    .decode(column: "serial", as: Int64.self) ?? 0
                let allows = try await sql.raw(SQLQueryString(Self.allowQuery)).all().map { row in
                    Allow(name: try row.decode(column: "name", as: String.self), kind: try row.decode(column: "kind", as: String.self),
                          sortKey: try row.decode(column: "sort_key", as: String.self), reason: try row.decode(column: "reason", as: String.self),
                          addedAt: try row.decode(column: "added_at", as: Date.self))
                }
                let result = try await body(Snapshot(serial: serial, allows: sorted(allows), source: .postgres(connection)))
                try await sql.raw("COMMIT").run()
                try await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    /// Active entries (domains, or IPs) of the snapshot in the live index's order.
    func forEachActive(in snapshot: Snapshot, ips: Bool, detailed: Bool, output: inout Output, write: (ByteBuffer) async throws -> Void,
                       _ body: (Row, inout [UInt8]) -> Void) async throws {
        let columns = detailed ? Self.columns : "kind, name, action"
        let filter = ips ? BlockEntryModel.activeIPsCondition : BlockEntryModel.activeDomainsCondition
        switch snapshot.source {
        case .sqlite(let connection):
            let statement = try connection.prepare("SELECT \(columns) FROM block_entries WHERE \(filter) ORDER BY sort_key\(ips ? "" : ", kind DESC")")
            while try statement.step() {
                let kind = statement.bytes(0)
                let detail = detailed ? Detail(reason: statement.text(3), legalBases: statement.text(4),
                                               activatedAt: statement.isNull(5) ? nil : Date(timeIntervalSince1970: statement.double(5)),
                                               appID: statement.isNull(6) ? nil : UUIDText.parse(statement.text(6))) : nil
                let row = Row(kind: ips ? .ip : kind.first == UInt8(ascii: "s") ? .subdomains : .domain, name: statement.bytes(1),
                              action: statement.bytes(2).first == UInt8(ascii: "r") ? .redirect : .nxdomain, detail: detail)
                body(row, &output.bytes)
                try await output.flushIfFull(write)
            }
        case .postgres(let connection):
            try await forEachActive(on: connection, ips: ips, detailed: detailed, output: &output, write: write, body)
        }
    }

    /// PostgreSQL: keyset pages along (sort_key, kind DESC), each an index
    /// range, its rows streamed and read from the cells' bytes (no String
    /// per name, no row decoding by column name).
    private func forEachActive(on connection: PostgresConnection, ips: Bool, detailed: Bool, output: inout Output,
                               write: (ByteBuffer) async throws -> Void, _ body: (Row, inout [UInt8]) -> Void) async throws {
        let columns = "sort_key, " + (detailed ? Self.columns : "kind, name, action")
        let filter = ips ? BlockEntryModel.activeIPsCondition : BlockEntryModel.activeDomainsCondition
        let order = ips ? "sort_key COLLATE \"C\"" : "sort_key COLLATE \"C\", kind DESC"
        var after: (sortKey: String, kind: String)?
        while true {
            var query: PostgresQuery = "SELECT \(unescaped: columns) FROM block_entries WHERE \(unescaped: filter)"
            if let after {
                // The bound the index can start at (`>=`), the tie broken by the filter: with
                // the whole condition as one OR, PostgreSQL scanned each page from the start.
                query = "SELECT \(unescaped: columns) FROM block_entries WHERE \(unescaped: filter) AND sort_key COLLATE \"C\" >= \(after.sortKey) AND (sort_key COLLATE \"C\" > \(after.sortKey) OR kind < \(after.kind))"
            }
            query.sql += " ORDER BY \(order) LIMIT \(pageSize)"
            var count = 0
            var last: ByteBuffer?, lastKind: ByteBuffer?
            for try await row in try await connection.query(query, logger: database.logger) {
                count += 1
                let cells = row.makeRandomAccess()
                guard let kind = cells[1].bytes, let name = cells[2].bytes, let action = cells[3].bytes else { continue }
                let detail = detailed ? Detail(reason: try cells[4].decode(String.self), legalBases: try cells[5].decode(String.self),
                                               activatedAt: try cells[6].decode(Date?.self), appID: try cells[7].decode(UUID?.self)) : nil
                let entryKind: BlocklistImporter.Kind = ips ? .ip : kind.readableBytesView.first == UInt8(ascii: "s") ? .subdomains : .domain
                let entryAction: BlockAction = action.readableBytesView.first == UInt8(ascii: "r") ? .redirect : .nxdomain
                name.withUnsafeReadableBytes { raw in
                    body(Row(kind: entryKind, name: raw.bindMemory(to: UInt8.self), action: entryAction, detail: detail), &output.bytes)
                }
                last = cells[0].bytes
                lastKind = kind
                try await output.flushIfFull(write)
            }
            guard count == pageSize, let last, let lastKind else { return }
            after = (String(buffer: last), String(buffer: lastKind))
        }
    }

    /// Every record of the snapshot's RPZ zone in zone order — blocks and
    /// the allow-list merged, covered names left out (`RPZWriter.records`) —
    /// for the zone file and the DNS transfers alike. `record` appends one
    /// record (owner name, behind `*.` or not, target) to the output.
    func walkZone(in snapshot: Snapshot, output: inout Output, write: (ByteBuffer) async throws -> Void,
                  record: (UnsafeBufferPointer<UInt8>, Bool, RPZTarget, inout [UInt8]) -> Void) async throws {
        var writer = RPZWriter(zoneName: zoneName, landingHost: landingHost)
        // Allow-list entries go in their place in the order (before blocks of the same name).
        let allows = snapshot.allows.map { (key: Array($0.sortKey.utf8), name: Array($0.name.utf8), subdomains: $0.subdomains) }
        var nextAllow = 0
        var key: [UInt8] = []
        func writeAllow(_ index: Int, _ out: inout [UInt8]) {
            allows[index].name.withUnsafeBufferPointer { name in
                writer.records(name: name, subdomains: allows[index].subdomains, allow: true, action: .nxdomain) { record(name, $0, $1, &out) }
            }
        }
        try await forEachActive(in: snapshot, ips: false, detailed: false, output: &output, write: write) { row, out in
            if nextAllow < allows.count {
                key.removeAll(keepingCapacity: true)
                BlockSortKey.append(row.name, to: &key)
                while nextAllow < allows.count, !key.lexicographicallyPrecedes(allows[nextAllow].key) {
                    writeAllow(nextAllow, &out)
                    nextAllow += 1
                }
            }
            writer.records(name: row.name, subdomains: row.kind == .subdomains, allow: false, action: row.action) { record(row.name, $0, $1, &out) }
        }
        while nextAllow < allows.count {
            writeAllow(nextAllow, &output.bytes)
            nextAllow += 1
        }
    }

    /// Writes the whole export in `format`, in pieces, from one snapshot;
    /// returns the serial written (the snapshot's, which the file names).
    @discardableResult
    func export(_ format: Format, generatedAt: Date, write: (ByteBuffer) async throws -> Void) async throws -> Int64 {
        // The apps only name entries; they are not part of the snapshot.
        let apps = format == .json ? Dictionary(try await BlockAppModel.query(on: database.db).all().map { ($0.id!, $0.slug) }, uniquingKeysWith: { a, _ in a }) : [:]
        return try await withSnapshot { snapshot in
            var output = Output(chunkBytes: chunkBytes)
            output.bytes.reserveCapacity(chunkBytes + 4096)
            let serial = snapshot.serial
            let stamp = "serial \(serial), generated \(isoTimestamp(generatedAt))"
            switch format {
            case .rpz:
                let writer = RPZWriter(zoneName: zoneName, landingHost: landingHost)
                output.append("; Pantau blocklist - RPZ zone \(writer.zoneName). \(stamp)\n")
                output.append(writer.header(serial: serial))
                try await walkZone(in: snapshot, output: &output, write: write) { name, wildcard, target, out in
                    writer.appendLine(name: name, wildcard: wildcard, target: target, to: &out)
                }
            case .domains:
                output.append("# Pantau blocklist \(stamp)\n")
                output.append("# One name per line; \"*.name\" blocks the name and all its subdomains.\n")
                try await forEachActive(in: snapshot, ips: false, detailed: false, output: &output, write: write) { row, out in
                    if row.kind == .subdomains { out.append(UInt8(ascii: "*")); out.append(UInt8(ascii: ".")) }
                    out.append(contentsOf: row.name)
                    out.append(UInt8(ascii: "\n"))
                }
            case .hosts:
                output.append("# Pantau blocklist \(stamp) (hosts format: no wildcards, names only)\n")
                let prefix = Array("0.0.0.0 ".utf8)
                try await forEachActive(in: snapshot, ips: false, detailed: false, output: &output, write: write) { row, out in
                    out.append(contentsOf: prefix)
                    out.append(contentsOf: row.name)
                    out.append(UInt8(ascii: "\n"))
                }
            case .ips:
                output.append("# Pantau IP blocklist \(stamp)\n")
                try await forEachActive(in: snapshot, ips: true, detailed: false, output: &output, write: write) { row, out in
                    out.append(contentsOf: row.name)
                    out.append(UInt8(ascii: "\n"))
                }
            case .json:
                var head = JSONObjectText()
                head.add("serial", Int(serial))
                head.add("zone", zoneName)
                head.add("generated_at", isoTimestamp(generatedAt))
                output.append(String(head.finished.dropLast()) + ",\"entries\":[")
                var first = true
                for ips in [false, true] {
                    try await forEachActive(in: snapshot, ips: ips, detailed: true, output: &output, write: write) { row, out in
                        guard let detail = row.detail else { return }
                        var object = JSONObjectText()
                        object.add("name", String(decoding: row.name, as: UTF8.self))
                        object.add("kind", row.kind.text.description)
                        object.add("action", row.action.rawValue)
                        object.add("since", detail.activatedAt.map(isoTimestamp) ?? "")
                        object.add("reason", detail.reason)
                        object.add("legal_bases", detail.legalBases)
                        if let app = detail.appID.flatMap({ apps[$0] }) { object.add("app", app) }
                        if !first { out.append(UInt8(ascii: ",")) }
                        out.append(contentsOf: object.finished.utf8)
                        first = false
                    }
                }
                output.append("],\"allow\":[")
                for (index, allow) in snapshot.allows.enumerated() {
                    var object = JSONObjectText()
                    object.add("name", allow.name)
                    object.add("kind", allow.kind)
                    object.add("reason", allow.reason)
                    object.add("since", isoTimestamp(allow.addedAt))
                    output.append((index == 0 ? "" : ",") + object.finished)
                }
                output.append("]}\n")
            }
            try await output.flush(write)
            return serial
        }
    }

    // MARK: Changes

    struct Changes: Sendable {
        let from: Int64
        let to: Int64
        let fullReload: Bool
        let added: [BlocklistChange]
        let removed: [BlocklistChange]
    }

    /// The net changes after `since` up to the current serial, or "reload
    /// everything" when a bulk publication (an import) lies in between.
    func changes(since: Int64) async throws -> Changes {
        let current = try await BlocklistPublications.currentSerial(on: database.db)
        guard since < current else { return Changes(from: since, to: current, fullReload: false, added: [], removed: []) }
        let bulk = try await BlocklistPublications.fullReloadBetween(after: since, upTo: current, on: database.db)
        if bulk || since < 0 {
            return Changes(from: since, to: current, fullReload: true, added: [], removed: [])
        }
        let rows = try await BlocklistPublications.changes(after: since, upTo: current, in: database)
        // The last change of each name wins; an add then a remove is nothing.
        var net: [String: (first: BlocklistChange, last: BlocklistChange)] = [:]
        var order: [String] = []
        for row in rows {
            let key = "\(row.allow) \(row.kind) \(row.name)"
            if let existing = net[key] { net[key] = (existing.first, row) } else { net[key] = (row, row); order.append(key) }
        }
        var added: [BlocklistChange] = [], removed: [BlocklistChange] = []
        for key in order {
            let (first, last) = net[key]!
            if first.op == "add" && last.op == "remove" { continue }
            if last.op == "add" { added.append(last) } else { removed.append(last) }
        }
        return Changes(from: since, to: current, fullReload: false, added: added, removed: removed)
    }
}
