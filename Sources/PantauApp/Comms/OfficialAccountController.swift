import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore

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
            try await accountsPage(Language(request: request), context, notice: request.uri.queryParameters.get("notice").map { String($0) },
                                   form: FormState(), status: .ok)
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
            var form = FormState(try await parseStaffForm(request, context, language: language))
            let id = form.text("account").flatMap(UUIDText.parse)
            if id == nil { form.fail("account", language.t("Pilih akun resmi.", "Choose an official account.")) }
            let takenAt = form.day("taken_at", language, label: language.t("Tanggal", "The day"))
            let followers = form.wholeNumber("followers", required: true, language, label: language.t("Jumlah pengikut", "Followers"))
            let posts = form.wholeNumber("posts", required: false, language, label: language.t("Jumlah unggahan", "Posts"))
            let likes = form.wholeNumber("likes", required: false, language, label: language.t("Jumlah suka", "Likes"))
            let views = form.wholeNumber("views", required: false, language, label: language.t("Jumlah tayangan", "Views"))
            if let id, let followers, form.isValid {
                let input = AccountSnapshotInput(takenAt: takenAt ?? service.clock.now(), followers: followers, posts: posts, likes: likes, views: views)
                do {
                    _ = try await service.record([(accountID: id, snapshot: input)], source: "manual", actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Transparency.accounts + "?notice=saved")])
                } catch let problem as OfficialAccountService.Problem {
                    form.fail(problem.field ?? "account", language.t(problem.id, problem.en))
                }
            }
            return try await accountsPage(language, context, notice: nil, form: form, status: .unprocessableContent)
        }
    }

    /// The public list of official accounts; comms staff also get the figures form, as typed.
    private func accountsPage(_ language: Language, _ context: AppRequestContext, notice: String?, form: FormState,
                              status: HTTPResponse.Status) async throws -> Response {
        let accounts = try await service.accounts()
        var series: [UUID: [AccountSnapshotRow]] = [:]
        for account in accounts { series[account.id!] = try await service.snapshots(of: account.id!).map(AccountSnapshotRow.init) }
        // The comms form carries the session's own CSRF token.
        var token: String? = nil
        if let identity = context.identity, identity.may(.manageOfficialAccounts), case .session(_, let csrf) = identity.credential { token = csrf }
        return htmlResponse(OfficialAccountsView(language: language, identity: context.identity, accounts: accounts.map(OfficialAccountRow.init), series: series,
                                                 csrfToken: token, notice: notice, form: form).render(), status: status)
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
