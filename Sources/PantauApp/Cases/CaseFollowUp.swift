import FluentKit
import Foundation
import PantauCore

/// What a case set in motion: its takedown order items and the block
/// proposals that act for it, with their entries. The case page, the case
/// API and the reporter's ticket read it.
struct CaseFollowUp: Sendable {
    struct OrderItem: Sendable {
        let orderID: UUID
        let orderNumber: String
        let itemID: UUID
        let status: OrderItemStatus
        let dueAt: Date?
    }

    struct BlockProposal: Sendable {
        let id: UUID
        let number: String
        let kind: BlockProposalKind
        let state: BlockProposalState
        let entries: [BlockEntry]
    }

    struct BlockEntry: Sendable {
        let id: UUID
        let name: String
        let kind: BlockEntryKind
        let state: BlockEntryState

        var writtenName: String { kind.written(name) }
    }

    let orderItems: [OrderItem]
    let blocks: [BlockProposal]
    /// How far a network block of the case's subject has got: from the
    /// newest entry of each name a block decision asks for, whoever proposed
    /// or imported it (nil when the subject names nothing to block).
    let blockProgress: NetworkBlockProgress?

    static func load(caseID: UUID, subject: Subject?, normalizer: BlockNameNormalizer, on db: any Database) async throws -> CaseFollowUp {
        let items = try await OrderItemModel.query(on: db).filter(\.$caseID == caseID).sort(\.$id).all()
        let orders = Dictionary(try await OrderModel.query(on: db).filter(\.$id ~~ Set(items.map(\.orderID))).all().map { ($0.id!, $0) },
                                uniquingKeysWith: { a, _ in a })
        let links = try await BlockProposalCaseModel.query(on: db).filter(\.$caseID == caseID).all()
        var blocks: [BlockProposal] = []
        if !links.isEmpty {
            let proposalIDs = links.map(\.proposalID)
            let entries = Dictionary(grouping: try await BlockEntryModel.query(on: db).filter(\.$proposalID ~~ proposalIDs).sort(\.$sortKey).all(),
                                     by: { $0.proposalID! })
            blocks = try await BlockProposalModel.query(on: db).filter(\.$id ~~ proposalIDs).sort(\.$proposedAt).all().map {
                BlockProposal(id: $0.id!, number: $0.number, kind: $0.proposalKind, state: $0.proposalState,
                              entries: (entries[$0.id!] ?? []).map { BlockEntry(id: $0.id!, name: $0.name, kind: $0.entryKind, state: $0.entryState) })
            }
        }
        let progress = try await blockProgress(of: subject, normalizer: normalizer, on: db)
        return CaseFollowUp(
            orderItems: items.compactMap { item in
                orders[item.orderID].map {
                    OrderItem(orderID: $0.id!, orderNumber: $0.number, itemID: item.id!, status: item.itemStatus, dueAt: item.dueAt)
                }
            },
            blocks: blocks, blockProgress: progress)
    }

    /// Where the case's takedown stands (its latest order item) and how far a
    /// block of its subject has got: all a reporter's ticket needs.
    static func outcome(caseID: UUID, subject: Subject?, normalizer: BlockNameNormalizer,
                        on db: any Database) async throws -> (orderItem: OrderItemStatus?, block: NetworkBlockProgress?) {
        let item = try await OrderItemModel.query(on: db).filter(\.$caseID == caseID).sort(\.$id, .descending).first()
        return (item?.itemStatus, try await blockProgress(of: subject, normalizer: normalizer, on: db))
    }

    /// How far a block of the subject's site or app has got (nil: it names nothing to block).
    static func blockProgress(of subject: Subject?, normalizer: BlockNameNormalizer, on db: any Database) async throws -> NetworkBlockProgress? {
        let names = subject.flatMap(NetworkBlockTarget.of)?.entries(normalizer: normalizer) ?? []
        guard !names.isEmpty else { return nil }
        return NetworkBlockProgress.of(newestEntries: try await newestEntries(names, on: db).map(\.entryState))
    }

    /// The newest entry of each name (live ones through the live index,
    /// history through its own: never a scan of the whole list).
    static func newestEntries(_ names: [(kind: BlockEntryKind, name: String)], on db: any Database) async throws -> [BlockEntryModel] {
        let live = try await BlockEntryModel.query(on: db).live()
            .filter(\.$sortKey ~~ names.map { $0.kind == .ip ? $0.name : BlockSortKey.of($0.name) }).all()
        let history = try await BlockEntryModel.query(on: db).filter(.sql(unsafeRaw: BlockEntryModel.historyCondition))
            .filter(\.$name ~~ names.map(\.name)).all()
        var newest: [String: BlockEntryModel] = [:]
        for entry in live + history where names.contains(where: { $0.kind == entry.entryKind && $0.name == entry.name }) {
            let key = entry.kind + " " + entry.name
            if let seen = newest[key], seen.createdAt >= entry.createdAt { continue }
            newest[key] = entry
        }
        return Array(newest.values)
    }
}
