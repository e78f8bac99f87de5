import FluentKit
import Foundation
import PantauCore

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

final class PlatformDeadlineModel: Model, @unchecked Sendable {
    static let schema = "platform_deadlines"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "platform_id") var platformID: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "hours") var hours: Int
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
    var sanctionState: SanctionState { SanctionState(rawValue: state) ?? .proposed }
    var items: [UUID] { itemIDs.split(separator: ",").compactMap { UUIDText.parse(String($0)) } }
}
