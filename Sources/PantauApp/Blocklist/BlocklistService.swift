import FluentKit
import Foundation
import PantauCore
import SQLKit

/// A refusal of a blocklist action, in both languages.
struct BlockActionError: ServiceRefusal, CustomStringConvertible {
    typealias Kind = RefusalKind
    let kind: Kind
    let code: String
    let id: String
    let en: String
    var field: String?
    var description: String { en }
    var refusedField: String? { field }

    static func review(_ refusal: FourEyesRefusal) -> BlockActionError {
        BlockActionError(kind: RefusalKind(refusal.reason), code: refusal.code, id: refusal.message.id, en: refusal.message.en, field: refusal.field)
    }
}

/// What a block proposal asks for.
struct BlockRequest: Sendable {
    /// Names as people wrote them: `judi.example`, `*.tiktok.com` (the name
    /// and all its subdomains), `203.0.113.7`, `198.51.100.0/24`.
    var names: [String]
    var action: BlockAction = .nxdomain
    var reason: String
    var legalBases: [String]
    var caseIDs: [UUID] = []
    var sanctionID: UUID?
    /// An app: a named set of domains blocked and lifted together.
    var appSlug: String?
    var appName: String?
    var effectiveAt: Date?
    var until: Date?
}

/// Blocks, the allow-list and normalisation (*normalisasi*): every block and
/// every lift is a proposal a supervisor other than the proposer approves;
/// approved changes are published under a new serial, each added or removed
/// name recorded with it, so ISPs can fetch just the changes.
struct BlocklistService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    let normalizer: BlockNameNormalizer
    /// The in-memory copy the checks read, refreshed after each publication.
    let memory: BlocklistMemory
    /// The base and recent zones' names, in the two-zone mode (their serials are not the list's).
    var splitZones: (base: String, recent: String)?

    /// The serial each zone the DNS primary serves is at now: the list's,
    /// the base's, or recent's (the list's plus the compactions ended).
    func zoneSerials() async throws -> (list: Int64, of: @Sendable (String) -> Int64) {
        let latest = try await currentSerial()
        guard let splitZones, let bases = try await SplitState.stored(on: database) else { return (latest, { _ in latest }) }
        let recent = Int64(bases.recentSerial(latest: latest))
        return (latest, { zone in zone == splitZones.base ? bases.served : zone == splitZones.recent ? recent : latest })
    }

    init(database: PantauDatabase, clock: any PantauClock, normalizer: BlockNameNormalizer) {
        self.database = database
        self.clock = clock
        self.normalizer = normalizer
        memory = BlocklistMemory(database: database)
    }

    static let minimumReasonLength = 20

    /// Blocks tell the cases they act for (proposed, approved, lifted).
    var ledger: CaseLedger { CaseLedger(database: database) }

    // MARK: Events

    static func event(_ kind: BlockEventKind, entry: UUID? = nil, app: UUID? = nil, proposal: UUID? = nil, actor: String,
                      payload: [String: String], at now: Date, on db: any Database) async throws {
        let event = BlockEventModel()
        event.id = OrderedID.make(at: now)
        event.entryID = entry
        event.appID = app
        event.proposalID = proposal
        event.kind = kind.rawValue
        event.actor = actor
        event.occurredAt = now
        event.payload = canonicalJSON(payload)
        try await event.create(on: db)
    }

    // MARK: Allow-list

    /// Whether an allow-list entry covers `name` (the name itself, or a parent
    /// whose subdomains are allowed).
    static func allowCovering(_ name: String, on db: any Database) async throws -> AllowEntryModel? {
        let candidates = Self.selfAndParents(name)
        let rows = try await AllowEntryModel.query(on: db).filter(\.$name ~~ candidates).filter(\.$removedAt == nil).all()
        return rows.first { $0.name == name } ?? rows.filter(\.isSubdomains).max { $0.name.count < $1.name.count }
    }

    static func selfAndParents(_ name: String) -> [String] {
        var out: [String] = [name]
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            out.append(String(rest))
        }
        return out
    }

    func addAllow(_ raw: String, reason: String, by actor: Identity) async throws -> AllowEntryModel {
        let reason = try requireReason(reason)
        guard case .success(.domain(let name, let subdomains)) = normalizer.normalize(raw) else {
            throw invalidName(raw)
        }
        let now = clock.now()
        return try await publishing(note: "allow-list: \(name)", actor: actor.actor) { db, changes in
            let kind: BlockEntryKind = subdomains ? .subdomains : .domain
            if try await AllowEntryModel.query(on: db).filter(\.$name == name).filter(\.$kind == kind.rawValue)
                .filter(\.$removedAt == nil).first() != nil {
                throw BlockActionError(kind: .conflict, code: "already_allowed", id: "Nama ini sudah ada di daftar izin.", en: "This name is on the allow-list already.")
            }
            let entry = AllowEntryModel()
            entry.id = OrderedID.make(at: now)
            entry.kind = kind.rawValue
            entry.name = name
            entry.sortKey = BlockSortKey.of(name)
            entry.reason = reason
            entry.addedByEmail = actor.email
            entry.addedAt = now
            try await entry.create(on: db)
            changes.append(.init(op: "add", kind: entry.kind, name: name, action: BlockAction.nxdomain.rawValue, allow: true))
            try await Self.event(.allowAdded, entry: entry.id, actor: actor.actor, payload: ["name": name, "kind": entry.kind, "reason": reason],
                                 at: now, on: db)
            return entry
        }
    }

    func removeAllow(_ id: UUID, by actor: Identity) async throws {
        let now = clock.now()
        try await publishing(note: "allow-list removal", actor: actor.actor) { db, changes in
            guard let entry = try await AllowEntryModel.find(id, on: db), entry.removedAt == nil else {
                throw BlockActionError(kind: .notFound, code: "allow_not_found", id: "Entri daftar izin tidak ditemukan.", en: "Allow-list entry not found.")
            }
            entry.removedAt = now
            try await entry.save(on: db)
            changes.append(.init(op: "remove", kind: entry.kind, name: entry.name, action: BlockAction.nxdomain.rawValue, allow: true))
            try await Self.event(.allowRemoved, entry: entry.id, actor: actor.actor, payload: ["name": entry.name], at: now, on: db)
        }
    }

    // MARK: Proposals

    /// A block request whose form has been checked: names normalised and
    /// de-duplicated, reason, legal bases and times in order.
    struct CheckedBlock: Sendable {
        let targets: [(kind: BlockEntryKind, name: String)]
        let action: BlockAction
        let reason: String
        let legalBases: [String]
        let sanctionID: UUID?
        let app: (slug: String, name: String)?
        let effectiveAt: Date
        let until: Date?
    }

    /// Who proposes: a staff member now, or the analyst of a decision.
    struct Proposer: Sendable {
        let userID: UUID
        let email: String
        var actor: String { "user:\(email)" }
    }

    /// Proposes blocking names (or an app). Every name is normalised; names
    /// the allow-list covers, names blocked already, and junk are refused
    /// with the line and the reason; cited cases must exist and hear of it.
    /// Nothing takes effect before a second person approves it.
    func proposeBlock(_ request: BlockRequest, by actor: Identity) async throws -> BlockProposalModel {
        let checked = try await check(request)
        let now = clock.now()
        let ledger = ledger
        return try await database.writeTransaction { db in
            let proposal = try await propose(checked, by: Proposer(userID: actor.userID, email: actor.email), citing: request.caseIDs, at: now, on: db)
            try await ledger.record(.blockProposed, on: request.caseIDs, actor: actor.actor,
                                    payload: Self.proposalPayload(proposal, names: checked.targets), at: now, on: db)
            return proposal
        }
    }

    /// Checks a block request before anything is read or written.
    private func check(_ request: BlockRequest) async throws -> CheckedBlock {
        let reason = try requireReason(request.reason)
        guard !request.legalBases.isEmpty else {
            throw BlockActionError(kind: .invalid, code: "legal_basis_required", id: "Pilih minimal satu dasar hukum.",
                                   en: "Choose at least one legal basis.", field: "legal_bases")
        }
        let known = Set(try await LegalBasisModel.query(on: database.db).filter(\.$active == true).all().compactMap(\.id))
        if let unknown = request.legalBases.first(where: { !known.contains($0) }) {
            throw BlockActionError(kind: .invalid, code: "unknown_legal_basis", id: "Dasar hukum tidak dikenal: \(unknown).",
                                   en: "Unknown legal basis: \(unknown).", field: "legal_bases")
        }
        var targets: [(kind: BlockEntryKind, name: String)] = []
        var seen: Set<String> = []
        for (index, raw) in request.names.enumerated() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch normalizer.normalize(raw) {
            case .success(let target):
                let name = switch target {
                case .domain(let name, _): name
                case .ip(let ip): ip
                }
                let kind = BlockEntryKind(target)
                if seen.insert(kind.rawValue + " " + name).inserted { targets.append((kind, name)) }
            case .failure(let problem):
                throw BlockActionError(kind: .invalid, code: "invalid_name",
                                       id: "Baris \(index + 1) (“\(raw)”): \(problem.message.id)", en: "Line \(index + 1) ('\(raw)'): \(problem.message.en)",
                                       field: "names")
            }
        }
        guard !targets.isEmpty, targets.count <= 10_000 else {
            throw BlockActionError(kind: .invalid, code: "names_required", id: "Isi 1–10.000 nama domain atau IP.",
                                   en: "Give 1 to 10,000 domain names or IP addresses.", field: "names")
        }
        var app: (slug: String, name: String)?
        if request.appSlug != nil || request.appName != nil {
            guard let slug = request.appSlug, Self.isSlug(slug), let name = request.appName?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw BlockActionError(kind: .invalid, code: "invalid_app", id: "Aplikasi perlu slug (huruf kecil, angka, tanda hubung) dan nama.",
                                       en: "An app needs a slug (lower case, digits, hyphens) and a name.", field: "app")
            }
            app = (slug, name)
        }
        let effective = request.effectiveAt ?? clock.now()
        if let until = request.until, until <= effective {
            throw BlockActionError(kind: .invalid, code: "until_before_start", id: "Akhir pemblokiran harus setelah mulainya.",
                                   en: "'until' must be after the block takes effect.", field: "until")
        }
        let cited = Set(request.caseIDs)
        if !cited.isEmpty {
            let found = try await CaseModel.query(on: database.db).filter(\.$id ~~ Array(cited)).count()
            guard found == cited.count else {
                throw BlockActionError(kind: .invalid, code: "unknown_case", id: "Kasus yang dikutip tidak ditemukan.",
                                       en: "A cited case does not exist.", field: "case_ids")
            }
        }
        return CheckedBlock(targets: targets, action: request.action, reason: reason, legalBases: request.legalBases,
                            sanctionID: request.sanctionID, app: app, effectiveAt: effective, until: request.until)
    }

    /// Writes a checked proposal and its entries in the caller's transaction,
    /// linked to the cases it acts for.
    private func propose(_ checked: CheckedBlock, by proposer: Proposer, citing caseIDs: [UUID], at now: Date,
                         on db: any Database) async throws -> BlockProposalModel {
        let targets = checked.targets
        for target in targets where target.kind != .ip {
            if let allow = try await Self.allowCovering(target.name, on: db) {
                throw BlockActionError(kind: .conflict, code: "allow_listed",
                                       id: "“\(target.name)” ada di daftar izin (\(allow.name): \(allow.reason)); tidak boleh diblokir.",
                                       en: "'\(target.name)' is on the allow-list (\(allow.name): \(allow.reason)); it cannot be blocked.", field: "names")
            }
        }
        if let clash = try await liveEntries(targets, on: db).first {
            let blocked = clash.entryState == .active
            throw BlockActionError(kind: .conflict, code: "already_listed",
                                   id: "“\(clash.name)” sudah \(blocked ? "diblokir" : "diusulkan").",
                                   en: "'\(clash.name)' is \(blocked ? "blocked" : "proposed") already.", field: "names")
        }
        var appID: UUID?
        if let requested = checked.app {
            if let app = try await BlockAppModel.query(on: db).filter(\.$slug == requested.slug).first() {
                appID = app.id
            } else {
                let app = BlockAppModel()
                app.id = OrderedID.make(at: now)
                app.slug = requested.slug
                app.name = requested.name
                app.description = ""
                app.createdAt = now
                try await app.create(on: db)
                appID = app.id
            }
        }
        let proposal = Self.newProposal(.block, appID: appID, reason: checked.reason, effectiveAt: checked.effectiveAt, by: proposer, at: now)
        proposal.legalBases = checked.legalBases.joined(separator: ",")
        proposal.caseIDs = caseIDs.map(UUIDText.lower).joined(separator: ",")
        proposal.sanctionID = checked.sanctionID
        proposal.untilAt = checked.until
        try await proposal.create(on: db)
        for target in targets {
            let entry = BlockEntryModel()
            entry.id = OrderedID.make(at: now)
            entry.kind = target.kind.rawValue
            entry.name = target.name
            entry.sortKey = Self.sortKey(target)
            entry.action = checked.action.rawValue
            entry.state = BlockEntryState.proposed.rawValue
            entry.appID = appID
            entry.proposalID = proposal.id
            entry.reason = checked.reason
            entry.legalBases = proposal.legalBases
            entry.source = "proposal"
            entry.effectiveFrom = checked.effectiveAt
            entry.effectiveUntil = checked.until
            entry.createdAt = now
            try await entry.create(on: db)
        }
        try await link(Set(caseIDs), to: proposal.id!, at: now, on: db)
        try await Self.event(.blockProposed, app: appID, proposal: proposal.id, actor: proposer.actor, payload: [
            "proposal": proposal.number, "names": targets.map { $0.kind.written($0.name) }.joined(separator: " "),
            "action": checked.action.rawValue, "reason": checked.reason, "legal_bases": proposal.legalBases,
            "effective_at": isoTimestamp(checked.effectiveAt),
        ], at: now, on: db)
        return proposal
    }

    /// A case's decision in force, in its own transaction on its locked
    /// case: a "violating → network block" decision proposes its block
    /// (`proposeForDecision`); any other withdraws the pending proposals
    /// made for this case alone (`BlockProposalState.afterNewDecision`). An
    /// approved block stays: lifting it is a normalisation under four eyes.
    func follow(_ decision: DecisionModel, case model: CaseModel, ledger: CaseLedger, at now: Date, on db: any Database) async throws {
        let blocksAgain = decision.decisionVerdict == .violating && decision.proposedAction == .networkBlock
        if blocksAgain {
            try await proposeForDecision(decision, case: model, ledger: ledger, at: now, on: db)
            return
        }
        let linked = try await BlockProposalCaseModel.query(on: db).filter(\.$caseID == model.id!).all().map(\.proposalID)
        guard !linked.isEmpty else { return }
        for proposal in try await BlockProposalModel.query(on: db).filter(\.$id ~~ linked).all() {
            guard let next = BlockProposalState.afterNewDecision(proposal.proposalState, blocksAgain: false),
                  try await BlockProposalCaseModel.query(on: db).filter(\.$proposalID == proposal.id!).count() == 1 else { continue }
            proposal.state = next.rawValue
            try await proposal.save(on: db)
            var changes: [BlocklistChange] = []
            for entry in try await BlockEntryModel.query(on: db).filter(\.$proposalID == proposal.id!).all() {
                try await move(entry, by: .reject, at: now, actor: "system:blocklist", changes: &changes, on: db)
            }
            let payload = ["proposal": proposal.number, "proposal_id": UUIDText.lower(proposal.id!), "decision_id": UUIDText.lower(decision.id!)]
            try await Self.event(.blockWithdrawn, app: proposal.appID, proposal: proposal.id, actor: "system:blocklist", payload: payload, at: now, on: db)
            try await ledger.append(.blockWithdrawn, to: model, actor: "system:blocklist", payload: payload, at: now, on: db)
        }
    }

    /// A "violating → network block" decision in force, in its own
    /// transaction on its locked case: proposes blocking the subject's
    /// domain, or its platform's app (`NetworkBlockTarget`), as a pending
    /// proposal of the analyst who decided, citing the case, for a second
    /// person to review. Names already on the list are not proposed again:
    /// the case is linked to the proposals that listed them. Names on the
    /// allow-list are left out; when nothing is left, the decision is
    /// refused (nothing is written).
    private func proposeForDecision(_ decision: DecisionModel, case model: CaseModel, ledger: CaseLedger, at now: Date,
                                    on db: any Database) async throws {
        guard let target = model.subject.flatMap(NetworkBlockTarget.of), case let targetEntries = target.entries(normalizer: normalizer),
              !targetEntries.isEmpty else {
            throw BlockActionError(kind: .invalid, code: "not_blockable", id: "Subjek ini tidak dapat diblokir di tingkat jaringan.",
                                   en: "This subject cannot be blocked at network level.", field: "action")
        }
        var fresh: [(kind: BlockEntryKind, name: String)] = []
        var allowListed: [String] = []
        for candidate in targetEntries {
            if candidate.kind != .ip, try await Self.allowCovering(candidate.name, on: db) != nil {
                allowListed.append(candidate.kind.written(candidate.name))
            } else {
                fresh.append(candidate)
            }
        }
        let listed = try await liveEntries(fresh, on: db)
        fresh.removeAll { candidate in listed.contains { $0.entryKind == candidate.kind && $0.name == candidate.name } }
        guard !fresh.isEmpty || !listed.isEmpty else {
            throw BlockActionError(kind: .conflict, code: "allow_listed",
                                   id: "Semua nama yang akan diblokir ada di daftar izin (\(allowListed.joined(separator: ", "))); pilih tindakan lain.",
                                   en: "Every name to block is on the allow-list (\(allowListed.joined(separator: ", "))); choose another action.",
                                   field: "action")
        }
        let caseID = model.id!
        if !fresh.isEmpty {
            let app: (slug: String, name: String)? = if case .app(let slug, let name, _) = target { (slug, name) } else { nil }
            let publicReason = decision.publicReason.trimmingCharacters(in: .whitespacesAndNewlines)
            let checked = CheckedBlock(targets: fresh, action: .nxdomain,
                                       reason: publicReason.count >= Self.minimumReasonLength ? publicReason : decision.statement,
                                       legalBases: decision.legalBasisCodes, sanctionID: nil, app: app, effectiveAt: now, until: nil)
            let proposal = try await propose(checked, by: Proposer(userID: decision.decidedBy, email: decision.decidedByEmail),
                                             citing: [caseID], at: now, on: db)
            var payload = Self.proposalPayload(proposal, names: fresh)
            payload["decision_id"] = UUIDText.lower(decision.id!)
            if !allowListed.isEmpty { payload["allow_listed"] = allowListed.joined(separator: " ") }
            try await ledger.append(.blockProposed, to: model, actor: "system:blocklist", payload: payload, at: now, on: db)
        }
        if !listed.isEmpty {
            let proposalIDs = Set(listed.compactMap(\.proposalID))
            try await link([caseID], toEach: proposalIDs, at: now, on: db)
            let numbers = try await BlockProposalModel.query(on: db).filter(\.$id ~~ Array(proposalIDs)).all().map(\.number).sorted()
            try await ledger.append(.blockAlreadyListed, to: model, actor: "system:blocklist", payload: [
                "names": listed.map(\.writtenName).sorted().joined(separator: " "), "proposals": numbers.joined(separator: " "),
                "decision_id": UUIDText.lower(decision.id!),
            ], at: now, on: db)
        }
    }

    /// Live (proposed, scheduled or active) entries with exactly these kinds and names.
    private func liveEntries(_ targets: [(kind: BlockEntryKind, name: String)], on db: any Database) async throws -> [BlockEntryModel] {
        guard !targets.isEmpty else { return [] }
        let live = try await BlockEntryModel.query(on: db).filter(\.$sortKey ~~ targets.map(Self.sortKey)).live().all()
        return live.filter { entry in targets.contains { $0.kind == entry.entryKind && $0.name == entry.name } }
    }

    private static func sortKey(_ target: (kind: BlockEntryKind, name: String)) -> String {
        target.kind == .ip ? target.name : BlockSortKey.of(target.name)
    }

    /// A pending proposal of `kind`, numbered `BLK-…` or `NRM-…` (not yet stored).
    private static func newProposal(_ kind: BlockProposalKind, appID: UUID?, reason: String, effectiveAt: Date, by proposer: Proposer,
                                    at now: Date) -> BlockProposalModel {
        let proposal = BlockProposalModel()
        let id = OrderedID.make(at: now)
        proposal.id = id
        proposal.number = kind.numberPrefix + "-" + TicketNumber.dayStamp(now) + "-" + String(UUIDText.lower(id).suffix(6)).uppercased()
        proposal.kind = kind.rawValue
        proposal.state = BlockProposalState.pending.rawValue
        proposal.appID = appID
        proposal.reason = reason
        proposal.legalBases = ""
        proposal.caseIDs = ""
        proposal.effectiveAt = effectiveAt
        proposal.proposedBy = proposer.userID
        proposal.proposedByEmail = proposer.email
        proposal.proposedAt = now
        return proposal
    }

    private static func proposalPayload(_ proposal: BlockProposalModel, names: [(kind: BlockEntryKind, name: String)]) -> [String: String] {
        ["proposal": proposal.number, "proposal_id": UUIDText.lower(proposal.id!),
         "names": names.map { $0.kind.written($0.name) }.joined(separator: " ")]
    }

    /// Links cases to a proposal (once each).
    private func link(_ caseIDs: Set<UUID>, to proposal: UUID, at now: Date, on db: any Database) async throws {
        try await link(caseIDs, toEach: [proposal], at: now, on: db)
    }

    private func link(_ caseIDs: Set<UUID>, toEach proposals: Set<UUID>, at now: Date, on db: any Database) async throws {
        guard !caseIDs.isEmpty, !proposals.isEmpty else { return }
        let existing = try await BlockProposalCaseModel.query(on: db).filter(\.$proposalID ~~ Array(proposals))
            .filter(\.$caseID ~~ Array(caseIDs)).all()
        for proposal in proposals {
            for caseID in caseIDs where !existing.contains(where: { $0.proposalID == proposal && $0.caseID == caseID }) {
                let row = BlockProposalCaseModel()
                row.id = OrderedID.make(at: now)
                row.proposalID = proposal
                row.caseID = caseID
                row.linkedAt = now
                try await row.create(on: db)
            }
        }
    }

    /// Tells the cases linked to these proposals what happened to their block.
    private func tellCases(of proposals: Set<UUID>, _ kind: CaseEventKind, actor: String, payload: [String: String], at now: Date,
                           on db: any Database) async throws {
        guard !proposals.isEmpty else { return }
        let linked = Set(try await BlockProposalCaseModel.query(on: db).filter(\.$proposalID ~~ Array(proposals)).all().map(\.caseID))
        guard !linked.isEmpty else { return }
        // Only cases that exist: a proposal made before citations were checked may name others.
        let existing = try await CaseModel.query(on: db).filter(\.$id ~~ Array(linked)).all().compactMap(\.id)
        try await ledger.record(kind, on: existing, actor: actor, payload: payload, at: now, on: db)
    }

    /// Proposes lifting (normalising) active entries — an app's, or the
    /// given ones — with the conditions and commitments that justify it.
    func proposeLift(appSlug: String?, entryIDs: [UUID], conditions: String, effectiveAt: Date?, by actor: Identity) async throws -> BlockProposalModel {
        let conditions = conditions.trimmingCharacters(in: .whitespacesAndNewlines)
        guard conditions.count >= Self.minimumReasonLength, conditions.count <= 8000 else {
            throw BlockActionError(kind: .invalid, code: "conditions_required",
                                   id: "Tuliskan syarat dan komitmen normalisasi (minimal \(Self.minimumReasonLength) karakter).",
                                   en: "Write the conditions and commitments of the normalisation (at least \(Self.minimumReasonLength) characters).",
                                   field: "conditions")
        }
        let now = clock.now()
        let liftable = BlockEntryState.liftable.map(\.rawValue)
        return try await database.writeTransaction { db in
            var appID: UUID?
            var entries: [BlockEntryModel]
            if let appSlug {
                guard let app = try await BlockAppModel.query(on: db).filter(\.$slug == appSlug).first() else {
                    throw BlockActionError(kind: .notFound, code: "app_not_found", id: "Aplikasi tidak ditemukan.", en: "App not found.", field: "app")
                }
                appID = app.id
                entries = try await BlockEntryModel.query(on: db).filter(\.$appID == app.id!).filter(\.$state ~~ liftable).all()
            } else {
                entries = try await BlockEntryModel.query(on: db).filter(\.$id ~~ entryIDs).filter(\.$state ~~ liftable).all()
            }
            guard !entries.isEmpty else {
                throw BlockActionError(kind: .conflict, code: "nothing_to_lift", id: "Tidak ada pemblokiran aktif untuk dinormalisasi.",
                                       en: "There is no active block to lift.")
            }
            if entries.contains(where: { $0.liftProposalID != nil }) {
                throw BlockActionError(kind: .conflict, code: "lift_pending", id: "Normalisasi untuk pemblokiran ini sudah diusulkan.",
                                       en: "A lift of these blocks is proposed already.")
            }
            let proposal = Self.newProposal(.lift, appID: appID, reason: conditions, effectiveAt: effectiveAt ?? now,
                                            by: Proposer(userID: actor.userID, email: actor.email), at: now)
            proposal.conditions = conditions
            try await proposal.create(on: db)
            for entry in entries {
                entry.liftProposalID = proposal.id
                try await entry.save(on: db)
            }
            try await Self.event(.liftProposed, app: appID, proposal: proposal.id, actor: actor.actor, payload: [
                "proposal": proposal.number, "entries": String(entries.count), "conditions": conditions,
                "effective_at": isoTimestamp(proposal.effectiveAt),
            ], at: now, on: db)
            return proposal
        }
    }

    /// A supervisor other than the proposer approves or rejects a proposal
    /// (`FourEyes`). An approved block takes effect at its time (published at
    /// once when that is now); an approved lift removes the entries from the
    /// list. The cases the proposal acts for hear of it.
    func review(_ id: UUID, approve: Bool, reason: String, by actor: Identity) async throws -> BlockProposalModel {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if let refusal = FourEyes.checkReason(.proposal, approve: approve, reason: reason) { throw BlockActionError.review(refusal) }
        let now = clock.now()
        return try await publishing(note: "proposal review", actor: actor.actor) { db, changes in
            guard let proposal = try await BlockProposalModel.find(id, on: db) else {
                throw BlockActionError(kind: .notFound, code: "proposal_not_found", id: "Usulan tidak ditemukan.", en: "Proposal not found.")
            }
            if let refusal = FourEyes.check(.proposal, approve: approve, reason: reason, awaitingReview: proposal.proposalState.isAwaitingReview,
                                            proposedBy: proposal.proposedBy, reviewer: actor.userID) {
                throw BlockActionError.review(refusal)
            }
            proposal.state = BlockProposalState.afterReview(approve: approve).rawValue
            proposal.reviewedByEmail = actor.email
            proposal.reviewedAt = now
            proposal.reviewReason = reason.isEmpty ? nil : reason
            try await proposal.save(on: db)
            try await Self.event(.reviewed(proposal.proposalKind, approve: approve), app: proposal.appID, proposal: proposal.id, actor: actor.actor,
                                 payload: ["proposal": proposal.number, "proposed_by": proposal.proposedByEmail, "reason": reason], at: now, on: db)
            switch proposal.proposalKind {
            case .lift:
                var lifted: [BlockEntryModel] = []
                for entry in try await BlockEntryModel.query(on: db).filter(\.$liftProposalID == proposal.id!).all() {
                    if !approve {
                        entry.liftProposalID = nil
                        try await entry.save(on: db)
                    } else if proposal.effectiveAt <= now, try await lift(entry, proposal: proposal, at: now, changes: &changes, on: db) {
                        lifted.append(entry)
                    }
                }
                try await tellCasesOfLift(lifted, proposal: proposal, at: now, on: db)
            case .block:
                for entry in try await BlockEntryModel.query(on: db).filter(\.$proposalID == proposal.id!).all() {
                    let transition = approve ? BlockEntryLifecycle.approval(effectiveFrom: entry.effectiveFrom, now: now) : .reject
                    try await move(entry, by: transition, at: now, actor: actor.actor, changes: &changes, on: db)
                }
                try await tellCases(of: [proposal.id!], approve ? .blockApproved : .blockRejected, actor: actor.actor,
                                    payload: ["proposal": proposal.number, "proposal_id": UUIDText.lower(proposal.id!), "reason": reason],
                                    at: now, on: db)
            }
            return proposal
        }
    }

    /// Moves an entry by a transition of its lifecycle, publishing what
    /// changes the list and recording an event.
    private func move(_ entry: BlockEntryModel, by transition: BlockEntryTransition, at now: Date, actor: String,
                      changes: inout [BlocklistChange], on db: any Database) async throws {
        let to: BlockEntryState
        do {
            to = try BlockEntryLifecycle.apply(transition, to: entry.entryState)
        } catch {
            throw BlockActionError(kind: .conflict, code: "transition_not_allowed", id: "Entri ini tidak dapat diubah begitu.", en: error.description)
        }
        entry.state = to.rawValue
        switch to {
        case .active:
            entry.activatedAt = now
            try await entry.save(on: db)
            changes.append(.init(op: "add", kind: entry.kind, name: entry.name, action: entry.action, allow: false))
            try await Self.event(.blockActivated, entry: entry.id, app: entry.appID, proposal: entry.proposalID, actor: actor,
                                 payload: ["name": entry.name, "kind": entry.kind, "action": entry.action], at: now, on: db)
        case .scheduled:
            try await entry.save(on: db)
            try await Self.event(.blockScheduled, entry: entry.id, app: entry.appID, proposal: entry.proposalID, actor: actor,
                                 payload: ["name": entry.name, "effective_from": isoTimestamp(entry.effectiveFrom)], at: now, on: db)
        default:
            try await entry.save(on: db)
        }
    }

    /// Lifts an entry that can be lifted; returns whether it did.
    @discardableResult
    private func lift(_ entry: BlockEntryModel, proposal: BlockProposalModel?, at now: Date, changes: inout [BlocklistChange], on db: any Database) async throws -> Bool {
        let wasActive = entry.entryState == .active
        guard let to = try? BlockEntryLifecycle.apply(.lift, to: entry.entryState) else { return false }
        entry.state = to.rawValue
        entry.liftedAt = now
        try await entry.save(on: db)
        if wasActive { changes.append(.init(op: "remove", kind: entry.kind, name: entry.name, action: entry.action, allow: false)) }
        var payload = ["name": entry.name, "kind": entry.kind]
        if let proposal { payload["proposal"] = proposal.number; payload["conditions"] = proposal.conditions ?? "" }
        try await Self.event(.blockLifted, entry: entry.id, app: entry.appID, proposal: proposal?.id ?? entry.liftProposalID,
                             actor: proposal.map { "approved:" + ($0.reviewedByEmail ?? "") } ?? "system:schedule", payload: payload, at: now, on: db)
        return true
    }

    /// The cases behind lifted entries hear of the lift: the cases of each
    /// block proposal, of its own names.
    private func tellCasesOfLift(_ lifted: [BlockEntryModel], proposal: BlockProposalModel?, at now: Date, on db: any Database) async throws {
        for (blockProposal, entries) in Dictionary(grouping: lifted.filter { $0.proposalID != nil }, by: { $0.proposalID! }) {
            var payload = ["names": entries.map(\.writtenName).sorted().joined(separator: " ")]
            if let proposal { payload["proposal"] = proposal.number; payload["conditions"] = proposal.conditions ?? "" }
            try await tellCases(of: [blockProposal], .blockLifted,
                                actor: proposal.map { "approved:" + ($0.reviewedByEmail ?? "") } ?? "system:schedule", payload: payload, at: now, on: db)
        }
    }

    /// Takes scheduled changes into effect: blocks whose time has come, lifts
    /// approved for now, blocks past their end. Returns the serial
    /// published, if anything changed. The worker calls it.
    @discardableResult
    func applySchedule() async throws -> Int64? {
        let now = clock.now()
        let liftable = BlockEntryState.liftable.map(\.rawValue)
        // Two small reads through partial indexes: an idle worker polls this.
        let dueStart = try await BlockEntryModel.query(on: database.db).scheduled().filter(\.$effectiveFrom <= now).first()
        let dueEnd = dueStart != nil ? nil : try await BlockEntryModel.query(on: database.db).filter(\.$effectiveUntil != nil)
            .filter(\.$effectiveUntil <= now).filter(\.$state == BlockEntryState.active.rawValue).first()
        let due = dueStart ?? dueEnd
        let dueLifts = try await BlockProposalModel.query(on: database.db).filter(\.$kind == BlockProposalKind.lift.rawValue)
            .filter(\.$state == BlockProposalState.approved.rawValue).filter(\.$effectiveAt <= now).all()
        var dueLiftEntries: [UUID] = []
        for proposal in dueLifts {
            dueLiftEntries += try await BlockEntryModel.query(on: database.db).filter(\.$liftProposalID == proposal.id!)
                .filter(\.$state ~~ liftable).all().compactMap(\.id)
        }
        let liftEntries = dueLiftEntries
        guard due != nil || !liftEntries.isEmpty else { return nil }
        let changed = try await publishing(note: "schedule", actor: "system:schedule") { db, changes -> Bool in
            for entry in try await BlockEntryModel.query(on: db).scheduled().filter(\.$effectiveFrom <= now).all() {
                try await move(entry, by: .activate, at: now, actor: "system:schedule", changes: &changes, on: db)
            }
            var endedEntries: [BlockEntryModel] = []
            for entry in try await BlockEntryModel.query(on: db).filter(\.$effectiveUntil != nil).filter(\.$effectiveUntil <= now)
                .filter(\.$state == BlockEntryState.active.rawValue).all() {
                if try await lift(entry, proposal: nil, at: now, changes: &changes, on: db) { endedEntries.append(entry) }
            }
            try await tellCasesOfLift(endedEntries, proposal: nil, at: now, on: db)
            var liftedBy: [UUID: (proposal: BlockProposalModel?, entries: [BlockEntryModel])] = [:]
            for id in liftEntries {
                guard let entry = try await BlockEntryModel.find(id, on: db), BlockEntryState.liftable.contains(entry.entryState) else { continue }
                let proposal = try await entry.liftProposalID.asyncFlatMap { try await BlockProposalModel.find($0, on: db) }
                if try await lift(entry, proposal: proposal, at: now, changes: &changes, on: db) {
                    liftedBy[entry.liftProposalID ?? id, default: (proposal, [])].entries.append(entry)
                }
            }
            for (_, group) in liftedBy { try await tellCasesOfLift(group.entries, proposal: group.proposal, at: now, on: db) }
            return !changes.isEmpty
        }
        return changed ? try await currentSerial() : nil
    }

    // MARK: Publication

    /// Runs `body` in one transaction; the changes it lists are published
    /// under the next serial in that same transaction (nothing is published
    /// when the list stays empty).
    @discardableResult
    func publishing<T: Sendable>(note: String, actor: String,
                                 _ body: @escaping @Sendable (any Database, inout [BlocklistChange]) async throws -> T) async throws -> T {
        let now = clock.now()
        let isSQLite = database.isSQLite
        let result = try await database.writeTransaction { db in
            if !isSQLite {
                // One publisher at a time: serials are gapless and ordered.
                _ = try await (db as! any SQLDatabase).raw("SELECT pg_advisory_xact_lock(7406001)").all()
            }
            var changes: [BlocklistChange] = []
            let result = try await body(db, &changes)
            if !changes.isEmpty {
                try await Self.publish(changes, note: note, actor: actor, fullReload: false, at: now, on: db)
            }
            return result
        }
        await memory.refreshIfLoaded()
        return result
    }

    /// Records the next serial and its changes.
    @discardableResult
    static func publish(_ changes: [BlocklistChange], note: String, actor: String, fullReload: Bool, added: Int? = nil, at now: Date,
                        on db: any Database) async throws -> Int64 {
        let last = try await BlocklistPublications.currentSerial(on: db)
        let serial = max(last + 1, 1)
        let row = BlocklistSerialModel()
        row.id = serial
        row.publishedAt = now
        row.actor = actor
        row.note = note
        row.added = added ?? changes.filter { $0.op == "add" }.count
        row.removed = changes.filter { $0.op == "remove" }.count
        row.fullReload = fullReload
        try await row.create(on: db)
        if !fullReload {
            for chunk in changes.chunked(500) {
                var models: [BlocklistChangeModel] = []
                for change in chunk {
                    let model = BlocklistChangeModel()
                    model.id = OrderedID.make(at: now)
                    model.serial = serial
                    model.op = change.op
                    model.kind = change.kind
                    model.name = change.name
                    model.action = change.action
                    model.allow = change.allow
                    models.append(model)
                }
                try await models.create(on: db)
            }
        }
        return serial
    }

    func currentSerial(on db: (any Database)? = nil) async throws -> Int64 {
        try await BlocklistPublications.currentSerial(on: db ?? database.db)
    }

    // MARK: Helpers

    private func requireReason(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= Self.minimumReasonLength, trimmed.count <= 8000 else {
            throw BlockActionError(kind: .invalid, code: "reason_required", id: "Alasan minimal \(Self.minimumReasonLength) karakter.",
                                   en: "A reason of at least \(Self.minimumReasonLength) characters is required.", field: "reason")
        }
        return trimmed
    }

    private func invalidName(_ raw: String) -> BlockActionError {
        let problem: BlockNameProblem
        switch normalizer.normalize(raw) {
        case .failure(let p): problem = p
        default: problem = .invalidIP
        }
        return BlockActionError(kind: .invalid, code: "invalid_name", id: "“\(raw)”: \(problem.message.id)", en: "'\(raw)': \(problem.message.en)", field: "name")
    }

    static func isSlug(_ text: String) -> Bool {
        (2...40).contains(text.count) && text.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
