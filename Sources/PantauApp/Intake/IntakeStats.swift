import Foundation
import SQLKit

/// The public totals of reports and cases (`GET /api/v1/stats`), read from
/// the counters the database keeps rather than from the reports themselves.
struct IntakeStats: Sendable {
    let database: PantauDatabase

    struct Stats: Codable, Equatable {
        let reports: Int
        let cases: Int
        let openCases: Int
        let byChannel: [String: Int]
        let byCategory: [String: Int]
        enum CodingKeys: String, CodingKey { case reports, cases, openCases = "open_cases", byChannel = "by_channel", byCategory = "by_category" }
    }

    /// Report totals come from the trigger-kept daily counters (metric
    /// `reports`, by claimed category and channel: a few thousand rows) rather
    /// than from counting and grouping millions of reports; cases from
    /// `case_counts`; open cases from the `open_key` index.
    func compute() async throws -> Stats {
        let sql = database.sql
        var byChannel: [String: Int] = [:]
        var byCategory: [String: Int] = [:]
        var reports = 0
        let counters = try await sql.raw("""
            SELECT a AS category, b AS channel, CAST(SUM(count) AS BIGINT) AS n FROM transparency_counts
            WHERE metric = 'reports' GROUP BY a, b
            """).all()
        for row in counters {
            let n = try row.decode(column: "n", as: Int.self)
            guard n > 0 else { continue }
            byCategory[try row.decode(column: "category", as: String.self), default: 0] += n
            byChannel[try row.decode(column: "channel", as: String.self), default: 0] += n
            reports += n
        }
        let cases = try await sql.raw("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) AS n FROM case_counts").first()?.decode(column: "n", as: Int.self) ?? 0
        let open = try await sql.raw("SELECT COUNT(open_key) AS n FROM cases WHERE open_key IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        return Stats(reports: reports, cases: cases, openCases: open, byChannel: byChannel, byCategory: byCategory)
    }
}
