import Foundation
import PantauCore

// What the order, compliance, sanction and portal pages show: plain values
// read from the database rows by `OrderPages`, so views never hold a Fluent
// model (nor its optional id, nor a state as a string).

/// A takedown order.
struct OrderRow: Sendable {
    let id: UUID
    let number: String
    let platformID: String
    let urgent: Bool
    let status: OrderStatus
    let createdAt: Date
    /// When a collecting order is closed and sent.
    let batchClosesAt: Date
    let dispatchedAt: Date?
    let sentAt: Date?
    let deadlineAt: Date?
    let acknowledgedAt: Date?

    init(_ model: OrderModel) {
        id = model.id!
        number = model.number
        platformID = model.platformID
        urgent = model.urgent
        status = OrderStatus(rawValue: model.status) ?? .queued
        createdAt = model.createdAt
        batchClosesAt = model.batchClosesAt
        dispatchedAt = model.dispatchedAt
        sentAt = model.sentAt
        deadlineAt = model.deadlineAt
        acknowledgedAt = model.acknowledgedAt
    }

    /// Still waiting for the platform (its deadline badge keeps counting).
    var isOpen: Bool { status.isOpen }
}

/// One item of an order: a piece of content the platform must take down.
struct OrderItemRow: Sendable {
    let id: UUID
    let orderID: UUID
    let caseID: UUID
    let subjectKey: String
    let subjectURL: String
    let categoryID: String
    let legalBases: [String]
    let publicReason: String
    let status: OrderItemStatus
    let answeredAt: Date?
    let answerReason: String?
    let dueAt: Date?
    let removedAt: Date?
    let answeredLate: Bool
    let stillOnlineCount: Int
    let appealReference: String?

    init(_ model: OrderItemModel) {
        id = model.id!
        orderID = model.orderID
        caseID = model.caseID
        subjectKey = model.subjectKey
        subjectURL = model.subjectURL
        categoryID = model.categoryID
        legalBases = model.legalBases.split(separator: ",").map(String.init)
        publicReason = model.publicReason
        status = model.itemStatus
        answeredAt = model.answeredAt
        answerReason = model.answerReason
        dueAt = model.dueAt
        removedAt = model.removedAt
        answeredLate = model.answeredLate ?? false
        stillOnlineCount = model.stillOnlineCount ?? 0
        appealReference = model.appealReference
    }
}

/// An item with the order it belongs to (what a sanction cites).
struct CitedItem: Sendable {
    let item: OrderItemRow
    let order: OrderRow
}

/// A proposed or issued sanction.
struct SanctionRow: Sendable {
    let id: UUID
    let number: String
    let platformID: String
    let level: SanctionLevel
    let state: SanctionState
    let reason: String
    let fineAmount: Int64?
    let proposedByEmail: String
    let proposedAt: Date
    let reviewedByEmail: String?
    let reviewedAt: Date?
    let reviewReason: String?

    init(_ model: SanctionModel) {
        id = model.id!
        number = model.number
        platformID = model.platformID
        level = model.sanctionLevel
        state = model.sanctionState
        reason = model.reason
        fineAmount = model.fineAmount
        proposedByEmail = model.proposedByEmail
        proposedAt = model.proposedAt
        reviewedByEmail = model.reviewedByEmail
        reviewedAt = model.reviewedAt
        reviewReason = model.reviewReason
    }
}

/// One try at delivering an order.
struct DeliveryAttemptRow: Sendable {
    let attempt: Int
    let channel: String
    let worker: String
    let startedAt: Date
    let durationMillis: Int
    let httpStatus: Int?
    let error: String?

    init(_ model: DeliveryAttemptModel) {
        attempt = model.attempt
        channel = model.channel ?? "webhook"
        worker = model.worker
        startedAt = model.startedAt
        durationMillis = model.durationMillis
        httpStatus = model.httpStatus
        error = model.error
    }
}

/// One entry of a platform's history.
struct PlatformEventRow: Sendable {
    let kind: String
    let actor: String
    let occurredAt: Date
    let payload: String

    init(_ model: PlatformEventModel) {
        kind = model.kind
        actor = model.actor
        occurredAt = model.occurredAt
        payload = model.payload
    }
}
