import FluentKit
import Foundation
import Hummingbird
import PantauCore

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

    static func review(_ refusal: FourEyesRefusal) -> CaseActionError {
        CaseActionError(kind: RefusalKind(refusal.reason), code: refusal.code, id: refusal.message.id, en: refusal.message.en)
    }

    static let caseNotFound = CaseActionError(kind: .notFound, code: "case_not_found", id: "Kasus tidak ditemukan.", en: "Case not found.")

    /// The trimmed text of a free-text field, or a refusal naming the field.
    static func requiredText(_ text: String, minimum: Int, field: String) throws -> String {
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

/// Someone a case can be assigned to.
struct Assignee: Sendable {
    let id: UUID
    let email: String
}

extension CaseModel {
    /// Moves the case through the state machine (`CaseWorkflow`), or refuses.
    func move(by transition: CaseTransition) throws -> (from: CaseStatus, to: CaseStatus) {
        let from = caseStatus
        do {
            let to = try CaseWorkflow.apply(transition, to: from)
            status = to.rawValue
            return (from, to)
        } catch {
            throw CaseActionError.transition(error)
        }
    }
}

/// Everything people do to cases after intake: assignment, escalation,
/// categories, duplicates, decisions and their approval, comments and
/// appeals. Each change is one transaction that appends hash-chained events
/// to every case it touches, so the timeline explains every status. A
/// decision in force sets the case's follow-up in motion: a takedown order
/// (`OrderService`) or a block proposal (`BlocklistService`).
struct CaseService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    let categories: CategoryIndex
    let ledger: CaseLedger
    let appeals: AppealService
    let orders: OrderService
    let blocklist: BlocklistService

    var contactCipher: ContactCipher { appeals.contactCipher }

    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.writeTransaction(body)
    }

    // MARK: Triage

    /// Claims (assignee = actor) or assigns cases. An appeal's case cannot go
    /// back to the analyst who decided it.
    func assign(_ ids: [UUID], to assignee: Assignee, by actor: Identity) async throws {
        let now = clock.now()
        try await write { db in
            for model in try await ledger.lock(ids, on: db) {
                if model.excludedReviewerID == assignee.id {
                    throw CaseActionError(kind: .conflict, code: "appeal_needs_other_analyst",
                                          id: "Banding harus ditinjau analis lain, bukan yang memutus sebelumnya.",
                                          en: "An appeal must be reviewed by a different analyst than the one who decided.")
                }
                let previous = model.assigneeID
                let (from, to) = try model.move(by: .assign)
                model.assigneeID = assignee.id
                model.assignedAt = now
                var payload = ["assignee": assignee.email, "status_from": from.rawValue, "status_to": to.rawValue]
                if let previous { payload["previous_assignee_id"] = UUIDText.lower(previous) }
                try await ledger.append(assignee.id == actor.userID ? .caseClaimed : .caseAssigned, to: model,
                                        actor: actor.actor, payload: payload, at: now, on: db)
                try await model.save(on: db)
            }
        }
    }

    func unassign(_ ids: [UUID], by actor: Identity) async throws {
        let now = clock.now()
        try await write { db in
            for model in try await ledger.lock(ids, on: db) {
                let (from, to) = try model.move(by: .unassign)
                model.assigneeID = nil
                model.assignedAt = nil
                try await ledger.append(.caseUnassigned, to: model, actor: actor.actor,
                                        payload: ["status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
                try await model.save(on: db)
            }
        }
    }

    func escalate(_ ids: [UUID], reason: String, by actor: Identity) async throws {
        let reason = try CaseActionError.requiredText(reason, minimum: 5, field: "reason")
        let now = clock.now()
        try await write { db in
            for model in try await ledger.lock(ids, on: db) {
                let (from, to) = try model.move(by: .escalate)
                try await ledger.append(.caseEscalated, to: model, actor: actor.actor,
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
            for model in try await ledger.lock(ids, on: db) where model.categoryID != category {
                let previous = model.categoryID
                model.categoryID = category
                model.priority = CasePriority.score(severity: categories.severity(of: category), reportCount: model.reportCount,
                                                    firstReportAt: model.firstReportAt, now: model.lastReportAt)
                try await ledger.append(.categorySet, to: model, actor: actor.actor,
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
            let locked = try await ledger.lock(ids + [target], on: db)
            guard let original = locked.first(where: { $0.id == target }), original.caseStatus != .closed else {
                throw CaseActionError(kind: .invalid, code: "duplicate_target_closed", id: "Kasus tujuan sudah ditutup.",
                                      en: "The case to merge into is closed.")
            }
            for model in locked where model.id != target {
                let (from, to) = try model.move(by: .markDuplicate)
                model.duplicateOf = target
                model.openKey = nil
                try await ledger.append(.caseMarkedDuplicate, to: model, actor: actor.actor,
                                        payload: ["duplicate_of": UUIDText.lower(target), "duplicate_of_subject": original.subjectKey,
                                                  "status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
                try await model.save(on: db)
                try await ledger.append(.duplicateMerged, to: original, actor: actor.actor,
                                        payload: ["duplicate_case": UUIDText.lower(model.id!), "duplicate_subject": model.subjectKey],
                                        at: now, on: db)
            }
            try await original.save(on: db)
        }
    }

    func setHighImpact(_ id: UUID, _ highImpact: Bool, by actor: Identity) async throws {
        let now = clock.now()
        try await write { db in
            let model = try await ledger.lock(id, on: db)
            guard model.highImpact != highImpact else { return }
            model.highImpact = highImpact
            try await ledger.append(highImpact ? .markedHighImpact : .unmarkedHighImpact, to: model,
                                    actor: actor.actor, payload: [:], at: now, on: db)
            try await model.save(on: db)
        }
    }

    /// Parameters of a bulk action, as the queue's form or the API send them.
    struct BulkParameters: Sendable {
        var assignee: String?
        var category: String?
        var target: String?
        var reason: String?
    }

    /// A bulk action on the selected cases (`BulkCaseAction`); returns what
    /// was done, in both languages.
    func bulk(_ action: BulkCaseAction, _ ids: [UUID], _ parameters: BulkParameters, by identity: Identity) async throws -> (id: String, en: String) {
        if let needed = action.extraPermission, !identity.may(needed) {
            throw CaseActionError(kind: .forbidden, code: "access_denied", id: "Peran Anda tidak boleh memutus kasus.", en: "Your role may not decide cases.")
        }
        switch action {
        case .assign: try await assign(ids, to: try await assignee(parameters.assignee), by: identity)
        case .unassign: try await unassign(ids, by: identity)
        case .setCategory: try await setCategory(ids, category: parameters.category ?? "", by: identity)
        case .duplicate:
            guard let target = parameters.target.flatMap({ UUIDText.parse($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw CaseActionError(kind: .invalid, code: "target_required", id: "Isi ID kasus asli.", en: "Give the original case's id.")
            }
            try await markDuplicate(ids, of: target, by: identity)
        case .escalate: try await escalate(ids, reason: parameters.reason ?? "", by: identity)
        case .dismiss:
            let pending = try await decide(ids, .dismissal(reason: parameters.reason ?? ""), by: identity).filter(\.needsApproval).count
            if pending > 0 {
                return ("ditolak (tidak melanggar); \(pending) menunggu persetujuan.", "dismissed (not violating); \(pending) await approval.")
            }
        }
        return action.done
    }

    /// A staff member who may decide cases, by id.
    func assignee(_ text: String?) async throws -> Assignee {
        guard let text, let id = UUIDText.parse(text), let user = try await UserModel.find(id, on: database.db), !user.disabled,
              let role = Role(rawValue: user.role), PermissionTable.allows(role, .decideCases)
        else {
            throw CaseActionError(kind: .invalid, code: "unknown_assignee", id: "Petugas tidak dikenal atau tidak boleh memutus kasus.",
                                  en: "Unknown assignee, or one whose role may not decide cases.")
        }
        return Assignee(id: id, email: user.email)
    }

    /// Everyone a case can be assigned to.
    func assignees() async throws -> [Assignee] {
        let roles = PermissionTable.allowed[.decideCases].map { Array($0).map(\.rawValue) } ?? []
        return try await UserModel.query(on: database.db).filter(\.$role ~~ roles).filter(\.$disabled == false).sort(\.$email).all()
            .map { Assignee(id: $0.id!, email: $0.email) }
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
            for model in try await ledger.lock(ids, on: db) {
                let highImpact = DecisionRules.isHighImpact(kind: SubjectKind(rawValue: model.subjectKind) ?? .url, marked: model.highImpact)
                let checked: CheckedDecision
                switch DecisionRules.check(input, knownCategories: Set(categories.slugs), knownLegalBases: knownBases, highImpact: highImpact,
                                           subject: model.subject) {
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
                let (from, to) = try model.move(by: transition)
                let decision = DecisionModel()
                decision.id = OrderedID.make(at: now)
                decision.caseID = model.id!
                decision.verdict = checked.verdict.rawValue
                decision.categoryID = checked.category.isEmpty ? model.categoryID : checked.category
                decision.legalBases = checked.legalBases.joined(separator: ",")
                decision.statement = checked.statement
                decision.publicReason = checked.publicReason
                // A case monitoring brought in was detected automatically, whoever decides it.
                let foundByMonitoring = try await ReportModel.query(on: db).filter(\.$caseID == model.id!)
                    .filter(\.$channel == ReportChannel.monitoring.rawValue).first() != nil
                decision.automatedDetection = checked.automatedDetection || foundByMonitoring
                decision.automatedDecision = checked.automatedDecision
                decision.action = checked.action.rawValue
                decision.needsApproval = checked.needsApproval
                decision.state = (checked.needsApproval ? DecisionState.pending : .final).rawValue
                decision.decidedBy = actor.userID
                decision.decidedByEmail = actor.email
                decision.decidedAt = now
                try await decision.create(on: db)

                if to == .decided {
                    model.verdict = checked.verdict.rawValue
                    model.decidedAt = now
                    try await appeals.resolve(of: model, verdict: checked.verdict, at: now, on: db)
                }
                if checked.verdict == .violating, model.categoryID != decision.categoryID { model.categoryID = decision.categoryID }
                let kind: CaseEventKind = switch transition {
                case .requestInformation: .informationRequested
                case .proposeDecision: .decisionProposed
                default: .decisionMade
                }
                try await ledger.append(kind, to: model, actor: actor.actor, payload: decisionPayload(decision, from: from, to: to), at: now, on: db)
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
        if let refusal = FourEyes.checkReason(.decision, approve: approve, reason: reason) { throw CaseActionError.review(refusal) }
        let now = clock.now()
        return try await write { db in
            guard let decision = try await DecisionModel.find(id, on: db) else {
                throw CaseActionError(kind: .notFound, code: "decision_not_found", id: "Putusan tidak ditemukan.", en: "Decision not found.")
            }
            if let refusal = FourEyes.check(.decision, approve: approve, reason: reason, awaitingReview: decision.decisionState.isAwaitingReview,
                                            proposedBy: decision.decidedBy, reviewer: actor.userID) {
                throw CaseActionError.review(refusal)
            }
            let model = try await ledger.lock(decision.caseID, on: db)
            let (from, to) = try model.move(by: approve ? .approve : .reject)
            decision.state = DecisionState.afterReview(approve: approve).rawValue
            decision.reviewedBy = actor.userID
            decision.reviewedByEmail = actor.email
            decision.reviewedAt = now
            decision.reviewReason = reason
            try await decision.save(on: db)
            if approve {
                model.verdict = decision.verdict
                model.decidedAt = now
                try await appeals.resolve(of: model, verdict: decision.decisionVerdict, at: now, on: db)
            }
            try await ledger.append(approve ? .decisionApproved : .decisionRejected, to: model, actor: actor.actor,
                                    payload: ["decision_id": UUIDText.lower(id), "decided_by": decision.decidedByEmail, "reason": reason,
                                              "status_from": from.rawValue, "status_to": to.rawValue], at: now, on: db)
            if approve { try await actOn(decision, case: model, at: now, on: db) }
            try await model.save(on: db)
            return to
        }
    }

    /// A decision in force sets the case's follow-up in motion, in the
    /// decision's own transaction: its order item follows the decision
    /// (added, put back to the platform, or withdrawn), and its block too (a
    /// "violating → network block" decision proposes blocking the subject's
    /// domain or app; another withdraws a block still pending for it).
    private func actOn(_ decision: DecisionModel, case model: CaseModel, at now: Date, on db: any Database) async throws {
        try await orders.follow(decision, case: model, ledger: ledger, at: now, on: db)
        do {
            try await blocklist.follow(decision, case: model, ledger: ledger, at: now, on: db)
        } catch let refusal as BlockActionError {
            // Refused as the decision's own refusal, beside its field: the case pages show it.
            throw CaseActionError(kind: refusal.kind, code: refusal.code, id: refusal.id, en: refusal.en,
                                  problems: [DecisionProblem(field: refusal.field ?? "action", id: refusal.id, en: refusal.en)])
        }
    }

    func activeLegalBasisCodes() async throws -> Set<String> {
        Set(try await LegalBasisModel.query(on: database.db).filter(\.$active == true).all().compactMap(\.id))
    }

    /// The legal bases decisions may cite (`activeOnly`) or all of them, in their order.
    func legalBases(activeOnly: Bool) async throws -> [LegalBasisRow] {
        var query = LegalBasisModel.query(on: database.db)
        if activeOnly { query = query.filter(\.$active == true) }
        return try await query.sort(\.$position).all().map(LegalBasisRow.init)
    }

    /// Adds or changes one legal basis (by code); every change is an audit event.
    func saveLegalBasis(code: String, title: String, article: String, active: Bool, by actor: Identity, from address: String) async throws {
        let now = clock.now()
        try await database.db.transaction { db in
            let existing = try await LegalBasisModel.find(code, on: db)
            let model = existing ?? LegalBasisModel()
            if existing == nil {
                model.id = code
                model.position = (try await LegalBasisModel.query(on: db).max(\.$position) ?? -1) + 1
            }
            model.title = title
            model.article = article
            model.active = active
            try await model.save(on: db)
            try await AccountService.audit(existing == nil ? "legal_basis_added" : "legal_basis_changed", actor: actor.actor,
                                           target: "legal_basis:" + code, address: address,
                                           payload: ["title": title, "article": article, "active": String(active)], at: now, on: db)
        }
    }

    /// The case a decision belongs to.
    func caseID(ofDecision id: UUID) async throws -> UUID? {
        try await DecisionModel.find(id, on: database.db)?.caseID
    }

    /// A report's contact, opened for someone allowed to see it; every view
    /// is an audit event (who, which report, from where). Nil: the report is
    /// not the case's, or left no contact.
    func reporterContact(case id: UUID, report reportID: UUID, for actor: Identity, from address: String) async throws -> (ticket: String, contact: ReporterContact)? {
        guard let report = try await ReportModel.find(reportID, on: database.db), report.caseID == id, let sealed = report.reporterContact else { return nil }
        let contact = try contactCipher.open(sealed)
        try await AccountService.audit("reporter_contact_viewed", actor: actor.actor, target: "report:" + report.ticket, address: address,
                                       payload: ["case_id": UUIDText.lower(id)], at: clock.now(), on: database.db)
        return (report.ticket, contact)
    }

    // MARK: Comments

    func comment(on id: UUID, body: String, pinned: Bool, by actor: Identity) async throws {
        let text = try CaseActionError.requiredText(body, minimum: 1, field: "body")
        let now = clock.now()
        try await write { db in
            let model = try await ledger.lock(id, on: db)
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
            try await ledger.append(.commentAdded, to: model, actor: actor.actor,
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
            let model = try await ledger.lock(comment.caseID, on: db)
            comment.pinned = pinned
            try await comment.save(on: db)
            try await ledger.append(pinned ? .commentPinned : .commentUnpinned, to: model, actor: actor.actor,
                                    payload: ["comment_id": UUIDText.lower(id)], at: now, on: db)
            try await model.save(on: db)
            return comment.caseID
        }
    }

    // MARK: Appeals

    /// Files an appeal against the case's latest decision and reopens the
    /// case for a different analyst.
    func fileAppeal(caseID: UUID, reason: String, contact: ReporterContact?, actor: String) async throws -> AppealService.Filed {
        // The form first, as before anything is read.
        _ = try CaseActionError.requiredText(reason, minimum: AppealRules.minimumReasonLength, field: "reason")
        let now = clock.now()
        return try await write { db in
            let model = try await ledger.lock(caseID, on: db)
            return try await appeals.file(source: .affectedPerson, platform: nil, reason: reason, contact: contact, actor: actor,
                                          at: now, lockedCase: model, on: db)
        }
    }
}
