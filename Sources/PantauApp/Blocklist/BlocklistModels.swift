import FluentKit
import FluentSQL
import Foundation
import PantauCore

final class BlockAppModel: Model, @unchecked Sendable {
    static let schema = "block_apps"
    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class BlockProposalModel: Model, @unchecked Sendable {
    static let schema = "block_proposals"
    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "kind") var kind: String
    @Field(key: "state") var state: String
    @OptionalField(key: "app_id") var appID: UUID?
    @Field(key: "reason") var reason: String
    @Field(key: "legal_bases") var legalBases: String
    @Field(key: "case_ids") var caseIDs: String
    @OptionalField(key: "sanction_id") var sanctionID: UUID?
    @OptionalField(key: "conditions") var conditions: String?
    @Field(key: "effective_at") var effectiveAt: Date
    @OptionalField(key: "until_at") var untilAt: Date?
    @Field(key: "proposed_by") var proposedBy: UUID
    @Field(key: "proposed_by_email") var proposedByEmail: String
    @Field(key: "proposed_at") var proposedAt: Date
    @OptionalField(key: "reviewed_by_email") var reviewedByEmail: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "review_reason") var reviewReason: String?
    init() {}

    var proposalKind: BlockProposalKind { BlockProposalKind(rawValue: kind) ?? .block }
    var proposalState: BlockProposalState { BlockProposalState(rawValue: state) ?? .pending }
    var isLift: Bool { proposalKind == .lift }
    var citedCaseIDs: [UUID] { caseIDs.split(separator: ",").compactMap { UUIDText.parse(String($0)) } }
}

final class BlockEntryModel: Model, @unchecked Sendable {
    static let schema = "block_entries"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Field(key: "sort_key") var sortKey: String
    @Field(key: "action") var action: String
    @Field(key: "state") var state: String
    @OptionalField(key: "app_id") var appID: UUID?
    @OptionalField(key: "proposal_id") var proposalID: UUID?
    @OptionalField(key: "lift_proposal_id") var liftProposalID: UUID?
    @Field(key: "reason") var reason: String
    @Field(key: "legal_bases") var legalBases: String
    @Field(key: "source") var source: String
    @Field(key: "effective_from") var effectiveFrom: Date
    @OptionalField(key: "effective_until") var effectiveUntil: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "activated_at") var activatedAt: Date?
    @OptionalField(key: "lifted_at") var liftedAt: Date?
    init() {}

    var blockAction: BlockAction { BlockAction(rawValue: action) ?? .nxdomain }
    var entryKind: BlockEntryKind { BlockEntryKind(rawValue: kind) ?? .domain }
    var entryState: BlockEntryState { BlockEntryState(rawValue: state) ?? .proposed }
    var isSubdomains: Bool { entryKind == .subdomains }
    /// The name as people write it: `*.name` for a domain with its subdomains.
    var writtenName: String { entryKind.written(name) }
}

final class AllowEntryModel: Model, @unchecked Sendable {
    static let schema = "allow_entries"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Field(key: "sort_key") var sortKey: String
    @Field(key: "reason") var reason: String
    @Field(key: "added_by_email") var addedByEmail: String
    @Field(key: "added_at") var addedAt: Date
    @OptionalField(key: "removed_at") var removedAt: Date?
    init() {}

    var entryKind: BlockEntryKind { BlockEntryKind(rawValue: kind) ?? .domain }
    var isSubdomains: Bool { entryKind == .subdomains }
}

final class BlocklistSerialModel: Model, @unchecked Sendable {
    static let schema = "blocklist_serials"
    @ID(custom: "serial", generatedBy: .user) var id: Int64?
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "actor") var actor: String
    @Field(key: "note") var note: String
    @Field(key: "added") var added: Int
    @Field(key: "removed") var removed: Int
    @Field(key: "full_reload") var fullReload: Bool
    init() {}
}

final class BlocklistChangeModel: Model, @unchecked Sendable {
    static let schema = "blocklist_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "serial") var serial: Int64
    @Field(key: "op") var op: String
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Field(key: "action") var action: String
    @Field(key: "allow") var allow: Bool
    init() {}
}

final class BlockEventModel: Model, @unchecked Sendable {
    static let schema = "block_events"
    @ID(key: .id) var id: UUID?
    @OptionalField(key: "entry_id") var entryID: UUID?
    @OptionalField(key: "app_id") var appID: UUID?
    @OptionalField(key: "proposal_id") var proposalID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "actor") var actor: String
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "payload") var payload: String
    init() {}
}

extension BlockEntryModel {
    /// The states of a live entry, spelled as literals: SQLite uses a
    /// partial index only when the query repeats the index's condition
    /// literally (a bound parameter does not count), and on a
    /// ten-million-row table a missed index is a full scan.
    static let liveCondition = "state IN (" + BlockEntryState.live.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    /// Active domain entries, through the live index.
    static let activeDomainsCondition = "\(liveCondition) AND \(stateIs(.active)) AND kind <> '\(BlockEntryKind.ip.rawValue)'"
    /// Active IP entries: the condition of their own small index.
    static let activeIPsCondition = "kind = '\(BlockEntryKind.ip.rawValue)' AND \(stateIs(.active))"

    /// Lifted and rejected entries: the condition of the history index (by name).
    static let historyCondition = "state IN ('\(BlockEntryState.lifted.rawValue)', '\(BlockEntryState.rejected.rawValue)')"

    /// `state = '…'` with the state as a literal (see above).
    static func stateIs(_ state: BlockEntryState) -> String { "state = '\(state.rawValue)'" }
}

extension QueryBuilder where Model == BlockEntryModel {
    /// Entries that are proposed, scheduled or active (through the live index).
    func live() -> Self { filter(.sql(unsafeRaw: BlockEntryModel.liveCondition)) }
    /// Active entries (through the live index).
    func active() -> Self { live().filter(.sql(unsafeRaw: BlockEntryModel.stateIs(.active))) }
    /// Scheduled entries (through the schedule's partial index).
    func scheduled() -> Self { filter(.sql(unsafeRaw: BlockEntryModel.stateIs(.scheduled))) }
}


/// One case a block proposal acts for (`block_proposal_cases`).
final class BlockProposalCaseModel: Model, @unchecked Sendable {
    static let schema = "block_proposal_cases"
    @ID(key: .id) var id: UUID?
    @Field(key: "proposal_id") var proposalID: UUID
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "linked_at") var linkedAt: Date
    init() {}
}
