import FluentKit
import Foundation
import PantauCore
import SQLKit

/// What anyone holding a ticket is told (the ticket page and its API): the
/// case's status, its decision in force and how far its follow-up got.
enum TicketQueries {
    /// `normalizer`: the blocklist's, to follow a block of the case's site or app.
    static func status(ticket: String, database: PantauDatabase, normalizer: BlockNameNormalizer) async throws -> ReportStatusDTO? {
        guard let row = try await database.sql.raw("""
            SELECT r.ticket, r.channel, r.claimed_category, r.received_at, r.subject_key, c.id AS case_id, c.status, c.duplicate_of
            FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.ticket = \(bind: ticket)
            """).first() else { return nil }
        var status = CaseStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .new
        var caseID = try row.decode(column: "case_id", as: UUID.self)
        let key = try row.decode(column: "subject_key", as: String.self)
        guard let subject = Subject.fromKey(key) else { return nil }
        var caseSubject = subject
        // A duplicate's reporters see the outcome of the case it joined.
        if status == .closed, let original = try row.decode(column: "duplicate_of", as: UUID?.self),
           let merged = try await CaseModel.find(original, on: database.db) {
            caseID = original
            status = merged.caseStatus
            caseSubject = merged.subject ?? subject
        }
        let decision = status == .decided ? try await DecisionModel.query(on: database.db).filter(\.$caseID == caseID)
            .filter(\.$state ~~ DecisionState.inForce.map(\.rawValue))
            .sort(\.$decidedAt, .descending).first() : nil
        // Where the takedown order or the network block of this case stands.
        let followUp = decision == nil ? nil : try await CaseFollowUp.outcome(caseID: caseID, subject: caseSubject, normalizer: normalizer, on: database.db)
        let outcome = PublicOutcome.of(status: status, verdict: decision?.decisionVerdict, action: decision?.proposedAction,
                                       orderItem: followUp?.orderItem, block: followUp?.block)
        return ReportStatusDTO(
            ticket: ticket, status: status.rawValue, outcome: outcome.rawValue,
            statusLabel: .init(id: outcome.label.id, en: outcome.label.en),
            explanation: .init(id: outcome.explanation.id, en: outcome.explanation.en),
            receivedAt: try row.decode(column: "received_at", as: Date.self),
            channel: try row.decode(column: "channel", as: String.self),
            category: try row.decode(column: "claimed_category", as: String.self),
            subject: SubjectDTO(subject),
            case: .init(id: caseID, status: status.rawValue),
            decision: decision.map {
                .init(verdict: $0.verdict, action: $0.action, category: $0.categoryID, legalBases: $0.legalBasisCodes,
                      publicReason: $0.publicReason, decidedAt: $0.decidedAt)
            })
    }

    /// Legal bases by code, titled for people ("UU … Pasal …").
    static func legalBasisTitles(database: PantauDatabase) async throws -> [String: String] {
        Dictionary(try await LegalBasisModel.query(on: database.db).all().map { ($0.id ?? "", "\($0.title) \($0.article)") },
                   uniquingKeysWith: { a, _ in a })
    }
}
