import Foundation
import PantauCore

// Plain values the case pages (and other stages' pages that name cases or
// legal bases) show, read from the database rows, so views never hold a
// Fluent model.

/// A legal basis as forms, letters and the admin table name it.
struct LegalBasisRow: Sendable {
    let code: String
    let title: String
    let article: String
    let active: Bool

    init(_ model: LegalBasisModel) {
        code = model.id ?? ""
        title = model.title
        article = model.article
        active = model.active
    }
}

/// A case as another page links to it: its subject and where it stands.
struct CaseLinkRow: Sendable {
    let id: UUID
    let subjectKey: String
    let status: CaseStatus
    let reportCount: Int

    init(_ model: CaseModel) {
        id = model.id!
        subjectKey = model.subjectKey
        status = model.caseStatus
        reportCount = model.reportCount
    }
}

/// The case itself, as its page and the case API show it.
struct CaseRow: Sendable {
    let id: UUID
    let subjectKey: String
    let subjectPlatform: String
    let subjectKind: String
    let subjectURL: String
    let status: CaseStatus
    let categoryID: String
    let reportCount: Int
    let firstReportAt: Date
    let lastReportAt: Date
    let priority: Double
    let assigneeID: UUID?
    /// Marked high impact by staff (a supervisor approves its decisions).
    let markedHighImpact: Bool
    let appealDueAt: Date?
    let lastEventHash: String

    init(_ model: CaseModel) {
        id = model.id!
        subjectKey = model.subjectKey
        subjectPlatform = model.subjectPlatform
        subjectKind = model.subjectKind
        subjectURL = model.subjectURL
        status = model.caseStatus
        categoryID = model.categoryID
        reportCount = model.reportCount
        firstReportAt = model.firstReportAt
        lastReportAt = model.lastReportAt
        priority = model.priority
        assigneeID = model.assigneeID
        markedHighImpact = model.highImpact
        appealDueAt = model.appealDueAt
        lastEventHash = model.lastEventHash
    }
}

/// One report of the case, with its evidence files.
struct CaseReportRow: Sendable {
    struct Evidence: Sendable {
        let sha256: String
        let mediaType: String
    }

    let id: UUID
    let ticket: String
    let channel: String
    let claimedCategory: String
    let description: String
    let receivedAt: Date
    /// The reporter left a contact (kept encrypted; shown only on request).
    let hasContact: Bool
    let evidence: [Evidence]

    init(_ model: ReportModel, evidence: [ReportEvidenceModel]) {
        id = model.id!
        ticket = model.ticket
        channel = model.channel
        claimedCategory = model.claimedCategory
        description = model.description
        receivedAt = model.receivedAt
        hasContact = model.reporterContact != nil
        self.evidence = evidence.map { Evidence(sha256: $0.sha256, mediaType: $0.mediaType) }
    }
}

/// One event of the case's chained history.
struct CaseEventRow: Sendable {
    let sequence: Int
    let kind: String
    let actor: String
    let occurredAt: Date
    let payload: String
    let hash: String

    init(_ model: CaseEventModel) {
        sequence = model.sequence
        kind = model.kind
        actor = model.actor
        occurredAt = model.occurredAt
        payload = model.payload
        hash = model.hash
    }
}

/// An internal comment.
struct CaseCommentRow: Sendable {
    let id: UUID
    let authorEmail: String
    let body: String
    let pinned: Bool
    let createdAt: Date

    init(_ model: CaseCommentModel) {
        id = model.id!
        authorEmail = model.authorEmail
        body = model.body
        pinned = model.pinned
        createdAt = model.createdAt
    }
}

/// A decision on the case (final, or awaiting a second person).
struct DecisionRow: Sendable {
    let id: UUID
    let caseID: UUID
    let verdict: Verdict
    let categoryID: String
    let legalBases: [String]
    let statement: String
    let publicReason: String
    let automatedDetection: Bool
    let automatedDecision: Bool
    let action: ProposedAction
    let state: DecisionState
    let decidedBy: UUID
    let decidedByEmail: String
    let decidedAt: Date
    let reviewedByEmail: String?
    let reviewReason: String?

    init(_ model: DecisionModel) {
        id = model.id!
        caseID = model.caseID
        verdict = model.decisionVerdict
        categoryID = model.categoryID
        legalBases = model.legalBasisCodes
        statement = model.statement
        publicReason = model.publicReason
        automatedDetection = model.automatedDetection
        automatedDecision = model.automatedDecision
        action = model.proposedAction
        state = model.decisionState
        decidedBy = model.decidedBy
        decidedByEmail = model.decidedByEmail
        decidedAt = model.decidedAt
        reviewedByEmail = model.reviewedByEmail
        reviewReason = model.reviewReason
    }
}

/// An appeal against the case's decision.
struct AppealRow: Sendable {
    let reference: String
    let source: String
    let reason: String
    let filedAt: Date
    let dueAt: Date
    let state: AppealState

    init(_ model: AppealModel) {
        reference = model.reference
        source = model.source
        reason = model.reason
        filedAt = model.filedAt
        dueAt = model.dueAt
        state = model.appealState
    }
}

/// A saved queue filter of the viewer's.
struct SavedFilterRow: Sendable {
    let id: UUID
    let name: String
    let query: String

    init(_ model: SavedFilterModel) {
        id = model.id!
        name = model.name
        query = model.query
    }
}
