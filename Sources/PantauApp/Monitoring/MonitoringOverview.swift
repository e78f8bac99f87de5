import FluentKit
import Foundation
import PantauCore
import SQLKit

/// What `/pantau` shows above the watchlists: every source's health and
/// the findings of the last weeks per day and outcome.
struct MonitoringOverview: Sendable {
    let sources: [MonitorSourceService.Health]
    let days: [String]
    /// Per outcome (reported, reappeared, rate_limited): a count per day.
    let findings: [String: [Int]]
    let findingsTotal: Int

    static let chartDays = 30

    static func load(sources: MonitorSourceService, database: PantauDatabase, now: Date) async throws -> MonitoringOverview {
        let since = now.addingTimeInterval(-Double(chartDays - 1) * 86_400)
        let days = (0..<chartDays).reversed().map { QueueFilter.formatDay(now.addingTimeInterval(-Double($0) * 86_400)) }
        let index = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var counts: [String: [Int]] = [:]
        var total = 0
        // The findings' rows of the period, their day counted here (the index on found_at reads them in order).
        for row in try await database.sql.raw("""
            SELECT found_at, outcome FROM findings WHERE found_at >= \(bind: Calendar.jakarta.startOfDay(for: since))
            """).all() {
            let day = QueueFilter.formatDay(try row.decode(column: "found_at", as: Date.self))
            guard let position = index[day] else { continue }
            counts[try row.decode(column: "outcome", as: String.self), default: Array(repeating: 0, count: chartDays)][position] += 1
            total += 1
        }
        return MonitoringOverview(sources: try await sources.health(), days: days, findings: counts, findingsTotal: total)
    }
}

extension Calendar {
    /// Days as the regulator counts them (WIB).
    static let jakarta: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Jakarta") ?? TimeZone(secondsFromGMT: 7 * 3600)!
        return calendar
    }()
}
