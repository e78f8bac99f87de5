import FluentKit
import Foundation
import PantauCore
import SQLKit

/// A refusal of an order or sanction action, in both languages.
struct OrderActionError: ServiceRefusal, CustomStringConvertible {
    typealias Kind = RefusalKind
    let kind: Kind
    let code: String
    let id: String
    let en: String
    var field: String?

    var description: String { en }
    var refusedField: String? { field }

    static func review(_ refusal: FourEyesRefusal) -> OrderActionError {
        OrderActionError(kind: RefusalKind(refusal.reason), code: refusal.code, id: refusal.message.id, en: refusal.message.en, field: refusal.field)
    }

    static let orderNotFound = OrderActionError(kind: .notFound, code: "order_not_found", id: "Perintah tidak ditemukan.", en: "Order not found.")
    static let itemNotFound = OrderActionError(kind: .notFound, code: "item_not_found", id: "Butir perintah tidak ditemukan.", en: "Order item not found.")
}

/// What happens after delivery: the platform's acknowledgement and answers
/// (an objection becomes an appeal), staff re-checks, compliance figures,
/// and the sanctions ladder. Every change is a platform event and, where a
/// case is concerned, an event in the case's chain.
struct OrderTrackingService: Sendable {
    let orders: OrderService
    /// A platform's objection is an appeal against the case's decision.
    let appeals: AppealService
    var fine = FineFormula()
    /// Whether orders to platforms without a webhook go out by SMTP (shown to staff).
    var smtpConfigured = false

    var database: PantauDatabase { orders.database }
    var clock: any PantauClock { orders.clock }
    var ledger: CaseLedger { appeals.ledger }

    private func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.writeTransaction(body)
    }

    // MARK: Reading

    /// Orders a platform can see: everything handed to delivery (the webhook
    /// may have reached it before the worker recorded the delivery).
    func platformOrders(_ platform: String, status: OrderStatus?, since: Date?, limit: Int = 200) async throws -> [OrderModel] {
        var query = OrderModel.query(on: database.db).filter(\.$platformID == platform).filter(\.$status != OrderStatus.queued.rawValue)
        if let status { query = query.filter(\.$status == status.rawValue) }
        if let since { query = query.filter(\.$createdAt >= since) }
        return try await query.sort(\.$createdAt, .descending).limit(limit).all()
    }

    /// One order of `platform` (nil for staff: any platform); another
    /// platform's order is "not found", never "forbidden", so ids leak nothing.
    func order(_ id: UUID, platform: String?) async throws -> OrderModel {
        guard let order = try await OrderModel.find(id, on: database.db), platform == nil || order.platformID == platform,
              platform == nil || order.status != OrderStatus.queued.rawValue
        else { throw OrderActionError.orderNotFound }
        return order
    }

    func items(of orderID: UUID) async throws -> [OrderItemModel] {
        try await OrderItemModel.query(on: database.db).filter(\.$orderID == orderID).sort(\.$id).all()
    }

    // MARK: Platform side

    /// The platform read orders (through the API or its portal) that had not
    /// been delivered yet — waiting for a hand-sent letter, or still in the
    /// outbox: reading them is their delivery, and their deadlines start now.
    func deliveredByFetch(_ orderIDs: [UUID], platform: String, actor: String) async throws {
        let candidates = try await OrderModel.query(on: database.db).filter(\.$id ~~ orderIDs).filter(\.$platformID == platform)
            .filter(\.$sentAt == nil).filter(\.$status == OrderStatus.dispatching.rawValue).all()
        for candidate in candidates {
            let now = clock.now()
            try await write { db in
                // The delivery worker or another request may have delivered it meanwhile.
                guard let order = try await OrderModel.find(candidate.id!, on: db), order.sentAt == nil,
                      order.status == OrderStatus.dispatching.rawValue else { return }
                if let message = try await OutboxModel.query(on: db).filter(\.$orderID == order.id!)
                    .filter(\.$status ~~ [OutboxStatus.manual.rawValue, OutboxStatus.pending.rawValue]).first() {
                    message.status = OutboxStatus.delivered.rawValue
                    message.deliveredAt = now
                    message.lastError = nil
                    try await message.save(on: db)
                }
                try await OrderService.recordEvent(.orderFetched, platform: platform, order: order.id, actor: actor,
                                                   payload: ["order": order.number], at: now, on: db)
                try await orders.markDelivered(order, at: now, on: db)
            }
        }
    }

    /// Staff close a collecting order now instead of at the end of its batching window.
    func sendNow(_ orderID: UUID, by actor: Identity) async throws -> OrderModel {
        let now = clock.now()
        return try await write { db in
            guard let order = try await OrderModel.find(orderID, on: db) else { throw OrderActionError.orderNotFound }
            guard order.status == OrderStatus.queued.rawValue else {
                throw OrderActionError(kind: .conflict, code: "not_collecting", id: "Perintah ini sudah tidak mengumpulkan butir.",
                                       en: "This order is no longer collecting items.")
            }
            try await OrderService.recordEvent(.orderSendNow, platform: order.platformID, order: order.id, actor: actor.actor,
                                               payload: ["order": order.number], at: now, on: db)
            order.batchClosesAt = now
            try await orders.close(order, at: now, on: db)
            return order
        }
    }

    /// The platform confirms it received the order (idempotent).
    func acknowledge(_ orderID: UUID, platform: String, actor: String) async throws -> OrderModel {
        try await deliveredByFetch([orderID], platform: platform, actor: actor)
        let now = clock.now()
        return try await write { db in
            guard let order = try await OrderModel.find(orderID, on: db), order.platformID == platform,
                  order.status != OrderStatus.queued.rawValue else { throw OrderActionError.orderNotFound }
            guard order.acknowledgedAt == nil else { return order }
            order.acknowledgedAt = now
            try await orders.refreshStatus(order, on: db)
            try await OrderService.recordEvent(.orderAcknowledged, platform: platform, order: order.id, actor: actor,
                                               payload: ["order": order.number], at: now, on: db)
            return order
        }
    }

    struct AnswerResult: Sendable {
        let item: OrderItemModel
        let order: OrderModel
        /// False when the same answer had been given before (a retry).
        let changed: Bool
    }

    /// The platform's answer to one item. `complied` needs the time of
    /// removal (not in the future); `rejected` and `objected` a reason. An
    /// objection reopens the case as an appeal for a different analyst.
    func answer(item itemID: UUID, of orderID: UUID, platform: String, answer: OrderItemAnswer, removedAt: Date?, reason: String?,
                actor: String) async throws -> AnswerResult {
        let now = clock.now()
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if answer.needsReason && reason.count < OrderRules.minimumReasonLength {
            throw OrderActionError(kind: .invalid, code: "reason_required",
                                   id: "Alasan minimal \(OrderRules.minimumReasonLength) karakter.",
                                   en: "A reason of at least \(OrderRules.minimumReasonLength) characters is required.", field: "reason")
        }
        if reason.count > OrderRules.maximumReasonLength {
            throw OrderActionError(kind: .invalid, code: "reason_too_long", id: "Alasan terlalu panjang.", en: "The reason is too long.", field: "reason")
        }
        if answer == .complied {
            guard let removedAt else {
                throw OrderActionError(kind: .invalid, code: "removed_at_required", id: "Isi waktu konten diturunkan.",
                                       en: "'removed_at' (when the content was taken down) is required.", field: "removed_at")
            }
            guard removedAt <= now.addingTimeInterval(60) else {
                throw OrderActionError(kind: .invalid, code: "removed_at_in_future", id: "Waktu penurunan tidak boleh di masa depan.",
                                       en: "'removed_at' must not be in the future.", field: "removed_at")
            }
        }
        return try await write { db in
            guard let order = try await OrderModel.find(orderID, on: db), order.platformID == platform,
                  order.status != OrderStatus.queued.rawValue else { throw OrderActionError.orderNotFound }
            guard let first = try await OrderItemModel.find(itemID, on: db), first.orderID == orderID else { throw OrderActionError.itemNotFound }
            let model = try await ledger.lock(first.caseID, on: db)
            // Read again under the case's lock: a concurrent answer may have won.
            let item = try await OrderItemModel.find(itemID, on: db)!
            switch OrderRules.apply(answer, to: item.itemStatus, dueAt: item.dueAt, answeredAt: removedAt ?? now) {
            case .unchanged:
                return AnswerResult(item: item, order: order, changed: false)
            case .refused(let id, let en):
                throw OrderActionError(kind: .conflict, code: "already_answered", id: id, en: en)
            case .applied(let late):
                item.status = answer.status.rawValue
                item.answeredAt = now
                item.answeredLate = late
                item.answeredBy = actor
                item.answerReason = reason.isEmpty ? nil : reason
                item.removedAt = answer == .complied ? removedAt.map { min($0, now) } : nil
                var payload = ["order": order.number, "item_id": UUIDText.lower(item.id!), "subject_key": item.subjectKey,
                               "answer": answer.rawValue, "late": String(late)]
                if !reason.isEmpty { payload["reason"] = reason }
                if let removed = item.removedAt { payload["removed_at"] = isoTimestamp(removed) }
                if answer == .objected, model.caseStatus == .decided || model.caseStatus == .closed {
                    let filed = try await appeals.file(source: .platformObjection, platform: Platform(rawValue: platform), reason: reason,
                                                       contact: nil, actor: actor, at: now, lockedCase: model, on: db)
                    item.appealReference = filed.reference
                    payload["appeal"] = filed.reference
                }
                try await item.save(on: db)
                try await OrderService.recordEvent(.itemAnswered(answer), platform: platform, order: order.id, item: item.id, actor: actor,
                                                   payload: payload, at: now, on: db)
                try await ledger.append(.orderItemAnswered(answer), to: model, actor: actor, payload: payload, at: now, on: db)
                try await model.save(on: db)
                try await orders.refreshStatus(order, on: db)
                return AnswerResult(item: item, order: order, changed: true)
            }
        }
    }

    // MARK: Manual delivery

    /// Staff sent an order waiting for a hand-sent e-mail (no webhook, no
    /// SMTP relay): the deadline starts now.
    func markSentManually(_ orderID: UUID, note: String, by actor: Identity) async throws -> OrderModel {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count >= 5, note.count <= 500 else {
            throw OrderActionError(kind: .invalid, code: "note_required", id: "Catat ke mana dan bagaimana surat dikirim (5–500 karakter).",
                                   en: "Note where and how the letter was sent (5–500 characters).", field: "note")
        }
        let now = clock.now()
        return try await write { db in
            guard let order = try await OrderModel.find(orderID, on: db) else { throw OrderActionError.orderNotFound }
            guard let message = try await OutboxModel.query(on: db).filter(\.$orderID == orderID)
                .filter(\.$status == OutboxStatus.manual.rawValue).first() else {
                throw OrderActionError(kind: .conflict, code: "not_awaiting_manual_send", id: "Perintah ini tidak menunggu pengiriman manual.",
                                       en: "This order is not waiting to be sent by hand.")
            }
            let attempt = DeliveryAttemptModel()
            attempt.id = OrderedID.make(at: now)
            attempt.outboxID = message.id!
            attempt.attempt = message.attempts + 1
            attempt.worker = actor.actor
            attempt.startedAt = now
            attempt.durationMillis = 0
            attempt.channel = "manual"
            try await attempt.create(on: db)
            message.attempts += 1
            message.status = OutboxStatus.delivered.rawValue
            message.deliveredAt = now
            message.lastError = nil
            try await message.save(on: db)
            try await OrderService.recordEvent(.orderSentManually, platform: order.platformID, order: order.id, actor: actor.actor,
                                               payload: ["order": order.number, "note": note], at: now, on: db)
            if order.sentAt == nil { try await orders.markDelivered(order, at: now, on: db) }
            return order
        }
    }

    // MARK: Re-check

    /// Staff found a complied item still online: it opens again with a fresh
    /// deadline and counts against the platform.
    func recheckStillOnline(item itemID: UUID, evidence: String, evidenceHash: String?, by actor: Identity) async throws -> OrderItemModel {
        let note = evidence.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count >= 10, note.count <= OrderRules.maximumReasonLength else {
            throw OrderActionError(kind: .invalid, code: "evidence_required",
                                   id: "Jelaskan buktinya (minimal 10 karakter): di mana dan kapan konten masih terlihat.",
                                   en: "Describe the evidence (at least 10 characters): where and when the content is still visible.", field: "evidence")
        }
        if let evidenceHash, !(evidenceHash.count == 64 && evidenceHash.allSatisfy { $0.isHexDigit && !$0.isUppercase }) {
            throw OrderActionError(kind: .invalid, code: "invalid_evidence_hash", id: "Sidik bukti harus SHA-256 (64 heksadesimal).",
                                   en: "The evidence hash must be a SHA-256 (64 lower-case hex digits).", field: "evidence_sha256")
        }
        let now = clock.now()
        return try await write { db in
            guard let first = try await OrderItemModel.find(itemID, on: db) else { throw OrderActionError.itemNotFound }
            let model = try await ledger.lock(first.caseID, on: db)
            let item = try await OrderItemModel.find(itemID, on: db)!
            guard OrderRules.mayRecheck(item.itemStatus) else {
                throw OrderActionError(kind: .conflict, code: "not_complied",
                                       id: "Hanya butir yang dinyatakan sudah diturunkan yang dapat dicek ulang.",
                                       en: "Only items the platform reported as taken down can be re-checked.")
            }
            guard let order = try await OrderModel.find(item.orderID, on: db) else { throw OrderActionError.orderNotFound }
            let overrides = try await orders.deadlineOverrides(platform: order.platformID, on: db)
            let hours = OrderRules.deadlineHours(urgent: order.urgent, category: item.categoryID, overrides: overrides, defaults: orders.deadlines)
            let due = now.addingTimeInterval(Double(hours) * 3600)
            item.status = OrderItemStatus.pending.rawValue
            item.stillOnlineCount = (item.stillOnlineCount ?? 0) + 1
            item.recheckedAt = now
            item.dueAt = due
            try await item.save(on: db)
            if (order.deadlineAt ?? .distantPast) < due { order.deadlineAt = due }
            try await orders.refreshStatus(order, on: db)
            var payload = ["order": order.number, "item_id": UUIDText.lower(item.id!), "subject_key": item.subjectKey,
                           "evidence": note, "due_at": isoTimestamp(due), "times_found_online": String(item.stillOnlineCount ?? 1)]
            if let evidenceHash { payload["evidence_sha256"] = evidenceHash }
            try await OrderService.recordEvent(.itemStillOnline, platform: order.platformID, order: order.id, item: item.id,
                                               actor: actor.actor, payload: payload, at: now, on: db)
            try await ledger.append(.orderItemStillOnline, to: model, actor: actor.actor, payload: payload, at: now, on: db)
            try await model.save(on: db)
            return item
        }
    }

    // MARK: Compliance

    struct Compliance: Sendable {
        let platform: String
        let figures: ComplianceFigures
        let weekly: [(weekStart: Date, figures: ComplianceFigures)]
        let orders: [OrderStatus: Int]
    }

    /// A platform's figures over the orders sent in [from, to).
    func compliance(platform: String, from: Date, to: Date) async throws -> Compliance {
        let now = clock.now()
        let sent = try await OrderModel.query(on: database.db).filter(\.$platformID == platform)
            .filter(\.$sentAt >= from).filter(\.$sentAt < to).all()
        var byStatus: [OrderStatus: Int] = [:]
        for order in sent { byStatus[OrderStatus(rawValue: order.status) ?? .sent, default: 0] += 1 }
        let sentAt = Dictionary(sent.map { ($0.id!, $0.sentAt!) }, uniquingKeysWith: { a, _ in a })
        var facts: [ComplianceItem] = []
        for chunk in Array(sentAt.keys).chunked(500).map(Array.init) {
            let items = try await OrderItemModel.query(on: database.db).filter(\.$orderID ~~ chunk).all()
            let reappeared = try await Self.reappearances(of: items.compactMap(\.id), on: database.sql)
            for item in items {
                guard let sent = sentAt[item.orderID], let due = item.dueAt else { continue }
                facts.append(ComplianceItem(status: item.itemStatus, sentAt: sent, dueAt: due,
                                            answeredAt: item.removedAt ?? item.answeredAt, stillOnlineCount: item.stillOnlineCount ?? 0,
                                            everObjected: item.appealReference != nil, reappearedCount: reappeared[item.id!] ?? 0))
            }
        }
        return Compliance(platform: platform, figures: .of(facts, now: now), weekly: ComplianceFigures.weekly(facts, now: now), orders: byStatus)
    }

    /// How often monitoring's re-checks saw each of these items back online.
    static func reappearances(of items: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for chunk in items.chunked(500) where !chunk.isEmpty {
            for row in try await sql.raw("""
                SELECT order_item_id, reappearances FROM rechecks WHERE order_item_id IN (\(binds: Array(chunk))) AND reappearances > 0
                """).all() {
                counts[try row.decode(column: "order_item_id", as: UUID.self)] = try row.decode(column: "reappearances", as: Int.self)
            }
        }
        return counts
    }

    // MARK: Sanctions

    /// The platform's highest issued sanction.
    func currentLevel(platform: String, on db: any Database) async throws -> SanctionLevel? {
        try await SanctionModel.query(on: db).filter(\.$platformID == platform).filter(\.$state == SanctionState.issued.rawValue).all()
            .map(\.sanctionLevel).max()
    }

    /// Proposes the platform's next sanction, citing overdue or refused
    /// items; a supervisor other than the proposer must approve it.
    func proposeSanction(platform: String, items itemIDs: [UUID], reason: String, by actor: Identity) async throws -> SanctionModel {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count >= SanctionRules.minimumReasonLength, reason.count <= OrderRules.maximumReasonLength else {
            throw OrderActionError(kind: .invalid, code: "reason_required",
                                   id: "Alasan minimal \(SanctionRules.minimumReasonLength) karakter.",
                                   en: "A reason of at least \(SanctionRules.minimumReasonLength) characters is required.", field: "reason")
        }
        guard !itemIDs.isEmpty, itemIDs.count <= 1000 else {
            throw OrderActionError(kind: .invalid, code: "items_required", id: "Pilih butir yang lewat tenggat atau ditolak.",
                                   en: "Select the overdue or refused items the sanction cites (1 to 1,000).", field: "items")
        }
        let now = clock.now()
        let fine = fine
        return try await write { db in
            if try await SanctionModel.query(on: db).filter(\.$platformID == platform).filter(\.$state == SanctionState.proposed.rawValue).first() != nil {
                throw OrderActionError(kind: .conflict, code: "sanction_pending",
                                       id: "Sudah ada usulan sanksi untuk platform ini yang menunggu persetujuan.",
                                       en: "A sanction for this platform already awaits approval.")
            }
            guard let level = SanctionLevel.next(after: try await currentLevel(platform: platform, on: db)) else {
                throw OrderActionError(kind: .conflict, code: "ladder_complete",
                                       id: "Tahapan sanksi sudah sampai rekomendasi pemutusan akses.",
                                       en: "The ladder is complete: a network block has been recommended already.")
            }
            let items = try await OrderItemModel.query(on: db).filter(\.$id ~~ itemIDs).all()
            let orderIDs = Set(items.map(\.orderID))
            let ordersByID = Dictionary(try await OrderModel.query(on: db).filter(\.$id ~~ Array(orderIDs)).all().map { ($0.id!, $0) },
                                        uniquingKeysWith: { a, _ in a })
            guard items.count == Set(itemIDs).count,
                  items.allSatisfy({ SanctionRules.mayCite($0.itemStatus) && ordersByID[$0.orderID]?.platformID == platform })
            else {
                throw OrderActionError(kind: .invalid, code: "items_not_citable",
                                       id: "Sanksi hanya dapat mengutip butir platform ini yang lewat tenggat atau ditolak.",
                                       en: "A sanction can cite only this platform's overdue or refused items.", field: "items")
            }
            let urgent = items.filter { ordersByID[$0.orderID]?.urgent == true }.count
            let sanction = SanctionModel()
            sanction.id = OrderedID.make(at: now)
            sanction.number = level.rawValue.uppercased().replacingOccurrences(of: "BLOCK_RECOMMENDED", with: "RPA") + "-"
                + TicketNumber.dayStamp(now) + "-" + String(UUIDText.lower(sanction.id!).suffix(6)).uppercased()
            sanction.platformID = platform
            sanction.level = level.rawValue
            sanction.state = SanctionState.proposed.rawValue
            sanction.reason = reason
            sanction.itemIDs = items.map { UUIDText.lower($0.id!) }.sorted().joined(separator: ",")
            sanction.fineAmount = level.carriesFine ? fine.amount(items: items.count, urgentItems: urgent) : nil
            sanction.proposedBy = actor.userID
            sanction.proposedByEmail = actor.email
            sanction.proposedAt = now
            try await sanction.create(on: db)
            var payload = ["sanction": sanction.number, "level": level.rawValue, "items": String(items.count), "reason": reason]
            if let amount = sanction.fineAmount { payload["fine_amount"] = String(amount) }
            try await OrderService.recordEvent(.sanctionProposed, platform: platform, sanction: sanction.id, actor: actor.actor,
                                               payload: payload, at: now, on: db)
            return sanction
        }
    }

    /// A supervisor other than the proposer issues or rejects a proposed sanction.
    func reviewSanction(_ id: UUID, approve: Bool, reason: String, by actor: Identity) async throws -> SanctionModel {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if let refusal = FourEyes.checkReason(.sanction, approve: approve, reason: reason) { throw OrderActionError.review(refusal) }
        let now = clock.now()
        return try await write { db in
            guard let sanction = try await SanctionModel.find(id, on: db) else {
                throw OrderActionError(kind: .notFound, code: "sanction_not_found", id: "Sanksi tidak ditemukan.", en: "Sanction not found.")
            }
            if let refusal = FourEyes.check(.sanction, approve: approve, reason: reason, awaitingReview: sanction.sanctionState.isAwaitingReview,
                                            proposedBy: sanction.proposedBy, reviewer: actor.userID) {
                throw OrderActionError.review(refusal)
            }
            sanction.state = SanctionState.afterReview(approve: approve).rawValue
            sanction.reviewedByEmail = actor.email
            sanction.reviewedAt = now
            sanction.reviewReason = reason.isEmpty ? nil : reason
            try await sanction.save(on: db)
            try await OrderService.recordEvent(.sanctionReviewed(approve: approve), platform: sanction.platformID,
                                               sanction: sanction.id, actor: actor.actor,
                                               payload: ["sanction": sanction.number, "level": sanction.level, "proposed_by": sanction.proposedByEmail,
                                                         "reason": reason], at: now, on: db)
            return sanction
        }
    }
}
