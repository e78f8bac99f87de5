import FluentKit
import Foundation
import PantauCore

/// Appeals (*banding*) from people affected and objections (*sanggahan*)
/// from platforms: each reopens the case for a different analyst, and the
/// case's next decision in force answers it. Used by the case workflow and,
/// for objections, by order tracking — through the case ledger only.
struct AppealService: Sendable {
    let ledger: CaseLedger
    let contactCipher: ContactCipher
    var deadlineDays = AppealRules.defaultDeadlineDays

    struct Filed: Sendable {
        let reference: String
        let caseID: UUID
        let dueAt: Date
    }

    /// Files an appeal inside the caller's transaction, on a case it has
    /// locked (a public appeal, or a platform's objection with its answer).
    func file(source: AppealRules.Source, platform: Platform?, reason: String, contact: ReporterContact?, actor: String,
              at now: Date, lockedCase model: CaseModel, on db: any Database) async throws -> Filed {
        let reason = try CaseActionError.requiredText(reason, minimum: AppealRules.minimumReasonLength, field: "reason")
        let sealed = try contact.flatMap { $0.isEmpty ? nil : try contactCipher.seal($0) }
        let caseID = model.id!
        let due = now.addingTimeInterval(Double(deadlineDays) * 86_400)
        let latest = try await DecisionModel.query(on: db).filter(\.$caseID == caseID)
            .filter(\.$state ~~ DecisionState.inForce.map(\.rawValue)).sort(\.$decidedAt, .descending).first()
        guard model.caseStatus == .decided || model.caseStatus == .closed else {
            throw CaseActionError(kind: .conflict, code: "nothing_to_appeal",
                                  id: "Kasus ini belum diputus atau sedang ditinjau ulang; belum ada yang dapat dibanding.",
                                  en: "This case has no decision to appeal yet, or is already being reviewed again.")
        }
        let (from, to) = try model.move(by: .reopen)
        let appeal = AppealModel()
        appeal.id = OrderedID.make(at: now)
        appeal.reference = AppealReference.make(at: now)
        appeal.caseID = caseID
        appeal.decisionID = latest?.id
        appeal.source = source.rawValue
        appeal.platformID = platform?.rawValue
        appeal.reason = reason
        appeal.contact = sealed
        appeal.filedAt = now
        appeal.dueAt = due
        appeal.state = AppealState.open.rawValue
        try await appeal.create(on: db)
        model.excludedReviewerID = latest?.decidedBy
        model.assigneeID = nil
        model.assignedAt = nil
        model.appealDueAt = due
        if model.openKey == nil, model.duplicateOf == nil {
            // Take the subject's open slot back unless a newer case holds it.
            let holder = try await CaseModel.query(on: db).filter(\.$openKey == model.subjectKey).first()
            if holder == nil { model.openKey = model.subjectKey }
        }
        try await ledger.append(.appealFiled, to: model, actor: actor, payload: [
            "appeal": appeal.reference, "source": source.rawValue, "platform": platform?.rawValue ?? "",
            "decision_id": latest.flatMap(\.id).map(UUIDText.lower) ?? "", "reason": reason,
            "due_at": isoTimestamp(due), "status_from": from.rawValue, "status_to": to.rawValue,
        ], at: now, on: db)
        try await model.save(on: db)
        return Filed(reference: appeal.reference, caseID: caseID, dueAt: due)
    }

    /// A new decision in force answers the case's open appeals (the rule is
    /// `AppealRules.outcome`).
    func resolve(of model: CaseModel, verdict: Verdict, at date: Date, on db: any Database) async throws {
        let open = try await AppealModel.query(on: db).filter(\.$caseID == model.id!).filter(\.$state == AppealState.open.rawValue).all()
        for appeal in open {
            let appealed = try await appeal.decisionID.asyncFlatMap { try await DecisionModel.find($0, on: db) }
            let outcome = AppealRules.outcome(appealedVerdict: appealed.flatMap { Verdict(rawValue: $0.verdict) }, newVerdict: verdict)
            appeal.state = outcome.rawValue
            appeal.resolvedAt = date
            try await appeal.save(on: db)
            try await ledger.append(.appealResolved, to: model, actor: "system:workflow",
                                    payload: ["appeal": appeal.reference, "outcome": outcome.rawValue, "verdict": verdict.rawValue], at: date, on: db)
        }
        model.appealDueAt = nil
    }
}

/// Public reference of an appeal: `BDG-YYYYMMDD-XXXXXX` (date in WIB).
enum AppealReference {
    static func make(at date: Date) -> String {
        "BDG-" + TicketNumber.make(at: date).dropFirst(4)
    }
}
