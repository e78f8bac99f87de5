import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Every decision in force (final, or approved under four eyes) that
/// restricts something (a takedown order, a network block) as a statement
/// of reasons, page by page in the order decisions were made — the API
/// streams them, `pantau export statements` writes a file.
struct StatementsExporter: Sendable {
    let database: PantauDatabase
    static let pageSize = 500

    enum Format: String, CaseIterable, Sendable {
        case jsonl, csv

        var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8" }
    }

    /// Calls `write` with the export's text in pieces (the header, then a page at a time).
    func export(since: Date?, until: Date?, format: Format, write: (String) async throws -> Void) async throws {
        let bases = try await LegalBasisModel.query(on: database.db).all()
        var citation: [String: String] = [:]
        for basis in bases { citation[basis.id ?? ""] = "\(basis.title), \(basis.article)" }
        var categoryNames: [String: String] = [:]
        for category in try await CategoryModel.query(on: database.db).all() { categoryNames[category.id ?? ""] = category.nameEN }
        if format == .csv { try await write(StatementOfReasons.csvHeader) }
        var after: (time: String, id: UUID)? = nil
        while true {
            let page = try await self.page(since: since, until: until, after: after)
            if page.isEmpty { break }
            var text = ""
            for (source, _) in page {
                guard let statement = StatementOfReasons(source, platformName: Platform(rawValue: source.subjectPlatform)?.displayName ?? source.subjectPlatform,
                                                         legalBasisText: { citation[$0] ?? $0 }, categoryName: { categoryNames[$0] ?? $0 }) else { continue }
                text += format == .csv ? statement.csvLine() : statement.jsonLine()
            }
            try await write(text)
            after = page.last!.cursor
            if page.count < Self.pageSize { break }
        }
    }

    /// One page after the cursor (decided_at as stored, id), by the index on those columns.
    private func page(since: Date?, until: Date?, after: (time: String, id: UUID)?) async throws
        -> [(source: StatementOfReasons.Source, cursor: (time: String, id: UUID))] {
        let sqlite = database.isSQLite
        var query = SQLQueryString("""
            SELECT \(unsafeRaw: StoredTime.select("d.decided_at", as: "decided_key", sqlite: sqlite)), d.id, d.verdict, d.action, d.category_id, d.legal_bases, d.public_reason, d.automated_detection, d.automated_decision,
                   d.state, d.decided_at, d.reviewed_at, c.subject_key, c.subject_platform, c.subject_kind,
                   (SELECT r.channel FROM reports r WHERE r.case_id = c.id ORDER BY r.received_at LIMIT 1) AS first_channel,
                   (SELECT MIN(r.received_at) FROM reports r WHERE r.case_id = c.id) AS first_reported_at,
                   (SELECT COUNT(*) FROM reports r WHERE r.case_id = c.id) AS report_count,
                   (SELECT o.number FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.decision_id = d.id LIMIT 1) AS order_number,
                   (SELECT i.status FROM order_items i WHERE i.decision_id = d.id LIMIT 1) AS item_status
            FROM decisions d JOIN cases c ON c.id = d.case_id
            WHERE d.state IN ('final', 'approved') AND d.verdict = 'violating' AND d.action IN ('takedown_order', 'network_block')
            """)
        if let since { query.appendInterpolation(unsafeRaw: " AND d.decided_at >= "); query.appendInterpolation(bind: since) }
        if let until { query.appendInterpolation(unsafeRaw: " AND d.decided_at < "); query.appendInterpolation(bind: until) }
        if let after {
            let time = StoredTime.value(after.time, sqlite: sqlite)
            query.appendInterpolation(unsafeRaw: " AND (d.decided_at > ")
            query.appendInterpolation(time)
            query.appendInterpolation(unsafeRaw: " OR (d.decided_at = ")
            query.appendInterpolation(time)
            query.appendInterpolation(unsafeRaw: " AND d.id > ")
            query.appendInterpolation(bind: after.id)
            query.appendInterpolation(unsafeRaw: "))")
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY d.decided_at, d.id LIMIT \(Self.pageSize)")
        return try await database.sql.raw(query).all().map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let decidedAt = try row.decode(column: "decided_at", as: Date.self)
            let state = try row.decode(column: "state", as: String.self)
            let reviewedAt = try row.decode(column: "reviewed_at", as: Date?.self)
            let source = StatementOfReasons.Source(
                decisionID: UUIDText.lower(id), verdict: try row.decode(column: "verdict", as: String.self),
                action: try row.decode(column: "action", as: String.self), category: try row.decode(column: "category_id", as: String.self),
                legalBases: try row.decode(column: "legal_bases", as: String.self).split(separator: ",").map(String.init),
                publicReason: try row.decode(column: "public_reason", as: String.self),
                automatedDetection: try row.decode(column: "automated_detection", as: Bool.self),
                automatedDecision: try row.decode(column: "automated_decision", as: Bool.self),
                applicationDate: state == DecisionState.approved.rawValue ? (reviewedAt ?? decidedAt) : decidedAt,
                subjectKey: try row.decode(column: "subject_key", as: String.self),
                subjectPlatform: try row.decode(column: "subject_platform", as: String.self),
                subjectKind: try row.decode(column: "subject_kind", as: String.self),
                firstChannel: try row.decode(column: "first_channel", as: String?.self),
                firstReportedAt: try row.decode(column: "first_reported_at", as: Date?.self),
                reportCount: try row.decode(column: "report_count", as: Int.self),
                orderNumber: try row.decode(column: "order_number", as: String?.self),
                orderItemStatus: try row.decode(column: "item_status", as: String?.self))
            return (source, (try StoredTime.decode(row, alias: "decided_key", sqlite: sqlite), id))
        }
    }
}
