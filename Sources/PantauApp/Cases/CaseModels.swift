import FluentKit
import Foundation
import PantauCore

final class CategoryModel: Model, @unchecked Sendable {
    static let schema = "categories"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name_id") var nameID: String
    @Field(key: "name_en") var nameEN: String
    @Field(key: "severity") var severity: Int
    @Field(key: "deadline_hours") var deadlineHours: Int
    @Field(key: "legal_basis") var legalBasis: String
    @Field(key: "position") var position: Int
    @Field(key: "active") var active: Bool

    init() {}
    init(_ c: ContentCategory, position: Int) {
        id = c.slug
        nameID = c.nameID
        nameEN = c.nameEN
        severity = c.severity
        deadlineHours = c.deadlineHours
        legalBasis = c.legalBasis
        self.position = position
        active = true
    }

    var domain: ContentCategory {
        ContentCategory(slug: id ?? "", nameID: nameID, nameEN: nameEN, severity: severity, deadlineHours: deadlineHours, legalBasis: legalBasis)
    }
}

final class LegalBasisModel: Model, @unchecked Sendable {
    static let schema = "legal_bases"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "title") var title: String
    @Field(key: "article") var article: String
    @Field(key: "position") var position: Int
    @Field(key: "active") var active: Bool
    init() {}
}

final class CaseModel: Model, @unchecked Sendable {
    static let schema = "cases"
    @ID(key: .id) var id: UUID?
    @Field(key: "subject_key") var subjectKey: String
    @Field(key: "subject_platform") var subjectPlatform: String
    @Field(key: "subject_kind") var subjectKind: String
    @Field(key: "subject_id") var subjectID: String
    @Field(key: "subject_url") var subjectURL: String
    @OptionalField(key: "open_key") var openKey: String?
    @Field(key: "status") var status: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "report_count") var reportCount: Int
    @Field(key: "first_report_at") var firstReportAt: Date
    @Field(key: "last_report_at") var lastReportAt: Date
    @Field(key: "priority") var priority: Double
    @Field(key: "event_count") var eventCount: Int
    @Field(key: "last_event_hash") var lastEventHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    @OptionalField(key: "assigned_at") var assignedAt: Date?
    @Field(key: "high_impact") var highImpact: Bool
    @OptionalField(key: "verdict") var verdict: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "duplicate_of") var duplicateOf: UUID?
    @OptionalField(key: "excluded_reviewer_id") var excludedReviewerID: UUID?
    @OptionalField(key: "appeal_due_at") var appealDueAt: Date?
    init() {}

    var caseStatus: CaseStatus { CaseStatus(rawValue: status) ?? .new }
    var subject: Subject? {
        guard let platform = Platform(rawValue: subjectPlatform), let kind = SubjectKind(rawValue: subjectKind) else { return nil }
        return Subject(platform: platform, kind: kind, id: subjectID, url: subjectURL)
    }
}

final class CaseEventModel: Model, @unchecked Sendable {
    static let schema = "case_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "sequence") var sequence: Int
    @Field(key: "kind") var kind: String
    @Field(key: "actor") var actor: String
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "occurred_at_ms") var occurredAtMillis: Int64
    @Field(key: "payload") var payload: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String
    init() {}
}

final class DecisionModel: Model, @unchecked Sendable {
    static let schema = "decisions"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "verdict") var verdict: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "legal_bases") var legalBases: String
    @Field(key: "statement") var statement: String
    @Field(key: "public_reason") var publicReason: String
    @Field(key: "automated_detection") var automatedDetection: Bool
    @Field(key: "automated_decision") var automatedDecision: Bool
    @Field(key: "action") var action: String
    @Field(key: "needs_approval") var needsApproval: Bool
    @Field(key: "state") var state: String
    @Field(key: "decided_by") var decidedBy: UUID
    @Field(key: "decided_by_email") var decidedByEmail: String
    @Field(key: "decided_at") var decidedAt: Date
    @OptionalField(key: "reviewed_by") var reviewedBy: UUID?
    @OptionalField(key: "reviewed_by_email") var reviewedByEmail: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "review_reason") var reviewReason: String?
    init() {}

    var legalBasisCodes: [String] { legalBases.split(separator: ",").map(String.init) }
    var decisionState: DecisionState { DecisionState(rawValue: state) ?? .pending }
    var decisionVerdict: Verdict { Verdict(rawValue: verdict) ?? .needMoreInformation }
    var proposedAction: ProposedAction { ProposedAction(rawValue: action) ?? .noAction }
}

final class CaseCommentModel: Model, @unchecked Sendable {
    static let schema = "case_comments"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_email") var authorEmail: String
    @Field(key: "body") var body: String
    @Field(key: "pinned") var pinned: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class AppealModel: Model, @unchecked Sendable {
    static let schema = "appeals"
    @ID(key: .id) var id: UUID?
    @Field(key: "reference") var reference: String
    @Field(key: "case_id") var caseID: UUID
    @OptionalField(key: "decision_id") var decisionID: UUID?
    @Field(key: "source") var source: String
    @OptionalField(key: "platform_id") var platformID: String?
    @Field(key: "reason") var reason: String
    @OptionalField(key: "contact") var contact: String?
    @Field(key: "filed_at") var filedAt: Date
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "state") var state: String
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    init() {}

    var appealState: AppealState { AppealState(rawValue: state) ?? .open }
}

final class SavedFilterModel: Model, @unchecked Sendable {
    static let schema = "saved_filters"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    @Field(key: "query") var query: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
