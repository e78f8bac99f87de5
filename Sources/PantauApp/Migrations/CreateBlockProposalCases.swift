import FluentKit
import Foundation
import SQLKit

// Which cases a block proposal acts for: the cases a staff proposal cites,
// the case whose "violating → network block" decision proposed it, and a
// later case whose subject was already on the list. The case page and the
// reporter's ticket follow the block through these links (a proposal's
// `case_ids` keeps what it cited when it was made). Existing citations are
// copied in. Never edited once landed.
struct CreateBlockProposalCases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("block_proposal_cases")
            .id()
            .field("proposal_id", .uuid, .required)
            .field("case_id", .uuid, .required)
            .field("linked_at", .datetime, .required)
            .unique(on: "proposal_id", "case_id")
            .create()
        try await createIndex("block_proposal_cases_case", on: "block_proposal_cases", columns: ["case_id"], database)
        // Plain SQL, not the models: a migration must not change with them.
        let sql = database as! any SQLDatabase
        for row in try await sql.raw("SELECT id, case_ids, proposed_at FROM block_proposals WHERE case_ids <> ''").all() {
            let proposal = try row.decode(column: "id", as: UUID.self)
            let proposedAt = try row.decode(column: "proposed_at", as: Date.self)
            let cited = Set(try row.decode(column: "case_ids", as: String.self).split(separator: ",").compactMap { UUID(uuidString: String($0)) })
            guard !cited.isEmpty else { continue }
            // Citations were not checked before: keep only cases that exist.
            let existing = try await sql.raw("SELECT id FROM cases WHERE id IN (\(binds: Array(cited)))").all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            for caseID in existing {
                try await sql.insert(into: "block_proposal_cases").columns("id", "proposal_id", "case_id", "linked_at")
                    .values(SQLBind(UUID()), SQLBind(proposal), SQLBind(caseID), SQLBind(proposedAt)).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("block_proposal_cases").delete()
    }
}
