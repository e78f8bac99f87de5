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

    init(database: PantauDatabase, clock: any PantauClock, normalizer: BlockNameNormalizer) {
        self.database = database
        self.clock = clock
        self.normalizer = normalizer
        memory = BlocklistMemory(database: database)
    }

    static let minimumReasonLength = 20

    // MARK: Events

    static func event(_ kind: String, entry: UUID? = nil, app: UUID? = nil, proposal: UUID? = nil, actor: String,
                      payload: [String: String], at now: Date, on db: any Database) async throws {
        let event = BlockEventModel()
        event.id = OrderedID.make(at: now)
        event.entryID = entry
        event.appID = app
        event.proposalID = proposal
        event.kind = kind
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
            if try await AllowEntryModel.query(on: db).filter(\.$name == name).filter(\.$kind == (subdomains ? "subdomains" : "domain"))
                .filter(\.$removedAt == nil).first() != nil {
                throw BlockActionError(kind: .conflict, code: "already_allowed", id: "Nama ini sudah ada di daftar izin.", en: "This name is on the allow-list already.")
            }
            let entry = AllowEntryModel()
            entry.id = OrderedID.make(at: now)
            entry.kind = subdomains ? "subdomains" : "domain"
            entry.name = name
            entry.sortKey = BlockSortKey.of(name)
            entry.reason = reason
            entry.addedByEmail = actor.email
            entry.addedAt = now
            try await entry.create(on: db)
            changes.append(.init(op: "add", kind: entry.kind, name: name, action: BlockAction.nxdomain.rawValue, allow: true))
            try await Self.event("allow_added", entry: entry.id, actor: actor.actor, payload: ["name": name, "kind": entry.kind, "reason": reason],
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
            try await Self.event("allow_removed", entry: entry.id, actor: actor.actor, payload: ["name": entry.name], at: now, on: db)
        }
    }

    // MARK: Proposals

    /// Proposes blocking names (or an app). Every name is normalised; names
    /// the allow-list covers, names blocked already, and junk are refused
    /// with the line and the reason. Nothing takes effect before a second
    /// person approves it.
    func proposeBlock(_ request: BlockRequest, by actor: Identity) async throws -> BlockProposalModel {
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
        var parsed: [(kind: String, name: String)] = []
        var seen: Set<String> = []
        for (index, raw) in request.names.enumerated() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch normalizer.normalize(raw) {
            case .success(.domain(let name, let subdomains)):
                let kind = subdomains ? "subdomains" : "domain"
                if seen.insert(kind + " " + name).inserted { parsed.append((kind, name)) }
            case .success(.ip(let ip)):
                if seen.insert("ip " + ip).inserted { parsed.append(("ip", ip)) }
            case .failure(let problem):
                throw BlockActionError(kind: .invalid, code: "invalid_name",
                                       id: "Baris \(index + 1) (“\(raw)”): \(problem.message.id)", en: "Line \(index + 1) ('\(raw)'): \(problem.message.en)",
                                       field: "names")
            }
        }
        let targets = parsed
        guard !targets.isEmpty, targets.count <= 10_000 else {
            throw BlockActionError(kind: .invalid, code: "names_required", id: "Isi 1–10.000 nama domain atau IP.",
                                   en: "Give 1 to 10,000 domain names or IP addresses.", field: "names")
        }
        if request.appSlug != nil || request.appName != nil {
            guard let slug = request.appSlug, Self.isSlug(slug), let name = request.appName?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw BlockActionError(kind: .invalid, code: "invalid_app", id: "Aplikasi perlu slug (huruf kecil, angka, tanda hubung) dan nama.",
                                       en: "An app needs a slug (lower case, digits, hyphens) and a name.", field: "app")
            }
        }
        let now = clock.now()
        let effective = request.effectiveAt ?? now
        if let until = request.until, until <= effective {
            throw BlockActionError(kind: .invalid, code: "until_before_start", id: "Akhir pemblokiran harus setelah mulainya.",
                                   en: "'until' must be after the block takes effect.", field: "until")
        }
        return try await database.writeTransaction { db in
            for target in targets where target.kind != "ip" {
                if let allow = try await Self.allowCovering(target.name, on: db) {
                    throw BlockActionError(kind: .conflict, code: "allow_listed",
                                           id: "“\(target.name)” ada di daftar izin (\(allow.name): \(allow.reason)); tidak boleh diblokir.",
                                           en: "'\(target.name)' is on the allow-list (\(allow.name): \(allow.reason)); it cannot be blocked.", field: "names")
                }
            }
            let live = try await BlockEntryModel.query(on: db)
                .filter(\.$sortKey ~~ targets.map { $0.kind == "ip" ? $0.name : BlockSortKey.of($0.name) }).live().all()
            if let clash = live.first(where: { entry in targets.contains { $0.kind == entry.kind && $0.name == entry.name } }) {
                throw BlockActionError(kind: .conflict, code: "already_listed",
                                       id: "“\(clash.name)” sudah \(clash.state == "active" ? "diblokir" : "diusulkan").",
                                       en: "'\(clash.name)' is \(clash.state == "active" ? "blocked" : "proposed") already.", field: "names")
            }
            var appID: UUID?
            if let slug = request.appSlug {
                if let app = try await BlockAppModel.query(on: db).filter(\.$slug == slug).first() {
                    appID = app.id
                } else {
                    let app = BlockAppModel()
                    app.id = OrderedID.make(at: now)
                    app.slug = slug
                    app.name = request.appName ?? slug
                    app.description = ""
                    app.createdAt = now
                    try await app.create(on: db)
                    appID = app.id
                }
            }
            let proposal = BlockProposalModel()
            proposal.id = OrderedID.make(at: now)
            proposal.number = "BLK-" + TicketNumber.dayStamp(now) + "-" + String(UUIDText.lower(proposal.id!).suffix(6)).uppercased()
            proposal.kind = "block"
            proposal.state = "pending"
            proposal.appID = appID
            proposal.reason = reason
            proposal.legalBases = request.legalBases.joined(separator: ",")
            proposal.caseIDs = request.caseIDs.map(UUIDText.lower).joined(separator: ",")
            proposal.sanctionID = request.sanctionID
            proposal.effectiveAt = effective
            proposal.untilAt = request.until
            proposal.proposedBy = actor.userID
            proposal.proposedByEmail = actor.email
            proposal.proposedAt = now
            try await proposal.create(on: db)
            for target in targets {
                let entry = BlockEntryModel()
                entry.id = OrderedID.make(at: now)
                entry.kind = target.kind
                entry.name = target.name
                entry.sortKey = target.kind == "ip" ? target.name : BlockSortKey.of(target.name)
                entry.action = request.action.rawValue
                entry.state = "proposed"
                entry.appID = appID
                entry.proposalID = proposal.id
                entry.reason = reason
                entry.legalBases = proposal.legalBases
                entry.source = "proposal"
                entry.effectiveFrom = effective
                entry.effectiveUntil = request.until
                entry.createdAt = now
                try await entry.create(on: db)
            }
            try await Self.event("block_proposed", app: appID, proposal: proposal.id, actor: actor.actor, payload: [
                "proposal": proposal.number, "names": targets.map { $0.kind == "subdomains" ? "*." + $0.name : $0.name }.joined(separator: " "),
                "action": request.action.rawValue, "reason": reason, "legal_bases": proposal.legalBases, "effective_at": isoTimestamp(effective),
            ], at: now, on: db)
            return proposal
        }
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
        return try await database.writeTransaction { db in
            var appID: UUID?
            var entries: [BlockEntryModel]
            if let appSlug {
                guard let app = try await BlockAppModel.query(on: db).filter(\.$slug == appSlug).first() else {
                    throw BlockActionError(kind: .notFound, code: "app_not_found", id: "Aplikasi tidak ditemukan.", en: "App not found.", field: "app")
                }
                appID = app.id
                entries = try await BlockEntryModel.query(on: db).filter(\.$appID == app.id!).filter(\.$state ~~ ["active", "scheduled"]).all()
            } else {
                entries = try await BlockEntryModel.query(on: db).filter(\.$id ~~ entryIDs).filter(\.$state ~~ ["active", "scheduled"]).all()
            }
            guard !entries.isEmpty else {
                throw BlockActionError(kind: .conflict, code: "nothing_to_lift", id: "Tidak ada pemblokiran aktif untuk dinormalisasi.",
                                       en: "There is no active block to lift.")
            }
            if entries.contains(where: { $0.liftProposalID != nil }) {
                throw BlockActionError(kind: .conflict, code: "lift_pending", id: "Normalisasi untuk pemblokiran ini sudah diusulkan.",
                                       en: "A lift of these blocks is proposed already.")
            }
            let proposal = BlockProposalModel()
            proposal.id = OrderedID.make(at: now)
            proposal.number = "NRM-" + TicketNumber.dayStamp(now) + "-" + String(UUIDText.lower(proposal.id!).suffix(6)).uppercased()
            proposal.kind = "lift"
            proposal.state = "pending"
            proposal.appID = appID
            proposal.reason = conditions
            proposal.legalBases = ""
            proposal.caseIDs = ""
            proposal.conditions = conditions
            proposal.effectiveAt = effectiveAt ?? now
            proposal.proposedBy = actor.userID
            proposal.proposedByEmail = actor.email
            proposal.proposedAt = now
            try await proposal.create(on: db)
            for entry in entries {
                entry.liftProposalID = proposal.id
                try await entry.save(on: db)
            }
            try await Self.event("lift_proposed", app: appID, proposal: proposal.id, actor: actor.actor, payload: [
                "proposal": proposal.number, "entries": String(entries.count), "conditions": conditions,
                "effective_at": isoTimestamp(proposal.effectiveAt),
            ], at: now, on: db)
            return proposal
        }
    }

    /// A supervisor other than the proposer approves or rejects a proposal.
    /// An approved block takes effect at its time (published at once when
    /// that is now); an approved lift removes the entries from the list.
    func review(_ id: UUID, approve: Bool, reason: String, by actor: Identity) async throws -> BlockProposalModel {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = FourEyes.rejectionProblem(approve: approve, reason: reason) {
            throw BlockActionError(kind: .invalid, code: "reason_required", id: problem.id, en: problem.en, field: "reason")
        }
        let now = clock.now()
        return try await publishing(note: "proposal review", actor: actor.actor) { db, changes in
            guard let proposal = try await BlockProposalModel.find(id, on: db) else {
                throw BlockActionError(kind: .notFound, code: "proposal_not_found", id: "Usulan tidak ditemukan.", en: "Proposal not found.")
            }
            guard proposal.state == "pending" else {
                throw BlockActionError(kind: .conflict, code: "proposal_not_pending", id: "Usulan ini tidak menunggu persetujuan.",
                                       en: "This proposal is not awaiting approval.")
            }
            guard proposal.proposedBy != actor.userID else {
                throw BlockActionError(kind: .forbidden, code: "four_eyes", id: FourEyes.ownProposal.id, en: FourEyes.ownProposal.en)
            }
            proposal.state = approve ? "approved" : "rejected"
            proposal.reviewedByEmail = actor.email
            proposal.reviewedAt = now
            proposal.reviewReason = reason.isEmpty ? nil : reason
            try await proposal.save(on: db)
            try await Self.event(approve ? (proposal.isLift ? "lift_approved" : "block_approved") : (proposal.isLift ? "lift_rejected" : "block_rejected"),
                                 app: proposal.appID, proposal: proposal.id, actor: actor.actor,
                                 payload: ["proposal": proposal.number, "proposed_by": proposal.proposedByEmail, "reason": reason], at: now, on: db)
            if proposal.isLift {
                let entries = try await BlockEntryModel.query(on: db).filter(\.$liftProposalID == proposal.id!).all()
                for entry in entries {
                    if !approve {
                        entry.liftProposalID = nil
                        try await entry.save(on: db)
                    } else if proposal.effectiveAt <= now {
                        try await lift(entry, proposal: proposal, at: now, changes: &changes, on: db)
                    }
                }
            } else {
                for entry in try await BlockEntryModel.query(on: db).filter(\.$proposalID == proposal.id!).all() {
                    if !approve {
                        entry.state = "rejected"
                        try await entry.save(on: db)
                    } else if entry.effectiveFrom <= now {
                        try await activate(entry, at: now, actor: actor.actor, changes: &changes, on: db)
                    } else {
                        entry.state = "scheduled"
                        try await entry.save(on: db)
                        try await Self.event("block_scheduled", entry: entry.id, app: entry.appID, proposal: proposal.id, actor: actor.actor,
                                             payload: ["name": entry.name, "effective_from": isoTimestamp(entry.effectiveFrom)], at: now, on: db)
                    }
                }
            }
            return proposal
        }
    }

    private func activate(_ entry: BlockEntryModel, at now: Date, actor: String, changes: inout [BlocklistChange], on db: any Database) async throws {
        entry.state = "active"
        entry.activatedAt = now
        try await entry.save(on: db)
        changes.append(.init(op: "add", kind: entry.kind, name: entry.name, action: entry.action, allow: false))
        try await Self.event("block_activated", entry: entry.id, app: entry.appID, proposal: entry.proposalID, actor: actor,
                             payload: ["name": entry.name, "kind": entry.kind, "action": entry.action], at: now, on: db)
    }

    private func lift(_ entry: BlockEntryModel, proposal: BlockProposalModel?, at now: Date, changes: inout [BlocklistChange], on db: any Database) async throws {
        let wasActive = entry.state == "active"
        entry.state = "lifted"
        entry.liftedAt = now
        try await entry.save(on: db)
        if wasActive { changes.append(.init(op: "remove", kind: entry.kind, name: entry.name, action: entry.action, allow: false)) }
        var payload = ["name": entry.name, "kind": entry.kind]
        if let proposal { payload["proposal"] = proposal.number; payload["conditions"] = proposal.conditions ?? "" }
        try await Self.event("block_lifted", entry: entry.id, app: entry.appID, proposal: proposal?.id ?? entry.liftProposalID,
                             actor: proposal.map { "approved:" + ($0.reviewedByEmail ?? "") } ?? "system:schedule", payload: payload, at: now, on: db)
    }

    /// Takes scheduled changes into effect: blocks whose time has come, lifts
    /// approved for now, blocks past their end. Returns the serial
    /// published, if anything changed. The worker calls it.
    @discardableResult
    func applySchedule() async throws -> Int64? {
        let now = clock.now()
        // Two small reads through partial indexes: an idle worker polls this.
        let dueStart = try await BlockEntryModel.query(on: database.db).scheduled().filter(\.$effectiveFrom <= now).first()
        let dueEnd = dueStart != nil ? nil : try await BlockEntryModel.query(on: database.db).filter(\.$effectiveUntil != nil)
            .filter(\.$effectiveUntil <= now).filter(\.$state == "active").first()
        let due = dueStart ?? dueEnd
        let dueLifts = try await BlockProposalModel.query(on: database.db).filter(\.$kind == "lift").filter(\.$state == "approved")
            .filter(\.$effectiveAt <= now).all()
        var dueLiftEntries: [UUID] = []
        for proposal in dueLifts {
            dueLiftEntries += try await BlockEntryModel.query(on: database.db).filter(\.$liftProposalID == proposal.id!)
                .filter(\.$state ~~ ["active", "scheduled"]).all().compactMap(\.id)
        }
        let liftEntries = dueLiftEntries
        guard due != nil || !liftEntries.isEmpty else { return nil }
        let changed = try await publishing(note: "schedule", actor: "system:schedule") { db, changes -> Bool in
            for entry in try await BlockEntryModel.query(on: db).scheduled().filter(\.$effectiveFrom <= now).all() {
                try await activate(entry, at: now, actor: "system:schedule", changes: &changes, on: db)
            }
            for entry in try await BlockEntryModel.query(on: db).filter(\.$effectiveUntil != nil).filter(\.$effectiveUntil <= now)
                .filter(\.$state == "active").all() {
                try await lift(entry, proposal: nil, at: now, changes: &changes, on: db)
            }
            for id in liftEntries {
                guard let entry = try await BlockEntryModel.find(id, on: db), entry.state == "active" || entry.state == "scheduled" else { continue }
                let proposal = try await entry.liftProposalID.asyncFlatMap { try await BlockProposalModel.find($0, on: db) }
                try await lift(entry, proposal: proposal, at: now, changes: &changes, on: db)
            }
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
