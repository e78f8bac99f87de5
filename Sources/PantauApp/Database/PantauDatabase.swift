import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SQLKit

/// The database Pantau talks to: FluentKit `Databases` set up for SQLite or
/// PostgreSQL, the migrations, and the lifecycle service that closes it.
public final class PantauDatabase: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    let logger: Logger

    /// Set by the background checkpointer once a pass is done; the SQLite
    /// writer then finishes the checkpoint between two commits.
    let walCatchUp = WALCatchUpSignal()

    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let writerExecutor = EventLoopTaskExecutor(eventLoopGroup.next())

    /// Storage for one intake writer lane.
    func makeIntakeStorage(sqliteSynchronous: String) throws -> any IntakeStorage {
        switch location {
        case .sqlite(let path): DedicatedSQLiteIntakeStorage(path: path, synchronous: sqliteSynchronous, walCatchUp: walCatchUp, logger: logger)
        case .postgres(let url): try DedicatedPostgresIntakeStorage(url: url, logger: logger)
        }
    }

    public init(location: DatabaseLocation, logger: Logger) throws {
        self.location = location
        self.logger = logger
        // Database completions get an event loop of their own, so they do not
        // queue behind HTTP work (that doubled the intake commit time).
        databases = Databases(threadPool: .singleton, on: PantauDatabase.eventLoopGroup)
        switch location {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 8, sqlLogLevel: .trace), as: .psql)
        }
    }

    /// A database handle for one unit of work.
    public var db: any Database {
        databases.database(logger: logger, on: databases.eventLoopGroup.any())!
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }

    var isSQLite: Bool { location.isSQLite }

    /// Settings SQLite needs once per file: WAL lets readers work while the
    /// intake writer commits; synchronous=FULL makes each commit durable.
    func configureSQLite() async throws {
        guard isSQLite else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }

    static let migrationList: [any Migration] = [
        CreateCategories(), CreatePlatforms(), CreateCases(), CreateReports(), CreateCaseEvents(),
        CreateReportEvidence(), CreateIdempotencyKeys(), CreateMentions(), SeedCategoriesAndPlatforms(),
        CreateUsers(), CreateSessions(), CreateAPITokens(), CreateLoginFailures(), CreateAuditEvents(),
        AddCaseWorkflowColumns(), CreateCaseCounts(), CreateLegalBases(), CreateDecisions(), CreateCaseComments(),
        CreateAppeals(), CreateSavedFilters(),
    ]

    private func migrator() -> Migrator {
        let migrations = Migrations()
        migrations.add(Self.migrationList)
        return Migrator(databases: databases, migrations: migrations, logger: logger, on: databases.eventLoopGroup.any())
    }

    /// Applies every pending migration; returns how many ran.
    @discardableResult
    public func migrate() async throws -> Int {
        try await configureSQLite()
        let migrator = migrator()
        try await migrator.setupIfNeeded().get()
        let pending = try await migrator.previewPrepareBatch().get()
        try await migrator.prepareBatch().get()
        return pending.count
    }

    /// Names of migrations not yet applied.
    public func pendingMigrations() async throws -> [String] {
        let migrator = migrator()
        try await migrator.setupIfNeeded().get()
        return try await migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    public func shutdown() async {
        await databases.shutdownAsync()
    }
}

/// Keeps the database open while the application runs and closes it last.
struct DatabaseService: Service {
    let database: PantauDatabase

    func run() async throws {
        try? await gracefulShutdown()
        await database.shutdown()
    }
}
