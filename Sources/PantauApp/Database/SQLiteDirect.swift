import Foundation
import VaporCSQLite

/// A plain SQLite connection on the C API, for the few bulk paths where
/// per-row overhead decides everything (importing and exporting ten million
/// blocklist names, loading them into memory): statements prepared once and
/// stepped directly, text bound and read as bytes. It is the same SQLite
/// library SQLiteNIO uses, so its file locks cooperate with the server's
/// connections in this process and in others.
///
/// Not thread-safe: one task uses a connection at a time.
final class SQLiteDirectConnection {
    private var handle: OpaquePointer?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String, readOnly: Bool = false) throws {
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "status \(status)"
            sqlite_nio_sqlite3_close(handle)
            throw Failure(description: "cannot open \(path): \(message)")
        }
        // Wait for another writer (the server's intake, an import) rather than fail.
        sqlite_nio_sqlite3_busy_timeout(handle, 600_000)
    }

    deinit { sqlite_nio_sqlite3_close_v2(handle) }

    /// Waits for another connection's lock without limit, trying again every
    /// 0.1 ms (1 ms after the first second) — SQLite's own timeout backs off
    /// to 100 ms between tries, which a busy writer would pay in latency.
    func retryWhileBusy() {
        sqlite_nio_sqlite3_busy_handler(handle, { _, attempt in
            usleep(attempt < 10_000 ? 100 : 1_000)
            return 1
        }, nil)
    }

    /// Rows the last insert, update or delete changed.
    var changes: Int { Int(sqlite_nio_sqlite3_changes(handle)) }

    var lastError: String { String(cString: sqlite_nio_sqlite3_errmsg(handle)) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite_nio_sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite_nio_sqlite3_free(message)
            throw Failure(description: "\(text) (in \(sql.prefix(80)))")
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
              let statement else {
            throw Failure(description: "\(lastError) (in \(sql.prefix(80)))")
        }
        return Statement(statement, connection: self)
    }

    /// The first column of the first row as an integer (0 when there is none).
    func scalarInt(_ sql: String) throws -> Int64 {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(0) : 0
    }

    /// A prepared statement. Text bound with `bind(_:UnsafeBufferPointer)`
    /// must stay alive until the next `step()` returns.
    final class Statement {
        private let statement: OpaquePointer
        private let connection: SQLiteDirectConnection

        fileprivate init(_ statement: OpaquePointer, connection: SQLiteDirectConnection) {
            self.statement = statement
            self.connection = connection
        }

        deinit { sqlite_nio_sqlite3_finalize(statement) }

        /// Binds bytes the caller keeps alive until the statement has stepped.
        func bind(_ index: Int32, bytes: UnsafeBufferPointer<UInt8>) {
            sqlite_nio_sqlite3_bind_text(statement, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                                         Int32(bytes.count), nil)
        }

        /// Binds a copy of the text, all of it (a NUL inside included).
        func bind(_ index: Int32, _ text: String) {
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            var text = text
            text.withUTF8 { bytes in
                if let base = bytes.baseAddress {
                    sqlite_nio_sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                                 Int32(bytes.count), transient)
                } else {
                    // An empty buffer has no address, and a null pointer would bind NULL.
                    sqlite_nio_sqlite3_bind_text(statement, index, "", 0, transient)
                }
            }
        }

        func bindNull(_ index: Int32) { sqlite_nio_sqlite3_bind_null(statement, index) }

        func bind(_ index: Int32, _ value: Double) { sqlite_nio_sqlite3_bind_double(statement, index, value) }
        func bind(_ index: Int32, _ value: Int64) { sqlite_nio_sqlite3_bind_int64(statement, index, value) }

        /// true when a row is ready, false when done.
        func step() throws -> Bool {
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw Failure(description: connection.lastError)
            }
        }

        /// Runs an insert or update to the end and makes it ready for new binds.
        func run() throws {
            defer { reset() }
            _ = try step()
        }

        func reset() {
            sqlite_nio_sqlite3_reset(statement)
        }

        /// The column's text as bytes, valid until the next step or reset.
        func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
            guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: pointer, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))
        }

        func text(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }
        func int64(_ column: Int32) -> Int64 { sqlite_nio_sqlite3_column_int64(statement, column) }
        func double(_ column: Int32) -> Double { sqlite_nio_sqlite3_column_double(statement, column) }
        func isNull(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL }
    }
}
