import FluentKit
import Foundation
import Hummingbird
import HTTPTypes
import PantauCore

/// Takedown orders as JSON: the platform's own API (`/api/v1/platform/…`,
/// tokens of role `platform`, scoped to their platform) and the staff's
/// (orders, re-checks, compliance, sanctions).
struct OrderAPIController: Sendable {
    let tracking: OrderTrackingService

    func register(on routes: Routes) {
        routes.get(SitePath.API.platformOrders, .staff(.answerOrders)) { request, context in
            let platform = try ownPlatform(context)
            let status = try request.uri.queryParameters.get("status").map { text -> OrderStatus in
                guard let status = OrderStatus(rawValue: String(text)) else {
                    throw APIError(.badRequest, code: "invalid_status",
                                   message: "'status' must be one of: " + OrderStatus.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "status")
                }
                return status
            }
            let since = try request.uri.queryParameters.get("since").map { text -> Date in
                guard let date = parseTimestamp(String(text)) else {
                    throw APIError(.badRequest, code: "invalid_since", message: "'since' must be an RFC 3339 time.", field: "since")
                }
                return date
            }
            var orders = try await tracking.platformOrders(platform, status: status, since: since)
            // Orders read here for the first time are delivered by this read.
            if orders.contains(where: { $0.sentAt == nil }) {
                try await tracking.deliveredByFetch(orders.filter { $0.sentAt == nil }.map { $0.id! }, platform: platform, actor: context.identity!.actor)
                orders = try await tracking.platformOrders(platform, status: status, since: since)
            }
            var list: [OrderDTO] = []
            for order in orders { list.append(OrderDTO(order: order, items: try await tracking.items(of: order.id!))) }
            return try jsonResponse(OrderListDTO(orders: list), status: .ok)
        }
        routes.get(SitePath.API.platformOrder, .staff(.answerOrders)) { _, context in
            let platform = try ownPlatform(context)
            var order = try await mapErrors { try await tracking.order(try pathID(context), platform: platform) }
            if order.sentAt == nil {
                try await tracking.deliveredByFetch([order.id!], platform: platform, actor: context.identity!.actor)
                order = try await tracking.order(order.id!, platform: platform)
            }
            return try jsonResponse(OrderDTO(order: order, items: try await tracking.items(of: order.id!)), status: .ok)
        }
        routes.post(SitePath.API.platformOrderAcknowledge, .staff(.answerOrders)) { _, context in
            let order = try await mapErrors {
                try await tracking.acknowledge(try pathID(context), platform: try ownPlatform(context), actor: context.identity!.actor)
            }
            return try jsonResponse(OrderDTO(order: order, items: try await tracking.items(of: order.id!)), status: .ok)
        }
        routes.post(SitePath.API.platformOrderItem, .staff(.answerOrders)) { request, context in
            let body = try await decode(AnswerBody.self, request)
            guard let answer = OrderItemAnswer(rawValue: body.answer) else {
                throw APIError(.unprocessableContent, code: "invalid_answer",
                               message: "'answer' must be one of: " + OrderItemAnswer.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "answer")
            }
            var removedAt: Date?
            if let text = body.removedAt {
                guard let date = parseTimestamp(text) else {
                    throw APIError(.unprocessableContent, code: "invalid_removed_at", message: "'removed_at' must be an RFC 3339 time.", field: "removed_at")
                }
                removedAt = date
            }
            guard let itemText = context.parameters.get("item"), let itemID = UUIDText.parse(itemText) else {
                throw APIError(.notFound, code: "item_not_found", message: "Order item not found.")
            }
            let result = try await mapErrors {
                try await tracking.answer(item: itemID, of: try pathID(context), platform: try ownPlatform(context), answer: answer,
                                          removedAt: removedAt, reason: body.reason, actor: context.identity!.actor)
            }
            let dto = OrderDTO(order: result.order, items: try await tracking.items(of: result.order.id!))
            return try jsonResponse(dto, status: .ok, headers: result.changed ? [:] : [HTTPField.Name("Idempotent-Replayed")!: "true"])
        }

        // Staff side.
        routes.get(SitePath.API.orders, .staff(.viewOrders)) { request, context in
            let platform = request.uri.queryParameters.get("platform").map { String($0) }
            let status = try request.uri.queryParameters.get("status").flatMap { $0.isEmpty ? nil : $0 }.map { text -> OrderStatus in
                guard let status = OrderStatus(rawValue: String(text)) else {
                    throw APIError(.badRequest, code: "invalid_status",
                                   message: "'status' must be one of: " + OrderStatus.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "status")
                }
                return status
            }
            var query = OrderModel.query(on: tracking.database.db)
            if let platform { query = query.filter(\.$platformID == platform) }
            if let status { query = query.filter(\.$status == status.rawValue) }
            var list: [OrderDTO] = []
            for order in try await query.sort(\.$createdAt, .descending).limit(200).all() {
                list.append(OrderDTO(order: order, items: try await tracking.items(of: order.id!)))
            }
            return try jsonResponse(OrderListDTO(orders: list), status: .ok)
        }
        routes.get(SitePath.API.order, .staff(.viewOrders)) { _, context in
            let order = try await mapErrors { try await tracking.order(try pathID(context), platform: nil) }
            return try jsonResponse(OrderDTO(order: order, items: try await tracking.items(of: order.id!)), status: .ok)
        }
        routes.post(SitePath.API.orderSentManually, .staff(.sendOrdersManually)) { request, context in
            let body = try await decode(ManualSendBody.self, request)
            let order = try await mapErrors { try await tracking.markSentManually(try pathID(context), note: body.note, by: context.identity!) }
            let fresh = try await tracking.order(order.id!, platform: nil)
            return try jsonResponse(OrderDTO(order: fresh, items: try await tracking.items(of: fresh.id!)), status: .ok)
        }
        routes.post(SitePath.API.orderItemRecheck, .staff(.recheckOrderItems)) { request, context in
            let body = try await decode(RecheckBody.self, request)
            let item = try await mapErrors {
                try await tracking.recheckStillOnline(item: try pathID(context), evidence: body.evidence, evidenceHash: body.evidenceSHA256,
                                                      by: context.identity!)
            }
            let order = try await tracking.order(item.orderID, platform: nil)
            return try jsonResponse(OrderDTO(order: order, items: try await tracking.items(of: order.id!)), status: .ok)
        }
        routes.get(SitePath.API.compliance, .staff(.viewOrders)) { request, _ in
            let period = try CompliancePeriod.parse(request.uri.queryParameters.get("period").map { String($0) },
                                                    from: request.uri.queryParameters.get("from").map { String($0) },
                                                    to: request.uri.queryParameters.get("to").map { String($0) }, now: tracking.clock.now())
                .get(orThrow: { problem -> any Error in APIError(.badRequest, code: "invalid_period", message: problem.en, field: "period") })
            var rows: [ComplianceDTO] = []
            for platform in Platform.allCases where platform != .web {
                rows.append(ComplianceDTO(try await tracking.compliance(platform: platform.rawValue, from: period.from, to: period.to)))
            }
            return try jsonResponse(ComplianceListDTO(from: period.from, to: period.to, platforms: rows), status: .ok)
        }
        routes.post(SitePath.API.sanctions, .staff(.proposeSanctions)) { request, context in
            let body = try await decode(SanctionBody.self, request)
            let ids = body.items.compactMap(UUIDText.parse)
            guard ids.count == body.items.count else {
                throw APIError(.unprocessableContent, code: "invalid_items", message: "'items' must be order item ids.", field: "items")
            }
            let sanction = try await mapErrors {
                try await tracking.proposeSanction(platform: body.platform, items: ids, reason: body.reason, by: context.identity!)
            }
            return try jsonResponse(SanctionDTO(sanction), status: .created)
        }
        routes.post(SitePath.API.sanctionReview, .staff(.approveSanctions)) { request, context in
            let body = try await decode(CaseAPIController.ReviewBody.self, request)
            let sanction = try await mapErrors {
                try await tracking.reviewSanction(try pathID(context), approve: body.approve, reason: body.reason ?? "", by: context.identity!)
            }
            return try jsonResponse(SanctionDTO(sanction), status: .ok)
        }
    }

    struct AnswerBody: Decodable {
        let answer: String
        let removedAt: String?
        let reason: String?
        enum CodingKeys: String, CodingKey { case answer, removedAt = "removed_at", reason }
    }
    struct ManualSendBody: Decodable { let note: String }
    struct RecheckBody: Decodable {
        let evidence: String
        let evidenceSHA256: String?
        enum CodingKeys: String, CodingKey { case evidence, evidenceSHA256 = "evidence_sha256" }
    }
    struct SanctionBody: Decodable {
        let platform: String
        let items: [String]
        let reason: String
    }

    private func ownPlatform(_ context: AppRequestContext) throws -> String {
        guard let platform = context.identity?.platform else {
            throw APIError(.forbidden, code: "access_denied", message: "This account is not bound to a platform.")
        }
        return platform.rawValue
    }

    private func pathID(_ context: AppRequestContext) throws -> UUID { try apiPathID(context) }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await decodeJSONBody(type, request, limit: 64 * 1024)
    }

    private func mapErrors<T>(_ body: () async throws -> T) async throws -> T { try await answeringRefusals(body) }
}

extension Result {
    func get(orThrow makeError: (Failure) -> any Error) throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let failure): throw makeError(failure)
        }
    }
}

/// An RFC 3339 time, as the API description's `date-time` means it.
func parseTimestamp(_ text: String) -> Date? {
    RFC3339.parse(text)
}

// MARK: JSON shapes

struct OrderItemDTO: Encodable {
    let id: String
    let caseID: String
    let subjectKey: String
    let url: String
    let category: String
    let legalBases: [String]
    let publicReason: String
    let status: String
    let dueAt: Date?
    let answeredAt: Date?
    let removedAt: Date?
    let answeredLate: Bool?
    let reason: String?
    let appeal: String?
    let timesFoundOnline: Int
    enum CodingKeys: String, CodingKey {
        case id, caseID = "case_id", subjectKey = "subject_key", url, category, legalBases = "legal_bases", publicReason = "public_reason",
             status, dueAt = "due_at", answeredAt = "answered_at", removedAt = "removed_at", answeredLate = "answered_late", reason, appeal,
             timesFoundOnline = "times_found_online"
    }

    init(_ item: OrderItemModel) {
        id = UUIDText.lower(item.id!)
        caseID = UUIDText.lower(item.caseID)
        subjectKey = item.subjectKey
        url = item.subjectURL
        category = item.categoryID
        legalBases = item.legalBases.split(separator: ",").map { String($0) }
        publicReason = item.publicReason
        status = item.status
        dueAt = item.dueAt
        answeredAt = item.answeredAt
        removedAt = item.removedAt
        answeredLate = item.answeredLate
        reason = item.answerReason
        appeal = item.appealReference
        timesFoundOnline = item.stillOnlineCount ?? 0
    }
}

struct OrderDTO: Encodable {
    let id: String
    let number: String
    let platform: String
    let urgent: Bool
    let status: String
    let createdAt: Date
    let sentAt: Date?
    let deadlineAt: Date?
    let acknowledgedAt: Date?
    let items: [OrderItemDTO]
    enum CodingKeys: String, CodingKey {
        case id, number, platform, urgent, status, createdAt = "created_at", sentAt = "sent_at", deadlineAt = "deadline_at",
             acknowledgedAt = "acknowledged_at", items
    }

    init(order: OrderModel, items: [OrderItemModel]) {
        id = UUIDText.lower(order.id!)
        number = order.number
        platform = order.platformID
        urgent = order.urgent
        status = order.status
        createdAt = order.createdAt
        sentAt = order.sentAt
        deadlineAt = order.deadlineAt
        acknowledgedAt = order.acknowledgedAt
        self.items = items.map(OrderItemDTO.init)
    }
}

struct OrderListDTO: Encodable { let orders: [OrderDTO] }

struct ComplianceDTO: Encodable {
    let platform: String
    let items: Int
    let itemsByStatus: [String: Int]
    let ordersByStatus: [String: Int]
    let onTimeRate: Double?
    let medianHoursToComply: Double?
    let rejectedShare: Double?
    let objectedShare: Double?
    let overdueNow: Int
    let foundOnlineAgain: Int
    let reappearedOnRecheck: Int
    enum CodingKeys: String, CodingKey {
        case platform, items, itemsByStatus = "items_by_status", ordersByStatus = "orders_by_status", onTimeRate = "on_time_rate",
             medianHoursToComply = "median_hours_to_comply", rejectedShare = "rejected_share", objectedShare = "objected_share",
             overdueNow = "overdue_now", foundOnlineAgain = "found_online_again",
             reappearedOnRecheck = "reappeared_on_recheck"
    }

    init(_ c: OrderTrackingService.Compliance) {
        platform = c.platform
        items = c.figures.items
        itemsByStatus = Dictionary(c.figures.byStatus.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
        ordersByStatus = Dictionary(c.orders.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
        onTimeRate = c.figures.onTimeRate
        medianHoursToComply = c.figures.medianSecondsToComply.map { ($0 / 36).rounded() / 100 }
        rejectedShare = c.figures.rejectedShare
        objectedShare = c.figures.objectedShare
        overdueNow = c.figures.overdueNow
        foundOnlineAgain = c.figures.stillOnline
        reappearedOnRecheck = c.figures.reappeared
    }
}

struct ComplianceListDTO: Encodable { let from: Date; let to: Date; let platforms: [ComplianceDTO] }

struct SanctionDTO: Encodable {
    let id: String
    let number: String
    let platform: String
    let level: String
    let state: String
    let reason: String
    let items: [String]
    let fineAmount: Int64?
    let proposedBy: String
    let proposedAt: Date
    let reviewedBy: String?
    let reviewedAt: Date?
    enum CodingKeys: String, CodingKey {
        case id, number, platform, level, state, reason, items, fineAmount = "fine_amount", proposedBy = "proposed_by",
             proposedAt = "proposed_at", reviewedBy = "reviewed_by", reviewedAt = "reviewed_at"
    }

    init(_ s: SanctionModel) {
        id = UUIDText.lower(s.id!)
        number = s.number
        platform = s.platformID
        level = s.level
        state = s.state
        reason = s.reason
        items = s.items.map(UUIDText.lower)
        fineAmount = s.fineAmount
        proposedBy = s.proposedByEmail
        proposedAt = s.proposedAt
        reviewedBy = s.reviewedByEmail
        reviewedAt = s.reviewedAt
    }
}
