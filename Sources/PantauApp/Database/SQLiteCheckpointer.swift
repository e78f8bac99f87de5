import FluentKit
import Logging
import ServiceLifecycle
import SQLKit

/// Moves the WAL into the SQLite database file in the background (the intake
/// writer has automatic checkpoints turned off so its commits never pay for
/// them). PASSIVE checkpoints never block the writer; a TRUNCATE now and then
/// keeps the WAL file from growing without bound.
struct SQLiteCheckpointer: Service {
    let database: PantauDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var rounds = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Ends the wait as soon as shutdown starts.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            rounds += 1
            let mode = rounds % 20 == 0 ? "TRUNCATE" : "PASSIVE"
            do {
                try await database.sql.raw("PRAGMA wal_checkpoint(\(unsafeRaw: mode))").run()
            } catch {
                logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
        try? await database.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
    }
}
