import FluentKit
import Foundation
import Hummingbird
import PantauCore
import SQLKit

/// A workflow action that cannot be done, with the reason in both languages.
struct CaseActionError: ServiceRefusal, CustomStringConvertible {
    typealias Kind = RefusalKind
    let kind: Kind
    let code: String
    let id: String
    let en: String
    var problems: [DecisionProblem] = []

    var description: String { en }
    var refusedField: String? { problems.first?.field }

    var status: HTTPResponse.Status { kind.status }

    static func transition(_ error: CaseTransitionError) -> CaseActionError {
        CaseActionError(kind: .conflict, code: "transition_not_allowed", id: error.message.id, en: error.message.en)
    }

    static let caseNotFound = CaseActionError(kind: .notFound, code: "case_not_found", id: "Kasus tidak ditemukan.", en: "Case not found.")
}

/// Someone a case can be assigned to.
struct Assignee: Sendable {
    let id: UUID
    let email: String
}

/// Everything people do to cases after intake: assignment, escalation,
/// categories, duplicates, decisions and their approval, comments and
/// appeals. Each change is one transaction that appends hash-chained events
/// to every case it touches, so the timeline explains every status.
struct CaseService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    let categories: CategoryIndex
    let contactCipher: ContactCipher
    var appealDeadlineDays = AppealRules.defaultDeadlineDays
    /// Puts "violating → takedown order" decisions into orders.
    var orders: OrderService?

    // MARK: Transactions and events

    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.writeTransaction(body)
    }

    /// The cases, locked for this transaction, in id order; every id must exist.
    func lockedCases(_ ids: [UUID], on db: any Database) async throws -> [CaseModel] {
        try await Self.lockedCases(ids, isSQLite: database.isSQLite, on: db)
    }

    /// The cases, locked for this transaction, in id order (for services
    /// that touch cases without a `CaseService`, such as delivery).
    static func lockedCases(_ ids: [UUID], isSQLite: Bool, on db: any Database) async throws -> [CaseModel] {
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

    /// Appends one event to a case's chain and moves its head; the caller saves the case.
    func appendEvent(to model: CaseModel, kind: String, actor: String, payload: [String: String], at date: Date,
                     on db: any Database) async throws {
        try await Self.appendEvent(to: model, kind: kind, actor: actor, payload: payload, at: date, on: db)
    }

    static func appendEvent(to model: CaseModel, kind: String, actor: String, payload: [String: String], at date: Date,
                            on db: any Database) async throws {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let payloadText = canonicalJSON(payload)
        let sequence = model.eventCount + 1
        let content = EventChain.Content(caseID: UUIDText.lower(model.id!), sequence: sequence, kind: kind, actor: actor,
                                         occurredAtMillis: millis, payload: payloadText)
        let event = CaseEventModel()
        event.id = OrderedID.make(at: date)
        event.caseID = model.id!
        event.sequence = sequence
        event.kind = kind
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

    /// Moves a case through the state machine, or refuses.
    private func move(_ model: CaseModel, by transition: CaseTransition) throws -> (from: CaseStatus, to: CaseStatus) {
        let from = model.caseStatus
        do {
            let to = try CaseWorkflow.apply(transition, to: from)
            model.status = to.rawValue
            return (from, to)
        } catch {
            throw CaseActionError.transition(error)
        }
    }

    // MARK: Triage

    /// Claims (assignee = actor) or assigns cases. An appeal's case cannot go
    /// back to the analyst who decided it.
    func assign(_ ids: [UUID], to assignee: Assignee, by actor: Identity) async throws {
        let now = clock.now()
        try await write { db in
            for model in try await lockedCases(ids, on: db) {
                if model.excludedReviewerID == assignee.id {
                    throw CaseActionError(kind: .conflict, code: "appeal_needs_other_analyst",
                                          id: "Banding harus ditinjau analis lain, bukan yang memutus sebelumnya.",
                                          en: "An appeal must be reviewed by a different analyst than the one who decided.")
                }
                let previous = model.assigneeID
                let (from, to) = try move(model, by: .assign)
                model.assigneeID = assignee.id
                model.assignedAt = now
                var payload = ["assignee": assignee.email, "status_from": from.rawValue, "status_to": to.rawValue]
                if let previous { payload["previous_assignee_id"] = UUIDText.lower(previous) }
                try await appendEvent(to: model, kind: assignee.id == actor.userID ? "case_claimed" : "case_assigned",
                                      actor: actor.actor, payload: payload, at: now, on: db)
                try await model.save(on: db)
            }
        }
    }

    func unassign(_ ids: [UUID], by actor: Identity) async throws {
        let now = clock.now()
        try await write { db in
            for model in try await lockedCases(ids, on: db) {
                let (from, to) = try move(model, by: .unassign)
                model.assigneeID = nil
                model.assignedAt = nil
                try await appendEvent(to: model, kind: "case_unassigned", actor: actor.actor,
                                      payload: ["status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
                try await model.save(on: db)
            }
        }
    }

    func escalate(_ ids: [UUID], reason: String, by actor: Identity) async throws {
        let reason = try requireText(reason, minimum: 5, field: "reason")
        let now = clock.now()
        try await write { db in
            for model in try await lockedCases(ids, on: db) {
                let (from, to) = try move(model, by: .escalate)
                try await appendEvent(to: model, kind: "case_escalated", actor: actor.actor,
                                      payload: ["reason": reason, "status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
                try await model.save(on: db)
            }
        }
    }

    /// Sets the working category (before a decision verifies one).
    func setCategory(_ ids: [UUID], category: String, by actor: Identity) async throws {
        guard categories.contains(category) else {
            throw CaseActionError(kind: .invalid, code: "unknown_category", id: "Kategori tidak dikenal.", en: "Unknown category.")
        }
        let now = clock.now()
        try await write { db in
            for model in try await lockedCases(ids, on: db) where model.categoryID != category {
                let previous = model.categoryID
                model.categoryID = category
                model.priority = CasePriority.score(severity: categories.severity(of: category), reportCount: model.reportCount,
                                                    firstReportAt: model.firstReportAt, now: model.lastReportAt)
                try await appendEvent(to: model, kind: "category_set", actor: actor.actor,
                                      payload: ["category": category, "category_from": previous], at: now, on: db)
                try await model.save(on: db)
            }
        }
    }

    /// Closes cases as duplicates of another (open or decided) case.
    func markDuplicate(_ ids: [UUID], of target: UUID, by actor: Identity) async throws {
        guard !ids.contains(target) else {
            throw CaseActionError(kind: .invalid, code: "duplicate_of_itself", id: "Kasus tidak bisa menjadi duplikat dirinya sendiri.",
                                  en: "A case cannot be a duplicate of itself.")
        }
        let now = clock.now()
        try await write { db in
            let locked = try await lockedCases(ids + [target], on: db)
            guard let original = locked.first(where: { $0.id == target }), original.caseStatus != .closed else {
                throw CaseActionError(kind: .invalid, code: "duplicate_target_closed", id: "Kasus tujuan sudah ditutup.",
                                      en: "The case to merge into is closed.")
            }
            for model in locked where model.id != target {
                let (from, to) = try move(model, by: .markDuplicate)
                model.duplicateOf = target
                model.openKey = nil
                try await appendEvent(to: model, kind: "case_marked_duplicate", actor: actor.actor,
                                      payload: ["duplicate_of": UUIDText.lower(target), "duplicate_of_subject": original.subjectKey,
                                                "status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
                try await model.save(on: db)
                try await appendEvent(to: original, kind: "duplicate_merged", actor: actor.actor,
                                      payload: ["duplicate_case": UUIDText.lower(model.id!), "duplicate_subject": model.subjectKey],
                                      at: now, on: db)
            }
            try await original.save(on: db)
        }
    }

    func setHighImpact(_ id: UUID, _ highImpact: Bool, by actor: Identity) async throws {
        let now = clock.now()
        try await write { db in
            guard let model = try await lockedCases([id], on: db).first, model.highImpact != highImpact else { return }
            model.highImpact = highImpact
            try await appendEvent(to: model, kind: highImpact ? "marked_high_impact" : "unmarked_high_impact",
                                  actor: actor.actor, payload: [:], at: now, on: db)
            try await model.save(on: db)
        }
    }

    // MARK: Decisions

    struct DecisionOutcome: Sendable {
        let decisionID: UUID
        let status: CaseStatus
        let needsApproval: Bool
    }

    /// Records a decision on each case. A decision that needs four eyes waits
    /// as `pending_approval`; "need more information" keeps the case open.
    func decide(_ ids: [UUID], _ input: DecisionInput, by actor: Identity) async throws -> [DecisionOutcome] {
        let now = clock.now()
        let knownBases = try await activeLegalBasisCodes()
        return try await write { db in
            var outcomes: [DecisionOutcome] = []
            for model in try await lockedCases(ids, on: db) {
                let highImpact = DecisionRules.isHighImpact(kind: SubjectKind(rawValue: model.subjectKind) ?? .url, marked: model.highImpact)
                let checked: CheckedDecision
                switch DecisionRules.check(input, knownCategories: Set(categories.slugs), knownLegalBases: knownBases, highImpact: highImpact) {
                case .success(let decision): checked = decision
                case .failure(let problems):
                    throw CaseActionError(kind: .invalid, code: "invalid_decision", id: problems.all.map(\.id).joined(separator: " "),
                                          en: problems.all.map(\.en).joined(separator: " "), problems: problems.all)
                }
                if model.excludedReviewerID == actor.userID {
                    throw CaseActionError(kind: .forbidden, code: "appeal_needs_other_analyst",
                                          id: "Banding harus diputus analis lain, bukan yang memutus sebelumnya.",
                                          en: "An appeal must be decided by a different analyst than the one who decided before.")
                }
                let transition = DecisionRules.transition(for: checked)
                let (from, to) = try move(model, by: transition)
                let decision = DecisionModel()
                decision.id = OrderedID.make(at: now)
                decision.caseID = model.id!
                decision.verdict = checked.verdict.rawValue
                decision.categoryID = checked.category.isEmpty ? model.categoryID : checked.category
                decision.legalBases = checked.legalBases.joined(separator: ",")
                decision.statement = checked.statement
                decision.publicReason = checked.publicReason
                decision.automatedDetection = checked.automatedDetection
                decision.automatedDecision = checked.automatedDecision
                decision.action = checked.action.rawValue
                decision.needsApproval = checked.needsApproval
                decision.state = (checked.needsApproval ? DecisionModel.State.pending : .final).rawValue
                decision.decidedBy = actor.userID
                decision.decidedByEmail = actor.email
                decision.decidedAt = now
                try await decision.create(on: db)

                if to == .decided {
                    model.verdict = checked.verdict.rawValue
                    model.decidedAt = now
                    try await resolveAppeals(of: model, verdict: checked.verdict.rawValue, at: now, on: db)
                }
                if checked.verdict == .violating, model.categoryID != decision.categoryID { model.categoryID = decision.categoryID }
                let kind = switch transition {
                case .requestInformation: "information_requested"
                case .proposeDecision: "decision_proposed"
                default: "decision_made"
                }
                try await appendEvent(to: model, kind: kind, actor: actor.actor,
                                      payload: decisionPayload(decision, from: from, to: to), at: now, on: db)
                if to == .decided { try await actOn(decision, case: model, at: now, on: db) }
                try await model.save(on: db)
                outcomes.append(DecisionOutcome(decisionID: decision.id!, status: to, needsApproval: checked.needsApproval))
            }
            return outcomes
        }
    }

    /// Every field of a decision, so the event alone can be published as a
    /// statement of reasons.
    private func decisionPayload(_ d: DecisionModel, from: CaseStatus, to: CaseStatus) -> [String: String] {
        ["decision_id": UUIDText.lower(d.id!), "verdict": d.verdict, "category": d.categoryID, "legal_bases": d.legalBases,
         "statement": d.statement, "public_reason": d.publicReason, "automated_detection": String(d.automatedDetection),
         "automated_decision": String(d.automatedDecision), "action": d.action, "needs_approval": String(d.needsApproval),
         "status_from": from.rawValue, "status_to": to.rawValue]
    }

    /// A supervisor who is not the decider approves or rejects a pending decision.
    func review(decision id: UUID, approve: Bool, reason: String, by actor: Identity) async throws -> CaseStatus {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = FourEyes.rejectionProblem(approve: approve, reason: reason) {
            throw CaseActionError(kind: .invalid, code: "reason_required", id: problem.id, en: problem.en)
        }
        let now = clock.now()
        return try await write { db in
            guard let decision = try await DecisionModel.find(id, on: db) else {
                throw CaseActionError(kind: .notFound, code: "decision_not_found", id: "Putusan tidak ditemukan.", en: "Decision not found.")
            }
            guard decision.state == DecisionModel.State.pending.rawValue else {
                throw CaseActionError(kind: .conflict, code: "decision_not_pending", id: "Putusan ini tidak menunggu persetujuan.",
                                      en: "This decision is not awaiting approval.")
            }
            guard decision.decidedBy != actor.userID else {
                throw CaseActionError(kind: .forbidden, code: "four_eyes", id: "Empat mata: putusan Anda sendiri harus disetujui supervisor lain.",
                                      en: "Four eyes: your own decision must be approved by another supervisor.")
            }
            guard let model = try await lockedCases([decision.caseID], on: db).first else { throw CaseActionError.caseNotFound }
            let (from, to) = try move(model, by: approve ? .approve : .reject)
            decision.state = (approve ? DecisionModel.State.approved : .rejected).rawValue
            decision.reviewedBy = actor.userID
            decision.reviewedByEmail = actor.email
            decision.reviewedAt = now
            decision.reviewReason = reason
            try await decision.save(on: db)
            if approve {
                model.verdict = decision.verdict
                model.decidedAt = now
                try await resolveAppeals(of: model, verdict: decision.verdict, at: now, on: db)
            }
            try await appendEvent(to: model, kind: approve ? "decision_approved" : "decision_rejected", actor: actor.actor,
                                  payload: ["decision_id": UUIDText.lower(id), "decided_by": decision.decidedByEmail, "reason": reason,
                                            "status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
            if approve { try await actOn(decision, case: model, at: now, on: db) }
            try await model.save(on: db)
            return to
        }
    }

    /// A final "violating → takedown order" decision joins its platform's
    /// order, in the decision's own transaction.
    ///
    /// A case decided again (after an appeal or a platform's objection)
    /// keeps its one item: a takedown decision puts an objected item back
    /// to the platform with a fresh deadline (an open one simply stands);
    /// any other decision withdraws the items still open or objected.
    private func actOn(_ decision: DecisionModel, case model: CaseModel, at now: Date, on db: any Database) async throws {
        guard let orders else { return }
        let takedown = decision.verdict == Verdict.violating.rawValue && decision.action == ProposedAction.takedownOrder.rawValue
        let standing = try await OrderItemModel.query(on: db).filter(\.$caseID == model.id!)
            .filter(\.$status ~~ [OrderItemStatus.pending, .overdue, .objected].map(\.rawValue)).all()
        for item in standing {
            guard let order = try await OrderModel.find(item.orderID, on: db) else { continue }
            let kind: String
            if takedown {
                guard item.itemStatus == .objected else { continue }
                let overrides = try await orders.deadlineOverrides(platform: order.platformID, on: db)
                let hours = OrderRules.deadlineHours(urgent: order.urgent, category: item.categoryID, overrides: overrides, defaults: orders.deadlines)
                item.status = OrderItemStatus.pending.rawValue
                item.dueAt = now.addingTimeInterval(Double(hours) * 3600)
                if (order.deadlineAt ?? .distantPast) < item.dueAt! { order.deadlineAt = item.dueAt }
                kind = "item_objection_dismissed"
            } else {
                item.status = OrderItemStatus.withdrawn.rawValue
                kind = "item_withdrawn"
            }
            try await item.save(on: db)
            let payload = ["order": order.number, "item_id": UUIDText.lower(item.id!), "subject_key": item.subjectKey,
                           "decision_id": UUIDText.lower(decision.id!)]
            try await OrderService.recordEvent(kind, platform: order.platformID, order: order.id, item: item.id, actor: "system:orders",
                                               payload: payload, at: now, on: db)
            try await appendEvent(to: model, kind: "order_" + kind, actor: "system:orders", payload: payload, at: now, on: db)
            try await orders.refreshStatus(order, on: db)
        }
        guard takedown, standing.isEmpty else { return }
        try await orders.addItem(decision: decision, case: model, at: now, on: db) { target, kind, payload in
            try await appendEvent(to: target, kind: kind, actor: "system:orders", payload: payload, at: now, on: db)
        }
    }

    /// A new final decision answers the case's open appeals: upheld when the
    /// verdict stands, overturned when it changed.
    private func resolveAppeals(of model: CaseModel, verdict: String, at date: Date, on db: any Database) async throws {
        for appeal in try await AppealModel.query(on: db).filter(\.$caseID == model.id!).filter(\.$state == "open").all() {
            let appealed = try await appeal.decisionID.asyncFlatMap { try await DecisionModel.find($0, on: db) }
            appeal.state = appealed?.verdict == verdict ? "upheld" : "overturned"
            appeal.resolvedAt = date
            try await appeal.save(on: db)
            try await appendEvent(to: model, kind: "appeal_resolved", actor: "system:workflow",
                                  payload: ["appeal": appeal.reference, "outcome": appeal.state, "verdict": verdict], at: date, on: db)
        }
        model.appealDueAt = nil
    }

    func activeLegalBasisCodes() async throws -> Set<String> {
        Set(try await LegalBasisModel.query(on: database.db).filter(\.$active == true).all().compactMap(\.id))
    }

    // MARK: Comments

    func comment(on id: UUID, body: String, pinned: Bool, by actor: Identity) async throws {
        let text = try requireText(body, minimum: 1, field: "body")
        let now = clock.now()
        try await write { db in
            guard let model = try await lockedCases([id], on: db).first else { throw CaseActionError.caseNotFound }
            let comment = CaseCommentModel()
            comment.id = OrderedID.make(at: now)
            comment.caseID = id
            comment.authorID = actor.userID
            comment.authorEmail = actor.email
            comment.body = text
            comment.pinned = pinned
            comment.createdAt = now
            try await comment.create(on: db)
            // The event records that a comment exists, not its text: the
            // timeline may later be shown to people who must not read it.
            try await appendEvent(to: model, kind: "comment_added", actor: actor.actor,
                                  payload: ["comment_id": UUIDText.lower(comment.id!), "pinned": String(pinned)], at: now, on: db)
            try await model.save(on: db)
        }
    }

    func setPinned(comment id: UUID, _ pinned: Bool, by actor: Identity) async throws -> UUID {
        let now = clock.now()
        return try await write { db in
            guard let comment = try await CaseCommentModel.find(id, on: db) else {
                throw CaseActionError(kind: .notFound, code: "comment_not_found", id: "Komentar tidak ditemukan.", en: "Comment not found.")
            }
            guard let model = try await lockedCases([comment.caseID], on: db).first else { throw CaseActionError.caseNotFound }
            comment.pinned = pinned
            try await comment.save(on: db)
            try await appendEvent(to: model, kind: pinned ? "comment_pinned" : "comment_unpinned", actor: actor.actor,
                                  payload: ["comment_id": UUIDText.lower(id)], at: now, on: db)
            try await model.save(on: db)
            return comment.caseID
        }
    }

    // MARK: Appeals

    struct AppealFiled: Sendable {
        let reference: String
        let caseID: UUID
        let dueAt: Date
    }

    /// Files an appeal (or a platform's objection) against the case's latest
    /// decision and reopens the case for a different analyst.
    func fileAppeal(caseID: UUID, source: AppealRules.Source, platform: Platform?, reason: String, contact: ReporterContact?,
                    actor: String) async throws -> AppealFiled {
        let reason = try requireText(reason, minimum: AppealRules.minimumReasonLength, field: "reason")
        let now = clock.now()
        let sealed = try contact.flatMap { $0.isEmpty ? nil : try contactCipher.seal($0) }
        return try await write { db in
            guard let model = try await lockedCases([caseID], on: db).first else { throw CaseActionError.caseNotFound }
            return try await fileAppeal(caseID: caseID, source: source, platform: platform, reason: reason, sealedContact: sealed,
                                        actor: actor, at: now, lockedCase: model, on: db)
        }
    }

    /// Files an appeal inside the caller's transaction, on a case it has
    /// locked (a platform's objection arrives with its answer).
    func fileAppeal(caseID: UUID, source: AppealRules.Source, platform: Platform?, reason: String, contact: ReporterContact?,
                    actor: String, at now: Date, lockedCase model: CaseModel, on db: any Database) async throws -> AppealFiled {
        let reason = try requireText(reason, minimum: AppealRules.minimumReasonLength, field: "reason")
        let sealed = try contact.flatMap { $0.isEmpty ? nil : try contactCipher.seal($0) }
        return try await fileAppeal(caseID: caseID, source: source, platform: platform, reason: reason, sealedContact: sealed,
                                    actor: actor, at: now, lockedCase: model, on: db)
    }

    private func fileAppeal(caseID: UUID, source: AppealRules.Source, platform: Platform?, reason: String, sealedContact sealed: String?,
                            actor: String, at now: Date, lockedCase model: CaseModel, on db: any Database) async throws -> AppealFiled {
        let due = now.addingTimeInterval(Double(appealDeadlineDays) * 86_400)
        let latest = try await DecisionModel.query(on: db).filter(\.$caseID == caseID)
            .filter(\.$state ~~ [DecisionModel.State.final.rawValue, DecisionModel.State.approved.rawValue])
            .sort(\.$decidedAt, .descending).first()
        guard model.caseStatus == .decided || model.caseStatus == .closed else {
            throw CaseActionError(kind: .conflict, code: "nothing_to_appeal",
                                  id: "Kasus ini belum diputus atau sedang ditinjau ulang; belum ada yang dapat dibanding.",
                                  en: "This case has no decision to appeal yet, or is already being reviewed again.")
        }
        let (from, to) = try move(model, by: .reopen)
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
        appeal.state = "open"
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
        try await appendEvent(to: model, kind: "appeal_filed", actor: actor, payload: [
            "appeal": appeal.reference, "source": source.rawValue, "platform": platform?.rawValue ?? "",
            "decision_id": latest.flatMap(\.id).map(UUIDText.lower) ?? "", "reason": reason,
            "due_at": isoTimestamp(due), "status_from": from.rawValue, "status_to": to.rawValue,
        ], at: now, on: db)
        try await model.save(on: db)
        return AppealFiled(reference: appeal.reference, caseID: caseID, dueAt: due)
    }

    private func requireText(_ text: String, minimum: Int, field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= minimum else {
            throw CaseActionError(kind: .invalid, code: "text_too_short",
                                  id: "Isian “\(field)” minimal \(minimum) karakter.", en: "The field '\(field)' needs at least \(minimum) characters.")
        }
        guard trimmed.count <= DecisionRules.maximumTextLength else {
            throw CaseActionError(kind: .invalid, code: "text_too_long", id: "Isian “\(field)” terlalu panjang.", en: "The field '\(field)' is too long.")
        }
        return trimmed
    }
}

/// Public reference of an appeal: `BDG-YYYYMMDD-XXXXXX` (date in WIB).
enum AppealReference {
    static func make(at date: Date) -> String {
        "BDG-" + TicketNumber.make(at: date).dropFirst(4)
    }
}
