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
    /// Orders tell the cases they concern (delivery, deadlines) through it.
    var ledger: CaseLedger { CaseLedger(database: database) }
    /// Decisions within this window go into one order (0 = one order each, at once).
    var batchWindow: Double = 15 * 60
    /// Hours platforms have to answer, from delivery (per-platform,
    /// per-category overrides live in `platform_deadlines`).
    var deadlines = OrderDeadlines()

    /// A decision in force on a case, in the decision's transaction: the
    /// case's standing order item follows it (`OrderRules.afterNewDecision`),
    /// and a "violating → takedown order" decision on a case without one
    /// joins its platform's order.
    func follow(_ decision: DecisionModel, case model: CaseModel, ledger: CaseLedger, at now: Date, on db: any Database) async throws {
        let takedown = decision.decisionVerdict == .violating && decision.proposedAction == .takedownOrder
        let standing = try await OrderItemModel.query(on: db).filter(\.$caseID == model.id!)
            .filter(\.$status ~~ OrderRules.standing.map(\.rawValue)).all()
        for item in standing {
            guard let change = OrderRules.afterNewDecision(item.itemStatus, takedown: takedown),
                  let order = try await OrderModel.find(item.orderID, on: db) else { continue }
            item.status = change.status.rawValue
            if change == .objectionDismissed {
                let overrides = try await deadlineOverrides(platform: order.platformID, on: db)
                let hours = OrderRules.deadlineHours(urgent: order.urgent, category: item.categoryID, overrides: overrides, defaults: deadlines)
                item.dueAt = now.addingTimeInterval(Double(hours) * 3600)
                if (order.deadlineAt ?? .distantPast) < item.dueAt! { order.deadlineAt = item.dueAt }
            }
            try await item.save(on: db)
            let payload = ["order": order.number, "item_id": UUIDText.lower(item.id!), "subject_key": item.subjectKey,
                           "decision_id": UUIDText.lower(decision.id!)]
            try await Self.recordEvent(.item(change), platform: order.platformID, order: order.id, item: item.id, actor: "system:orders",
                                       payload: payload, at: now, on: db)
            try await ledger.append(.orderItem(change), to: model, actor: "system:orders", payload: payload, at: now, on: db)
            try await refreshStatus(order, on: db)
        }
        guard takedown, standing.isEmpty else { return }
        try await addItem(decision: decision, case: model, ledger: ledger, at: now, on: db)
    }

    /// Adds a decided subject to its platform's open order (inside the
    /// decision's transaction), opening one when none collects items now.
    private func addItem(decision: DecisionModel, case model: CaseModel, ledger: CaseLedger, at now: Date, on db: any Database) async throws {
        let urgent = categories[decision.categoryID]?.isUrgent ?? false
        let open = try await OrderModel.query(on: db).filter(\.$status == OrderStatus.queued.rawValue).filter(\.$platformID == model.subjectPlatform)
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
            order.status = OrderStatus.queued.rawValue
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
        item.status = OrderItemStatus.pending.rawValue
        try await item.create(on: db)
        try await ledger.append(.orderItemAdded, to: model, actor: "system:orders",
                                payload: ["order": order.number, "order_id": UUIDText.lower(order.id!), "urgent": String(urgent),
                                          "platform": order.platformID], at: now, on: db)
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
        let due = try await OrderModel.query(on: database.db).filter(\.$status == OrderStatus.queued.rawValue).filter(\.$batchClosesAt <= now)
            .sort(\.$batchClosesAt).limit(100).all()
        var closed = 0
        for candidate in due {
            let done = try await database.writeTransaction { db in
                // Another process may have closed it meanwhile.
                guard let order = try await OrderModel.find(candidate.id!, on: db), order.status == OrderStatus.queued.rawValue else { return false }
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
        let overrides = try await deadlineOverrides(platform: order.platformID, on: db)
        let message = OutboxModel()
        message.id = OrderedID.make(at: now)
        message.orderID = order.id!
        message.platformID = order.platformID
        message.idempotencyKey = UUIDText.lower(order.id!)
        message.body = try Self.webhookBody(order: order, items: items, issuedAt: now) { item in
            OrderRules.deadlineHours(urgent: order.urgent, category: item.categoryID, overrides: overrides, defaults: deadlines)
        }
        message.status = OutboxStatus.pending.rawValue
        message.attempts = 0
        message.createdAt = now
        message.nextAttemptAt = now
        try await message.create(on: db)
        order.status = OrderStatus.dispatching.rawValue
        order.dispatchedAt = now
        try await order.save(on: db)
        try await Self.recordEvent(.orderDispatched, platform: order.platformID, order: order.id, actor: "system:orders",
                                   payload: ["order": order.number, "items": String(items.count)], at: now, on: db)
    }

    /// A platform's deadline overrides: category → hours.
    func deadlineOverrides(platform: String, on db: any Database) async throws -> [String: Int] {
        Dictionary(try await PlatformDeadlineModel.query(on: db).filter(\.$platformID == platform).all().map { ($0.categoryID, $0.hours) },
                   uniquingKeysWith: { a, _ in a })
    }

    /// The case ids of an order's items, without decoding the items.
    func caseIDs(of order: UUID, on db: any Database) async throws -> [UUID] {
        try await (db as! any SQLDatabase).raw("SELECT case_id FROM order_items WHERE order_id = \(bind: order)").all()
            .map { try $0.decode(column: "case_id", as: UUID.self) }
    }

    /// The platform accepted the delivery: the deadline of every item starts
    /// now (the order's deadline is its latest item's), and every case hears
    /// of it. Runs in the delivery's transaction.
    func markDelivered(_ order: OrderModel, at now: Date, on db: any Database) async throws {
        let overrides = try await deadlineOverrides(platform: order.platformID, on: db)
        let caseIDs = try await caseIDs(of: order.id!, on: db)
        // Cases first, then items, then the order: the order every writer of
        // items locks in (answers and the deadline monitor do the same).
        let cases = try await ledger.lock(caseIDs, on: db)
        let items = try await OrderItemModel.query(on: db).filter(\.$orderID == order.id!).all()
        var latest = now
        for item in items {
            let hours = OrderRules.deadlineHours(urgent: order.urgent, category: item.categoryID, overrides: overrides, defaults: deadlines)
            let due = now.addingTimeInterval(Double(hours) * 3600)
            latest = max(latest, due)
            if item.dueAt == nil {
                item.dueAt = due
                try await item.save(on: db)
            }
        }
        order.sentAt = now
        order.deadlineAt = latest
        try await refreshStatus(order, items: items, on: db)
        try await Self.recordEvent(.orderSent, platform: order.platformID, order: order.id, actor: "system:delivery",
                                   payload: ["order": order.number, "deadline_at": isoTimestamp(latest)], at: now, on: db)
        for model in cases {
            try await ledger.append(.orderSent, to: model, actor: "system:delivery",
                                    payload: ["order": order.number, "deadline_at": isoTimestamp(latest)], at: now, on: db)
            try await model.save(on: db)
        }
    }

    /// Sets the order's status from its delivery and its items, and saves it.
    func refreshStatus(_ order: OrderModel, items: [OrderItemModel]? = nil, on db: any Database) async throws {
        let all: [OrderItemModel]
        if let items { all = items } else { all = try await OrderItemModel.query(on: db).filter(\.$orderID == order.id!).all() }
        order.status = OrderRules.orderStatus(delivered: order.sentAt != nil, dispatched: order.dispatchedAt != nil,
                                              acknowledged: order.acknowledgedAt != nil, items: all.map(\.itemStatus)).rawValue
        try await order.save(on: db)
    }

    /// Appends one entry to a platform's history.
    static func recordEvent(_ kind: PlatformEventKind, platform: String, order: UUID? = nil, item: UUID? = nil, sanction: UUID? = nil,
                            actor: String, payload: [String: String], at now: Date, on db: any Database) async throws {
        let event = PlatformEventModel()
        event.id = OrderedID.make(at: now)
        event.platformID = platform
        event.orderID = order
        event.itemID = item
        event.sanctionID = sanction
        event.kind = kind.rawValue
        event.actor = actor
        event.occurredAt = now
        event.payload = canonicalJSON(payload)
        try await event.create(on: db)
    }

    struct WebhookBody: Encodable {
        struct Item: Encodable {
            let id: String
            let subjectKey: String
            let url: String
            let category: String
            let legalBases: [String]
            let publicReason: String
            let deadlineHours: Int
            enum CodingKeys: String, CodingKey {
                case id, subjectKey = "subject_key", url, category, legalBases = "legal_bases", publicReason = "public_reason",
                     deadlineHours = "deadline_hours"
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

    static func webhookBody(order: OrderModel, items: [OrderItemModel], issuedAt: Date,
                            deadlineHours: (OrderItemModel) -> Int) throws -> String {
        let hours = items.map(deadlineHours)
        let body = WebhookBody(
            orderID: UUIDText.lower(order.id!), number: order.number, platform: order.platformID, urgent: order.urgent,
            deadlineHours: hours.max() ?? 24, issuedAt: issuedAt,
            items: zip(items, hours).map { item, hours in
                .init(id: UUIDText.lower(item.id!), subjectKey: item.subjectKey, url: item.subjectURL, category: item.categoryID,
                      legalBases: item.legalBases.split(separator: ",").map(String.init), publicReason: item.publicReason,
                      deadlineHours: hours)
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

// MARK: Deadline monitor

extension OrderService {
    /// Marks every unanswered item whose deadline has passed as overdue (one
    /// event per item on the platform's history and on its case), and the
    /// orders they belong to. Returns how many items changed. Read-only
    /// unless something is due: the worker polls it.
    @discardableResult
    func markOverdueItems() async throws -> Int {
        let now = clock.now()
        let due = try await OrderItemModel.query(on: database.db).filter(\.$status == OrderItemStatus.pending.rawValue)
            .filter(\.$dueAt <= now).limit(200).all()
        guard !due.isEmpty else { return 0 }
        let ledger = ledger
        return try await database.writeTransaction { db in
            var changed = 0
            var orders: Set<UUID> = []
            let locked = Dictionary(try await ledger.lock(due.map(\.caseID), on: db).map { ($0.id!, $0) },
                                    uniquingKeysWith: { a, _ in a })
            for candidate in due {
                // Answered meanwhile? Read it again under the case's lock.
                guard let item = try await OrderItemModel.find(candidate.id, on: db), item.itemStatus == .pending,
                      let dueAt = item.dueAt, dueAt <= now, let order = try await OrderModel.find(item.orderID, on: db) else { continue }
                item.status = OrderItemStatus.overdue.rawValue
                try await item.save(on: db)
                let payload = ["order": order.number, "item_id": UUIDText.lower(item.id!), "subject_key": item.subjectKey,
                               "due_at": isoTimestamp(dueAt)]
                try await Self.recordEvent(.itemOverdue, platform: order.platformID, order: order.id, item: item.id,
                                           actor: "system:deadline-monitor", payload: payload, at: now, on: db)
                if let model = locked[item.caseID] {
                    try await ledger.append(.orderItemOverdue, to: model, actor: "system:deadline-monitor", payload: payload, at: now, on: db)
                }
                orders.insert(order.id!)
                changed += 1
            }
            for model in locked.values { try await model.save(on: db) }
            for id in orders {
                if let order = try await OrderModel.find(id, on: db) { try await refreshStatus(order, on: db) }
            }
            return changed
        }
    }
}
