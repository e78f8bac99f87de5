import FluentKit
import Foundation
import PantauCore
import SQLKit

/// One row of the triage queue.
struct QueueRow: Sendable {
    let id: UUID
    let subjectKey: String
    let subjectPlatform: String
    let status: CaseStatus
    let categoryID: String
    let reportCount: Int
    let firstReportAt: Date
    let lastReportAt: Date
    let priority: Double
    let assigneeID: UUID?
    let assigneeEmail: String?
    let highImpact: Bool
    let appealDueAt: Date?
    let dueAt: Date
}

/// Counts per filter value. Status, platform and category counts come from
/// the trigger-kept `case_counts` table and honour each other's filters (the
/// status counts under the chosen platform and category, and so on); other
/// filters do not narrow them.
struct QueueCounts: Sendable {
    var byStatus: [CaseStatus: Int] = [:]
    var byPlatform: [String: Int] = [:]
    var byCategory: [String: Int] = [:]
    var mine = 0
}

struct QueuePage: Sendable {
    let rows: [QueueRow]
    let next: QueueCursor?
    let counts: QueueCounts
}

/// The triage queue's query: keyset pagination over (sort value, id) read in
/// index order, so a page costs the same on page 1 and page 10,000.
struct CaseQueue: Sendable {
    let database: PantauDatabase
    let categories: CategoryIndex
    let clock: any PantauClock

    static let pageSize = 50

    /// The case's due time (`Deadlines.caseDue`).
    func dueAt(categoryID: String, firstReportAt: Date, appealDueAt: Date?) -> Date {
        Deadlines.caseDue(categoryDeadlineHours: categories[categoryID]?.deadlineHours ?? 24, firstReportAt: firstReportAt, appealDueAt: appealDueAt)
    }

    func page(_ filter: QueueFilter, viewer: UUID, pageSize: Int = CaseQueue.pageSize, withCounts: Bool = true) async throws -> QueuePage {
        let sql = database.sql
        let now = clock.now()
        var conditions: [SQLQueryString] = []
        let statuses = filter.effectiveStatuses
        if statuses == CaseStatus.active {
            conditions.append("\(unsafeRaw: "cases." + AddCaseWorkflowColumns.activeCondition)")
        } else if statuses.count == 1 {
            conditions.append("cases.status = \(bind: statuses[0].rawValue)")
        } else if statuses.count < CaseStatus.allCases.count {
            conditions.append("cases.status IN (\(binds: statuses.map(\.rawValue)))")
        }
        if let platform = filter.platform { conditions.append("cases.subject_platform = \(bind: platform.rawValue)") }
        if let category = filter.category { conditions.append("cases.category_id = \(bind: category)") }
        if let channel = filter.channel {
            conditions.append("EXISTS (SELECT 1 FROM reports r WHERE r.case_id = cases.id AND r.channel = \(bind: channel.rawValue))")
        }
        if filter.reappeared {
            conditions.append("EXISTS (SELECT 1 FROM findings f WHERE f.case_id = cases.id AND f.outcome = 'reappeared')")
        }
        if let band = filter.priorityBand {
            if let lower = band.range.lower { conditions.append("cases.priority >= \(bind: lower)") }
            if let upper = band.range.upper { conditions.append("cases.priority < \(bind: upper)") }
        }
        switch filter.assignee {
        case .anyone: break
        case .mine: conditions.append("cases.assignee_id = \(bind: viewer)")
        case .unassigned: conditions.append("cases.assignee_id IS NULL")
        case .user(let id): conditions.append("cases.assignee_id = \(bind: id)")
        }
        if let deadline = filter.deadline { conditions.append(deadlineCondition(deadline, now: now)) }
        if let from = filter.from { conditions.append("cases.first_report_at >= \(bind: from)") }
        if let to = filter.to { conditions.append("cases.first_report_at < \(bind: to)") }
        if let text = filter.text {
            let pattern = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("""
                (LOWER(cases.subject_key) LIKE \(bind: pattern) ESCAPE '\\' OR EXISTS (SELECT 1 FROM reports r WHERE r.case_id = cases.id
                 AND LOWER(r.description) LIKE \(bind: pattern) ESCAPE '\\'))
                """)
        }
        let order: SQLQueryString
        switch filter.sort {
        case .priority:
            order = "cases.priority DESC, cases.id DESC"
            if let c = filter.cursor { conditions.append("(cases.priority < \(bind: c.value) OR (cases.priority = \(bind: c.value) AND cases.id < \(bind: c.id)))") }
        case .mostReported:
            order = "cases.report_count DESC, cases.id DESC"
            if let c = filter.cursor {
                // A cursor comes from the client: a count beyond Int's range is clamped, never trapped on.
                let count = c.value >= 9.2e18 ? Int.max : c.value <= -9.2e18 ? Int.min : Int(c.value)
                conditions.append("(cases.report_count < \(bind: count) OR (cases.report_count = \(bind: count) AND cases.id < \(bind: c.id)))")
            }
        case .newest:
            order = "cases.id DESC"
            if let c = filter.cursor { conditions.append("cases.id < \(bind: c.id)") }
        case .oldest:
            order = "cases.id ASC"
            if let c = filter.cursor { conditions.append("cases.id > \(bind: c.id)") }
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND "))"
        // SQLite's planner prefers the (status, priority) index and sorts
        // every active case; the partial index reads them already in order
        // and stops after one page.
        var indexHint = ""
        if database.isSQLite, filter.sort == .priority, statuses == CaseStatus.active {
            indexHint = filter.platform == nil ? " INDEXED BY cases_active_priority" : " INDEXED BY cases_platform_active_priority"
        }
        let rows = try await sql.raw("""
            SELECT cases.id, cases.subject_key, cases.subject_platform, cases.status, cases.category_id,
                   cases.report_count, cases.first_report_at, cases.last_report_at, cases.priority, cases.assignee_id,
                   cases.high_impact, cases.appeal_due_at, users.email AS assignee_email
            FROM cases\(unsafeRaw: indexHint) LEFT JOIN users ON users.id = cases.assignee_id
            \(whereClause) ORDER BY \(order) LIMIT \(unsafeRaw: String(pageSize + 1))
            """).all()
        var result: [QueueRow] = []
        for row in rows.prefix(pageSize) {
            let status = CaseStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .new
            let category = try row.decode(column: "category_id", as: String.self)
            let first = try row.decode(column: "first_report_at", as: Date.self)
            let appealDue = try row.decode(column: "appeal_due_at", as: Date?.self)
            result.append(QueueRow(
                id: try row.decode(column: "id", as: UUID.self), subjectKey: try row.decode(column: "subject_key", as: String.self),
                subjectPlatform: try row.decode(column: "subject_platform", as: String.self),
                status: status, categoryID: category,
                reportCount: try row.decode(column: "report_count", as: Int.self), firstReportAt: first,
                lastReportAt: try row.decode(column: "last_report_at", as: Date.self), priority: try row.decode(column: "priority", as: Double.self),
                assigneeID: try row.decode(column: "assignee_id", as: UUID?.self), assigneeEmail: try row.decode(column: "assignee_email", as: String?.self),
                highImpact: try row.decode(column: "high_impact", as: Bool.self), appealDueAt: appealDue,
                dueAt: dueAt(categoryID: category, firstReportAt: first, appealDueAt: appealDue)))
        }
        var next: QueueCursor?
        if rows.count > pageSize, let last = result.last {
            let value: Double = switch filter.sort {
            case .priority: last.priority
            case .mostReported: Double(last.reportCount)
            case .newest, .oldest: 0
            }
            next = QueueCursor(value: value, id: last.id)
        }
        let counts = withCounts ? try await counts(filter, viewer: viewer) : QueueCounts()
        return QueuePage(rows: result, next: next, counts: counts)
    }

    /// Overdue / due soon / on track, for active cases, as one condition with
    /// the cut-off times bound per category (portable date arithmetic).
    private func deadlineCondition(_ state: QueueFilter.DeadlineState, now: Date) -> SQLQueryString {
        // A case is due at `first + hours(category)`; overdue means due < now,
        // i.e. first < now - hours. Due soon: now <= due < now + window.
        func range(_ lowerDue: Date?, _ upperDue: Date?) -> SQLQueryString {
            var perCategory: [SQLQueryString] = []
            for category in categories.all {
                let hours = Double(category.deadlineHours) * 3600
                var parts: [SQLQueryString] = ["cases.category_id = \(bind: category.slug)"]
                if let lowerDue { parts.append("cases.first_report_at >= \(bind: lowerDue.addingTimeInterval(-hours))") }
                if let upperDue { parts.append("cases.first_report_at < \(bind: upperDue.addingTimeInterval(-hours))") }
                perCategory.append("(\(parts.joined(separator: " AND ")))")
            }
            var appeal: [SQLQueryString] = ["cases.appeal_due_at IS NOT NULL"]
            if let lowerDue { appeal.append("cases.appeal_due_at >= \(bind: lowerDue)") }
            if let upperDue { appeal.append("cases.appeal_due_at < \(bind: upperDue)") }
            return """
                \(unsafeRaw: "cases." + AddCaseWorkflowColumns.activeCondition) AND ((\(appeal.joined(separator: " AND ")))
                OR (cases.appeal_due_at IS NULL AND (\(perCategory.joined(separator: " OR ")))))
                """
        }
        let soon = now.addingTimeInterval(QueueFilter.DeadlineState.soonWindow)
        return switch state {
        case .overdue: range(nil, now)
        case .dueSoon: range(now, soon)
        case .onTrack: range(soon, nil)
        }
    }

    func counts(_ filter: QueueFilter, viewer: UUID) async throws -> QueueCounts {
        let sql = database.sql
        let statuses = filter.effectiveStatuses.map(\.rawValue)
        var counts = QueueCounts()
        // Each dimension's counts under the other two dimensions' filters,
        // summed in the database (a few dozen rows come back, not every cell).
        func grouped(by column: String, status: Bool, platform: Bool, category: Bool) async throws -> [String: Int] {
            var conditions: [SQLQueryString] = ["count > 0"]
            if status { conditions.append("status IN (\(binds: statuses))") }
            if platform, let p = filter.platform { conditions.append("subject_platform = \(bind: p.rawValue)") }
            if category, let c = filter.category { conditions.append("category_id = \(bind: c)") }
            var result: [String: Int] = [:]
            for row in try await sql.raw("""
                SELECT \(unsafeRaw: column) AS value, CAST(SUM(count) AS BIGINT) AS n FROM case_counts
                WHERE \(conditions.joined(separator: " AND ")) GROUP BY \(unsafeRaw: column)
                """).all() {
                result[try row.decode(column: "value", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return result
        }
        for (key, value) in try await grouped(by: "status", status: false, platform: true, category: true) {
            if let status = CaseStatus(rawValue: key) { counts.byStatus[status] = value }
        }
        counts.byPlatform = try await grouped(by: "subject_platform", status: true, platform: false, category: true)
        counts.byCategory = try await grouped(by: "category_id", status: true, platform: true, category: false)
        let mine = try await sql.raw("""
            SELECT COUNT(*) AS n FROM cases WHERE assignee_id = \(bind: viewer) AND \(unsafeRaw: AddCaseWorkflowColumns.activeCondition)
            """).first()
        counts.mine = try mine?.decode(column: "n", as: Int.self) ?? 0
        return counts
    }
}

// MARK: Saved filters and approvals

extension CaseQueue {
    func savedFilters(of user: UUID) async throws -> [SavedFilterRow] {
        try await SavedFilterModel.query(on: database.db).filter(\.$userID == user).sort(\.$name).all().map(SavedFilterRow.init)
    }

    /// Saves a queue filter under a name (the same name replaces it).
    func saveFilter(name: String, query: String, for user: UUID) async throws {
        let existing = try await SavedFilterModel.query(on: database.db).filter(\.$userID == user).filter(\.$name == name).first()
        let saved = existing ?? SavedFilterModel()
        if existing == nil {
            saved.id = OrderedID.make(at: clock.now())
            saved.userID = user
            saved.name = name
            saved.createdAt = clock.now()
        }
        saved.query = query
        try await saved.save(on: database.db)
    }

    func deleteFilter(name: String, for user: UUID) async throws {
        try await SavedFilterModel.query(on: database.db).filter(\.$userID == user).filter(\.$name == name).delete()
    }

    /// Decisions waiting for a second person, oldest first, with their cases' subject keys.
    func pendingApprovals() async throws -> [(decision: DecisionRow, subjectKey: String)] {
        let pending = try await DecisionModel.query(on: database.db).filter(\.$state == DecisionState.pending.rawValue)
            .sort(\.$decidedAt).limit(500).all()
        let keys = Dictionary(try await CaseModel.query(on: database.db).filter(\.$id ~~ pending.map(\.caseID)).all().map { ($0.id!, $0.subjectKey) },
                              uniquingKeysWith: { a, _ in a })
        return pending.map { (DecisionRow($0), keys[$0.caseID] ?? "") }
    }
}
