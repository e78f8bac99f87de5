import FluentKit
import SQLKit

/// PostgreSQL: the counters' insert triggers run once per statement instead
/// of once per row. The intake writer inserts a whole batch of reports (and
/// of new cases) in one statement; row-level PL/pgSQL triggers ran four
/// counter upserts per report and one per case (without them intake ran
/// ≈ 28 % faster). A statement-level trigger reads the statement's inserted rows
/// (a transition table), groups them by counter, and adds each group's size
/// in one upsert. Deletes and updates, rare and one row at a time, keep
/// their row-level triggers: PostgreSQL allows a transition table only on a
/// trigger for a single event, so each `…_insert_delete` trigger becomes a
/// statement-level `…_insert` and a row-level `…_delete` (the same function
/// as before). SQLite has no statement-level triggers; its counters cost
/// nothing measurable there (BENCHMARKS.md) and are left as they are.
struct CountInsertsPerStatement: AsyncMigration {
    typealias Counts = CreateTransparencyCounts

    /// Every counter source with its trigger name and target table.
    static var counterSources: [(source: Counts.Source, name: String, target: Counts.Target)] {
        Counts.sources.map { ($0, "transparency_\($0.table)", Counts.Target.daily) }
            + [(AddReportPlatformCounts.source, "trend_reports", .daily)]
            + AddWeeklyTransparencyCounts.sources.map { ($0.0, $0.1, Counts.Target.weekly) }
    }

    /// The upsert adding the inserted rows to `target`, one row per counter key.
    static func addInserted(_ counter: Counts.Counter, into target: Counts.Target) -> String {
        """
        INSERT INTO \(target.table) (metric, \(target.column), a, b, c, count)
        \(Counts.grouped(counter, rows: "inserted", .postgres, into: target))
        ON CONFLICT (metric, \(target.column), a, b, c) DO UPDATE SET count = \(target.table).count + excluded.count
        """
    }

    static let addInsertedCases = """
        INSERT INTO case_counts (status, subject_platform, category_id, count)
        SELECT status, subject_platform, category_id, COUNT(*) FROM inserted GROUP BY status, subject_platform, category_id
        ON CONFLICT (status, subject_platform, category_id) DO UPDATE SET count = case_counts.count + excluded.count
        """

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name != "sqlite" else { return }
        for (source, name, target) in Self.counterSources {
            let body = source.counters.map { Self.addInserted($0, into: target) }.joined(separator: ";\n")
            try await Self.split(table: source.table, name: name, function: "pantau_\(name)", insertedBody: body, on: sql)
        }
        try await Self.split(table: "cases", name: "case_counts", function: "pantau_case_counts", insertedBody: Self.addInsertedCases, on: sql)
    }

    /// Replaces `name`_insert_delete by a statement-level `name`_insert
    /// running `insertedBody` and a row-level `name`_delete.
    static func split(table: String, name: String, function: String, insertedBody: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE FUNCTION \(unsafeRaw: function)_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              \(unsafeRaw: insertedBody);
              RETURN NULL;
            END $$
            """).run()
        try await sql.raw("DROP TRIGGER \(unsafeRaw: name)_insert_delete ON \(unsafeRaw: table)").run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: name)_insert AFTER INSERT ON \(unsafeRaw: table)
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: function)_inserted()
            """).run()
        try await sql.raw("CREATE TRIGGER \(unsafeRaw: name)_delete AFTER DELETE ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: function)()").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name != "sqlite" else { return }
        let all = Self.counterSources.map { ($0.source.table, $0.name, "pantau_\($0.name)") } + [("cases", "case_counts", "pantau_case_counts")]
        for (table, name, function) in all {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: name)_insert ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP TRIGGER \(unsafeRaw: name)_delete ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP FUNCTION \(unsafeRaw: function)_inserted()").run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: name)_insert_delete AFTER INSERT OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: function)()
                """).run()
        }
    }
}
