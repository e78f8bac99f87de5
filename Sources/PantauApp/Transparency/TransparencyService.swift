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
        let sql = database.sql
        var rows: [TransparencyRow] = []
        // Weekly series (the week's Monday is computed in SQL: day 0 was a Thursday).
        let weekly = try await sql.raw("""
            SELECT metric, day - ((day + 3) % 7) AS week, a, b, CAST(SUM(count) AS BIGINT) AS n FROM transparency_counts
            WHERE metric IN ('reports', 'decisions') AND day >= \(bind: fromDay) AND day < \(bind: toDay)
            GROUP BY metric, day - ((day + 3) % 7), a, b
            """).all()
        for row in weekly {
            rows.append(TransparencyRow(metric: try row.decode(column: "metric", as: String.self), week: try row.decode(column: "week", as: Int.self),
                                        a: try row.decode(column: "a", as: String.self), b: try row.decode(column: "b", as: String.self),
                                        count: try row.decode(column: "n", as: Int.self)))
        }
        let totals = try await sql.raw("""
            SELECT metric, a, b, c, CAST(SUM(count) AS BIGINT) AS n FROM transparency_counts
            WHERE metric IN ('order_items', 'comply_time', 'sanctions', 'appeals') AND day >= \(bind: fromDay) AND day < \(bind: toDay)
            GROUP BY metric, a, b, c
            """).all()
        for row in totals {
            rows.append(TransparencyRow(metric: try row.decode(column: "metric", as: String.self), a: try row.decode(column: "a", as: String.self),
                                        b: try row.decode(column: "b", as: String.self), c: try row.decode(column: "c", as: String.self),
                                        count: try row.decode(column: "n", as: Int.self)))
        }
        var blocklist: [BlocklistActivity] = []
        for serial in try await BlocklistSerialModel.query(on: database.db)
            .filter(\.$publishedAt >= period.from).filter(\.$publishedAt < period.to).all() {
            blocklist.append(BlocklistActivity(day: WIBDay.of(serial.publishedAt), added: serial.added, removed: serial.removed))
        }
        for proposal in try await BlockProposalModel.query(on: database.db).filter(\.$state == "approved")
            .filter(\.$reviewedAt >= period.from).filter(\.$reviewedAt < period.to).all() {
            let lift = proposal.kind == "lift"
            blocklist.append(BlocklistActivity(day: WIBDay.of(proposal.reviewedAt ?? proposal.proposedAt), blockDecisions: lift ? 0 : 1, normalisations: lift ? 1 : 0))
        }
        return TransparencyFigures.build(fromDay: fromDay, toDay: toDay, rows: rows, blocklist: blocklist, listSize: try await listSize())
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
        // Reports keep (platform, category) in (a, b); decisions (category, platform) in (b, c).
        let select = """
            SELECT CASE WHEN metric = 'reports_platform' THEN 'reports' ELSE 'violations' END AS kind,
                   CASE WHEN metric = 'reports_platform' THEN a ELSE c END AS platform, b AS category,
            """
        let filter = "(metric = 'reports_platform' OR (metric = 'decisions' AND a = 'violating'))"
        var rows: [TrendFigures.Row] = []
        let current = try await database.sql.raw("""
            \(unsafeRaw: select) day - ((day + 3) % 7) AS week, CAST(SUM(count) AS BIGINT) AS n FROM transparency_counts
            WHERE \(unsafeRaw: filter) AND day >= \(bind: fromDay) AND day < \(bind: toDay)
            GROUP BY 1, 2, 3, 4
            """).all()
        for row in current {
            rows.append(TrendFigures.Row(metric: try row.decode(column: "kind", as: String.self), day: max(fromDay, try row.decode(column: "week", as: Int.self)),
                                         platform: try row.decode(column: "platform", as: String.self),
                                         category: try row.decode(column: "category", as: String.self), count: try row.decode(column: "n", as: Int.self)))
        }
        let before = try await database.sql.raw("""
            \(unsafeRaw: select) CAST(SUM(count) AS BIGINT) AS n FROM transparency_counts
            WHERE \(unsafeRaw: filter) AND day >= \(bind: previousDay) AND day < \(bind: fromDay)
            GROUP BY 1, 2, 3
            """).all()
        for row in before {
            rows.append(TrendFigures.Row(metric: try row.decode(column: "kind", as: String.self), day: fromDay - 1,
                                         platform: try row.decode(column: "platform", as: String.self),
                                         category: try row.decode(column: "category", as: String.self), count: try row.decode(column: "n", as: Int.self)))
        }
        return TrendFigures.build(fromDay: fromDay, toDay: toDay, rows: rows, platform: platform, category: category)
    }
}
