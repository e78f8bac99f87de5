import FluentKit
import Foundation
import PantauCore
import SQLKit

/// The record of every case: how a transaction locks cases, and how it
/// appends an event to a case's hash chain. Every stage that changes a case
/// (decisions, appeals, orders, blocks) does it through here, so none of
/// them needs another stage's service to write a case's history.
struct CaseLedger: Sendable {
    let isSQLite: Bool

    init(database: PantauDatabase) { isSQLite = database.isSQLite }
    init(isSQLite: Bool) { self.isSQLite = isSQLite }

    /// The cases, locked for this transaction, in id order; every id must exist.
    func lock(_ ids: [UUID], on db: any Database) async throws -> [CaseModel] {
        let unique = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        guard !unique.isEmpty else { return [] }
        if !isSQLite {
            // Row locks in id order (no deadlock between two bulk actions);
            // the intake writer waits on them like on any other writer.
            _ = try await (db as! any SQLDatabase).raw("SELECT id FROM cases WHERE id IN (\(binds: unique)) ORDER BY id FOR UPDATE").all()
        }
        let found = try await CaseModel.query(on: db).filter(\.$id ~~ unique).all()
        guard found.count == unique.count else { throw CaseActionError.caseNotFound }
        return found.sorted { $0.id!.uuidString < $1.id!.uuidString }
    }

    /// One case, locked for this transaction.
    func lock(_ id: UUID, on db: any Database) async throws -> CaseModel {
        guard let model = try await lock([id], on: db).first else { throw CaseActionError.caseNotFound }
        return model
    }

    /// Appends one event to a locked case's chain and moves its head; the
    /// caller saves the case.
    func append(_ kind: CaseEventKind, to model: CaseModel, actor: String, payload: [String: String], at date: Date,
                on db: any Database) async throws {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let payloadText = canonicalJSON(payload)
        let sequence = model.eventCount + 1
        let content = EventChain.Content(caseID: UUIDText.lower(model.id!), sequence: sequence, kind: kind.rawValue, actor: actor,
                                         occurredAtMillis: millis, payload: payloadText)
        let event = CaseEventModel()
        event.id = OrderedID.make(at: date)
        event.caseID = model.id!
        event.sequence = sequence
        event.kind = kind.rawValue
        event.actor = actor
        event.occurredAt = Date(timeIntervalSince1970: Double(millis) / 1000)
        event.occurredAtMillis = millis
        event.payload = payloadText
        event.previousHash = model.lastEventHash
        event.hash = EventChain.hash(previous: model.lastEventHash, content)
        try await event.create(on: db)
        model.eventCount = sequence
        model.lastEventHash = event.hash
        model.updatedAt = date
    }

    /// Locks the cases, appends the same event to each and saves them (what
    /// another stage tells every case it concerns).
    func record(_ kind: CaseEventKind, on ids: [UUID], actor: String, payload: [String: String], at date: Date,
                on db: any Database) async throws {
        for model in try await lock(ids, on: db) {
            try await append(kind, to: model, actor: actor, payload: payload, at: date, on: db)
            try await model.save(on: db)
        }
    }
}
