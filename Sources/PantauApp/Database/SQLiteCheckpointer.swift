import FluentKit
import Logging
import ServiceLifecycle
import SQLKit

/// Moves the WAL into the SQLite database file in the background (the intake
/// writer has automatic checkpoints turned off so its commits never pay for
/// them). PASSIVE checkpoints never block the writer (a TRUNCATE would: it
/// took p99 from 50 ms to 300 ms); once one has caught up, SQLite writes the
/// WAL from its start again, so the file stays bounded. The WAL is truncated
/// at shutdown.
struct SQLiteCheckpointer: Service {
    let database: PantauDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Ends the wait as soon as shutdown starts.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            do {
                try await database.sql.raw("PRAGMA wal_checkpoint(PASSIVE)").run()
            } catch {
                logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
        try? await database.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
    }
}
