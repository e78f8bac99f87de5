import PantauCore
import Foundation
import SQLKit

/// A time column's value exactly as the database keeps it, for keyset
/// cursors over a time. Reading a column as `Date` is not exact: SQLite keeps
/// a `Double` of seconds and sqlite-nio rounds it to the microsecond on the
/// way out, and PostgreSQL's microseconds go through a `Double` both ways —
/// so `time > cursor` would select the last row of a page again (or, rounded
/// the other way, skip one). The cursor therefore carries the stored value
/// itself: SQLite's `Double` in its shortest exact spelling, PostgreSQL's
/// integer microseconds since 1970, compared in SQL without a `Date` between.
enum StoredTime {
    /// The SQL that selects `column` in its exact stored form as `alias`.
    static func select(_ column: String, as alias: String, sqlite: Bool) -> String {
        sqlite ? "\(column) AS \(alias)" : "(EXTRACT(EPOCH FROM \(column)) * 1000000)::bigint AS \(alias)"
    }

    /// The exact value from a row selected with `select`, as cursor text.
    static func decode(_ row: any SQLRow, alias: String, sqlite: Bool) throws -> String {
        sqlite ? String(describing: try row.decode(column: alias, as: Double.self)) : String(try row.decode(column: alias, as: Int64.self))
    }

    /// Whether `text` is a value `decode` could have written.
    static func isValid(_ text: String, sqlite: Bool) -> Bool {
        // The same shape on both databases (a plain decimal number), so the
        // API describes one cursor; PostgreSQL's are whole microseconds.
        guard QueueCursor.isPlainDecimal(text[...]), let value = Double(text), value.isFinite else { return false }
        return sqlite || abs(value) < 9.2e18
    }

    /// The SQL for the value of cursor text (checked with `isValid`), to
    /// compare with the column itself so its index serves the comparison.
    static func value(_ text: String, sqlite: Bool) -> SQLQueryString {
        if sqlite { return "\(bind: Double(text) ?? 0)" }
        return "(TIMESTAMPTZ 'epoch' + \(bind: Int64(text) ?? Int64(Double(text) ?? 0)) * INTERVAL '1 microsecond')"
    }
}
