import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PantauCore
import PostgresKit
import PostgresNIO

/// A value for the hot-path inserts, bound directly where the driver allows.
enum IntakeValue: Sendable {
    case text(String), integer(Int), real(Double), date(Date), uuid(UUID), null

    static func optional(_ text: String?) -> IntakeValue { text.map(IntakeValue.text) ?? .null }
    static func optional(_ date: Date?) -> IntakeValue { date.map(IntakeValue.date) ?? .null }
}

/// An idempotency key already stored, with the answer it was given.
struct StoredIdempotency: Sendable {
    let scope: String
    let key: String
    let fingerprint: String
    let result: String
}

/// Where an intake writer lane runs its transactions. Every statement of the
/// hot path goes through it, so each database binds values its own fastest way.
protocol IntakeStorage: Sendable {
    /// Where the lane runs: the thread the storage's statements complete on.
    var executor: any TaskExecutor { get }
    func inTransaction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T
    /// The stored idempotency records with any of these keys.
    func idempotencyRecords(keys: [String]) async throws -> [StoredIdempotency]
    /// A multi-row INSERT inside the current transaction.
    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>) async throws
    /// Inserts case rows that are missing and returns every subject's open
    /// case (an existing row is touched, which locks it on PostgreSQL).
    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>) async throws -> [IntakeTransaction.CaseState]
    /// Writes the new counters of cases: rows of (id, report_count,
    /// category_id, last_report_at, priority, event_count, last_event_hash).
    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date) async throws
    /// Work between two transactions (the lane is idle for it).
    func betweenTransactions() async
    func close() async
}

extension IntakeStorage {
    func betweenTransactions() async {}
}

/// Columns returned by the case upsert, in this order.
let openCaseColumns = ["id", "open_key", "report_count", "category_id", "first_report_at", "last_report_at", "event_count", "last_event_hash", "status"]

/// The statement texts of the hot path, shared by both databases; `placeholders`
/// writes a database's parameter list for a number of rows and columns.
enum IntakeSQL {
    typealias Placeholders = (_ rows: Int, _ columns: Int, _ first: Int) -> String

    static func insert(into table: String, columns: [String], rows: Int, _ placeholders: Placeholders) -> String {
        "INSERT INTO \"\(table)\" (" + quoted(columns) + ") VALUES " + placeholders(rows, columns.count, 1)
    }

    static func upsertOpenCases(columns: [String], rows: Int, _ placeholders: Placeholders) -> String {
        insert(into: "cases", columns: columns, rows: rows, placeholders)
            + " ON CONFLICT (\"open_key\") DO UPDATE SET \"updated_at\" = excluded.\"updated_at\" RETURNING " + quoted(openCaseColumns)
    }

    /// `updatedAt` is the first parameter's placeholder; the rows follow it.
    static func updateCases(rows: Int, updatedAt: String, _ placeholders: Placeholders) -> String {
        """
        UPDATE cases SET report_count = v.column2, category_id = v.column3, last_report_at = v.column4,
          priority = v.column5, event_count = v.column6, last_event_hash = v.column7, updated_at = \(updatedAt)
        FROM (VALUES \(placeholders(rows, 7, 2))) AS v WHERE cases.id = v.column1
        """
    }

    static func idempotencyRecords(keys: Int, _ placeholders: Placeholders) -> String {
        "SELECT scope, key, fingerprint, result FROM idempotency_keys WHERE key IN " + placeholders(1, keys, 1)
    }

    private static func quoted(_ columns: [String]) -> String {
        columns.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// PostgreSQL: each writer lane owns one connection on the database event
/// loop (reopened after a failure), like the SQLite writer — a pool lease and
/// FluentKit's transaction wrapper per batch cost a third of the throughput.
final class DedicatedPostgresIntakeStorage: IntakeStorage, @unchecked Sendable {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    // Touched only from its one writer lane, one transaction at a time.
    private var connection: PostgresConnection?
    private static let ids = NIOLockedValueBox(0)

    /// The loop its connections live on, so their answers resume the lane at once.
    var executor: any TaskExecutor { PantauDatabase.writerExecutor }

    init(url: String, logger: Logger) throws {
        configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.logger = logger
    }

    func inTransaction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let connection = try await open()
        do {
            try await connection.query("BEGIN", logger: logger)
            let result = try await body()
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            if connection.isClosed {
                self.connection = nil
            } else {
                _ = try? await connection.query("ROLLBACK", logger: logger)
            }
            throw error
        }
    }

    // Direct PostgresNIO bindings for the hot statements, as on SQLite: the
    // SQLKit serialiser and Codable binding per value were the writer's main
    // CPU cost. Statement text is kept per shape and row count.
    private var statements: [String: String] = [:]

    private func statementText(_ key: String, _ make: () -> String) -> String {
        if let cached = statements[key] { return cached }
        let text = make()
        statements[key] = text
        return text
    }

    /// `($1, $2), ($3, $4)` for `rows` rows of `columns` values, numbered from `first`.
    private static func placeholders(rows: Int, columns: Int, first: Int) -> String {
        (0..<rows).map { r in
            "(" + (0..<columns).map { c in "$\(first + r * columns + c)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }

    private static func bindings(_ values: some Sequence<IntakeValue>) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values {
            switch value {
            case .text(let v): binds.append(v)
            case .integer(let v): binds.append(v)
            case .real(let v): binds.append(v)
            case .date(let v): binds.append(v)
            case .uuid(let v): binds.append(v)
            case .null: binds.appendNull()
            }
        }
        return binds
    }

    private func run(_ key: String, _ make: () -> String, _ values: some Sequence<IntakeValue>) async throws -> PostgresRowSequence {
        guard let connection else { throw IntakeError(message: "intake statement outside a transaction") }
        return try await connection.query(PostgresQuery(unsafeSQL: statementText(key, make), binds: Self.bindings(values)), logger: logger)
    }

    func idempotencyRecords(keys: [String]) async throws -> [StoredIdempotency] {
        guard !keys.isEmpty else { return [] }
        let rows = try await run("idempotency#\(keys.count)", { IntakeSQL.idempotencyRecords(keys: keys.count, Self.placeholders) },
                                 keys.map(IntakeValue.text))
        var records: [StoredIdempotency] = []
        for try await row in rows {
            let (scope, key, fingerprint, result) = try row.decode((String, String, String, String).self)
            records.append(StoredIdempotency(scope: scope, key: key, fingerprint: fingerprint, result: result))
        }
        return records
    }

    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>) async throws {
        guard !rows.isEmpty else { return }
        _ = try await run("\(table)#\(rows.count)", { IntakeSQL.insert(into: table, columns: columns, rows: rows.count, Self.placeholders) },
                          rows.joined())
    }

    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>) async throws -> [IntakeTransaction.CaseState] {
        guard !rows.isEmpty else { return [] }
        let result = try await run("cases-upsert#\(rows.count)", { IntakeSQL.upsertOpenCases(columns: columns, rows: rows.count, Self.placeholders) },
                                   rows.joined())
        var states: [IntakeTransaction.CaseState] = []
        for try await row in result {
            let (id, key, reportCount, category, first, last, eventCount, hash, status) =
                try row.decode((UUID, String, Int, String, Date, Date, Int, String, String).self)
            states.append(IntakeTransaction.CaseState(id: id, key: key, reportCount: reportCount, category: category, firstReportAt: first,
                                                      lastReportAt: last, eventCount: eventCount, lastHash: hash, status: status))
        }
        return states
    }

    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date) async throws {
        guard !rows.isEmpty else { return }
        _ = try await run("cases-update#\(rows.count)", { IntakeSQL.updateCases(rows: rows.count, updatedAt: "$1", Self.placeholders) },
                          [IntakeValue.date(now)] + rows.joined())
    }

    private func open() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let id = Self.ids.withLockedValue { $0 += 1; return $0 }
        let opened = try await PostgresConnection.connect(on: PantauDatabase.eventLoopGroup.next(), configuration: configuration,
                                                          id: id, logger: logger)
        connection = opened
        return opened
    }

    func close() async {
        guard let connection else { return }
        let closed: EventLoopFuture<Void> = connection.close()
        try? await closed.get()
        self.connection = nil
    }
}

/// SQLite: the single writer owns one connection on the C API and a thread of
/// its own, and runs each batch there from BEGIN to COMMIT with statements
/// prepared once. Through SQLiteNIO every statement was parsed again and made
/// two thread hops (event loop → thread pool → event loop); in a single
/// writer every microsecond of that is paid by all waiting reports.
final class DedicatedSQLiteIntakeStorage: IntakeStorage, @unchecked Sendable {
    private let path: String
    private let synchronous: String
    private let walCatchUp: WALCatchUpSignal
    private let logger: Logger
    // Touched only from the one writer lane, on its own thread, one
    // transaction at a time.
    private var connection: SQLiteDirectConnection?
    private var statements: [String: SQLiteDirectConnection.Statement] = [:]

    /// The writer's thread: SQLite calls block it, and nothing else runs
    /// there (one per writer, so a writer waiting for another process's lock
    /// holds up nobody else).
    let executor: any TaskExecutor
    private let thread = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(path: String, synchronous: String, walCatchUp: WALCatchUpSignal, logger: Logger) {
        executor = EventLoopTaskExecutor(thread.next())
        self.path = path
        self.synchronous = synchronous == "normal" ? "NORMAL" : "FULL"
        self.walCatchUp = walCatchUp
        self.logger = logger
    }

    /// Copies what the background checkpoint left in the WAL. No commit can
    /// append meanwhile, so it completes, and the next BEGIN starts the WAL
    /// from its beginning again (see `SQLiteCheckpointer`).
    func betweenTransactions() async {
        guard walCatchUp.take(), let connection else { return }
        do {
            try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        } catch {
            logger.warning("WAL catch-up checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    func inTransaction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        _ = try open()
        // IMMEDIATE takes the write lock up front. With synchronous=FULL (the
        // default) COMMIT is fsynced before any 201 is sent.
        try statement("BEGIN IMMEDIATE", { "BEGIN IMMEDIATE" }).run()
        do {
            let result = try await body()
            try statement("COMMIT", { "COMMIT" }).run()
            return result
        } catch {
            try? connection?.execute("ROLLBACK")
            throw error
        }
    }

    private func open() throws -> SQLiteDirectConnection {
        if let connection { return connection }
        let opened = try SQLiteDirectConnection(path: path)
        // Another process's writer (an import) holds the lock for a short
        // transaction at a time: retry every 0.1 ms rather than SQLite's
        // default back-off, which sleeps up to 100 ms between tries.
        opened.retryWhileBusy()
        try opened.execute("PRAGMA foreign_keys = ON")
        // Checkpoints copy the WAL into the database file and fsync it; done
        // inside a commit they stall intake. SQLiteCheckpointer does them in
        // the background instead.
        try opened.execute("PRAGMA wal_autocheckpoint = 0")
        try opened.execute("PRAGMA synchronous = \(synchronous)")
        // A multi-row statement that may fail half-way (foreign keys, unique
        // keys, triggers) keeps a copy of every page it touches so it can be
        // undone alone; past 64 KiB SQLite writes that copy to a temporary
        // file, ≈ 9 % of this thread's time. A batch's statements stay far
        // below a megabyte, so keep it in memory.
        try opened.execute("PRAGMA temp_store = MEMORY")
        connection = opened
        return opened
    }

    /// The prepared statement for `key`, made by `make` the first time.
    private func statement(_ key: String, _ make: () -> String) throws -> SQLiteDirectConnection.Statement {
        if let cached = statements[key] { return cached }
        guard let connection else { throw IntakeError(message: "intake statement outside a transaction") }
        let prepared = try connection.prepare(make())
        statements[key] = prepared
        return prepared
    }

    private static func placeholders(rows: Int, columns: Int, first: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// Binds the values in order from parameter 1. Dates are seconds since
    /// 1970 and UUIDs upper-case text, as FluentKit stores them on SQLite.
    private static func bind(_ values: some Sequence<IntakeValue>, to statement: SQLiteDirectConnection.Statement) {
        var index: Int32 = 1
        for value in values {
            switch value {
            case .text(let v): statement.bind(index, v)
            case .integer(let v): statement.bind(index, Int64(v))
            case .real(let v): statement.bind(index, v)
            case .date(let v): statement.bind(index, v.timeIntervalSince1970)
            case .uuid(let v): statement.bind(index, UUIDText.upper(v))
            case .null: statement.bindNull(index)
            }
            index += 1
        }
    }

    private func run(_ key: String, _ make: () -> String, _ values: some Sequence<IntakeValue>) throws {
        let statement = try statement(key, make)
        Self.bind(values, to: statement)
        try statement.run()
    }

    func idempotencyRecords(keys: [String]) async throws -> [StoredIdempotency] {
        guard !keys.isEmpty else { return [] }
        let statement = try statement("idempotency#\(keys.count)") { IntakeSQL.idempotencyRecords(keys: keys.count, Self.placeholders) }
        Self.bind(keys.map(IntakeValue.text), to: statement)
        defer { statement.reset() }
        var records: [StoredIdempotency] = []
        while try statement.step() {
            records.append(StoredIdempotency(scope: statement.text(0), key: statement.text(1), fingerprint: statement.text(2), result: statement.text(3)))
        }
        return records
    }

    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>) async throws {
        guard !rows.isEmpty else { return }
        try run("\(table)#\(rows.count)", { IntakeSQL.insert(into: table, columns: columns, rows: rows.count, Self.placeholders) }, rows.joined())
    }

    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>) async throws -> [IntakeTransaction.CaseState] {
        guard !rows.isEmpty else { return [] }
        let statement = try statement("cases-upsert#\(rows.count)") {
            IntakeSQL.upsertOpenCases(columns: columns, rows: rows.count, Self.placeholders)
        }
        Self.bind(rows.joined(), to: statement)
        defer { statement.reset() }
        var states: [IntakeTransaction.CaseState] = []
        while try statement.step() {
            // Columns in the order of `openCaseColumns`.
            guard let id = UUIDText.parse(statement.text(0)) else { throw IntakeError(message: "unexpected case id from SQLite") }
            states.append(IntakeTransaction.CaseState(
                id: id, key: statement.text(1), reportCount: Int(statement.int64(2)), category: statement.text(3),
                firstReportAt: Date(timeIntervalSince1970: statement.double(4)), lastReportAt: Date(timeIntervalSince1970: statement.double(5)),
                eventCount: Int(statement.int64(6)), lastHash: statement.text(7), status: statement.text(8)))
        }
        return states
    }

    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date) async throws {
        guard !rows.isEmpty else { return }
        try run("cases-update#\(rows.count)", { IntakeSQL.updateCases(rows: rows.count, updatedAt: "?", Self.placeholders) },
                [IntakeValue.date(now)] + rows.joined())
    }

    func close() async {
        statements.removeAll()
        connection = nil  // closed when released, after its statements
    }

    deinit {
        thread.shutdownGracefully(queue: .global()) { _ in }
    }
}
