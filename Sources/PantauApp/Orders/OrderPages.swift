import FluentKit
import Foundation
import PantauCore

/// What the order, compliance, sanction and platform pages show, read from
/// the database in one place (the controllers only render it).
struct OrderPages: Sendable {
    let tracking: OrderTrackingService
    var database: PantauDatabase { tracking.database }

    struct OrderList: Sendable {
        let orders: [(order: OrderRow, items: Int)]
        let overdueItems: Int
    }

    /// The latest orders (of a platform, in a status), each with its number of items.
    func orderList(platform: String?, status: OrderStatus?) async throws -> OrderList {
        var query = OrderModel.query(on: database.db)
        if let platform { query = query.filter(\.$platformID == platform) }
        if let status { query = query.filter(\.$status == status.rawValue) }
        let orders = try await query.sort(\.$createdAt, .descending).limit(300).all()
        var counts: [UUID: Int] = [:]
        for chunk in orders.compactMap(\.id).chunked(500).map(Array.init) {
            for item in try await OrderItemModel.query(on: database.db).filter(\.$orderID ~~ chunk).all() { counts[item.orderID, default: 0] += 1 }
        }
        let overdue = try await OrderItemModel.query(on: database.db).filter(\.$status == OrderItemStatus.overdue.rawValue).count()
        return OrderList(orders: orders.map { (OrderRow($0), counts[$0.id!] ?? 0) }, overdueItems: overdue)
    }

    struct OrderDetail: Sendable {
        let order: OrderRow
        let items: [OrderItemRow]
        let attempts: [DeliveryAttemptRow]
        let events: [PlatformEventRow]
        /// The liaison's address when the order waits to be sent by hand.
        let awaitingManualSend: String?
        /// What monitoring's re-checks last saw of each item, for those re-checked.
        var rechecks: [UUID: RecheckStatus] = [:]
    }

    func order(_ id: UUID) async throws -> OrderDetail? {
        guard let order = try? await tracking.order(id, platform: nil) else { return nil }
        let outbox = try await OutboxModel.query(on: database.db).filter(\.$orderID == id).all()
        let attempts = outbox.isEmpty ? [] : try await DeliveryAttemptModel.query(on: database.db).filter(\.$outboxID ~~ outbox.compactMap(\.id))
            .sort(\.$startedAt).all()
        let events = try await PlatformEventModel.query(on: database.db).filter(\.$orderID == id).sort(\.$occurredAt).sort(\.$id).limit(500).all()
        var manual: String?
        if outbox.contains(where: { $0.status == OutboxStatus.manual.rawValue }) {
            manual = try await PlatformDeliveryModel.find(order.platformID, on: database.db)?.liaisonEmail ?? "—"
        }
        let items = try await tracking.items(of: id).map(OrderItemRow.init)
        return OrderDetail(order: OrderRow(order), items: items, attempts: attempts.map(DeliveryAttemptRow.init),
                           events: events.map(PlatformEventRow.init), awaitingManualSend: manual,
                           rechecks: try await RecheckStatus.ofItems(items.map(\.id), on: database.sql))
    }

    struct Letter: Sendable {
        let order: OrderRow
        let items: [OrderItemRow]
        let bases: [String: LegalBasisRow]
        let platformName: String
    }

    func letter(_ id: UUID) async throws -> Letter? {
        guard let order = try? await tracking.order(id, platform: nil) else { return nil }
        let bases = Dictionary(try await LegalBasisModel.query(on: database.db).all().map { ($0.id!, LegalBasisRow($0)) }, uniquingKeysWith: { a, _ in a })
        let platformName = try await PlatformModel.find(order.platformID, on: database.db)?.name ?? StaffUI.platformName(order.platformID)
        return Letter(order: OrderRow(order), items: try await tracking.items(of: id).map(OrderItemRow.init), bases: bases, platformName: platformName)
    }

    /// The order of an item (a re-check goes back to its order's page).
    func orderID(ofItem id: UUID) async throws -> UUID? {
        try await OrderItemModel.find(id, on: database.db)?.orderID
    }

    struct PlatformCompliance: Sendable {
        let compliance: OrderTrackingService.Compliance
        /// Items a sanction may cite (`SanctionRules.citable`), oldest deadline first.
        let citable: [CitedItem]
        let sanctions: [SanctionRow]
        let nextLevel: SanctionLevel?
        let events: [PlatformEventRow]
    }

    func platformCompliance(_ platform: Platform, period: CompliancePeriod) async throws -> PlatformCompliance {
        let compliance = try await tracking.compliance(platform: platform.rawValue, from: period.from, to: period.to)
        let orders = try await OrderModel.query(on: database.db).filter(\.$platformID == platform.rawValue)
            .filter(\.$status ~~ [OrderStatus.overdue, .answered, .sent, .acknowledged].map(\.rawValue)).sort(\.$createdAt, .descending).limit(500).all()
        let byID = Dictionary(orders.map { ($0.id!, OrderRow($0)) }, uniquingKeysWith: { a, _ in a })
        var citable: [CitedItem] = []
        for chunk in Array(byID.keys).chunked(500).map(Array.init) {
            for item in try await OrderItemModel.query(on: database.db).filter(\.$orderID ~~ chunk)
                .filter(\.$status ~~ SanctionRules.citable.map(\.rawValue)).all() {
                citable.append(CitedItem(item: OrderItemRow(item), order: byID[item.orderID]!))
            }
        }
        citable.sort { ($0.item.dueAt ?? .distantPast) < ($1.item.dueAt ?? .distantPast) }
        let sanctions = try await SanctionModel.query(on: database.db).filter(\.$platformID == platform.rawValue).sort(\.$proposedAt, .descending).all()
        let issued = sanctions.filter { $0.sanctionState == .issued }.map(\.sanctionLevel).max()
        let events = try await PlatformEventModel.query(on: database.db).filter(\.$platformID == platform.rawValue)
            .sort(\.$occurredAt, .descending).sort(\.$id, .descending).limit(100).all()
        return PlatformCompliance(compliance: compliance, citable: Array(citable.prefix(500)), sanctions: sanctions.map(SanctionRow.init),
                                  nextLevel: SanctionLevel.next(after: issued), events: events.map(PlatformEventRow.init))
    }

    /// Every platform's delivery channel, liaison, deadline overrides and
    /// place on the sanctions ladder.
    func platforms() async throws -> [PlatformsView.Row] {
        let delivery = try await PlatformDeliveryModel.query(on: database.db).sort(\.$id).all().filter { $0.id != Platform.web.rawValue }
        let overrides = try await PlatformDeadlineModel.query(on: database.db).sort(\.$id).all()
        let issued = try await SanctionModel.query(on: database.db).filter(\.$state == SanctionState.issued.rawValue).all()
        let liaisons = try await UserModel.query(on: database.db).filter(\.$role == Role.platform.rawValue).filter(\.$disabled == false).all()
        return delivery.map { p in
            PlatformsView.Row(id: p.id ?? "", webhook: p.webhookURL, signed: p.webhookSecret != nil, liaisonName: p.liaisonName, liaisonEmail: p.liaisonEmail,
                              overrides: overrides.filter { $0.platformID == p.id }.map { ($0.categoryID, $0.hours) },
                              level: issued.filter { $0.platformID == p.id }.map(\.sanctionLevel).max(),
                              accounts: liaisons.filter { $0.platformID == p.id }.count)
        }
    }

    func sanctions() async throws -> [SanctionRow] {
        try await SanctionModel.query(on: database.db).sort(\.$proposedAt, .descending).limit(500).all().map(SanctionRow.init)
    }

    struct Sanction: Sendable {
        let sanction: SanctionRow
        let items: [CitedItem]
    }

    /// A sanction with the items it cites and their orders.
    func sanction(_ id: UUID) async throws -> Sanction? {
        guard let sanction = try await SanctionModel.find(id, on: database.db) else { return nil }
        let items = try await OrderItemModel.query(on: database.db).filter(\.$id ~~ sanction.items).all()
        let orders = Dictionary(try await OrderModel.query(on: database.db).filter(\.$id ~~ Array(Set(items.map(\.orderID)))).all().map { ($0.id!, OrderRow($0)) },
                                uniquingKeysWith: { a, _ in a })
        return Sanction(sanction: SanctionRow(sanction), items: items.compactMap { item in orders[item.orderID].map { CitedItem(item: OrderItemRow(item), order: $0) } })
    }

    /// A platform's open orders with their items (soonest deadline first) and its latest orders.
    func portal(platform: String, actor: String) async throws -> (open: [(order: OrderRow, items: [OrderItemRow])], recent: [OrderRow]) {
        let unsent = try await tracking.platformOrders(platform, status: .dispatching, since: nil, limit: 300).filter { $0.sentAt == nil }
        // The liaison sees the orders here: that is their delivery.
        if !unsent.isEmpty { try await tracking.deliveredByFetch(unsent.map { $0.id! }, platform: platform, actor: actor) }
        let orders = try await tracking.platformOrders(platform, status: nil, since: nil, limit: 300).map(OrderRow.init)
        var open: [(order: OrderRow, items: [OrderItemRow])] = []
        for order in orders where order.status.isOpen || order.status == .dispatching {
            open.append((order, try await tracking.items(of: order.id).map(OrderItemRow.init)))
        }
        open.sort { ($0.order.deadlineAt ?? .distantFuture) < ($1.order.deadlineAt ?? .distantFuture) }
        return (open, Array(orders.prefix(50)))
    }

    /// One order of a platform's, for its portal page.
    func portalOrder(_ id: UUID, platform: String, actor: String) async throws -> (order: OrderRow, items: [OrderItemRow])? {
        guard var order = try? await tracking.order(id, platform: platform) else { return nil }
        if order.sentAt == nil {
            try await tracking.deliveredByFetch([id], platform: platform, actor: actor)
            order = try await tracking.order(id, platform: platform)
        }
        return (OrderRow(order), try await tracking.items(of: id).map(OrderItemRow.init))
    }
}
