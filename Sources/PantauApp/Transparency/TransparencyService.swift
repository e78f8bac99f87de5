import FluentKit
import Foundation
import PantauCore
import SQLKit

/// The public figures for a period: sums of the trigger-kept
/// `transparency_counts` (a few thousand counters for a year, whatever the
/// number of reports), the blocklist's serials and block proposals.
struct TransparencyService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    /// The in-memory blocklist, when the server holds one: the list size
    /// without counting ten million rows.
    var memory: BlocklistMemory? = nil

    func figures(_ period: CompliancePeriod) async throws -> TransparencyFigures {
        let fromDay = WIBDay.of(period.from), toDay = WIBDay.of(period.to.addingTimeInterval(-1)) + 1
        var rows: [TransparencyRow] = []
        // Each figure grouped only by what it shows: fewer rows to read back.
        func add(_ metric: String, as name: String, _ keys: [String], byWeek: Bool) async throws {
            for row in try await sums(metrics: [metric], fromDay: fromDay, toDay: toDay, byWeek: byWeek, keys: keys) {
                func key(_ k: String) throws -> String { keys.contains(k) ? try row.decode(column: k, as: String.self) : "" }
                rows.append(TransparencyRow(metric: name, week: byWeek ? try row.decode(column: "week", as: Int.self) : nil,
                                            a: try key("a"), b: try key("b"), c: try key("c"), count: try row.decode(column: "n", as: Int.self)))
            }
        }
        try await add("reports", as: "reports", ["a"], byWeek: true)
        try await add("reports", as: "reports_channel", ["b"], byWeek: true)
        try await add("decisions", as: "decisions", ["a", "b"], byWeek: false)
        try await add("decisions", as: "decisions_week", ["a"], byWeek: true)
        for metric in ["order_items", "comply_time", "sanctions", "appeals"] { try await add(metric, as: metric, ["a", "b", "c"], byWeek: false) }
        // The channel rows carry their key in b; the figures read it from a.
        rows = rows.map { $0.metric == "reports_channel" ? TransparencyRow(metric: $0.metric, week: $0.week, a: $0.b, count: $0.count) : $0 }
        var blocklist: [BlocklistActivity] = []
        for serial in try await BlocklistSerialModel.query(on: database.db)
            .filter(\.$publishedAt >= period.from).filter(\.$publishedAt < period.to).all() {
            blocklist.append(BlocklistActivity(day: WIBDay.of(serial.publishedAt), added: serial.added, removed: serial.removed))
        }
        for proposal in try await BlockProposalModel.query(on: database.db).filter(\.$state == BlockProposalState.approved.rawValue)
            .filter(\.$reviewedAt >= period.from).filter(\.$reviewedAt < period.to).all() {
            let lift = proposal.kind == "lift"
            blocklist.append(BlocklistActivity(day: WIBDay.of(proposal.reviewedAt ?? proposal.proposedAt), blockDecisions: lift ? 0 : 1, normalisations: lift ? 1 : 0))
        }
        return TransparencyFigures.build(fromDay: fromDay, toDay: toDay, rows: rows, blocklist: blocklist, listSize: try await listSize())
    }

    /// The counters of `metrics` summed over [fromDay, toDay): whole weeks
    /// from the weekly table, the partial first and last weeks from the
    /// daily one, grouped by `keys`. Columns metric, the keys, n, and week
    /// (its Monday) when `byWeek`.
    func sums(metrics: [String], fromDay: Int, toDay: Int, byWeek: Bool, keys: [String] = ["a", "b", "c"]) async throws -> [any SQLRow] {
        let firstMonday = WIBDay.week(fromDay) == fromDay ? fromDay : WIBDay.week(fromDay) + 7
        let endMonday = WIBDay.week(toDay)
        let list = metrics.map { "'\($0)'" }.joined(separator: ", ")
        let week = "day - ((day + 3) % 7)"
        var query: SQLQueryString
        if firstMonday < endMonday {
            query = """
                SELECT metric, week, a, b, c, count FROM transparency_weekly
                WHERE metric IN (\(unsafeRaw: list)) AND week >= \(bind: firstMonday) AND week < \(bind: endMonday)
                UNION ALL
                SELECT metric, \(unsafeRaw: week) AS week, a, b, c, count FROM transparency_counts
                WHERE metric IN (\(unsafeRaw: list)) AND ((day >= \(bind: fromDay) AND day < \(bind: firstMonday)) OR (day >= \(bind: endMonday) AND day < \(bind: toDay)))
                """
        } else {
            query = """
                SELECT metric, \(unsafeRaw: week) AS week, a, b, c, count FROM transparency_counts
                WHERE metric IN (\(unsafeRaw: list)) AND day >= \(bind: fromDay) AND day < \(bind: toDay)
                """
        }
        let columns = (["metric"] + (byWeek ? ["week"] : []) + keys).joined(separator: ", ")
        return try await database.sql.raw("""
            SELECT \(unsafeRaw: columns), CAST(SUM(count) AS BIGINT) AS n FROM (\(query)) AS s GROUP BY \(unsafeRaw: columns)
            """).all()
    }

    /// Active block entries now: domains from the in-memory list when it
    /// is loaded, IPs from their small index; else one count.
    func listSize() async throws -> Int {
        let ips = try await database.sql.raw("SELECT COUNT(*) AS n FROM block_entries WHERE \(unsafeRaw: BlockEntryModel.activeIPsCondition)").first()
            .map { try $0.decode(column: "n", as: Int.self) } ?? 0
        if let memory, memory.serial != nil { return memory.count + ips }
        let domains = try await database.sql.raw("SELECT COUNT(*) AS n FROM block_entries WHERE \(unsafeRaw: BlockEntryModel.activeDomainsCondition)").first()
            .map { try $0.decode(column: "n", as: Int.self) } ?? 0
        return domains + ips
    }
}

extension TransparencyService {
    /// Reports and verified violations per platform and category, this
    /// period against the one of the same length before it: two sums over
    /// the counters (by week for the period, in all for the one before).
    func trends(_ period: CompliancePeriod, platform: String?, category: String?) async throws -> TrendFigures {
        let fromDay = WIBDay.of(period.from), toDay = WIBDay.of(period.to.addingTimeInterval(-1)) + 1
        let previousDay = fromDay - (toDay - fromDay)
        // Reports keep (platform, category) in (a, b); decisions (verdict, category, platform) in (a, b, c).
        var rows: [TrendFigures.Row] = []
        func add(_ sums: [any SQLRow], day: (any SQLRow) throws -> Int) throws {
            for row in sums {
                let metric = try row.decode(column: "metric", as: String.self)
                if metric == "decisions", try row.decode(column: "a", as: String.self) != "violating" { continue }
                let reports = metric == "reports_platform"
                rows.append(TrendFigures.Row(metric: reports ? "reports" : "violations", day: try day(row),
                                             platform: try row.decode(column: reports ? "a" : "c", as: String.self),
                                             category: try row.decode(column: "b", as: String.self), count: try row.decode(column: "n", as: Int.self)))
            }
        }
        try add(try await sums(metrics: ["reports_platform", "decisions"], fromDay: fromDay, toDay: toDay, byWeek: true)) {
            max(fromDay, try $0.decode(column: "week", as: Int.self))
        }
        try add(try await sums(metrics: ["reports_platform", "decisions"], fromDay: previousDay, toDay: fromDay, byWeek: false)) { _ in fromDay - 1 }
        return TrendFigures.build(fromDay: fromDay, toDay: toDay, rows: rows, platform: platform, category: category)
    }
}
