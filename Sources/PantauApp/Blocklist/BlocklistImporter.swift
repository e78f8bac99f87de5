import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Imports a dirty blocklist (one name per line; comments, blank lines,
/// hosts-file lines, IPs and junk) into the active list, cleaned on the way:
/// every name normalised and checked, duplicates dropped (within the file
/// and against the list), IPs moved to the IP list, allow-listed names
/// refused, junk counted by reason with the first line numbers.
///
/// The whole file lands in one transaction with its serial (published as a
/// full reload for ISPs), so an import is all or nothing and no export sees
/// half of it. The new names are sorted by sort key first: inserted in index
/// order, every B-tree insert is an append. On SQLite the rows go through
/// one prepared statement on the C API (ten million rows in seconds rather
/// than minutes); on PostgreSQL through multi-row inserts.
struct BlocklistImporter {
    let database: PantauDatabase
    let normalizer: BlockNameNormalizer
    var batchRows = 400
    /// Prints the time of each phase of the write to standard error (`PANTAU_IMPORT_TIMINGS=1`).
    var printsTimings = false

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
        /// Where the time went: reading and cleaning, sorting, writing.
        var readSeconds = 0.0
        var sortSeconds = 0.0
        var writeSeconds = 0.0
    }

    enum Phase: String, Sendable { case reading, sorting, writing }

    /// Where the import stands: the phase, work done of total (bytes read,
    /// or rows written), lines read.
    typealias Progress = (Phase, Int64, Int64, Int) -> Void

    /// Entry kinds, in the order they sort within one name (descending, as
    /// the live index has them: "with subdomains" before "exact").
    enum Kind: UInt8 {
        case ip = 0, domain = 1, subdomains = 2

        var text: StaticString {
            switch self {
            case .ip: "ip"
            case .domain: "domain"
            case .subdomains: "subdomains"
            }
        }
    }

    func run(path: String, reason: String, legalBases: [String], action: BlockAction, actor: String, now: Date,
             progress: Progress) async throws -> Summary {
        let started = Date()
        var summary = Summary()
        var list = ListBefore()
        var names = try await parse(path: path, summary: &summary, list: &list, progress: progress)
        summary.readSeconds = Date().timeIntervalSince(started)
        // A file larger than the list: on SQLite the live index is dropped and
        // built again after the rows are in (SQLite sorts once, on every core,
        // instead of searching the B-tree for every row); row order then does
        // not matter. Otherwise rows go in sorted, so index inserts append.
        // Sorted either way: rows stored in sort-key order keep the exports
        // and the server's load reading the table in order.
        let rebuildIndex = database.isSQLite && names.count > list.liveEntries
        progress(.sorting, 0, Int64(names.count), summary.lines)
        names.sort()
        summary.sortSeconds = Date().timeIntervalSince(started) - summary.readSeconds
        let batch = ImportBatch(file: URL(fileURLWithPath: path).lastPathComponent, reason: reason, legalBases: legalBases.joined(separator: ","),
                                action: action.rawValue, actor: actor, now: now, printsTimings: printsTimings)
        let lines = summary.lines, total = Int64(names.count)
        func report(_ written: Int) { progress(.writing, Int64(written), total, lines) }
        let written: (inserted: Int, serial: Int64)
        switch database.location {
        case .sqlite(let file):
            written = try Self.writeSQLite(names, batch: batch, summary: summary, file: file, rebuildIndex: rebuildIndex, list: list, progress: report)
        case .postgres:
            report(0)
            written = try await writePostgres(names, batch: batch, summary: summary)
            report(names.count)
        }
        // Names another writer made live between reading the list and writing
        // (the insert skips them) are duplicates too.
        summary.duplicates += summary.accepted + summary.ips - written.inserted
        summary.serial = written.serial
        summary.seconds = Date().timeIntervalSince(started)
        summary.writeSeconds = summary.seconds - summary.readSeconds - summary.sortSeconds
        return summary
    }

    // MARK: Reading

    /// One piece of the file, cleaned on its own (in parallel with others):
    /// each line classified, names normalised into a byte arena.
    struct CleanedChunk: Sendable {
        var lines = 0
        var blankOrComment = 0
        var rejected: [BlockNameProblem: Int] = [:]
        /// Line numbers counted from the chunk's first line (0).
        var examples: [BlockNameProblem: [(line: Int, text: String)]] = [:]
        var arena: [UInt8] = []
        /// Per name: kind, offset and length in the arena.
        var names: [(kind: Kind, offset: Int32, length: UInt8)] = []

        init(_ bytes: ArraySlice<UInt8>, normalizer: BlockNameNormalizer) {
            var start = bytes.startIndex
            while start < bytes.endIndex {
                let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
                classify(bytes[start..<newline], normalizer: normalizer)
                start = newline + 1
            }
        }

        private mutating func classify(_ line: ArraySlice<UInt8>, normalizer: BlockNameNormalizer) {
            let lineIndex = lines
            lines += 1
            var text = line
            // Comments: whole-line "#", ";", "!" (adblock), or an inline " #".
            if let hash = text.firstIndex(of: UInt8(ascii: "#")) { text = text[..<hash] }
            while let last = text.last, last == 0x20 || last == 0x09 || last == 0x0D { text = text.dropLast() }
            while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
            if text.isEmpty || text.first == UInt8(ascii: ";") || text.first == UInt8(ascii: "!") {
                blankOrComment += 1
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
                rejected[problem, default: 0] += 1
                if examples[problem, default: []].count < 5 { examples[problem, default: []].append((lineIndex, String(raw.prefix(80)))) }
            case .success(.ip(let ip)): append(ip, kind: .ip)
            case .success(.domain(let name, let subdomains)): append(name, kind: subdomains ? .subdomains : .domain)
            }
        }

        private mutating func append(_ name: String, kind: Kind) {
            names.append((kind, Int32(arena.count), UInt8(name.utf8.count)))
            arena.append(contentsOf: name.utf8)
        }
    }

    /// Reads the file in pieces cleaned in parallel (one per core), merged in
    /// file order: duplicates dropped, allow-listed names refused. Returns
    /// the new names (not yet in the list) with their sort keys.
    /// The list as the import found it before reading the file.
    struct ListBefore {
        var liveEntries = 0
        /// The highest row id then (SQLite): rows above it came later.
        var maxRowID: Int64 = 0
    }

    private func parse(path: String, summary: inout Summary, list: inout ListBefore, progress: Progress) async throws -> SortedNames {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ConfigurationError("cannot read \(path)") }
        defer { try? handle.close() }
        let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0

        // What the list holds already (live entries) and the allow-list.
        // Sized for the file (about 25 bytes a line), so the tables do not grow step by step.
        let expected = Int(total / 25)
        var seenExact = NameTable(capacity: max(1 << 16, expected)), seenWildcard = NameTable(capacity: max(1 << 12, expected / 20))
        var seenIP = NameTable(capacity: max(1 << 10, expected / 20))
        list.maxRowID = try await forEachLiveEntry { kind, name in
            list.liveEntries += 1
            switch kind {
            case .subdomains: seenWildcard.insert(name)
            case .ip: seenIP.insert(name)
            case .domain: seenExact.insert(name)
            }
        }
        var allow = BlockIndex()
        for entry in try await AllowEntryModel.query(on: database.db).filter(\.$removedAt == nil).all() {
            allow.add(entry.name, subdomains: entry.isSubdomains, allow: true)
        }

        var names = SortedNames()
        names.reserve(names: expected)
        var lineOffset = 0
        func merge(_ chunk: CleanedChunk) {
            summary.lines += chunk.lines
            summary.blankOrComment += chunk.blankOrComment
            for (problem, count) in chunk.rejected { summary.rejected[problem, default: 0] += count }
            for problem in BlockNameProblem.allCases {
                for example in chunk.examples[problem] ?? [] where summary.examples[problem, default: []].count < 5 {
                    summary.examples[problem, default: []].append((lineOffset + example.line + 1, example.text))
                }
            }
            lineOffset += chunk.lines
            chunk.arena.withUnsafeBufferPointer { arena in
                for entry in chunk.names {
                    let name = UnsafeBufferPointer(rebasing: arena[Int(entry.offset)..<Int(entry.offset) + Int(entry.length)])
                    switch entry.kind {
                    case .ip:
                        if seenIP.find(name) != nil { summary.duplicates += 1; continue }
                        seenIP.insert(name)
                        summary.ips += 1
                    case .domain, .subdomains:
                        if case .allowed = allow.hit(name) { summary.allowListed += 1; continue }
                        if entry.kind == .subdomains {
                            if seenWildcard.find(name) != nil { summary.duplicates += 1; continue }
                            seenWildcard.insert(name)
                            summary.acceptedSubdomains += 1
                        } else {
                            if seenExact.find(name) != nil { summary.duplicates += 1; continue }
                            seenExact.insert(name)
                        }
                        summary.accepted += 1
                    }
                    names.add(bytes: name, kind: entry.kind)
                }
            }
        }

        // Pieces of about 4 MB, cut after a newline; as many cleaned at once
        // as there are cores, merged strictly in file order.
        let normalizer = normalizer
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var read: Int64 = 0
        var carry: [UInt8] = []
        var atEnd = false
        try await withThrowingTaskGroup(of: (Int, CleanedChunk).self) { group in
            var nextToRead = 0, nextToMerge = 0, running = 0
            var done: [Int: CleanedChunk] = [:]
            while true {
                while running < workers && !atEnd {
                    let data = try handle.read(upToCount: 4 << 20) ?? Data()
                    read += Int64(data.count)
                    var bytes = carry
                    bytes.append(contentsOf: data)
                    if data.isEmpty {
                        atEnd = true
                        carry = []
                    } else if let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                        carry = Array(bytes[(lastNewline + 1)...])
                        bytes.removeSubrange((lastNewline + 1)...)
                    } else {
                        carry = bytes
                        continue
                    }
                    if bytes.isEmpty { continue }
                    let index = nextToRead
                    nextToRead += 1
                    running += 1
                    let piece = bytes
                    group.addTask { (index, CleanedChunk(piece[...], normalizer: normalizer)) }
                }
                guard running > 0, let (index, chunk) = try await group.next() else { break }
                running -= 1
                done[index] = chunk
                while let next = done.removeValue(forKey: nextToMerge) {
                    merge(next)
                    nextToMerge += 1
                }
                progress(.reading, read, total, summary.lines)
            }
        }
        return names
    }

    /// Every live entry's kind and name; returns the highest row id of the
    /// same snapshot (SQLite; 0 on PostgreSQL).
    private func forEachLiveEntry(_ body: (Kind, String) -> Void) async throws -> Int64 {
        let query = "SELECT kind, name FROM block_entries WHERE \(BlockEntryModel.liveCondition)"
        if case .sqlite(let file) = database.location {
            let connection = try SQLiteDirectConnection(path: file, readOnly: true)
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            let maxRowID = try connection.scalarInt("SELECT coalesce(max(rowid), 0) FROM block_entries")
            let statement = try connection.prepare(query)
            while try statement.step() { body(Kind(text: statement.text(0)), statement.text(1)) }
            return maxRowID
        }
        for row in try await database.sql.raw(SQLQueryString(query)).all() {
            body(Kind(text: try row.decode(column: "kind", as: String.self)), try row.decode(column: "name", as: String.self))
        }
        return 0
    }

    // MARK: Writing

    struct ImportBatch {
        let file: String
        let reason: String
        let legalBases: String
        let action: String
        let actor: String
        let now: Date
        var printsTimings = false

        var note: String { "import \(file)" }

        func eventPayload(_ summary: Summary, inserted: Int, serial: Int64) -> String {
            canonicalJSON([
                "file": file, "lines": String(summary.lines), "accepted": String(summary.accepted), "ips": String(summary.ips),
                "inserted": String(inserted), "duplicates": String(summary.duplicates), "rejected": String(summary.rejected.values.reduce(0, +)),
                "reason": reason, "legal_bases": legalBases, "serial": String(serial),
            ])
        }
    }

    /// All rows, the serial and the event in one transaction on the C API.
    static func writeSQLite(_ names: SortedNames, batch: ImportBatch, summary: Summary, file: String, rebuildIndex: Bool, list: ListBefore,
                            progress: (Int) -> Void) throws -> (inserted: Int, serial: Int64) {
        let connection = try SQLiteDirectConnection(path: file)
        // Room for the pages being appended to and for the sort that builds
        // the index (it spills to temporary files beyond the cache); helper
        // threads for that sort.
        try connection.execute("PRAGMA cache_size = -1048576")
        try connection.execute("PRAGMA threads = \(max(1, ProcessInfo.processInfo.activeProcessorCount))")
        // WAL with synchronous=NORMAL: the commit does not wait for the disk
        // (the next checkpoint syncs). A power cut right after an import may
        // undo the whole import — never part of it, never corrupting the
        // file — and importing the file again brings it back.
        try connection.execute("PRAGMA synchronous = NORMAL")
        // No checkpoint at the commit: a running server's checkpointer copies
        // the pages into the file in the background (≈ 7 s at 10 M names);
        // without one, closing this connection does it.
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        try connection.execute("BEGIN IMMEDIATE")
        do {
            // Names made live by another writer while the file was read
            // (the rows above the snapshot's last row id): skipped as duplicates.
            var late = Set<String>()
            let recent = try connection.prepare("SELECT kind, name FROM block_entries WHERE rowid > ?1 AND \(BlockEntryModel.liveCondition)")
            recent.bind(1, list.maxRowID)
            while try recent.step() { late.insert(recent.text(0) + " " + recent.text(1)) }
            if rebuildIndex {
                // (The IP index stays: it holds a few per cent of the rows, and
                // building it again would read the whole table once more.)
                try connection.execute("DROP INDEX block_entries_live")
            }
            // Fifty rows a statement (stepping a statement has a cost of its
            // own, about as much as the row); the import's constants are
            // bound once and shared by every row.
            let rowsPerStatement = 50
            func insertStatement(rows: Int) throws -> SQLiteDirectConnection.Statement {
                let values = (0..<rows).map { r in
                    "(?\(4 * r + 1), ?\(4 * r + 2), ?\(4 * r + 3), ?\(4 * r + 4), ?201, 'active', ?202, ?203, 'import', ?204, ?204, ?204)"
                }
                let statement = try connection.prepare("""
                    INSERT OR IGNORE INTO block_entries (id, kind, name, sort_key, action, state, reason, legal_bases, source, effective_from, created_at, activated_at)
                    VALUES \(values.joined(separator: ", "))
                    """)
                statement.bind(201, batch.action)
                statement.bind(202, batch.reason)
                statement.bind(203, batch.legalBases)
                statement.bind(204, batch.now.timeIntervalSince1970)
                return statement
            }
            let full = try insertStatement(rows: rowsPerStatement), single = try insertStatement(rows: 1)
            // The bytes bound to one statement stay put until it has run.
            var idText = [UInt8](repeating: 0, count: rowsPerStatement * 36)
            var nameText = [UInt8](repeating: 0, count: rowsPerStatement * 256)
            var keys: [UnsafeBufferPointer<UInt8>] = []
            var kinds: [Kind] = []
            var lengths: [Int] = []
            keys.reserveCapacity(rowsPerStatement)
            let started = Date()
            var ids = SequentialIDs(at: batch.now)
            var inserted = 0
            func run(_ statement: SQLiteDirectConnection.Statement, rows: Int) throws {
                try idText.withUnsafeBufferPointer { idBytes in
                    try nameText.withUnsafeBufferPointer { nameBytes in
                        for r in 0..<rows {
                            let base = Int32(4 * r)
                            statement.bind(base + 1, bytes: UnsafeBufferPointer(rebasing: idBytes[(r * 36)..<(r * 36 + 36)]))
                            kinds[r].text.withUTF8Buffer { statement.bind(base + 2, bytes: $0) }
                            statement.bind(base + 3, bytes: UnsafeBufferPointer(rebasing: nameBytes[(r * 256)..<(r * 256 + lengths[r])]))
                            statement.bind(base + 4, bytes: keys[r])
                        }
                        try statement.run()
                    }
                }
                inserted += connection.changes
            }
            try names.forEach { index, kind, name, sortKey in
                if !late.isEmpty, late.contains(kind.text.description + " " + String(decoding: name, as: UTF8.self)) { return }
                let r = keys.count
                ids.next { id in idText.replaceSubrange((r * 36)..<(r * 36 + 36), with: id) }
                nameText.replaceSubrange((r * 256)..<(r * 256 + name.count), with: name)
                lengths.append(name.count)
                keys.append(sortKey)
                kinds.append(kind)
                if keys.count == rowsPerStatement {
                    try run(full, rows: rowsPerStatement)
                    keys.removeAll(keepingCapacity: true)
                    kinds.removeAll(keepingCapacity: true)
                    lengths.removeAll(keepingCapacity: true)
                }
                if index % 100_000 == 0 { progress(index) }
            }
            // The last few rows one by one.
            let left = keys.count
            for r in 0..<left {
                idText.replaceSubrange(0..<36, with: idText[(r * 36)..<(r * 36 + 36)])
                nameText.replaceSubrange(0..<lengths[r], with: nameText[(r * 256)..<(r * 256 + lengths[r])])
                keys[0] = keys[r]
                kinds[0] = kinds[r]
                lengths[0] = lengths[r]
                try run(single, rows: 1)
            }
            progress(names.count)
            let inserting = Date()
            if rebuildIndex {
                // The same indexes the migrations make; a duplicate would fail here and roll everything back.
                try connection.execute(ReindexBlockEntries.liveIndex(collate: ""))
            }
            let indexed = Date()
            if inserted == 0 {
                // Nothing new: no serial, so no ISP reloads for nothing.
                try connection.execute("ROLLBACK")
                return (0, try connection.scalarInt("SELECT coalesce(max(serial), 0) FROM blocklist_serials"))
            }
            let serial = try connection.scalarInt("SELECT coalesce(max(serial), 0) + 1 FROM blocklist_serials")
            let serialRow = try connection.prepare("INSERT INTO blocklist_serials (serial, published_at, actor, note, added, removed, full_reload) VALUES (?1, ?2, ?3, ?4, ?5, 0, 1)")
            serialRow.bind(1, serial)
            serialRow.bind(2, batch.now.timeIntervalSince1970)
            serialRow.bind(3, batch.actor)
            serialRow.bind(4, batch.note + ": \(inserted) entries")
            serialRow.bind(5, Int64(inserted))
            try serialRow.run()
            let event = try connection.prepare("INSERT INTO block_events (id, kind, actor, occurred_at, payload) VALUES (?1, '\(BlockEventKind.blocklistImported.rawValue)', ?2, ?3, ?4)")
            event.bind(1, OrderedID.make(at: batch.now).uuidString)
            event.bind(2, batch.actor)
            event.bind(3, batch.now.timeIntervalSince1970)
            event.bind(4, batch.eventPayload(summary, inserted: inserted, serial: serial))
            try event.run()
            try connection.execute("COMMIT")
            if batch.printsTimings {
                FileHandle.standardError.write(Data(String(format: "insert %.1f s, index %.1f s, commit %.1f s\n", inserting.timeIntervalSince(started),
                                                           indexed.timeIntervalSince(inserting), Date().timeIntervalSince(indexed)).utf8))
            }
            return (inserted, serial)
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The same on PostgreSQL: multi-row inserts in one transaction.
    private func writePostgres(_ names: SortedNames, batch: ImportBatch, summary: Summary) async throws -> (inserted: Int, serial: Int64) {
        let rows = names.rows()
        let batchRows = batchRows
        return try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            _ = try await sql.raw("SELECT pg_advisory_xact_lock(7406001)").all()
            var inserted = 0
            var index = 0
            while index < rows.count {
                let end = min(index + batchRows, rows.count)
                var query = SQLQueryString("INSERT INTO block_entries (id, kind, name, sort_key, action, state, reason, legal_bases, source, effective_from, created_at, activated_at) VALUES ")
                for position in index..<end {
                    let row = rows[position]
                    if position > index { query.appendLiteral(", ") }
                    query += """
                        (\(bind: OrderedID.make(at: batch.now)), \(bind: row.kind), \(bind: row.name), \(bind: row.sortKey), \(bind: batch.action), 'active', \
                        \(bind: batch.reason), \(bind: batch.legalBases), 'import', \(bind: batch.now), \(bind: batch.now), \(bind: batch.now))
                        """
                }
                // A name another writer made live meanwhile is skipped, not an error.
                query.appendLiteral(" ON CONFLICT DO NOTHING RETURNING 1")
                inserted += try await sql.raw(query).all().count
                index = end
            }
            if inserted == 0 { return (0, try await BlocklistPublications.currentSerial(on: db)) }
            let serial = try await BlocklistService.publish([], note: batch.note + ": \(inserted) entries", actor: batch.actor, fullReload: true,
                                                            added: inserted, at: batch.now, on: db)
            let event = BlockEventModel()
            event.id = OrderedID.make(at: batch.now)
            event.kind = BlockEventKind.blocklistImported.rawValue
            event.actor = batch.actor
            event.occurredAt = batch.now
            event.payload = batch.eventPayload(summary, inserted: inserted, serial: serial)
            try await event.create(on: db)
            return (inserted, serial)
        }
    }
}

extension BlocklistImporter.Kind {
    init(text: String) {
        switch BlockEntryKind(rawValue: text) {
        case .ip: self = .ip
        case .subdomains: self = .subdomains
        case .domain, nil: self = .domain
        }
    }
}

/// New names with their sort keys, in one byte arena, sortable in the live
/// index's order (sort key ascending, kind descending) without a String per
/// name: ten million of them fit in a few hundred megabytes.
struct SortedNames {
    private var arena: [UInt8] = []
    private var records: [Record] = []

    private struct Record {
        /// The first eight bytes of the sort key, big-endian: most
        /// comparisons end here without touching the arena.
        var prefix: UInt64
        var offset: UInt32
        var length: UInt8
        var kind: UInt8
    }

    var count: Int { records.count }

    mutating func add(bytes: UnsafeBufferPointer<UInt8>, kind: BlocklistImporter.Kind) {
        let offset = arena.count
        if kind == .ip { arena.append(contentsOf: bytes) } else { BlockSortKey.append(bytes, to: &arena) }
        var prefix: UInt64 = 0
        for i in 0..<8 { prefix = prefix << 8 | UInt64(offset + i < arena.count ? arena[offset + i] : 0) }
        records.append(Record(prefix: prefix, offset: UInt32(offset), length: UInt8(arena.count - offset), kind: kind.rawValue))
    }

    mutating func reserve(names: Int) {
        records.reserveCapacity(names)
        arena.reserveCapacity(names * 24)
    }

    /// Sorts in the live index's order: the two halves on two cores, then
    /// one merge.
    mutating func sort() {
        let parts = records.count > 100_000 ? 2 : 1
        arena.withUnsafeBufferPointer { a in
            nonisolated(unsafe) let base = a.baseAddress!
            @Sendable func less(_ x: Record, _ y: Record) -> Bool {
                if x.prefix != y.prefix { return x.prefix < y.prefix }
                let order = memcmp(base + Int(x.offset), base + Int(y.offset), Int(min(x.length, y.length)))
                if order != 0 { return order < 0 }
                if x.length != y.length { return x.length < y.length }
                return x.kind > y.kind
            }
            let middle = records.count / 2
            records.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let all = buffer
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let range = parts == 1 ? 0..<all.count : part == 0 ? 0..<middle : middle..<all.count
                    var half = UnsafeMutableBufferPointer(rebasing: all[range])
                    half.sort(by: less)
                }
            }
            guard parts == 2 else { return }
            var merged: [Record] = []
            merged.reserveCapacity(records.count)
            var i = 0, j = middle
            while i < middle && j < records.count {
                if less(records[j], records[i]) { merged.append(records[j]); j += 1 } else { merged.append(records[i]); i += 1 }
            }
            merged.append(contentsOf: records[i..<middle])
            merged.append(contentsOf: records[j...])
            records = merged
        }
    }

    /// Each record in order: position, kind, name bytes, sort key bytes.
    func forEach(_ body: (Int, BlocklistImporter.Kind, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var name: [UInt8] = []
        name.reserveCapacity(256)
        try arena.withUnsafeBufferPointer { a in
            for (index, record) in records.enumerated() {
                let key = UnsafeBufferPointer(rebasing: a[Int(record.offset)..<Int(record.offset) + Int(record.length)])
                let kind = BlocklistImporter.Kind(rawValue: record.kind)!
                name.removeAll(keepingCapacity: true)
                // The sort key read back: labels reversed again, joined by dots.
                if kind == .ip { name.append(contentsOf: key) } else { BlockSortKey.appendName(ofKey: key, to: &name) }
                try name.withUnsafeBufferPointer { try body(index, kind, $0, key) }
            }
        }
    }

    struct Row: Sendable {
        let kind: String
        let name: String
        let sortKey: String
    }

    /// As strings, for the PostgreSQL path.
    func rows() -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(count)
        forEach { _, kind, name, key in
            rows.append(Row(kind: kind.text.description, name: String(decoding: name, as: UTF8.self), sortKey: String(decoding: key, as: UTF8.self)))
        }
        return rows
    }
}

/// Time-ordered UUIDs (version 7 layout, upper-case text as Fluent stores
/// them on SQLite) for one bulk insert: the import's millisecond, a random
/// part, and a counter — unique, and in insertion order, so the primary-key
/// index is appended to as well. Written as text without Foundation.
struct SequentialIDs {
    private var text = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
    private var counter: UInt64

    init(at date: Date) {
        var random = SecureRandom()
        let millis = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
        let version = 0x7000 | ((random.next() as UInt64) & 0x0FFF)
        // 62 bits after the variant: start low enough never to wrap.
        counter = (random.next() as UInt64) & 0x0000_00FF_FFFF_FFFF
        Self.hex(millis >> 16, digits: 8, into: &text, at: 0)
        Self.hex(millis & 0xFFFF, digits: 4, into: &text, at: 9)
        Self.hex(version, digits: 4, into: &text, at: 14)
    }

    private static func hex(_ value: UInt64, digits: Int, into text: inout [UInt8], at offset: Int) {
        let alphabet: StaticString = "0123456789ABCDEF"
        for i in 0..<digits {
            let nibble = Int((value >> (4 * UInt64(digits - 1 - i))) & 0xF)
            text[offset + i] = alphabet.utf8Start[nibble]
        }
    }

    /// The next id's text, for the length of `body`.
    mutating func next(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        counter += 1
        let tail = 0x8000_0000_0000_0000 | counter
        Self.hex(tail >> 48, digits: 4, into: &text, at: 19)
        Self.hex(tail & 0xFFFF_FFFF_FFFF, digits: 12, into: &text, at: 24)
        try text.withUnsafeBufferPointer { try body($0) }
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
