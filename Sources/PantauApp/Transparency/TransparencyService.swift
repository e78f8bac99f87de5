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
