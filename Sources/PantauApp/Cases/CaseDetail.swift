import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Everything the case page (and the case API) shows about one case.
struct CaseDetail: Sendable {
    let model: CaseRow
    let reports: [CaseReportRow]
    /// What monitoring found on the subject (newest first).
    let findings: [FindingRow]
    let events: [CaseEventRow]
    let chainBreaks: [EventChain.Break]
    let comments: [CaseCommentRow]
    let decisions: [DecisionRow]
    let appeals: [AppealRow]
    /// The order items and block proposals the case set in motion.
    let followUp: CaseFollowUp
    let related: [CaseLinkRow]
    /// Decisions on it need a supervisor's approval (by kind or by mark).
    let highImpact: Bool
    let assigneeEmail: String?
    let dueAt: Date
    /// Reports per WIB day over the last `chartDays` days, oldest first.
    let reportsPerDay: [(day: String, count: Int)]
    /// Where the next (older) page of reports starts, when there is one.
    let olderReports: UUID?

    static let reportLimit = 200
    /// Events shown on the page unless all are asked for (all are verified).
    static let timelineLimit = 300
    static let chartDays = 30

    var pendingDecision: DecisionRow? { decisions.first { $0.state == .pending } }

    static func load(_ id: UUID, database: PantauDatabase, queue: CaseQueue, normalizer: BlockNameNormalizer, now: Date,
                     reportsBefore: UUID? = nil) async throws -> CaseDetail? {
        let db = database.db
        guard let model = try await CaseModel.find(id, on: db) else { return nil }
        // Report ids are time-ordered: keyset pages, newest first.
        var reportQuery = ReportModel.query(on: db).filter(\.$caseID == id)
        if let reportsBefore { reportQuery = reportQuery.filter(\.$id < reportsBefore) }
        let reports = try await reportQuery.sort(\.$id, .descending).limit(reportLimit).all()
        let reportIDs = reports.compactMap(\.id)
        let evidence = reportIDs.isEmpty ? [] : try await ReportEvidenceModel.query(on: db).filter(\.$reportID ~~ reportIDs).all()
        let events = try await CaseEventModel.query(on: db).filter(\.$caseID == id).sort(\.$sequence).all()
        let stored = events.map {
            EventChain.StoredEvent(content: .init(caseID: UUIDText.lower(id), sequence: $0.sequence, kind: $0.kind, actor: $0.actor,
                                                  occurredAtMillis: $0.occurredAtMillis, payload: $0.payload),
                                   previousHash: $0.previousHash, hash: $0.hash)
        }
        let breaks = EventChain.verify(caseID: UUIDText.lower(id), events: stored, expectedCount: model.eventCount, expectedHead: model.lastEventHash)
        let comments = try await CaseCommentModel.query(on: db).filter(\.$caseID == id).sort(\.$pinned, .descending).sort(\.$createdAt, .descending).all()
        let decisions = try await DecisionModel.query(on: db).filter(\.$caseID == id).sort(\.$decidedAt, .descending).all()
        let appeals = try await AppealModel.query(on: db).filter(\.$caseID == id).sort(\.$filedAt, .descending).all()
        let followUp = try await CaseFollowUp.load(caseID: id, subject: model.subject, normalizer: normalizer, on: db)
        let assigneeEmail = try await model.assigneeID.asyncFlatMap { try await UserModel.find($0, on: db)?.email }
        let related = try await relatedCases(of: model, db: db)
        let findings = try await FindingRow.ofCase(id, on: database.sql)

        // Reports per day from the events (cheap: the case's own rows).
        var perDay: [String: Int] = [:]
        let since = now.addingTimeInterval(-Double(chartDays) * 86_400)
        for event in events where event.kind == CaseEventKind.reportReceived.rawValue && event.occurredAt >= since {
            perDay[QueueFilter.formatDay(event.occurredAt), default: 0] += 1
        }
        let days = (0..<chartDays).reversed().map { QueueFilter.formatDay(now.addingTimeInterval(-Double($0) * 86_400)) }
        let evidenceByReport = Dictionary(grouping: evidence, by: \.reportID)
        return CaseDetail(
            model: CaseRow(model), reports: reports.map { CaseReportRow($0, evidence: evidenceByReport[$0.id!] ?? []) }, findings: findings,
            events: events.map(CaseEventRow.init), chainBreaks: breaks, comments: comments.map(CaseCommentRow.init),
            decisions: decisions.map(DecisionRow.init), appeals: appeals.map(AppealRow.init), followUp: followUp,
            related: related.map(CaseLinkRow.init),
            highImpact: DecisionRules.isHighImpact(kind: SubjectKind(rawValue: model.subjectKind) ?? .url, marked: model.highImpact),
            assigneeEmail: assigneeEmail,
            dueAt: queue.dueAt(categoryID: model.categoryID, firstReportAt: model.firstReportAt, appealDueAt: model.appealDueAt),
            reportsPerDay: days.map { ($0, perDay[$0] ?? 0) },
            olderReports: reports.count == reportLimit ? reports.last?.id : nil)
    }

    /// Other cases of the same subject, the same account, or the same domain.
    private static func relatedCases(of model: CaseModel, db: any Database) async throws -> [CaseModel] {
        guard let subject = model.subject else { return [] }
        let lookups = RelatedSubjects.lookups(for: subject)
        var found: [UUID: CaseModel] = [:]
        if !lookups.keys.isEmpty {
            for c in try await CaseModel.query(on: db).filter(\.$subjectKey ~~ lookups.keys).limit(50).all() { found[c.id!] = c }
        }
        for prefix in lookups.keyPrefixes {
            // A range on the indexed key: every key starting with the prefix.
            for c in try await CaseModel.query(on: db).filter(\.$subjectKey >= prefix).filter(\.$subjectKey < prefix + "\u{10FFFF}").limit(50).all() {
                found[c.id!] = c
            }
        }
        found[model.id!] = nil
        return found.values.sorted { $0.lastReportAt > $1.lastReportAt }
    }
}
