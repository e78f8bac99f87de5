import FluentKit
import Foundation
import PantauCore
import SQLKit
import NIOCore

/// The published list in the formats ISPs and tools read, written as bytes
/// in pieces of about `chunkBytes`, so a 10-million-name export never sits
/// in memory whole.
///
/// On SQLite the entries come from one statement on the C API inside one
/// read transaction: a consistent snapshot, walked along the live index
/// with no String per row. On PostgreSQL they come in keyset pages of the
/// same order.
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

    /// Active entries (domains, or IPs) in the live index's order.
    func forEachActive(ips: Bool, detailed: Bool, output: inout Output, write: (ByteBuffer) async throws -> Void,
                       _ body: (Row, inout [UInt8]) -> Void) async throws {
        let columns = detailed ? Self.columns : "kind, name, action"
        let filter = ips ? BlockEntryModel.activeIPsCondition : BlockEntryModel.activeDomainsCondition
        if case .sqlite(let file) = database.location {
            let connection = try SQLiteDirectConnection(path: file, readOnly: true)
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
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
            return
        }
        // PostgreSQL: keyset pages along (sort_key, kind DESC).
        let order = ips ? "sort_key COLLATE \"C\"" : "sort_key COLLATE \"C\", kind DESC"
        var after: (sortKey: String, kind: String)?
        while true {
            var query = SQLQueryString("SELECT sort_key, \(unsafeRaw: columns) FROM block_entries WHERE \(unsafeRaw: filter)")
            if let after {
                query.appendLiteral(" AND (sort_key COLLATE \"C\" > ")
                query.appendInterpolation(bind: after.sortKey)
                query.appendLiteral(" OR (sort_key = ")
                query.appendInterpolation(bind: after.sortKey)
                query.appendLiteral(" AND kind < ")
                query.appendInterpolation(bind: after.kind)
                query.appendLiteral("))")
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY \(order) LIMIT \(pageSize)")
            let rows = try await database.sql.raw(query).all()
            for row in rows {
                let kind = try row.decode(column: "kind", as: String.self)
                let detail = detailed ? Detail(reason: try row.decode(column: "reason", as: String.self),
                                               legalBases: try row.decode(column: "legal_bases", as: String.self),
                                               activatedAt: try row.decode(column: "activated_at", as: Date?.self),
                                               appID: try row.decode(column: "app_id", as: UUID?.self)) : nil
                var name = try row.decode(column: "name", as: String.self)
                let action = BlockAction(rawValue: try row.decode(column: "action", as: String.self)) ?? .nxdomain
                name.withUTF8 { bytes in
                    body(Row(kind: BlocklistImporter.Kind(text: kind), name: bytes, action: action, detail: detail), &output.bytes)
                }
                try await output.flushIfFull(write)
            }
            guard rows.count == pageSize, let last = rows.last else { return }
            after = (try last.decode(column: "sort_key", as: String.self), try last.decode(column: "kind", as: String.self))
        }
    }

    func allowEntries() async throws -> [AllowEntryModel] {
        try await AllowEntryModel.query(on: database.db).filter(\.$removedAt == nil).all()
            .sorted { ($0.sortKey, $0.isSubdomains ? 0 : 1) < ($1.sortKey, $1.isSubdomains ? 0 : 1) }
    }

    /// Every record of the RPZ zone in zone order — blocks and the
    /// allow-list merged, covered names left out (`RPZWriter.records`) —
    /// for the zone file and the DNS transfers alike. `record` appends one
    /// record (owner name, behind `*.` or not, target) to the output.
    func walkZone(output: inout Output, write: (ByteBuffer) async throws -> Void,
                  record: (UnsafeBufferPointer<UInt8>, Bool, RPZTarget, inout [UInt8]) -> Void) async throws {
        var writer = RPZWriter(zoneName: zoneName, landingHost: landingHost)
        // Allow-list entries go in their place in the order (before blocks of the same name).
        let allows = try await allowEntries().map { (key: Array($0.sortKey.utf8), name: Array($0.name.utf8), subdomains: $0.isSubdomains) }
        var nextAllow = 0
        var key: [UInt8] = []
        func writeAllow(_ index: Int, _ out: inout [UInt8]) {
            allows[index].name.withUnsafeBufferPointer { name in
                writer.records(name: name, subdomains: allows[index].subdomains, allow: true, action: .nxdomain) { record(name, $0, $1, &out) }
            }
        }
        try await forEachActive(ips: false, detailed: false, output: &output, write: write) { row, out in
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

    /// Writes the whole export in `format` for `serial`, in pieces.
    func export(_ format: Format, serial: Int64, generatedAt: Date, write: (ByteBuffer) async throws -> Void) async throws {
        var output = Output(chunkBytes: chunkBytes)
        output.bytes.reserveCapacity(chunkBytes + 4096)
        let stamp = "serial \(serial), generated \(isoTimestamp(generatedAt))"
        switch format {
        case .rpz:
            let writer = RPZWriter(zoneName: zoneName, landingHost: landingHost)
            output.append("; Pantau blocklist - RPZ zone \(writer.zoneName). \(stamp)\n")
            output.append(writer.header(serial: serial))
            try await walkZone(output: &output, write: write) { name, wildcard, target, out in
                writer.appendLine(name: name, wildcard: wildcard, target: target, to: &out)
            }
        case .domains:
            output.append("# Pantau blocklist \(stamp)\n")
            output.append("# One name per line; \"*.name\" blocks the name and all its subdomains.\n")
            try await forEachActive(ips: false, detailed: false, output: &output, write: write) { row, out in
                if row.kind == .subdomains { out.append(UInt8(ascii: "*")); out.append(UInt8(ascii: ".")) }
                out.append(contentsOf: row.name)
                out.append(UInt8(ascii: "\n"))
            }
        case .hosts:
            output.append("# Pantau blocklist \(stamp) (hosts format: no wildcards, names only)\n")
            let prefix = Array("0.0.0.0 ".utf8)
            try await forEachActive(ips: false, detailed: false, output: &output, write: write) { row, out in
                out.append(contentsOf: prefix)
                out.append(contentsOf: row.name)
                out.append(UInt8(ascii: "\n"))
            }
        case .ips:
            output.append("# Pantau IP blocklist \(stamp)\n")
            try await forEachActive(ips: true, detailed: false, output: &output, write: write) { row, out in
                out.append(contentsOf: row.name)
                out.append(UInt8(ascii: "\n"))
            }
        case .json:
            let apps = Dictionary(try await BlockAppModel.query(on: database.db).all().map { ($0.id!, $0.slug) }, uniquingKeysWith: { a, _ in a })
            var head = JSONObjectText()
            head.add("serial", Int(serial))
            head.add("zone", zoneName)
            head.add("generated_at", isoTimestamp(generatedAt))
            output.append(String(head.finished.dropLast()) + ",\"entries\":[")
            var first = true
            for ips in [false, true] {
                try await forEachActive(ips: ips, detailed: true, output: &output, write: write) { row, out in
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
            for (index, allow) in try await allowEntries().enumerated() {
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
