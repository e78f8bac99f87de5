import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import Plot

/// The regulator's official accounts and their figures over time: entered
/// by hand, imported from CSV, or pushed by a connector.
struct OfficialAccountService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock

    struct Problem: Error, Sendable {
        let status: HTTPResponse.Status
        let code: String
        let id: String
        let en: String
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
        let handle = (rawHandle.hasPrefix("@") ? String(rawHandle.dropFirst()) : rawHandle).trimmingCharacters(in: .whitespaces).lowercased()
        guard !handle.isEmpty, handle.count <= 100, handle.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw Problem(status: .unprocessableContent, code: "invalid_handle", id: "Nama akun hanya huruf, angka, titik, garis bawah atau tanda hubung.",
                          en: "A handle holds letters, digits, dots, underscores or hyphens only.")
        }
        let unit = ownerUnit.trimmingCharacters(in: .whitespaces)
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
        if let unit = changes.ownerUnit, unit.trimmingCharacters(in: .whitespaces).isEmpty {
            throw Problem(status: .unprocessableContent, code: "owner_unit_required", id: "Unit pemilik wajib diisi.", en: "'owner_unit' is required.")
        }
        if let name = changes.connector, connectors.connector(named: name) == nil {
            throw Problem(status: .unprocessableContent, code: "unknown_connector", id: "Konektor tidak dikenal (ada: \(connectors.names.joined(separator: ", "))).",
                          en: "Unknown connector (known: \(connectors.names.joined(separator: ", "))).")
        }
        if let url = changes.publishWebhookURL, !url.isEmpty {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""), components.host?.isEmpty == false else {
                throw Problem(status: .unprocessableContent, code: "invalid_webhook_url", id: "Alamat webhook harus http(s).", en: "The webhook address must be http(s).")
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
            if let problem = item.snapshot.problem(now: now) { throw Problem(status: .unprocessableContent, code: "invalid_snapshot", id: problem.id, en: problem.en) }
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
        QueueFilter.parseDay(text) ?? (try? Date(text, strategy: .iso8601))
    }

    func exists(_ id: UUID) async throws -> Bool {
        try await OfficialAccountModel.find(id, on: database.db) != nil
    }

    /// Where an account's campaign posts go, if set.
    func connector(of id: UUID) async throws -> AccountConnectorModel? {
        try await AccountConnectorModel.find(id, on: database.db)
    }
}

/// The accounts' public page and API, and the comms staff's forms.
struct OfficialAccountController: Sendable {
    let service: OfficialAccountService

    struct SnapshotBody: Decodable {
        let takenAt: String?
        let followers: Int64
        let posts: Int64?
        let likes: Int64?
        let views: Int64?
        enum CodingKeys: String, CodingKey { case takenAt = "taken_at", followers, posts, likes, views }
    }

    struct AccountBody: Decodable {
        let platform: String
        let handle: String
        let verified: Bool?
        let since: String?
        let ownerUnit: String
        enum CodingKeys: String, CodingKey { case platform, handle, verified, since, ownerUnit = "owner_unit" }
    }

    struct UpdateBody: Decodable {
        let verified: Bool?
        let since: String?
        let ownerUnit: String?
        let active: Bool?
        let connector: String?
        let publishWebhookURL: String?
        let publishWebhookSecret: String?
        enum CodingKeys: String, CodingKey {
            case verified, since, ownerUnit = "owner_unit", active, connector, publishWebhookURL = "publish_webhook_url",
                 publishWebhookSecret = "publish_webhook_secret"
        }
    }

    func register(on routes: Routes) {
        routes.post(SitePath.API.account, .staff(.manageOfficialAccounts)) { request, context in
            let id = try apiPathID(context)
            let body = try await decodeJSONBody(UpdateBody.self, request, limit: 16 * 1024)
            let since = try body.since.map { text -> Date in
                try QueueFilter.parseDay(text).orThrow(APIError(.unprocessableContent, code: "invalid_since", message: "'since' must be a day (YYYY-MM-DD).", field: "since"))
            }
            let changes = OfficialAccountService.Changes(verified: body.verified, since: since, ownerUnit: body.ownerUnit, active: body.active,
                                                         connector: body.connector, publishWebhookURL: body.publishWebhookURL,
                                                         publishWebhookSecret: body.publishWebhookSecret)
            let (account, settings) = try await mapProblems { try await service.update(id, changes, actor: context.identity!.actor) }
            let latest = try await service.latest()
            return jsonResponse(Self.json(account, latest: latest[id], connector: settings), status: .ok)
        }
        routes.get(SitePath.API.accounts, .everyone) { _, _ in
            let latest = try await service.latest()
            var object = JSONObjectText()
            object.add("accounts", objects: try await service.accounts().map { Self.json($0, latest: latest[$0.id!]) })
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.accounts, .staff(.manageOfficialAccounts)) { request, context in
            let body = try await decodeJSONBody(AccountBody.self, request, limit: 16 * 1024)
            let since = try body.since.map { text -> Date in
                try QueueFilter.parseDay(text).orThrow(APIError(.unprocessableContent, code: "invalid_since", message: "'since' must be a day (YYYY-MM-DD).", field: "since"))
            }
            let account = try await mapProblems {
                try await service.register(platform: body.platform, handle: body.handle, verified: body.verified ?? false, since: since,
                                           ownerUnit: body.ownerUnit, actor: context.identity!.actor)
            }
            return jsonResponse(Self.json(account, latest: nil, connector: try await service.connector(of: account.id!)), status: .created)
        }
        routes.get(SitePath.API.accountSnapshots, .everyone) { _, context in
            let id = try apiPathID(context)
            guard try await service.exists(id) else { throw APIError(.notFound, code: "not_found", message: "No such account.") }
            var object = JSONObjectText()
            object.add("snapshots", objects: try await service.snapshots(of: id).map(Self.json))
            return jsonResponse(object, status: .ok)
        }
        // A connector (a comms token) pushes the figures it read.
        routes.post(SitePath.API.accountSnapshots, .staff(.manageOfficialAccounts)) { request, context in
            let id = try apiPathID(context)
            guard try await service.exists(id) else { throw APIError(.notFound, code: "not_found", message: "No such account.") }
            let body = try await decodeJSONBody(SnapshotBody.self, request, limit: 16 * 1024)
            let takenAt = try body.takenAt.map { text -> Date in
                try OfficialAccountService.parseTime(text).orThrow(APIError(.unprocessableContent, code: "invalid_taken_at", message: "'taken_at' must be an ISO 8601 time or a day.", field: "taken_at"))
            } ?? service.clock.now()
            let input = AccountSnapshotInput(takenAt: takenAt, followers: body.followers, posts: body.posts, likes: body.likes, views: body.views)
            _ = try await mapProblems { try await service.record([(accountID: id, snapshot: input)], source: "api", actor: context.identity!.actor) }
            let stored = try await service.snapshots(of: id).first { $0.takenAt == takenAt }!
            return jsonResponse(Self.json(stored), status: .created)
        }
        routes.get(SitePath.Transparency.accounts, .everyone) { request, context in
            let language = Language(request: request)
            let accounts = try await service.accounts()
            var series: [UUID: [AccountSnapshotModel]] = [:]
            for account in accounts { series[account.id!] = try await service.snapshots(of: account.id!) }
            // The comms form carries the session's own CSRF token.
            var token: String? = nil
            if let identity = context.identity, identity.may(.manageOfficialAccounts), case .session(_, let csrf) = identity.credential { token = csrf }
            return htmlResponse(OfficialAccountsView(language: language, identity: context.identity, accounts: accounts, series: series,
                                                     csrfToken: token, notice: request.uri.queryParameters.get("notice").map { String($0) }).render())
        }
        // Verify, deactivate or re-activate an account from the page.
        routes.post(SitePath.Transparency.accountChange, .staff(.manageOfficialAccounts)) { request, context in
            let language = Language(request: request)
            let form = try await parseStaffForm(request, context, language: language).fields
            guard let id = form["account"].flatMap(UUIDText.parse) else {
                throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("Pilih akun resmi.", "Choose an official account."))
            }
            var changes = OfficialAccountService.Changes()
            switch form["change"] {
            case "verify": changes.verified = true
            case "unverify": changes.verified = false
            case "deactivate": changes.active = false
            case "activate": changes.active = true
            default: throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("Perubahan tidak dikenal.", "Unknown change."))
            }
            do {
                _ = try await service.update(id, changes, actor: context.identity!.actor)
            } catch let problem as OfficialAccountService.Problem {
                throw WebErrorPage(status: problem.status, language: language, detail: language.t(problem.id, problem.en))
            }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Transparency.accounts + "?notice=updated")])
        }
        routes.post(SitePath.Transparency.accountFigures, .staff(.manageOfficialAccounts)) { request, context in
            let language = Language(request: request)
            let form = try await parseStaffForm(request, context, language: language).fields
            guard let id = form["account"].flatMap(UUIDText.parse), try await service.exists(id) else {
                throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("Pilih akun resmi.", "Choose an official account."))
            }
            guard let followers = form["followers"].flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("Jumlah pengikut harus bilangan bulat.", "Followers must be a whole number."))
            }
            func optional(_ name: String) throws -> Int64? {
                guard let text = form[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                guard let value = Int64(text) else {
                    throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("\(name) harus bilangan bulat.", "\(name) must be a whole number."))
                }
                return value
            }
            let takenAt = form["taken_at"].flatMap { $0.isEmpty ? nil : OfficialAccountService.parseTime($0) } ?? service.clock.now()
            let input = AccountSnapshotInput(takenAt: takenAt, followers: followers, posts: try optional("posts"), likes: try optional("likes"), views: try optional("views"))
            do {
                _ = try await service.record([(accountID: id, snapshot: input)], source: "manual", actor: context.identity!.actor)
            } catch let problem as OfficialAccountService.Problem {
                throw WebErrorPage(status: problem.status, language: language, detail: language.t(problem.id, problem.en))
            }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Transparency.accounts + "?notice=saved")])
        }
    }

    private func mapProblems<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let problem as OfficialAccountService.Problem {
            throw APIError(problem.status, code: problem.code, message: problem.en)
        }
    }

    /// `connector` (comms staff only): where its campaign posts go; the secret is never shown.
    static func json(_ account: OfficialAccountModel, latest: AccountSnapshotModel?, connector: AccountConnectorModel? = nil) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("active", account.active)
        if let connector {
            o.add("connector", connector.connector ?? CampaignConnectors.defaultName)
            o.add("connector_ready", connector.isReady)
        }
        o.add("handle", account.handle)
        o.add("id", UUIDText.lower(account.id!))
        if let latest { o.add("latest", object: { $0 = json(latest) }) } else { o.addNull("latest") }
        o.add("owner_unit", account.ownerUnit)
        o.add("platform", account.platform)
        o.add("since", account.since.map(isoTimestamp) ?? "")
        o.add("url", account.url)
        o.add("verified", account.verified)
        if let at = account.verifiedAt { o.add("verified_at", isoTimestamp(at)) } else { o.addNull("verified_at") }
        return o
    }

    static func json(_ s: AccountSnapshotModel) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("followers", Int(s.followers))
        if let v = s.likes { o.add("likes", Int(v)) } else { o.addNull("likes") }
        if let v = s.posts { o.add("posts", Int(v)) } else { o.addNull("posts") }
        o.add("source", s.source)
        o.add("taken_at", isoTimestamp(s.takenAt))
        if let v = s.views { o.add("views", Int(v)) } else { o.addNull("views") }
        return o
    }
}

struct OfficialAccountsView {
    let language: Language
    let identity: Identity?
    let accounts: [OfficialAccountModel]
    let series: [UUID: [AccountSnapshotModel]]
    let csrfToken: String?
    let notice: String?

    private func label(_ a: OfficialAccountModel) -> String { (Platform(rawValue: a.platform)?.displayName ?? a.platform) + " @" + a.handle }

    /// Verify / deactivate buttons for comms staff.
    private func changeButtons(_ a: OfficialAccountModel) -> Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        func button(_ change: String, _ text: String) -> Node<HTML.BodyContext> {
            .form(.method(.post), .action(SitePath.Transparency.accountChange), .class("inline"),
                  .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                  .input(.type(.hidden), .name("account"), .value(UUIDText.lower(a.id!))),
                  .input(.type(.hidden), .name("change"), .value(change)),
                  .button(.type(.submit), .class("link"), .text(text)))
        }
        return .group(
            a.verified ? button("unverify", l.t("Batalkan verifikasi", "Unverify")) : button("verify", l.t("Tandai terverifikasi", "Mark verified")),
            a.active ? button("deactivate", l.t("Nonaktifkan", "Deactivate")) : button("activate", l.t("Aktifkan", "Activate")))
    }

    private var entryForm: Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        let select: Node<HTML.FormContext> = .select(.attribute(named: "name", value: "account"), .id("snapshot-account"),
                                                     .forEach(accounts) { .choice(UUIDText.lower($0.id!), label($0), selected: false) })
        return .form(.method(.post), .action(SitePath.Transparency.accountFigures), .class("card bar"), .id("snapshot-form"),
            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
            .div(.class("field"), .label(.for("snapshot-account"), .text(l.t("Akun", "Account"))), select),
            .div(.class("field"), .label(.for("taken_at"), .text(l.t("Tanggal", "Day"))), .input(.type(.date), .name("taken_at"), .id("taken_at"))),
            .div(.class("field"), .label(.for("followers"), .text(l.t("Pengikut", "Followers"))), .input(.type(.text), .name("followers"), .id("followers"))),
            .div(.class("field"), .label(.for("posts"), .text(l.t("Unggahan/video", "Posts/videos"))), .input(.type(.text), .name("posts"), .id("posts"))),
            .div(.class("field"), .label(.for("likes"), .text(l.t("Suka", "Likes"))), .input(.type(.text), .name("likes"), .id("likes"))),
            .div(.class("field"), .label(.for("views"), .text(l.t("Tayangan", "Views"))), .input(.type(.text), .name("views"), .id("views"))),
            .button(.type(.submit), .text(l.t("Simpan angka", "Save figures"))))
    }

    func render() -> String {
        let l = language
        let lines = accounts.map { a in SVGChart.Line(label: label(a), points: (series[a.id!] ?? []).map { ($0.takenAt.timeIntervalSince1970, Double($0.followers)) }) }
        let chart = SVGChart.lines(id: "followers", title: l.t("Pengikut per akun dari waktu ke waktu", "Followers per account over time"), lines: lines,
                                   emptyText: l.t("Belum ada angka tercatat.", "No figures recorded yet."),
                                   dateText: { QueueFilter.formatDay(Date(timeIntervalSince1970: $0)) })
        let header: Node<HTML.TableContext> = .thead(.tr(.th(.text(l.t("Akun", "Account"))), .th(.text(l.t("Terverifikasi", "Verified"))),
                                                          .th(.text(l.t("Unit", "Unit"))), .th(.text(l.t("Pengikut", "Followers"))),
                                                          .th(.text(l.t("Unggahan", "Posts"))), .th(.text(l.t("Suka", "Likes"))), .th(.text(l.t("Per", "As of")))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(accounts) { a in
            let last = series[a.id!]?.last
            let verified = a.verified ? l.t("Ya", "Yes") + (a.verifiedAt.map { " (" + QueueFilter.formatDay($0) + ")" } ?? "") : l.t("Belum", "Not yet")
            return .tr(.class(a.active ? "" : "inactive"),
                       .td(.a(.href(a.url), .text(label(a))), .if(!a.active, .text(l.t(" (nonaktif)", " (inactive)")))),
                       .td(.text(verified), changeButtons(a)), .td(.text(a.ownerUnit)),
                       .td(.class("num"), .text(last.map { String($0.followers) } ?? "—")), .td(.class("num"), .text(last?.posts.map(String.init) ?? "—")),
                       .td(.class("num"), .text(last?.likes.map(String.init) ?? "—")), .td(.text(last.map { QueueFilter.formatDay($0.takenAt) } ?? "—")))
        })
        return PageLayout(title: l.t("Akun resmi", "Official accounts"), language: l, path: SitePath.Transparency.accounts, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Akun resmi regulator di setiap platform", "The regulator's official accounts on every platform"))),
            .p(.text(l.t("Hanya akun di daftar ini yang resmi. Angka diambil berkala dan ditampilkan berdampingan.",
                         "Only the accounts listed here are official. Their figures are taken regularly and shown side by side."))),
            .if(notice == "saved", .p(.class("ok"), .text(l.t("Angka tersimpan.", "Figures saved.")))),
            .if(notice == "updated", .p(.class("ok"), .text(l.t("Akun diperbarui.", "Account updated.")))),
            .section(.class("card"), .id("accounts"), .table(.class("data"), header, body)),
            .section(.class("card"), .h2(.text(l.t("Pertumbuhan pengikut", "Growth of followers"))), .raw(chart)),
            entryForm
        )).render()
    }
}
