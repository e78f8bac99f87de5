import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
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

    /// SQLite calls block a thread, and a statement waiting for the write
    /// lock blocks its thread until the lock is free. With the shared pool's
    /// one thread per core, two waiters could take every thread from the
    /// transaction holding the lock, which then never finishes. So Fluent's
    /// SQLite connections get a pool of their own with room for waiters, and
    /// the intake writer keeps the shared pool (it waits on nobody's threads).
    static let sqliteThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(16, System.coreCount * 4))
        pool.start()
        return pool
    }()

    /// In-process queue for SQLite write transactions: one waits for the
    /// database's write lock at a time instead of one per request.
    let sqliteWriteGate = AsyncGate()
    /// The database loop as a task executor, for the PostgreSQL intake lanes
    /// (their connections live on it). The SQLite writer has a thread of its own.
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
        databases = Databases(threadPool: location.isSQLite ? Self.sqliteThreadPool : .singleton, on: PantauDatabase.eventLoopGroup)
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
        CreateAppeals(), CreateSavedFilters(), AddPlatformDelivery(), CreateOrders(),
        AddOrderItemTracking(), CreatePlatformHistory(), AddDeliveryChannel(), CreateBlocklist(), ReindexBlockEntries(),
        CreateTransparencyCounts(), AddReportPlatformCounts(), CreateOfficialAccounts(), AddWeeklyTransparencyCounts(),
        CreateCampaigns(), CreateDNSTransfers(), CountInsertsPerStatement(), CreateBlockProposalCases(), CreateLoginAttempts(),
        CreateEvidenceUploads(), CreateSettings(), CreateWatchlists(), CreateMonitoring(), CreatePrevalenceSamples(), CreateCrawlPages(), CreateRechecks(), CreateDNSZoneTransfers(), CreateRPZSplitState(),
        CreateRPZRecentVersion(),
    ]

    private func migrator(first count: Int? = nil, logger: Logger? = nil) -> Migrator {
        let migrations = Migrations()
        migrations.add(Array(Self.migrationList.prefix(count ?? Self.migrationList.count)))
        return Migrator(databases: databases, migrations: migrations, logger: logger ?? self.logger, on: databases.eventLoopGroup.any())
    }

    /// Applies every pending migration; returns how many ran.
    /// `first`: only the first migrations of the list (tests of an upgrade
    /// from an earlier release).
    @discardableResult
    public func migrate(first count: Int? = nil) async throws -> Int {
        try await configureSQLite()
        try await migrator(first: count).setupIfNeeded().get()
        // A new database gets its whole schema at once, said in one line by
        // the caller; each migration's own lines stay for upgrades of a
        // database that already has data.
        let applied = try await sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
        var quiet = logger
        if applied == 0 { quiet.logLevel = max(logger.logLevel, .notice) }
        let migrator = migrator(first: count, logger: quiet)
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

    /// One write transaction that sees the latest committed data and keeps
    /// what it reads: BEGIN IMMEDIATE on SQLite (a deferred transaction could
    /// not upgrade after the intake writer committed); on PostgreSQL the body
    /// locks rows itself (SELECT … FOR UPDATE) and the transaction is run
    /// again if PostgreSQL chose it as a deadlock victim (nothing was written).
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if isSQLite {
            await sqliteWriteGate.enter()
            do {
                let result = try await sqliteTransaction("BEGIN IMMEDIATE", body)
                await sqliteWriteGate.leave()
                return result
            } catch {
                await sqliteWriteGate.leave()
                throw error
            }
        }
        var attempt = 1
        while true {
            do {
                return try await db.transaction { try await body($0) }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// One read-only transaction whose reads all see the database as of
    /// one moment, whatever commits meanwhile: a deferred transaction on
    /// SQLite (WAL keeps its snapshot from the first read on), REPEATABLE
    /// READ on PostgreSQL.
    func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if isSQLite { return try await sqliteTransaction("BEGIN", body) }
        return try await db.transaction { transaction in
            let sql = transaction as! any SQLDatabase
            try await sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            return try await body(transaction)
        }
    }

    /// `body` between `begin` and COMMIT on one SQLite connection, rolled back when it throws.
    private func sqliteTransaction<T: Sendable>(_ begin: String, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            // Wait for the intake writer's commit, but not forever.
            try await sql.raw("PRAGMA busy_timeout = 10000").run()
            try await sql.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    public func shutdown() async {
        closed.withLockedValue { $0 = true }
        await databases.shutdownAsync()
    }

    /// Set once shutdown begins: background services stop using the
    /// database instead of asking a closed one for a connection.
    private let closed = NIOLockedValueBox(false)
    var isOpen: Bool { !closed.withLockedValue { $0 } }
}

/// Lets one task through at a time, in arrival order, without blocking a thread.
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func leave() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
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
