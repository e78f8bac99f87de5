import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Takedown orders: a final "violating → takedown order" decision puts its
/// subject into the open order of its platform and urgency; when the batching
/// window closes, the order and its outbox message are written in one
/// transaction, and the delivery worker takes it from there.
struct OrderService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    let categories: CategoryIndex
    /// Decisions within this window go into one order (0 = one order each, at once).
    var batchWindow: Double = 15 * 60

    /// Adds a decided subject to its platform's open order (inside the
    /// decision's transaction), opening one when none collects items now.
    func addItem(decision: DecisionModel, case model: CaseModel, at now: Date, on db: any Database,
                 appendEvent: (CaseModel, String, [String: String]) async throws -> Void) async throws {
        let urgent = categories[decision.categoryID]?.isUrgent ?? false
        let open = try await OrderModel.query(on: db).filter(\.$status == "queued").filter(\.$platformID == model.subjectPlatform)
            .filter(\.$urgent == urgent).filter(\.$batchClosesAt > now).sort(\.$createdAt, .descending).first()
        let order: OrderModel
        if let open {
            order = open
        } else {
            order = OrderModel()
            order.id = OrderedID.make(at: now)
            order.number = OrderNumber.make(day: now, sequence: try await nextSequence(day: OrderNumber.day(now), on: db))
            order.platformID = model.subjectPlatform
            order.urgent = urgent
            order.status = "queued"
            order.createdAt = now
            order.batchClosesAt = now.addingTimeInterval(batchWindow)
            try await order.create(on: db)
        }
        let item = OrderItemModel()
        item.id = OrderedID.make(at: now)
        item.orderID = order.id!
        item.caseID = model.id!
        item.decisionID = decision.id!
        item.subjectKey = model.subjectKey
        item.subjectURL = model.subjectURL
        item.categoryID = decision.categoryID
        item.legalBases = decision.legalBases
        item.publicReason = decision.publicReason
        item.status = "pending"
        try await item.create(on: db)
        try await appendEvent(model, "order_item_added", ["order": order.number, "order_id": UUIDText.lower(order.id!),
                                                          "urgent": String(urgent), "platform": order.platformID])
        if batchWindow <= 0 { try await close(order, at: now, on: db) }
    }

    /// The next order number of a WIB day, one statement on both databases.
    private func nextSequence(day: String, on db: any Database) async throws -> Int {
        let row = try await (db as! any SQLDatabase).raw("""
            INSERT INTO order_sequences (day, last) VALUES (\(bind: day), 1)
            ON CONFLICT (day) DO UPDATE SET last = order_sequences.last + 1 RETURNING last
            """).first()
        return try row?.decode(column: "last", as: Int.self) ?? 1
    }

    /// Closes every order whose batching window has passed; returns how many.
    @discardableResult
    func closeDueBatches() async throws -> Int {
        let now = clock.now()
        // Read-only unless something is due (an idle worker polls this).
        let due = try await OrderModel.query(on: database.db).filter(\.$status == "queued").filter(\.$batchClosesAt <= now)
            .sort(\.$batchClosesAt).limit(100).all()
        var closed = 0
        for candidate in due {
            let done = try await database.writeTransaction { db in
                // Another process may have closed it meanwhile.
                guard let order = try await OrderModel.find(candidate.id!, on: db), order.status == "queued" else { return false }
                try await close(order, at: now, on: db)
                return true
            }
            if done { closed += 1 }
        }
        return closed
    }

    /// Writes the order's outbox message (the webhook body) in the caller's
    /// transaction and marks the order as dispatching.
    func close(_ order: OrderModel, at now: Date, on db: any Database) async throws {
        let items = try await OrderItemModel.query(on: db).filter(\.$orderID == order.id!).sort(\.$id).all()
        let message = OutboxModel()
        message.id = OrderedID.make(at: now)
        message.orderID = order.id!
        message.platformID = order.platformID
        message.idempotencyKey = UUIDText.lower(order.id!)
        message.body = try Self.webhookBody(order: order, items: items, deadlineHours: Deadlines.orderHours(urgent: order.urgent), issuedAt: now)
        message.status = "pending"
        message.attempts = 0
        message.createdAt = now
        message.nextAttemptAt = now
        try await message.create(on: db)
        order.status = "dispatching"
        order.dispatchedAt = now
        try await order.save(on: db)
    }

    struct WebhookBody: Encodable {
        struct Item: Encodable {
            let id: String
            let subjectKey: String
            let url: String
            let category: String
            let legalBases: [String]
            let publicReason: String
            enum CodingKeys: String, CodingKey {
                case id, subjectKey = "subject_key", url, category, legalBases = "legal_bases", publicReason = "public_reason"
            }
        }
        let orderID: String
        let number: String
        let platform: String
        let urgent: Bool
        let deadlineHours: Int
        let issuedAt: Date
        let items: [Item]
        enum CodingKeys: String, CodingKey {
            case orderID = "order_id", number, platform, urgent, deadlineHours = "deadline_hours", issuedAt = "issued_at", items
        }
    }

    static func webhookBody(order: OrderModel, items: [OrderItemModel], deadlineHours: Int, issuedAt: Date) throws -> String {
        let body = WebhookBody(
            orderID: UUIDText.lower(order.id!), number: order.number, platform: order.platformID, urgent: order.urgent,
            deadlineHours: deadlineHours, issuedAt: issuedAt,
            items: items.map {
                .init(id: UUIDText.lower($0.id!), subjectKey: $0.subjectKey, url: $0.subjectURL, category: $0.categoryID,
                      legalBases: $0.legalBases.split(separator: ",").map(String.init), publicReason: $0.publicReason)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(isoTimestamp(date))
        }
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }
}
