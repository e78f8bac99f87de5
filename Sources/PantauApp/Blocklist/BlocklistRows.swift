import Foundation
import PantauCore
import SQLKit

// What the staff blocking pages show: plain values read from the database
// rows by `BlocklistPages`, so views never hold a Fluent model.

/// A block or lift proposal.
struct BlockProposalRow: Sendable {
    let id: UUID
    let number: String
    let kind: BlockProposalKind
    let state: BlockProposalState
    let reason: String
    let legalBases: [String]
    let effectiveAt: Date
    let untilAt: Date?
    let proposedByEmail: String
    let proposedAt: Date
    let reviewedByEmail: String?
    let reviewedAt: Date?
    let reviewReason: String?

    init(_ model: BlockProposalModel) {
        id = model.id!
        number = model.number
        kind = model.proposalKind
        state = model.proposalState
        reason = model.reason
        legalBases = model.legalBases.split(separator: ",").map(String.init)
        effectiveAt = model.effectiveAt
        untilAt = model.untilAt
        proposedByEmail = model.proposedByEmail
        proposedAt = model.proposedAt
        reviewedByEmail = model.reviewedByEmail
        reviewedAt = model.reviewedAt
        reviewReason = model.reviewReason
    }

    var isLift: Bool { kind == .lift }
}

/// One name on the list (or proposed for it, or lifted from it).
struct BlockEntryRow: Sendable {
    let writtenName: String
    let kind: BlockEntryKind
    let action: BlockAction
    let state: BlockEntryState
    /// A pending lift proposal covers it.
    let liftPending: Bool
    let activatedAt: Date?
    let liftedAt: Date?

    init(_ model: BlockEntryModel) {
        writtenName = model.writtenName
        kind = model.entryKind
        action = model.blockAction
        state = model.entryState
        liftPending = model.liftProposalID != nil
        activatedAt = model.activatedAt
        liftedAt = model.liftedAt
    }
}

/// A blocked (or once blocked) app: a name for a set of domains.
struct BlockAppRow: Sendable {
    let slug: String
    let name: String

    init(_ model: BlockAppModel) {
        slug = model.slug
        name = model.name
    }
}

/// A name that is never blocked.
struct AllowEntryRow: Sendable {
    let id: UUID
    let writtenName: String
    let reason: String
    let addedByEmail: String

    init(_ model: AllowEntryModel) {
        id = model.id!
        writtenName = model.entryKind.written(model.name)
        reason = model.reason
        addedByEmail = model.addedByEmail
    }
}

/// A DNS secondary (an ISP's resolver) and the last serial it transferred of one zone.
struct SecondaryRow: Sendable {
    let client: String
    let zone: String
    let keyName: String?
    let serial: Int64
    let kind: String
    let bytes: Int64
    let transferredAt: Date

    init(_ row: any SQLRow) throws {
        client = try row.decode(column: "client", as: String.self)
        zone = try row.decode(column: "zone", as: String.self)
        keyName = try row.decode(column: "key_name", as: String?.self)
        serial = try row.decode(column: "serial", as: Int64.self)
        kind = try row.decode(column: "kind", as: String.self)
        bytes = try row.decode(column: "bytes", as: Int64.self)
        transferredAt = try row.decode(column: "transferred_at", as: Date.self)
    }
}

/// One entry of a proposal's or an app's history.
struct BlockEventRow: Sendable {
    let kind: String
    let actor: String
    let occurredAt: Date
    let payload: String

    init(_ model: BlockEventModel) {
        kind = model.kind
        actor = model.actor
        occurredAt = model.occurredAt
        payload = model.payload
    }
}
