import FluentKit
import Foundation
import PantauCore

/// What the staff blocking pages show, read from the database in one place
/// (the controller only renders it).
struct BlocklistPages: Sendable {
    let database: PantauDatabase

    struct Home: Sendable {
        let active: Int
        let pending: [BlockProposalRow]
        let recent: [BlockProposalRow]
        let apps: [BlockAppRow]
        let allow: [AllowEntryRow]
        let bases: [LegalBasisRow]
        let secondaries: [SecondaryRow]
        /// The "network block recommended" sanction a proposal follows from.
        let sanction: SanctionRow?
    }

    func home(sanction sanctionID: UUID?) async throws -> Home {
        Home(active: try await BlockEntryModel.query(on: database.db).active().count(),
             pending: try await BlockProposalModel.query(on: database.db).filter(\.$state == BlockProposalState.pending.rawValue).sort(\.$proposedAt).all().map(BlockProposalRow.init),
             recent: try await BlockProposalModel.query(on: database.db).filter(\.$state != BlockProposalState.pending.rawValue)
                .sort(\.$proposedAt, .descending).limit(30).all().map(BlockProposalRow.init),
             apps: try await BlockAppModel.query(on: database.db).sort(\.$name).all().map(BlockAppRow.init),
             allow: try await AllowEntryModel.query(on: database.db).filter(\.$removedAt == nil).sort(\.$sortKey).all().map(AllowEntryRow.init),
             bases: try await LegalBasisModel.query(on: database.db).filter(\.$active == true).sort(\.$position).all().map(LegalBasisRow.init),
             secondaries: try await secondaries(),
             sanction: try await sanctionID.asyncFlatMap { try await SanctionModel.find($0, on: database.db) }.map(SanctionRow.init))
    }

    struct Proposal: Sendable {
        let proposal: BlockProposalRow
        /// The entries it blocks, or lifts.
        let entries: [BlockEntryRow]
        let events: [BlockEventRow]
        let app: BlockAppRow?
        /// The cases it acts for.
        let cases: [CaseLinkRow]
    }

    func proposal(_ id: UUID) async throws -> Proposal? {
        guard let proposal = try await BlockProposalModel.find(id, on: database.db) else { return nil }
        let entries = Array(try await entries(ofProposal: id).prefix(2000))
        let events = try await BlockEventModel.query(on: database.db).filter(\.$proposalID == id).sort(\.$occurredAt).all()
        let links = try await BlockProposalCaseModel.query(on: database.db).filter(\.$proposalID == id).all().map(\.caseID)
        let cases = links.isEmpty ? [] : try await CaseModel.query(on: database.db).filter(\.$id ~~ links).sort(\.$createdAt).all()
        let app = try await proposal.appID.asyncFlatMap { try await BlockAppModel.find($0, on: database.db) }
        return Proposal(proposal: BlockProposalRow(proposal), entries: entries.map(BlockEntryRow.init), events: events.map(BlockEventRow.init),
                        app: app.map(BlockAppRow.init), cases: cases.map(CaseLinkRow.init))
    }

    /// The DNS secondaries and the last serial each transferred, per zone.
    func secondaries() async throws -> [SecondaryRow] {
        try await database.sql.raw("""
            SELECT client, zone, key_name, serial, kind, bytes, transferred_at FROM dns_zone_transfers ORDER BY client, zone
            """).all().map(SecondaryRow.init)
    }

    /// The entries a proposal blocks or lifts, in list order.
    func entries(ofProposal id: UUID) async throws -> [BlockEntryModel] {
        try await BlockEntryModel.query(on: database.db).group(.or) { $0.filter(\.$proposalID == id).filter(\.$liftProposalID == id) }
            .sort(\.$sortKey).all()
    }

    /// Up to 1,000 entries in a state, in list order (live states through
    /// the live index, history through its own).
    func entries(in state: BlockEntryState) async throws -> [BlockEntryModel] {
        let query = BlockEntryModel.query(on: database.db)
        let filtered = state.isLive ? query.live().filter(.sql(unsafeRaw: BlockEntryModel.stateIs(state))) : query.filter(\.$state == state.rawValue)
        return try await filtered.sort(\.$sortKey).limit(1000).all()
    }

    struct App: Sendable {
        let app: BlockAppRow
        let entries: [BlockEntryRow]
        let events: [BlockEventRow]
    }

    func app(slug: String) async throws -> App? {
        guard let app = try await BlockAppModel.query(on: database.db).filter(\.$slug == slug).first() else { return nil }
        let entries = try await BlockEntryModel.query(on: database.db).filter(\.$appID == app.id!).sort(\.$sortKey).all()
        let events = try await BlockEventModel.query(on: database.db).filter(\.$appID == app.id!).sort(\.$occurredAt).sort(\.$id).all()
        return App(app: BlockAppRow(app), entries: entries.map(BlockEntryRow.init), events: events.map(BlockEventRow.init))
    }
}
