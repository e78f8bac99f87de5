import FluentKit
import PantauCore
import SQLKit

/// The public figures' counters: per WIB day, a metric and up to three keys,
/// how many rows of the source table are in that state now. Kept by
/// triggers (as `case_counts` is), so every writer — intake, workflow,
/// platforms' answers, imports, seeding — keeps them exact, and the
/// transparency page sums a few thousand counters instead of scanning
/// millions of reports. A row leaving a state is counted out of it (an
/// order item answered moves from `pending` to `complied`).
struct CreateTransparencyCounts: AsyncMigration {
    /// The SQL of the two databases where they differ.
    enum Flavour: Sendable {
        case sqlite, postgres

        func epoch(_ column: String) -> String {
            self == .sqlite ? column : "EXTRACT(EPOCH FROM \(column))"
        }

        /// The WIB day of a timestamp column, as an integer.
        func day(_ column: String) -> String {
            self == .sqlite
                ? "CAST((\(column) + \(WIBDay.offsetSeconds)) / 86400 AS INTEGER)"
                : "CAST(FLOOR((EXTRACT(EPOCH FROM \(column)) + \(WIBDay.offsetSeconds)) / 86400) AS BIGINT)"
        }

        /// The part of a text column before its first colon (a subject key's platform).
        func beforeColon(_ column: String) -> String {
            self == .sqlite ? "substr(\(column), 1, instr(\(column), ':') - 1)" : "split_part(\(column), ':', 1)"
        }
    }

    /// One counter a source row holds while `condition` is true of it. The
    /// expressions name the row as `r` (`r.status`); triggers put NEW or OLD there.
    struct Counter: Sendable {
        let metric: String
        let day: @Sendable (Flavour) -> String
        let a: @Sendable (Flavour) -> String
        var b: @Sendable (Flavour) -> String = { _ in "''" }
        var c: @Sendable (Flavour) -> String = { _ in "''" }
        let condition: String
    }

    struct Source: Sendable {
        let table: String
        /// Columns whose change may move a row between counters.
        let columns: [String]
        let counters: [Counter]
    }

    static let platformOfItem = "(SELECT platform_id FROM orders WHERE orders.id = r.order_id)"
    /// Items count on the day their order was issued (set before any item;
    /// the sending time is written after the items' deadlines).
    static let issuedAtOfItem = "(SELECT created_at FROM orders WHERE orders.id = r.order_id)"

    static let sources: [Source] = [
        Source(table: "reports", columns: ["received_at", "claimed_category", "channel"], counters: [
            Counter(metric: "reports", day: { $0.day("r.received_at") }, a: { _ in "r.claimed_category" }, b: { _ in "r.channel" }, condition: "1 = 1"),
        ]),
        Source(table: "decisions", columns: ["state", "reviewed_at", "verdict", "category_id"], counters: [
            Counter(metric: "decisions", day: { $0.day("CASE WHEN r.state = 'approved' THEN r.reviewed_at ELSE r.decided_at END") },
                    a: { _ in "r.verdict" }, b: { _ in "r.category_id" },
                    c: { _ in "COALESCE((SELECT subject_platform FROM cases WHERE cases.id = r.case_id), '')" },
                    condition: "r.state IN ('final', 'approved')"),
        ]),
        Source(table: "order_items", columns: ["status", "due_at", "answered_at", "still_online_count"], counters: [
            Counter(metric: "order_items", day: { $0.day(issuedAtOfItem) }, a: { _ in "COALESCE(\(platformOfItem), '')" }, b: { _ in "r.status" },
                    c: { _ in
                        """
                        CASE WHEN r.status = 'complied' AND COALESCE(r.still_online_count, 0) = 0 AND r.answered_at <= r.due_at THEN 'on_time' \
                        WHEN r.status = 'complied' THEN 'late' ELSE '' END
                        """
                    },
                    condition: "r.due_at IS NOT NULL AND r.status <> 'withdrawn'"),
            Counter(metric: "comply_time", day: { $0.day(issuedAtOfItem) }, a: { _ in "COALESCE(\(platformOfItem), '')" },
                    b: { f in
                        ComplyTimeBucket.sqlExpression(seconds: "COALESCE(\(f.epoch("r.answered_at")) - \(f.epoch("(SELECT sent_at FROM orders WHERE orders.id = r.order_id)")), 0)")
                    },
                    condition: "r.due_at IS NOT NULL AND r.status = 'complied' AND r.answered_at IS NOT NULL"),
        ]),
        Source(table: "sanctions", columns: ["state", "reviewed_at", "level"], counters: [
            Counter(metric: "sanctions", day: { $0.day("r.reviewed_at") }, a: { _ in "r.platform_id" }, b: { _ in "r.level" },
                    condition: "r.state = 'issued' AND r.reviewed_at IS NOT NULL"),
        ]),
        Source(table: "appeals", columns: ["state", "source"], counters: [
            Counter(metric: "appeals", day: { $0.day("r.filed_at") }, a: { _ in "r.source" }, b: { _ in "r.state" }, condition: "1 = 1"),
        ]),
    ]

    /// `r.` of an expression as the trigger's row (only where `r` is a whole name).
    static func on(_ row: String, _ expression: String) -> String {
        var out = ""
        var previous: Character = " "
        var index = expression.startIndex
        while index < expression.endIndex {
            let next = expression.index(after: index)
            if expression[index] == "r", next < expression.endIndex, expression[next] == ".", !(previous.isLetter || previous.isNumber || previous == "_") {
                out += row
            } else {
                out.append(expression[index])
            }
            previous = expression[index]
            index = next
        }
        return out
    }

    /// Where counters go: the daily table, or the weekly one (the day's Monday).
    struct Target: Sendable {
        let table: String
        let column: String
        let bucket: @Sendable (String) -> String

        static let daily = Target(table: "transparency_counts", column: "day", bucket: { $0 })
        static let weekly = Target(table: "transparency_weekly", column: "week", bucket: { "(\($0)) - (((\($0)) + 3) % 7)" })
    }

    static func increment(_ counter: Counter, row: String, _ f: Flavour, into t: Target = .daily) -> String {
        """
        INSERT INTO \(t.table) (metric, \(t.column), a, b, c, count) \
        SELECT '\(counter.metric)', \(on(row, t.bucket(counter.day(f)))), \(on(row, counter.a(f))), \(on(row, counter.b(f))), \(on(row, counter.c(f))), 1 \
        WHERE \(on(row, counter.condition)) \
        ON CONFLICT (metric, \(t.column), a, b, c) DO UPDATE SET count = \(t.table).count + 1
        """
    }

    static func decrement(_ counter: Counter, row: String, _ f: Flavour, into t: Target = .daily) -> String {
        """
        UPDATE \(t.table) SET count = count - 1 \
        WHERE metric = '\(counter.metric)' AND \(t.column) = \(on(row, t.bucket(counter.day(f)))) AND a = \(on(row, counter.a(f))) \
        AND b = \(on(row, counter.b(f))) AND c = \(on(row, counter.c(f))) AND (\(on(row, counter.condition)))
        """
    }

    /// `counter`'s keys over `rows` (named `r`) with how many rows hold
    /// each: columns metric, bucket, a, b, c, n.
    static func grouped(_ counter: Counter, rows: String, _ f: Flavour, into t: Target = .daily) -> String {
        """
        SELECT metric, bucket, a, b, c, COUNT(*) AS n FROM (
          SELECT '\(counter.metric)' AS metric, \(t.bucket(counter.day(f))) AS bucket, \(counter.a(f)) AS a,
                 \(counter.b(f)) AS b, \(counter.c(f)) AS c
          FROM \(rows) AS r WHERE \(counter.condition)
        ) AS s WHERE 1 = 1 GROUP BY metric, bucket, a, b, c
        """
    }

    func prepare(on database: any Database) async throws {
        try await database.schema("transparency_counts")
            .field("metric", .string, .required)
            .field("day", .int64, .required)
            .field("a", .string, .required)
            .field("b", .string, .required)
            .field("c", .string, .required)
            .field("count", .int64, .required)
            .unique(on: "metric", "day", "a", "b", "c")
            .create()
        // The statements-of-reasons export pages through decisions by date
        // (an order item is found by its unique decision id).
        try await createIndex("decisions_decided_at", on: "decisions", columns: ["decided_at", "id"], database)
        let sql = database as! any SQLDatabase
        let f: Flavour = sql.dialect.name == "sqlite" ? .sqlite : .postgres
        for source in Self.sources { try await Self.install(source, name: "transparency_\(source.table)", on: sql) }
    }

    /// The triggers that keep `source`'s counters, and the counters of the rows stored already.
    static func install(_ source: Source, name: String, into target: Target = .daily, on sql: any SQLDatabase) async throws {
        let f: Flavour = sql.dialect.name == "sqlite" ? .sqlite : .postgres
        let increments = source.counters.map { Self.increment($0, row: "NEW", f, into: target) }
        let decrements = source.counters.map { Self.decrement($0, row: "OLD", f, into: target) }
        switch f {
        case .sqlite:
            try await sql.raw("CREATE TRIGGER \(unsafeRaw: name)_insert AFTER INSERT ON \(unsafeRaw: source.table) BEGIN \(unsafeRaw: increments.joined(separator: "; ")); END").run()
            try await sql.raw("CREATE TRIGGER \(unsafeRaw: name)_delete AFTER DELETE ON \(unsafeRaw: source.table) BEGIN \(unsafeRaw: decrements.joined(separator: "; ")); END").run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: name)_update AFTER UPDATE OF \(unsafeRaw: source.columns.joined(separator: ", ")) ON \(unsafeRaw: source.table)
                BEGIN \(unsafeRaw: (decrements + increments).joined(separator: "; ")); END
                """).run()
        case .postgres:
            try await sql.raw("""
                CREATE FUNCTION pantau_\(unsafeRaw: name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: decrements.joined(separator: "; ")); END IF;
                  IF TG_OP IN ('UPDATE', 'INSERT') THEN \(unsafeRaw: increments.joined(separator: "; ")); END IF;
                  RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: name)_insert_delete AFTER INSERT OR DELETE ON \(unsafeRaw: source.table)
                FOR EACH ROW EXECUTE FUNCTION pantau_\(unsafeRaw: name)()
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: name)_update AFTER UPDATE OF \(unsafeRaw: source.columns.joined(separator: ", ")) ON \(unsafeRaw: source.table)
                FOR EACH ROW EXECUTE FUNCTION pantau_\(unsafeRaw: name)()
                """).run()
        }
        // Rows stored before the triggers.
        for counter in source.counters {
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: target.table) (metric, \(unsafeRaw: target.column), a, b, c, count)
                \(unsafeRaw: grouped(counter, rows: source.table, f, into: target))
                """).run()
        }
    }

    static func uninstall(_ source: Source, name: String, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "sqlite" {
            for suffix in ["insert", "delete", "update"] { try await sql.raw("DROP TRIGGER \(unsafeRaw: name)_\(unsafeRaw: suffix)").run() }
        } else {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: name)_insert_delete ON \(unsafeRaw: source.table)").run()
            try await sql.raw("DROP TRIGGER \(unsafeRaw: name)_update ON \(unsafeRaw: source.table)").run()
            try await sql.raw("DROP FUNCTION pantau_\(unsafeRaw: name)()").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for source in Self.sources { try await Self.uninstall(source, name: "transparency_\(source.table)", on: sql) }
        try await database.schema("transparency_counts").delete()
        try await sql.raw("DROP INDEX decisions_decided_at").run()
    }
}

/// Reports per day, platform (the subject key's first part) and claimed
/// category, for the staff's trend page: the public counters have no
/// platform for reports.
struct AddReportPlatformCounts: AsyncMigration {
    static let source = CreateTransparencyCounts.Source(table: "reports", columns: ["received_at", "claimed_category", "subject_key"], counters: [
        .init(metric: "reports_platform", day: { $0.day("r.received_at") }, a: { $0.beforeColon("r.subject_key") }, b: { _ in "r.claimed_category" },
              condition: "1 = 1"),
    ])

    func prepare(on database: any Database) async throws {
        try await CreateTransparencyCounts.install(Self.source, name: "trend_reports", on: database as! any SQLDatabase)
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await CreateTransparencyCounts.uninstall(Self.source, name: "trend_reports", on: sql)
        try await sql.raw("DELETE FROM transparency_counts WHERE metric = 'reports_platform'").run()
    }
}

/// The same counters per week (the WIB Monday): a year's figures sum 52
/// rows per key instead of 365 — the days are read only for a period's
/// first and last partial weeks.
struct AddWeeklyTransparencyCounts: AsyncMigration {
    static var sources: [(CreateTransparencyCounts.Source, String)] {
        CreateTransparencyCounts.sources.map { ($0, "weekly_\($0.table)") } + [(AddReportPlatformCounts.source, "weekly_trend_reports")]
    }

    func prepare(on database: any Database) async throws {
        try await database.schema("transparency_weekly")
            .field("metric", .string, .required)
            .field("week", .int64, .required)
            .field("a", .string, .required)
            .field("b", .string, .required)
            .field("c", .string, .required)
            .field("count", .int64, .required)
            .unique(on: "metric", "week", "a", "b", "c")
            .create()
        let sql = database as! any SQLDatabase
        for (source, name) in Self.sources { try await CreateTransparencyCounts.install(source, name: name, into: .weekly, on: sql) }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for (source, name) in Self.sources { try await CreateTransparencyCounts.uninstall(source, name: name, on: sql) }
        try await database.schema("transparency_weekly").delete()
    }
}
