import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Imports a dirty blocklist (one name per line; comments, blank lines,
/// hosts-file lines, IPs and junk) into the active list, cleaned on the way:
/// every name normalised and checked, duplicates dropped (within the file
/// and against the list), IPs moved to the IP list, allow-listed names
/// refused, junk counted by reason with the first line numbers. Published
/// as one serial that asks ISPs for a full reload.
struct BlocklistImporter {
    let database: PantauDatabase
    let normalizer: BlockNameNormalizer
    var batchRows = 400
    var rowsPerTransaction = 50_000

    struct Summary: Sendable {
        var lines = 0
        var blankOrComment = 0
        var accepted = 0
        var acceptedSubdomains = 0
        var ips = 0
        var duplicates = 0
        var allowListed = 0
        var rejected: [BlockNameProblem: Int] = [:]
        var examples: [BlockNameProblem: [(line: Int, text: String)]] = [:]
        var serial: Int64 = 0
        var seconds = 0.0
    }

    struct Pending {
        let kind: String
        let name: String
    }

    func run(path: String, reason: String, legalBases: [String], action: BlockAction, actor: String, now: Date,
             progress: (Int64, Int64, Int) -> Void) async throws -> Summary {
        let started = Date()
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ConfigurationError("cannot read \(path)") }
        defer { try? handle.close() }
        let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        var summary = Summary()

        // What the list holds already (live entries) and the allow-list.
        var seenExact = NameTable(capacity: 1 << 16), seenWildcard = NameTable(capacity: 1 << 12), seenIP = NameTable(capacity: 1 << 10)
        for row in try await database.sql.raw("SELECT kind, name FROM block_entries WHERE state IN ('proposed', 'scheduled', 'active')").all() {
            let kind = try row.decode(column: "kind", as: String.self), name = try row.decode(column: "name", as: String.self)
            switch kind {
            case "subdomains": seenWildcard.insert(name)
            case "ip": seenIP.insert(name)
            default: seenExact.insert(name)
            }
        }
        var allow = BlockIndex()
        for entry in try await AllowEntryModel.query(on: database.db).filter(\.$removedAt == nil).all() {
            allow.add(entry.name, subdomains: entry.isSubdomains, allow: true, payload: 0)
        }

        var pending: [Pending] = []
        pending.reserveCapacity(rowsPerTransaction)
        var read: Int64 = 0
        var carry: [UInt8] = []
        var lineNumber = 0
        func classify(_ line: ArraySlice<UInt8>) {
            lineNumber += 1
            summary.lines += 1
            var text = line
            // Comments: whole-line "#", ";", "!" (adblock), or an inline " #".
            if let hash = text.firstIndex(of: UInt8(ascii: "#")) { text = text[..<hash] }
            while let last = text.last, last == 0x20 || last == 0x09 || last == 0x0D { text = text.dropLast() }
            while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
            if text.isEmpty || text.first == UInt8(ascii: ";") || text.first == UInt8(ascii: "!") {
                summary.blankOrComment += 1
                return
            }
            // hosts-file lines: "0.0.0.0 name" / "127.0.0.1 name".
            if let space = text.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) {
                let first = text[..<space]
                if first.elementsEqual("0.0.0.0".utf8) || first.elementsEqual("127.0.0.1".utf8) || first.elementsEqual("::".utf8) {
                    text = text[space...].drop { $0 == 0x20 || $0 == 0x09 }
                }
            }
            let raw = String(decoding: text, as: UTF8.self)
            switch normalizer.normalize(raw) {
            case .failure(let problem):
                summary.rejected[problem, default: 0] += 1
                if summary.examples[problem, default: []].count < 5 { summary.examples[problem, default: []].append((lineNumber, String(raw.prefix(80)))) }
            case .success(.ip(let ip)):
                if seenIP.contains(ip) { summary.duplicates += 1; return }
                seenIP.insert(ip)
                summary.ips += 1
                pending.append(Pending(kind: "ip", name: ip))
            case .success(.domain(let name, let subdomains)):
                if case .allowed = allow.lookup(name) { summary.allowListed += 1; return }
                if subdomains {
                    if seenWildcard.contains(name) { summary.duplicates += 1; return }
                    seenWildcard.insert(name)
                    summary.acceptedSubdomains += 1
                } else {
                    if seenExact.contains(name) { summary.duplicates += 1; return }
                    seenExact.insert(name)
                }
                summary.accepted += 1
                pending.append(Pending(kind: subdomains ? "subdomains" : "domain", name: name))
            }
        }

        let isSQLite = database.isSQLite
        let common = (action: action.rawValue, reason: reason, bases: legalBases.joined(separator: ","), now: now)
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let rows = pending
            pending.removeAll(keepingCapacity: true)
            try await database.writeTransaction { db in
                try await Self.insert(rows, common: common, batch: batchRows, on: db as! any SQLDatabase)
            }
        }

        while true {
            let chunk = try handle.read(upToCount: 4 << 20) ?? Data()
            if chunk.isEmpty { break }
            read += Int64(chunk.count)
            var bytes = carry
            bytes.append(contentsOf: chunk)
            var start = 0
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                classify(bytes[start..<newline])
                start = newline + 1
            }
            carry = Array(bytes[start...])
            if pending.count >= rowsPerTransaction { try await flush() }
            progress(read, total, lineNumber)
        }
        if !carry.isEmpty { classify(carry[...]) }
        try await flush()
        let counts = summary
        summary.serial = try await database.writeTransaction { db in
            if !isSQLite { _ = try await (db as! any SQLDatabase).raw("SELECT pg_advisory_xact_lock(7406001)").all() }
            let serial = try await BlocklistService.publish([], note: "import \(URL(fileURLWithPath: path).lastPathComponent): \(counts.accepted + counts.ips) entries",
                                                            actor: actor, fullReload: true, at: now, on: db)
            try await BlocklistService.event("blocklist_imported", actor: actor, payload: [
                "file": URL(fileURLWithPath: path).lastPathComponent, "lines": String(counts.lines), "accepted": String(counts.accepted),
                "ips": String(counts.ips), "duplicates": String(counts.duplicates), "rejected": String(counts.rejected.values.reduce(0, +)),
                "reason": reason, "legal_bases": legalBases.joined(separator: ","), "serial": String(serial),
            ], at: now, on: db)
            return serial
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Multi-row inserts of active entries.
    static func insert(_ rows: [Pending], common: (action: String, reason: String, bases: String, now: Date), batch: Int,
                       on sql: any SQLDatabase) async throws {
        var index = 0
        while index < rows.count {
            let end = min(index + batch, rows.count)
            var query = SQLQueryString("INSERT INTO block_entries (id, kind, name, sort_key, action, state, reason, legal_bases, source, effective_from, created_at, activated_at) VALUES ")
            for position in index..<end {
                let row = rows[position]
                if position > index { query.appendLiteral(", ") }
                let sortKey = row.kind == "ip" ? row.name : BlockSortKey.of(row.name)
                query.appendInterpolation(unsafeRaw: "(")
                query.appendInterpolation(bind: OrderedID.make(at: common.now))
                query.appendLiteral(", ")
                query.appendInterpolation(bind: row.kind)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: row.name)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: sortKey)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: common.action)
                query.appendLiteral(", 'active', ")
                query.appendInterpolation(bind: common.reason)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: common.bases)
                query.appendLiteral(", 'import', ")
                query.appendInterpolation(bind: common.now)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: common.now)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: common.now)
                query.appendLiteral(")")
            }
            try await sql.raw(query).run()
            index = end
        }
    }
}

/// A synthetic dirty blocklist with the shapes real national lists have:
/// names of every depth, upper case, `www.`, hosts-file lines, wildcards,
/// IDN, duplicates, IP addresses, comments, blank lines and junk.
enum DirtyBlocklist {
    static func write(lines: Int, to path: String, seed: UInt64 = 2018) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ConfigurationError("cannot write \(path)") }
        defer { try? handle.close() }
        var random = SeededGenerator(seed: seed)
        let words = ["judi", "slot", "gacor", "togel", "bokep", "porn", "video", "live", "bet", "casino", "poker", "maxwin", "link", "alternatif",
                     "situs", "resmi", "daftar", "login", "mirror", "stream", "nonton", "film", "hoki", "bonus", "jackpot", "pinjol", "cepat", "dana"]
        let tlds = ["com", "net", "org", "info", "xyz", "top", "id", "co.id", "my.id", "biz.id", "site", "online", "club", "vip", "live", "asia"]
        var out = "# Daftar blokir sintetis (\(lines) baris)\n"
        var recent: [String] = []
        for n in 0..<lines {
            let roll = Int.random(in: 0..<1000, using: &random)
            var line: String
            let base = words.randomElement(using: &random)! + words.randomElement(using: &random)! + String(Int.random(in: 1...999_999, using: &random))
                + "." + tlds.randomElement(using: &random)!
            switch roll {
            case 0..<10: line = ""                                                       // blank
            case 10..<20: line = "# bagian \(n)"                                          // comment
            case 20..<60: line = recent.isEmpty ? base : recent.randomElement(using: &random)!   // duplicate
            case 60..<80: line = "\(Int.random(in: 1...223, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))"
            case 80..<90: line = ["bad name.com", "http://", "-x\(n).com", "x\(n)..com", "localhost", "\(n).\(n)", String(repeating: "a", count: 70) + ".com",
                                  "under$core\(n).net", "999.1.1.1"].randomElement(using: &random)!
            case 90..<100: line = "bücher-\(n)." + ["id", "com", "co.id"].randomElement(using: &random)!        // IDN
            case 100..<120: line = "0.0.0.0 " + base                                      // hosts-file line
            case 120..<140: line = "*." + base                                            // with subdomains
            case 140..<200: line = base.uppercased()                                      // upper case
            case 200..<300: line = "www." + base
            case 300..<400: line = words.randomElement(using: &random)! + "." + words.randomElement(using: &random)! + "." + base   // deep
            case 400..<420: line = "https://" + base + "/promo?ref=\(n)"
            default: line = base
            }
            if roll >= 100 && recent.count < 1000 { recent.append(line) } else if roll >= 100 { recent[n % 1000] = line }
            out += line + "\n"
            if out.utf8.count > 1 << 20 {
                handle.write(Data(out.utf8))
                out = ""
            }
        }
        handle.write(Data(out.utf8))
    }
}
