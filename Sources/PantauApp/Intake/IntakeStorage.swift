import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PantauCore
import PostgresKit
import PostgresNIO
import SQLiteKit
import SQLiteNIO
import SQLKit

/// A value for the hot-path inserts, bound directly where the driver allows.
enum IntakeValue: Sendable {
    case text(String), integer(Int), real(Double), date(Date), uuid(UUID), null

    static func optional(_ text: String?) -> IntakeValue { text.map(IntakeValue.text) ?? .null }
    static func optional(_ date: Date?) -> IntakeValue { date.map(IntakeValue.date) ?? .null }

    /// The same value for SQLKit (PostgreSQL path).
    var encodable: any Encodable & Sendable {
        switch self {
        case .text(let v): v
        case .integer(let v): v
        case .real(let v): v
        case .date(let v): v
        case .uuid(let v): v
        case .null: String?.none
        }
    }

    /// The same value as SQLiteNIO stores it through Fluent/SQLKit: dates as
    /// seconds since 1970, UUIDs as their (upper-case) text.
    var sqlite: SQLiteData {
        switch self {
        case .text(let v): .text(v)
        case .integer(let v): .integer(v)
        case .real(let v): .float(v)
        case .date(let v): .float(v.timeIntervalSince1970)
        case .uuid(let v): .text(UUIDText.upper(v))
        case .null: .null
        }
    }
}

/// Where an intake writer lane runs its transactions.
protocol IntakeStorage: Sendable {
    func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// A multi-row INSERT inside the current transaction.
    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws
    /// Inserts case rows that are missing and returns every subject's open
    /// case (an existing row is touched, which locks it on PostgreSQL).
    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws -> [IntakeTransaction.CaseState]
    /// Writes the new counters of cases: rows of (id, report_count,
    /// category_id, last_report_at, priority, event_count, last_event_hash).
    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date, sql: any SQLDatabase) async throws
    /// Work between two transactions (the lane is idle for it).
    func betweenTransactions() async
    func close() async
}

extension IntakeStorage {
    func betweenTransactions() async {}
}

/// Columns returned by the case upsert, in this order.
let openCaseColumns = ["id", "open_key", "report_count", "category_id", "first_report_at", "last_report_at", "event_count", "last_event_hash", "status"]

/// The SQLKit forms, used on PostgreSQL.
extension IntakeStorage {
    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws {
        try await sql.insert(into: table).columns(columns)
            .rows(rows.map { $0.map { SQLBind($0.encodable) as any SQLExpression } }).run()
    }

    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws -> [IntakeTransaction.CaseState] {
        try await sql.insert(into: "cases").columns(columns)
            .rows(rows.map { $0.map { SQLBind($0.encodable) as any SQLExpression } })
            .onConflict(with: ["open_key"]) { $0.set(excludedValueOf: "updated_at") }
            .returning(openCaseColumns.map { SQLColumn($0) as any SQLExpression })
            .all()
            .map { try IntakeTransaction.CaseState(row: $0) }
    }

    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date, sql: any SQLDatabase) async throws {
        let values: [SQLQueryString] = rows.map { row in "(\(binds: row.map(\.encodable)))" }
        try await sql.raw("""
            UPDATE cases SET report_count = v.column2, category_id = v.column3, last_report_at = v.column4,
              priority = v.column5, event_count = v.column6, last_event_hash = v.column7, updated_at = \(bind: now)
            FROM (VALUES \(values.joined(separator: ", "))) AS v WHERE cases.id = v.column1
            """).run()
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

    init(url: String, logger: Logger) throws {
        configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.logger = logger
    }

    func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await open()
        let sql = connection.sql(queryLogLevel: .trace)
        do {
            try await sql.raw("BEGIN").run()
            let result = try await body(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            if connection.isClosed {
                self.connection = nil
            } else {
                try? await sql.raw("ROLLBACK").run()
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
    private static func placeholders(rows: Int, columns: Int, first: Int = 1) -> String {
        (0..<rows).map { r in
            "(" + (0..<columns).map { c in "$\(first + r * columns + c)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }

    private static func bindings(_ values: some Sequence<IntakeValue>) throws -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values {
            switch value {
            case .text(let v): try binds.append(v)
            case .integer(let v): try binds.append(v)
            case .real(let v): try binds.append(v)
            case .date(let v): try binds.append(v)
            case .uuid(let v): try binds.append(v)
            case .null: binds.appendNull()
            }
        }
        return binds
    }

    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws {
        guard let connection, !rows.isEmpty else { return }
        let text = statementText("\(table)#\(rows.count)") {
            "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
                + Self.placeholders(rows: rows.count, columns: columns.count)
        }
        try await connection.query(PostgresQuery(unsafeSQL: text, binds: Self.bindings(rows.joined())), logger: logger)
    }

    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws -> [IntakeTransaction.CaseState] {
        guard let connection, !rows.isEmpty else { return [] }
        let text = statementText("cases-upsert#\(rows.count)") {
            "INSERT INTO \"cases\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
                + Self.placeholders(rows: rows.count, columns: columns.count)
                + " ON CONFLICT (\"open_key\") DO UPDATE SET \"updated_at\" = excluded.\"updated_at\" RETURNING "
                + openCaseColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        }
        let result = try await connection.query(PostgresQuery(unsafeSQL: text, binds: Self.bindings(rows.joined())), logger: logger)
        var states: [IntakeTransaction.CaseState] = []
        for try await row in result {
            let (id, key, reportCount, category, first, last, eventCount, hash, status) =
                try row.decode((UUID, String, Int, String, Date, Date, Int, String, String).self)
            states.append(IntakeTransaction.CaseState(id: id, key: key, reportCount: reportCount, category: category, firstReportAt: first,
                                                      lastReportAt: last, eventCount: eventCount, lastHash: hash, status: status))
        }
        return states
    }

    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date, sql: any SQLDatabase) async throws {
        guard let connection, !rows.isEmpty else { return }
        let text = statementText("cases-update#\(rows.count)") {
            """
            UPDATE cases SET report_count = v.column2, category_id = v.column3, last_report_at = v.column4,
              priority = v.column5, event_count = v.column6, last_event_hash = v.column7, updated_at = $1
            FROM (VALUES \(Self.placeholders(rows: rows.count, columns: 7, first: 2))) AS v WHERE cases.id = v.column1
            """
        }
        try await connection.query(PostgresQuery(unsafeSQL: text, binds: Self.bindings([IntakeValue.date(now)] + rows.joined())), logger: logger)
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

/// SQLite: the single writer owns one connection on the database event loop
/// and drives BEGIN/COMMIT itself — no pool lease and no extra task per
/// transaction on the hot path.
final class DedicatedSQLiteIntakeStorage: IntakeStorage, @unchecked Sendable {
    private let path: String
    private let synchronous: String
    private let walCatchUp: WALCatchUpSignal
    private let logger: Logger
    // Touched only from the one writer lane, one transaction at a time.
    private var connection: SQLiteConnection?

    init(path: String, synchronous: String, walCatchUp: WALCatchUpSignal, logger: Logger) {
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
            try await connection.query("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in }
        } catch {
            logger.warning("WAL catch-up checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await open()
        let sql = connection.sql()
        // IMMEDIATE takes the write lock up front. With synchronous=FULL (the
        // default) COMMIT is fsynced before any 201 is sent.
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            let result = try await body(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }

    private func open() async throws -> SQLiteConnection {
        if let connection { return connection }
        let opened = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger,
                                                     on: PantauDatabase.eventLoopGroup.next())
        try await opened.sql().raw("PRAGMA foreign_keys = ON").run()
        // Checkpoints copy the WAL into the database file and fsync it; done
        // inside a commit they stall intake. SQLiteCheckpointer does them in
        // the background instead.
        try await opened.sql().raw("PRAGMA wal_autocheckpoint = 0").run()
        try await opened.sql().raw("PRAGMA synchronous = \(unsafeRaw: synchronous)").run()
        connection = opened
        return opened
    }

    /// Bound straight to SQLite: SQLKit's serialiser and `Codable` binding
    /// were a quarter of the writer's CPU. The statement text is kept per
    /// table and row count.
    func insert(into table: String, columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws {
        guard let connection, !rows.isEmpty else { return }
        let key = "\(table)#\(rows.count)"
        let text: String
        if let cached = statements[key] {
            text = cached
        } else {
            let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            text = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
                + Array(repeating: placeholders, count: rows.count).joined(separator: ", ")
            statements[key] = text
        }
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rows.count * columns.count)
        for row in rows { for value in row { binds.append(value.sqlite) } }
        try await connection.query(text, binds) { _ in }
    }

    private var statements: [String: String] = [:]

    private func statementText(_ key: String, _ make: () -> String) -> String {
        if let cached = statements[key] { return cached }
        let text = make()
        statements[key] = text
        return text
    }

    private static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    func upsertOpenCases(columns: [String], rows: ArraySlice<[IntakeValue]>, sql: any SQLDatabase) async throws -> [IntakeTransaction.CaseState] {
        guard let connection, !rows.isEmpty else { return [] }
        let text = statementText("cases-upsert#\(rows.count)") {
            "INSERT INTO \"cases\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
                + Self.placeholders(rows: rows.count, columns: columns.count)
                + " ON CONFLICT (\"open_key\") DO UPDATE SET \"updated_at\" = excluded.\"updated_at\" RETURNING "
                + openCaseColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        }
        let collected = NIOLockedValueBox<[SQLiteRow]>([])
        try await connection.query(text, rows.flatMap { $0.map(\.sqlite) }) { row in collected.withLockedValue { $0.append(row) } }
        return try collected.withLockedValue { $0 }.map { row in
            guard let idText = row.column("id")?.string, let id = UUIDText.parse(idText),
                  let key = row.column("open_key")?.string, let reportCount = row.column("report_count")?.integer,
                  let category = row.column("category_id")?.string, let first = row.column("first_report_at")?.double,
                  let last = row.column("last_report_at")?.double, let eventCount = row.column("event_count")?.integer,
                  let hash = row.column("last_event_hash")?.string, let status = row.column("status")?.string
            else { throw IntakeError(message: "unexpected case row from SQLite") }
            return IntakeTransaction.CaseState(id: id, key: key, reportCount: reportCount, category: category,
                                               firstReportAt: Date(timeIntervalSince1970: first), lastReportAt: Date(timeIntervalSince1970: last),
                                               eventCount: eventCount, lastHash: hash, status: status)
        }
    }

    func updateCases(_ rows: ArraySlice<[IntakeValue]>, now: Date, sql: any SQLDatabase) async throws {
        guard let connection, !rows.isEmpty else { return }
        let text = statementText("cases-update#\(rows.count)") {
            """
            UPDATE cases SET report_count = v.column2, category_id = v.column3, last_report_at = v.column4,
              priority = v.column5, event_count = v.column6, last_event_hash = v.column7, updated_at = ?
            FROM (VALUES \(Self.placeholders(rows: rows.count, columns: 7))) AS v WHERE cases.id = v.column1
            """
        }
        try await connection.query(text, [IntakeValue.date(now).sqlite] + rows.flatMap { $0.map(\.sqlite) }) { _ in }
    }

    func close() async {
        guard let connection else { return }
        // The future form: the async one gives up when the calling task is
        // cancelled (as the import command's writer is), leaving the handle open.
        let closed: EventLoopFuture<Void> = connection.close()
        try? await closed.get()
        self.connection = nil
    }
}
