import FluentKit
import Foundation
import PantauCore

/// What the staff blocking pages show, read from the database in one place
/// (the controller only renders it).
struct BlocklistPages: Sendable {
    let database: PantauDatabase

    struct Home: Sendable {
        let active: Int
        let pending: [BlockProposalModel]
        let recent: [BlockProposalModel]
        let apps: [BlockAppModel]
        let allow: [AllowEntryModel]
        let bases: [LegalBasisModel]
        let secondaries: [DNSTransferModel]
        /// The "network block recommended" sanction a proposal follows from.
        let sanction: SanctionModel?
    }

    func home(sanction sanctionID: UUID?) async throws -> Home {
        Home(active: try await BlockEntryModel.query(on: database.db).active().count(),
             pending: try await BlockProposalModel.query(on: database.db).filter(\.$state == BlockProposalState.pending.rawValue).sort(\.$proposedAt).all(),
             recent: try await BlockProposalModel.query(on: database.db).filter(\.$state != BlockProposalState.pending.rawValue)
                .sort(\.$proposedAt, .descending).limit(30).all(),
             apps: try await BlockAppModel.query(on: database.db).sort(\.$name).all(),
             allow: try await AllowEntryModel.query(on: database.db).filter(\.$removedAt == nil).sort(\.$sortKey).all(),
             bases: try await LegalBasisModel.query(on: database.db).filter(\.$active == true).sort(\.$position).all(),
             secondaries: try await DNSTransferModel.query(on: database.db).sort(\.$id).all(),
             sanction: try await sanctionID.asyncFlatMap { try await SanctionModel.find($0, on: database.db) })
    }

    struct Proposal: Sendable {
        let proposal: BlockProposalModel
        /// The entries it blocks, or lifts.
        let entries: [BlockEntryModel]
        let events: [BlockEventModel]
        let app: BlockAppModel?
        /// The cases it acts for.
        let cases: [CaseModel]
    }

    func proposal(_ id: UUID) async throws -> Proposal? {
        guard let proposal = try await BlockProposalModel.find(id, on: database.db) else { return nil }
        let entries = Array(try await entries(ofProposal: id).prefix(2000))
        let events = try await BlockEventModel.query(on: database.db).filter(\.$proposalID == id).sort(\.$occurredAt).all()
        let links = try await BlockProposalCaseModel.query(on: database.db).filter(\.$proposalID == id).all().map(\.caseID)
        let cases = links.isEmpty ? [] : try await CaseModel.query(on: database.db).filter(\.$id ~~ links).sort(\.$createdAt).all()
        let app = try await proposal.appID.asyncFlatMap { try await BlockAppModel.find($0, on: database.db) }
        return Proposal(proposal: proposal, entries: entries, events: events, app: app, cases: cases)
    }

    /// The DNS secondaries and the last serial each transferred.
    func secondaries() async throws -> [DNSTransferModel] {
        try await DNSTransferModel.query(on: database.db).sort(\.$id).all()
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
        let app: BlockAppModel
        let entries: [BlockEntryModel]
        let events: [BlockEventModel]
    }

    func app(slug: String) async throws -> App? {
        guard let app = try await BlockAppModel.query(on: database.db).filter(\.$slug == slug).first() else { return nil }
        let entries = try await BlockEntryModel.query(on: database.db).filter(\.$appID == app.id!).sort(\.$sortKey).all()
        let events = try await BlockEventModel.query(on: database.db).filter(\.$appID == app.id!).sort(\.$occurredAt).sort(\.$id).all()
        return App(app: app, entries: entries, events: events)
    }
}
