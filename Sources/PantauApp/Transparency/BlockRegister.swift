import FluentKit
import Foundation
import PantauCore
import SQLKit

/// The public register of network blocks and normalisations: every
/// approved block decision and lift (with its conditions), and every bulk
/// import of a list, newest first, searchable by number, reason, app or a
/// blocked name.
struct BlockRegister: Sendable {
    let database: PantauDatabase
    let normalizer: BlockNameNormalizer
    static let pageSize = 50

    struct Entry: Sendable, Equatable {
        let number: String
        /// `block`, `lift` (normalisation) or `import`.
        let kind: String
        let app: String?
        let names: Int
        let effectiveAt: Date
        let until: Date?
        let reason: String
        let legalBases: [String]
        let conditions: String?
        let approvedAt: Date
        /// For a block: the normalisations that lifted its names.
        let liftedBy: [String]
    }

    struct Page: Sendable {
        let entries: [Entry]
        let page: Int
        let hasMore: Bool
    }

    func page(query: String, page: Int) async throws -> Page {
        let db = database.db
        let q = query.trimmingCharacters(in: .whitespaces)
        var proposals = BlockProposalModel.query(on: db).filter(\.$state == BlockProposalState.approved.rawValue)
        if !q.isEmpty {
            // A name finds the decisions that blocked or lifted it.
            var ids: [UUID] = []
            if case .success(.domain(let name, _)) = normalizer.normalize(q) {
                let rows = try await database.sql.raw("""
                    SELECT proposal_id, lift_proposal_id FROM block_entries WHERE sort_key = \(bind: BlockSortKey.of(name)) AND \(unsafeRaw: BlockEntryModel.liveCondition)
                    UNION ALL
                    SELECT proposal_id, lift_proposal_id FROM block_entries WHERE name = \(bind: name) AND state IN ('lifted', 'rejected')
                    """).all()
                for row in rows {
                    if let id = try row.decode(column: "proposal_id", as: UUID?.self) { ids.append(id) }
                    if let id = try row.decode(column: "lift_proposal_id", as: UUID?.self) { ids.append(id) }
                }
            }
            let apps = try await BlockAppModel.query(on: db).group(.or) { $0.filter(\.$slug == q.lowercased()).filter(\.$name == q) }.all().compactMap(\.id)
            let pattern = "%" + q.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            proposals = proposals.group(.or) { group in
                group.filter(\.$number == q.uppercased())
                group.filter(\.$reason, .custom("LIKE"), pattern)
                if !ids.isEmpty { group.filter(\.$id ~~ ids) }
                if !apps.isEmpty { group.filter(\.$appID ~~ apps) }
            }
        }
        let offset = max(0, page - 1) * Self.pageSize
        let found = try await proposals.sort(\.$reviewedAt, .descending).sort(\.$number, .descending)
            .range(offset..<(offset + Self.pageSize + 1)).all()
        let appNames = Dictionary(uniqueKeysWithValues: try await BlockAppModel.query(on: db).all().map { ($0.id!, $0.name) })
        // The page's name counts and lifts in two queries, not two per entry.
        let shown = Array(found.prefix(Self.pageSize))
        var names: [UUID: Int] = [:], liftedBy: [UUID: [String]] = [:]
        if !shown.isEmpty {
            let ids = shown.compactMap(\.id)
            for row in try await database.sql.raw("""
                SELECT proposal_id AS p, COUNT(*) AS n FROM block_entries WHERE proposal_id IN (\(binds: ids)) GROUP BY proposal_id
                UNION ALL
                SELECT lift_proposal_id AS p, COUNT(*) AS n FROM block_entries WHERE lift_proposal_id IN (\(binds: ids)) GROUP BY lift_proposal_id
                """).all() {
                names[try row.decode(column: "p", as: UUID.self), default: 0] += try row.decode(column: "n", as: Int.self)
            }
            for row in try await database.sql.raw("""
                SELECT DISTINCT e.proposal_id AS p, l.number FROM block_entries e JOIN block_proposals l ON l.id = e.lift_proposal_id
                WHERE e.proposal_id IN (\(binds: ids)) AND l.state = 'approved' ORDER BY l.number
                """).all() {
                liftedBy[try row.decode(column: "p", as: UUID.self), default: []].append(try row.decode(column: "number", as: String.self))
            }
        }
        var entries: [Entry] = shown.map { proposal in
            Entry(number: proposal.number, kind: proposal.kind, app: proposal.appID.flatMap { appNames[$0] }, names: names[proposal.id!] ?? 0,
                  effectiveAt: proposal.effectiveAt, until: proposal.untilAt, reason: proposal.reason,
                  legalBases: proposal.legalBases.split(separator: ",").map(String.init), conditions: proposal.conditions,
                  approvedAt: proposal.reviewedAt ?? proposal.proposedAt, liftedBy: proposal.kind == "lift" ? [] : liftedBy[proposal.id!] ?? [])
        }
        // Imports of whole lists are register entries too (first page, no search).
        if page <= 1 && (q.isEmpty || "impor import".contains(q.lowercased())) {
            for event in try await BlockEventModel.query(on: db).filter(\.$kind == BlockEventKind.blocklistImported.rawValue).sort(\.$occurredAt, .descending).all() {
                let fields = (try? JSONSerialization.jsonObject(with: Data(event.payload.utf8))) as? [String: String] ?? [:]
                entries.append(Entry(number: "IMPOR-" + (fields["serial"] ?? "?"), kind: "import", app: nil, names: Int(fields["inserted"] ?? "") ?? 0,
                                     effectiveAt: event.occurredAt, until: nil, reason: fields["reason"] ?? "",
                                     legalBases: (fields["legal_bases"] ?? "").split(separator: ",").map(String.init), conditions: nil,
                                     approvedAt: event.occurredAt, liftedBy: []))
            }
            entries.sort { $0.approvedAt > $1.approvedAt }
        }
        return Page(entries: entries, page: max(1, page), hasMore: found.count > Self.pageSize)
    }
}
