import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLiteKit
import SQLiteNIO
import SQLKit

/// Where an intake writer lane runs its transactions.
protocol IntakeStorage: Sendable {
    func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
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
    private let logger: Logger
    // Touched only from the one writer lane, one transaction at a time.
    private var connection: SQLiteConnection?

    init(path: String, synchronous: String, logger: Logger) {
        self.path = path
        self.synchronous = synchronous == "normal" ? "NORMAL" : "FULL"
        self.logger = logger
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

    func close() async {
        guard let connection else { return }
        // The future form: the async one gives up when the calling task is
        // cancelled (as the import command's writer is), leaving the handle open.
        let closed: EventLoopFuture<Void> = connection.close()
        try? await closed.get()
        self.connection = nil
    }
}
