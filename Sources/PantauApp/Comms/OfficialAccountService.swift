import FluentKit
import Foundation
import HTTPTypes
import PantauCore

/// The regulator's official accounts and their figures over time: entered
/// by hand, imported from CSV, or pushed by a connector.
struct OfficialAccountService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    /// Whether a publishing webhook may point at an internal address
    /// (`PANTAU_OUTBOUND_ALLOW_INTERNAL`; tests and local set-ups only).
    var allowInternalWebhooks = false

    struct Problem: Error, Sendable {
        let status: HTTPResponse.Status
        let code: String
        let id: String
        let en: String
        /// The form field the refusal is about, if any.
        var field: String? = nil
    }

    func accounts() async throws -> [OfficialAccountModel] {
        try await OfficialAccountModel.query(on: database.db).sort(\.$platform).sort(\.$handle).all()
    }

    func snapshots(of accountID: UUID) async throws -> [AccountSnapshotModel] {
        try await AccountSnapshotModel.query(on: database.db).filter(\.$accountID == accountID).sort(\.$takenAt).all()
    }

    /// The latest snapshot of every account (one indexed read each: a
    /// handful of accounts, years of snapshots).
    func latest() async throws -> [UUID: AccountSnapshotModel] {
        var result: [UUID: AccountSnapshotModel] = [:]
        for account in try await accounts() {
            result[account.id!] = try await AccountSnapshotModel.query(on: database.db).filter(\.$accountID == account.id!)
                .sort(\.$takenAt, .descending).first()
        }
        return result
    }

    func register(platform: String, handle rawHandle: String, verified: Bool, since: Date?, ownerUnit: String, actor: String) async throws -> OfficialAccountModel {
        guard let p = Platform(rawValue: platform) else {
            throw Problem(status: .unprocessableContent, code: "invalid_platform", id: "Platform tidak dikenal.", en: "Unknown platform.")
        }
        let handle = (rawHandle.hasPrefix("@") ? String(rawHandle.dropFirst()) : rawHandle).lowercased()
        guard (1...100).contains(handle.unicodeScalars.count),
              handle.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || "._-".unicodeScalars.contains($0) }) else {
            throw Problem(status: .unprocessableContent, code: "invalid_handle", id: "Nama akun hanya huruf Latin, angka, titik, garis bawah atau tanda hubung.",
                          en: "A handle holds Latin letters, digits, dots, underscores or hyphens only.")
        }
        let unit = ownerUnit.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !unit.isEmpty else { throw Problem(status: .unprocessableContent, code: "owner_unit_required", id: "Unit pemilik wajib diisi.", en: "'owner_unit' is required.") }
        if try await OfficialAccountModel.query(on: database.db).filter(\.$platform == platform).filter(\.$handle == handle).first() != nil {
            throw Problem(status: .conflict, code: "account_exists", id: "Akun ini sudah terdaftar.", en: "This account is registered already.")
        }
        let account = OfficialAccountModel()
        let now = clock.now()
        account.id = OrderedID.make(at: now)
        account.platform = platform
        account.handle = handle
        account.url = OfficialAccountModel.profileURL(p, handle)
        account.verified = verified
        account.verifiedAt = verified ? now : nil
        account.since = since
        account.ownerUnit = unit
        account.active = true
        account.createdAt = now
        try await account.create(on: database.db)
        return account
    }

    /// What an update may change; nil leaves a value as it is.
    struct Changes: Sendable {
        var verified: Bool?
        var since: Date?
        var ownerUnit: String?
        var active: Bool?
        var connector: String?
        /// Empty text removes the webhook.
        var publishWebhookURL: String?
        var publishWebhookSecret: String?
    }

    /// Verifies, deactivates or re-activates an account, or sets its
    /// publishing connector. Audited with what changed (never the secret).
    func update(_ id: UUID, _ changes: Changes, actor: String, connectors: CampaignConnectors = .builtIn) async throws -> (OfficialAccountModel, AccountConnectorModel) {
        if let unit = changes.ownerUnit, unit.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw Problem(status: .unprocessableContent, code: "owner_unit_required", id: "Unit pemilik wajib diisi.", en: "'owner_unit' is required.")
        }
        if let name = changes.connector, connectors.connector(named: name) == nil {
            throw Problem(status: .unprocessableContent, code: "unknown_connector", id: "Konektor tidak dikenal (ada: \(connectors.names.joined(separator: ", "))).",
                          en: "Unknown connector (known: \(connectors.names.joined(separator: ", "))).")
        }
        if let url = changes.publishWebhookURL, !url.isEmpty {
            if case .failure(let refusal) = OutboundPolicy.check(url: url, allowInternal: allowInternalWebhooks) {
                throw Problem(status: .unprocessableContent, code: "invalid_webhook_url", id: "Alamat webhook: " + refusal.message.id,
                              en: "Webhook address: " + refusal.message.en)
            }
        }
        if let secret = changes.publishWebhookSecret, !secret.isEmpty, secret.count < 16 {
            throw Problem(status: .unprocessableContent, code: "weak_secret", id: "Rahasia penanda tangan paling sedikit 16 karakter.",
                          en: "The signing secret is at least 16 characters.")
        }
        let now = clock.now()
        return try await database.writeTransaction { db in
            guard let account = try await OfficialAccountModel.find(id, on: db), let settings = try await AccountConnectorModel.find(id, on: db) else {
                throw Problem(status: .notFound, code: "not_found", id: "Akun tidak ditemukan.", en: "No such account.")
            }
            var changed: [String: String] = [:]
            if let verified = changes.verified, verified != account.verified {
                account.verified = verified
                account.verifiedAt = verified ? now : nil
                changed["verified"] = String(verified)
            }
            if let since = changes.since { account.since = since; changed["since"] = QueueFilter.formatDay(since) }
            if let unit = changes.ownerUnit?.trimmingCharacters(in: .whitespaces), unit != account.ownerUnit { account.ownerUnit = unit; changed["owner_unit"] = unit }
            if let active = changes.active, active != account.active { account.active = active; changed["active"] = String(active) }
            if let name = changes.connector { settings.connector = name; changed["connector"] = name }
            if let url = changes.publishWebhookURL { settings.publishWebhookURL = url.isEmpty ? nil : url; changed["publish_webhook_url"] = url }
            if let secret = changes.publishWebhookSecret {
                settings.publishWebhookSecret = secret.isEmpty ? nil : secret
                changed["publish_webhook_secret"] = secret.isEmpty ? "removed" : "set"
            }
            try await account.save(on: db)
            try await settings.save(on: db)
            if !changed.isEmpty {
                try await AccountService.audit("official_account_updated", actor: actor, target: "official_account:\(account.platform):\(account.handle)",
                                               payload: changed, at: now, on: db)
                // Posts that waited for staff now that a webhook exists go through it.
                if settings.isReady {
                    let posts = try await CampaignPostModel.query(on: db).filter(\.$accountID == id).filter(\.$status == CampaignPostStatus.manual.rawValue).all()
                    for post in posts {
                        try await OutboxModel.query(on: db).filter(\.$campaignPostID == post.id!).filter(\.$status == OutboxStatus.manual.rawValue)
                            .set(\.$status, to: OutboxStatus.pending.rawValue).set(\.$nextAttemptAt, to: now).update()
                        post.status = CampaignPostStatus.queued.rawValue
                        post.updatedAt = now
                        try await post.save(on: db)
                    }
                }
            }
            return (account, settings)
        }
    }

    /// Stores snapshots (one account each); a snapshot at the same time as a
    /// stored one replaces it (a connector sending again changes nothing).
    /// All or nothing.
    func record(_ items: [(accountID: UUID, snapshot: AccountSnapshotInput)], source: String, actor: String) async throws -> Int {
        let now = clock.now()
        for item in items {
            if let problem = item.snapshot.problem(now: now) {
                throw Problem(status: .unprocessableContent, code: "invalid_snapshot", id: problem.id, en: problem.en, field: problem.field)
            }
        }
        return try await database.db.transaction { db in
            for item in items {
                let snapshot = try await AccountSnapshotModel.query(on: db).filter(\.$accountID == item.accountID).filter(\.$takenAt == item.snapshot.takenAt).first()
                    ?? AccountSnapshotModel()
                if snapshot.id == nil {
                    snapshot.id = OrderedID.make(at: item.snapshot.takenAt)
                    snapshot.accountID = item.accountID
                    snapshot.takenAt = item.snapshot.takenAt
                }
                snapshot.followers = item.snapshot.followers
                snapshot.posts = item.snapshot.posts
                snapshot.likes = item.snapshot.likes
                snapshot.views = item.snapshot.views
                snapshot.source = source
                snapshot.recordedBy = actor
                try await snapshot.save(on: db)
            }
            return items.count
        }
    }

    /// A CSV import: every line checked first (accounts must be registered);
    /// any problem → nothing stored, the problems by line.
    func importCSV(_ text: String, actor: String) async throws -> Result<Int, AccountSnapshotInput.CSVProblems> {
        let (lines, parseProblems) = AccountSnapshotInput.parseCSV(text, now: clock.now(), parseTime: Self.parseTime)
        var byKey: [String: UUID] = [:]
        for account in try await accounts() { byKey[account.platform + " " + account.handle] = account.id! }
        var items: [(UUID, AccountSnapshotInput)] = [], problems = parseProblems
        for line in lines {
            guard let id = byKey[line.platform.rawValue + " " + line.handle] else {
                problems.append(.init(line: line.line, message: "no official account \(line.handle) on \(line.platform.rawValue) is registered"))
                continue
            }
            items.append((id, line.snapshot))
        }
        guard problems.isEmpty else { return .failure(.init(problems: problems.sorted { $0.line < $1.line })) }
        return .success(try await record(items.map { (accountID: $0.0, snapshot: $0.1) }, source: "csv", actor: actor))
    }

    /// A day (`YYYY-MM-DD`, its start in WIB) or an ISO 8601 time.
    static func parseTime(_ text: String) -> Date? {
        QueueFilter.parseDay(text) ?? RFC3339.parse(text)
    }

    func exists(_ id: UUID) async throws -> Bool {
        try await OfficialAccountModel.find(id, on: database.db) != nil
    }

    /// Where an account's campaign posts go, if set.
    func connector(of id: UUID) async throws -> AccountConnectorModel? {
        try await AccountConnectorModel.find(id, on: database.db)
    }
}
