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

final class PlatformModel: Model, @unchecked Sendable {
    static let schema = "platforms"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @OptionalField(key: "official_handle") var officialHandle: String?
    @Field(key: "position") var position: Int

    init() {}
    init(id: String, name: String, officialHandle: String?, position: Int) {
        self.id = id
        self.name = name
        self.officialHandle = officialHandle
        self.position = position
    }
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

final class ReportModel: Model, @unchecked Sendable {
    static let schema = "reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "ticket") var ticket: String
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "channel") var channel: String
    @Field(key: "subject_key") var subjectKey: String
    @Field(key: "target") var target: String
    @Field(key: "claimed_category") var claimedCategory: String
    @Field(key: "description") var description: String
    @OptionalField(key: "reporter_contact") var reporterContact: String?
    @OptionalField(key: "source_ref") var sourceRef: String?
    @Field(key: "received_at") var receivedAt: Date
    init() {}
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

final class ReportEvidenceModel: Model, @unchecked Sendable {
    static let schema = "report_evidence"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "media_type") var mediaType: String
    @Field(key: "size") var size: Int64
    init() {}
}

final class MentionModel: Model, @unchecked Sendable {
    static let schema = "mentions"
    @ID(key: .id) var id: UUID?
    @Field(key: "platform") var platform: String
    @Field(key: "mention_id") var mentionID: String
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "report_count") var reportCount: Int
    init() {}
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

    /// States of a decision record.
    enum State: String { case pending, approved, rejected, final }
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

/// A platform's delivery settings: the same `platforms` rows, a model of its
/// own so the seed migration's model keeps the columns it was written for.
final class PlatformDeliveryModel: Model, @unchecked Sendable {
    static let schema = "platforms"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @OptionalField(key: "webhook_url") var webhookURL: String?
    @OptionalField(key: "webhook_secret") var webhookSecret: String?
    @OptionalField(key: "liaison_name") var liaisonName: String?
    @OptionalField(key: "liaison_email") var liaisonEmail: String?
    init() {}
}

final class OrderModel: Model, @unchecked Sendable {
    static let schema = "orders"
    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "platform_id") var platformID: String
    @Field(key: "urgent") var urgent: Bool
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "batch_closes_at") var batchClosesAt: Date
    @OptionalField(key: "dispatched_at") var dispatchedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "deadline_at") var deadlineAt: Date?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    init() {}
}

final class OrderItemModel: Model, @unchecked Sendable {
    static let schema = "order_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "order_id") var orderID: UUID
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "decision_id") var decisionID: UUID
    @Field(key: "subject_key") var subjectKey: String
    @Field(key: "subject_url") var subjectURL: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "legal_bases") var legalBases: String
    @Field(key: "public_reason") var publicReason: String
    @Field(key: "status") var status: String
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "answer_reason") var answerReason: String?
    @OptionalField(key: "due_at") var dueAt: Date?
    @OptionalField(key: "removed_at") var removedAt: Date?
    @OptionalField(key: "answered_late") var answeredLate: Bool?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @OptionalField(key: "still_online_count") var stillOnlineCount: Int?
    @OptionalField(key: "rechecked_at") var recheckedAt: Date?
    @OptionalField(key: "appeal_reference") var appealReference: String?
    init() {}

    var itemStatus: OrderItemStatus { OrderItemStatus(rawValue: status) ?? .pending }
}

final class OutboxModel: Model, @unchecked Sendable {
    static let schema = "outbox"
    @ID(key: .id) var id: UUID?
    /// The takedown order the message carries, or nil for a campaign post.
    @OptionalField(key: "order_id") var orderID: UUID?
    @OptionalField(key: "campaign_post_id") var campaignPostID: UUID?
    @Field(key: "platform_id") var platformID: String
    @Field(key: "idempotency_key") var idempotencyKey: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "leased_by") var leasedBy: String?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    init() {}
}

final class DeliveryAttemptModel: Model, @unchecked Sendable {
    static let schema = "delivery_attempts"
    @ID(key: .id) var id: UUID?
    @Field(key: "outbox_id") var outboxID: UUID
    @Field(key: "attempt") var attempt: Int
    @Field(key: "worker") var worker: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "duration_ms") var durationMillis: Int
    @OptionalField(key: "http_status") var httpStatus: Int?
    @OptionalField(key: "error") var error: String?
    @OptionalField(key: "channel") var channel: String?
    init() {}
}

/// One entry of a platform's history: a change to an order, an item or a
/// sanction. Append-only.
final class PlatformEventModel: Model, @unchecked Sendable {
    static let schema = "platform_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "platform_id") var platformID: String
    @OptionalField(key: "order_id") var orderID: UUID?
    @OptionalField(key: "item_id") var itemID: UUID?
    @OptionalField(key: "sanction_id") var sanctionID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "actor") var actor: String
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "payload") var payload: String
    init() {}
}

final class SanctionModel: Model, @unchecked Sendable {
    static let schema = "sanctions"
    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "platform_id") var platformID: String
    @Field(key: "level") var level: String
    @Field(key: "state") var state: String
    @Field(key: "reason") var reason: String
    @Field(key: "item_ids") var itemIDs: String
    @OptionalField(key: "fine_amount") var fineAmount: Int64?
    @Field(key: "proposed_by") var proposedBy: UUID
    @Field(key: "proposed_by_email") var proposedByEmail: String
    @Field(key: "proposed_at") var proposedAt: Date
    @OptionalField(key: "reviewed_by_email") var reviewedByEmail: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "review_reason") var reviewReason: String?
    init() {}

    var sanctionLevel: SanctionLevel { SanctionLevel(rawValue: level) ?? .st1 }
    var items: [UUID] { itemIDs.split(separator: ",").compactMap { UUIDText.parse(String($0)) } }
}

final class PlatformDeadlineModel: Model, @unchecked Sendable {
    static let schema = "platform_deadlines"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "platform_id") var platformID: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "hours") var hours: Int
    init() {}
}
