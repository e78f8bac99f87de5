import FluentKit
import Foundation
import PantauCore
import SQLKit
import SQLiteNIO

/// The published list in the formats ISPs and tools read. Entries are read
/// in pages of sort-key order and written out as they come, so a
/// 10-million-name export never sits in memory as one string.
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
    var pageSize = 20_000
    /// Output is handed on in pieces of about this size.
    var chunkBytes = 256 * 1024

    struct Row: Sendable {
        let kind: String
        let name: String
        let sortKey: String
        let action: String
        let reason: String
        let legalBases: String
        let activatedAt: Date?
        let appID: UUID?
    }

    /// Active entries (domains, or IPs) in sort-key order, page by page.
    func pages(ips: Bool, detailed: Bool, _ body: ([Row]) async throws -> Void) async throws {
        if let lite = database.db as? any SQLiteDatabase {
            try await sqlitePages(lite, ips: ips, detailed: detailed, body)
            return
        }
        let columns = "id, kind, name, sort_key, action" + (detailed ? ", reason, legal_bases, activated_at, app_id" : "")
        let kindFilter = ips ? "kind = 'ip'" : "kind <> 'ip'"
        var after: (String, UUID)?
        while true {
            let query: SQLQueryString
            if let after {
                // A row-value comparison: the database walks the export index from there.
                query = "SELECT \(unsafeRaw: columns) FROM block_entries WHERE state = 'active' AND \(unsafeRaw: kindFilter) AND (sort_key COLLATE \"C\", id) > (\(bind: after.0), \(bind: after.1)) ORDER BY sort_key COLLATE \"C\", id LIMIT \(unsafeRaw: String(pageSize))"
            } else {
                query = "SELECT \(unsafeRaw: columns) FROM block_entries WHERE state = 'active' AND \(unsafeRaw: kindFilter) ORDER BY sort_key COLLATE \"C\", id LIMIT \(unsafeRaw: String(pageSize))"
            }
            var last: UUID?
            let rows = try await database.sql.raw(query).all().map { row in
                last = try row.decode(column: "id", as: UUID.self)
                return Row(kind: try row.decode(column: "kind", as: String.self),
                           name: try row.decode(column: "name", as: String.self), sortKey: try row.decode(column: "sort_key", as: String.self),
                           action: try row.decode(column: "action", as: String.self),
                           reason: detailed ? try row.decode(column: "reason", as: String.self) : "",
                           legalBases: detailed ? try row.decode(column: "legal_bases", as: String.self) : "",
                           activatedAt: detailed ? try row.decode(column: "activated_at", as: Date?.self) : nil,
                           appID: detailed ? try row.decode(column: "app_id", as: UUID?.self) : nil)
            }
            if rows.isEmpty { return }
            try await body(rows)
            guard rows.count == pageSize, let lastRow = rows.last, let last else { return }
            after = (lastRow.sortKey, last)
        }
    }

    /// The same on SQLite, reading columns by position straight from SQLiteNIO
    /// (the generic row decoder costs tens of microseconds a row).
    private func sqlitePages(_ lite: any SQLiteDatabase, ips: Bool, detailed: Bool, _ body: ([Row]) async throws -> Void) async throws {
        let columns = "id, kind, name, sort_key, action" + (detailed ? ", reason, legal_bases, activated_at, app_id" : "")
        let kindFilter = ips ? "kind = 'ip'" : "kind <> 'ip'"
        var after: (String, SQLiteData)?
        final class Collected: @unchecked Sendable {
            var rows: [Row] = []
            var lastID: SQLiteData?
        }
        while true {
            let collected = Collected()
            collected.rows.reserveCapacity(pageSize)
            let keyset = after == nil ? "" : " AND (sort_key, id) > (?, ?)"
            let sql = "SELECT \(columns) FROM block_entries WHERE state = 'active' AND \(kindFilter)\(keyset) ORDER BY sort_key, id LIMIT \(pageSize)"
            let binds: [SQLiteData] = after.map { [.text($0.0), $0.1] } ?? []
            try await lite.query(sql, binds) { row in
                let c = row.columns
                collected.lastID = c[0].data
                let appText = detailed ? c[8].data.string : nil
                collected.rows.append(Row(kind: c[1].data.string ?? "", name: c[2].data.string ?? "", sortKey: c[3].data.string ?? "",
                                          action: c[4].data.string ?? "",
                                          reason: detailed ? c[5].data.string ?? "" : "", legalBases: detailed ? c[6].data.string ?? "" : "",
                                          activatedAt: detailed ? c[7].data.double.map { Date(timeIntervalSince1970: $0) } : nil,
                                          appID: appText.flatMap(UUIDText.parse)))
            }
            let rows = collected.rows
            if rows.isEmpty { return }
            try await body(rows)
            guard rows.count == pageSize, let last = rows.last, let lastID = collected.lastID else { return }
            after = (last.sortKey, lastID)
        }
    }

    func allowEntries() async throws -> [AllowEntryModel] {
        try await AllowEntryModel.query(on: database.db).filter(\.$removedAt == nil).all()
            .sorted { ($0.sortKey, $0.isSubdomains ? 0 : 1) < ($1.sortKey, $1.isSubdomains ? 0 : 1) }
    }

    /// Writes the whole export in `format` for `serial`, in pieces.
    func export(_ format: Format, serial: Int64, generatedAt: Date, write: (String) async throws -> Void) async throws {
        var out = ""
        func flush(_ force: Bool = false) async throws {
            if !out.isEmpty && (force || out.utf8.count >= chunkBytes) {
                try await write(out)
                out = ""
            }
        }
        switch format {
        case .rpz:
            var writer = RPZWriter(zoneName: zoneName, landingHost: landingHost)
            out += "; Pantau blocklist - RPZ zone \(writer.zoneName). serial \(serial), generated \(isoTimestamp(generatedAt))\n"
            out += writer.header(serial: serial)
            var allows = try await allowEntries()[...]
            try await pages(ips: false, detailed: false) { rows in
                for row in rows {
                    // Allow-list entries go in their place in the order (before blocks of the same name).
                    while let allow = allows.first, allow.sortKey.utf8.lexicographicallyPrecedes(row.sortKey.utf8) || allow.sortKey == row.sortKey {
                        writer.write(ExportEntry(name: allow.name, subdomains: allow.isSubdomains, allow: true), to: &out)
                        allows = allows.dropFirst()
                    }
                    writer.write(ExportEntry(name: row.name, subdomains: row.kind == "subdomains", action: BlockAction(rawValue: row.action) ?? .nxdomain),
                                 to: &out)
                }
                try await flush()
            }
            for allow in allows { writer.write(ExportEntry(name: allow.name, subdomains: allow.isSubdomains, allow: true), to: &out) }
        case .domains:
            out += "# Pantau blocklist serial \(serial), generated \(isoTimestamp(generatedAt))\n"
            out += "# One name per line; \"*.name\" blocks the name and all its subdomains.\n"
            try await pages(ips: false, detailed: false) { rows in
                for row in rows { out += (row.kind == "subdomains" ? "*." : "") + row.name + "\n" }
                try await flush()
            }
        case .hosts:
            out += "# Pantau blocklist serial \(serial), generated \(isoTimestamp(generatedAt)) (hosts format: no wildcards, names only)\n"
            try await pages(ips: false, detailed: false) { rows in
                for row in rows { out += "0.0.0.0 " + row.name + "\n" }
                try await flush()
            }
        case .ips:
            out += "# Pantau IP blocklist serial \(serial), generated \(isoTimestamp(generatedAt))\n"
            try await pages(ips: true, detailed: false) { rows in
                for row in rows { out += row.name + "\n" }
                try await flush()
            }
        case .json:
            let apps = Dictionary(try await BlockAppModel.query(on: database.db).all().map { ($0.id!, $0.slug) }, uniquingKeysWith: { a, _ in a })
            var head = JSONObjectText()
            head.add("serial", Int(serial))
            head.add("zone", zoneName)
            head.add("generated_at", isoTimestamp(generatedAt))
            out += String(head.finished.dropLast()) + ",\"entries\":["
            var first = true
            for ips in [false, true] {
                try await pages(ips: ips, detailed: true) { rows in
                    for row in rows {
                        var object = JSONObjectText()
                        object.add("name", row.name)
                        object.add("kind", row.kind)
                        object.add("action", row.action)
                        object.add("since", row.activatedAt.map(isoTimestamp) ?? "")
                        object.add("reason", row.reason)
                        object.add("legal_bases", row.legalBases)
                        if let app = row.appID.flatMap({ apps[$0] }) { object.add("app", app) }
                        out += (first ? "" : ",") + object.finished
                        first = false
                    }
                    try await flush()
                }
            }
            out += "],\"allow\":["
            for (index, allow) in try await allowEntries().enumerated() {
                var object = JSONObjectText()
                object.add("name", allow.name)
                object.add("kind", allow.kind)
                object.add("reason", allow.reason)
                object.add("since", isoTimestamp(allow.addedAt))
                out += (index == 0 ? "" : ",") + object.finished
            }
            out += "]}\n"
        }
        try await flush(true)
    }

    // MARK: Changes

    struct Changes: Sendable {
        let from: Int64
        let to: Int64
        let fullReload: Bool
        let added: [BlocklistChangeModel]
        let removed: [BlocklistChangeModel]
    }

    /// The net changes after `since` up to the current serial, or "reload
    /// everything" when a bulk publication (an import) lies in between.
    func changes(since: Int64) async throws -> Changes {
        let current = try await BlocklistSerialModel.query(on: database.db).max(\.$id) ?? 0
        guard since < current else { return Changes(from: since, to: current, fullReload: false, added: [], removed: []) }
        let bulk = try await BlocklistSerialModel.query(on: database.db).filter(\.$id > since).filter(\.$fullReload == true).first()
        if bulk != nil || since < 0 { return Changes(from: since, to: current, fullReload: true, added: [], removed: []) }
        let rows = try await BlocklistChangeModel.query(on: database.db).filter(\.$serial > since).sort(\.$serial).sort(\.$id).all()
        // The last change of each name wins; an add then a remove is nothing.
        var net: [String: (first: BlocklistChangeModel, last: BlocklistChangeModel)] = [:]
        var order: [String] = []
        for row in rows {
            let key = "\(row.allow) \(row.kind) \(row.name)"
            if let existing = net[key] { net[key] = (existing.first, row) } else { net[key] = (row, row); order.append(key) }
        }
        var added: [BlocklistChangeModel] = [], removed: [BlocklistChangeModel] = []
        for key in order {
            let (first, last) = net[key]!
            if first.op == "add" && last.op == "remove" { continue }
            if last.op == "add" { added.append(last) } else { removed.append(last) }
        }
        return Changes(from: since, to: current, fullReload: false, added: added, removed: removed)
    }
}
