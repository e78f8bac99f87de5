import FluentKit
import Foundation
import Hummingbird
import PantauCore

/// The admin's screens: users (add, role, disable, reset), API tokens
/// (create, shown once, revoke), platforms (webhook, liaison, deadlines) and
/// the letters' signatory. Each change goes through the same service call,
/// with the same audit event, as the CLI's.
struct AdminWebController: Sendable {
    let accounts: AccountService
    let platforms: PlatformSettings
    var database: PantauDatabase { accounts.database }

    func register(on routes: Routes) {
        routes.get(SitePath.Admin.users, .staff(.manageUsers)) { request, context in
            try await usersPage(request, context, form: FormState(), created: nil, status: .ok)
        }
        routes.post(SitePath.Admin.users, .staff(.manageUsers)) { request, context in try await addUser(request, context) }
        routes.get(SitePath.Admin.user, .staff(.manageUsers)) { request, context in
            try await userPage(request, context, id: try pathID(context, request), notice: nil, secret: nil, form: FormState(), status: .ok)
        }
        routes.post(SitePath.Admin.userRole, .staff(.manageUsers)) { request, context in try await changeRole(request, context) }
        routes.post(SitePath.Admin.userActive, .staff(.manageUsers)) { request, context in try await changeActive(request, context) }
        routes.post(SitePath.Admin.userReset, .staff(.manageUsers)) { request, context in try await resetPassword(request, context) }
        routes.get(SitePath.Admin.tokens, .staff(.manageUsers)) { request, context in
            try await tokensPage(request, context, form: FormState(), created: nil, status: .ok)
        }
        routes.post(SitePath.Admin.tokens, .staff(.manageUsers)) { request, context in try await createToken(request, context) }
        routes.post(SitePath.Admin.revokeToken, .staff(.manageUsers)) { request, context in try await revokeToken(request, context) }
        routes.get(SitePath.Admin.platform, .staff(.manageUsers)) { request, context in
            try await platformPage(request, context, notice: nil, secret: nil, forms: [:], status: .ok)
        }
        routes.post(SitePath.Admin.platform, .staff(.manageUsers)) { request, context in try await savePlatform(request, context) }
        routes.get(SitePath.Admin.signatory, .staff(.manageUsers)) { request, context in
            let signatory = try await LetterSignatory.load(database)
            var form = FormState()
            form.values = ["name": signatory.name, "position": signatory.position, "place": signatory.place]
            return htmlResponse(SignatoryView(language: Language(request: request), identity: context.identity!, form: form,
                                              saved: request.uri.queryParameters.get("notice") == "saved").render())
        }
        routes.post(SitePath.Admin.signatory, .staff(.manageUsers)) { request, context in try await saveSignatory(request, context) }
    }

    private func pathID(_ context: AppRequestContext, _ request: Request) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: Language(request: request)) }
        return id
    }

    private func actor(_ context: AppRequestContext) -> String { context.identity!.actor }

    // MARK: Users

    private func usersPage(_ request: Request, _ context: AppRequestContext, form: FormState, created: (email: String, password: String?)?,
                           status: HTTPResponse.Status) async throws -> Response {
        let users = try await UserModel.query(on: database.db).sort(\.$email).all()
        return htmlResponse(UsersView(language: Language(request: request), identity: context.identity!, users: users.map(AdminUserRow.init),
                                      form: form, created: created).render(), status: status)
    }

    private func addUser(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        var form = FormState(try await parseStaffForm(request, context, language: l))
        let role = Role(rawValue: form["role"])
        if role == nil { form.fail("role", l.t("Pilih peran.", "Choose a role.")) }
        let platform = form.text("platform").flatMap(PlatformSettings.platform)
        if form.text("platform") != nil && platform == nil { form.fail("platform", l.t("Platform tidak dikenal.", "Unknown platform.")) }
        if form.text("email") == nil { form.fail("email", l.t("Surel wajib diisi.", "The e-mail is required.")) }
        if let role, form.isValid {
            do {
                let (user, oneTime) = try await accounts.createUser(email: form["email"], displayName: form.text("display_name"), role: role,
                                                                    platform: platform, password: nil, actor: actor(context))
                // The one-time password is shown on this answer only, never in a link or a log.
                return try await usersPage(request, context, form: FormState(), created: (user.email, oneTime), status: .created)
            } catch let error as AccountError {
                form.fail(error.field ?? "email", l.t(error.id, error.message))
            }
        }
        return try await usersPage(request, context, form: form, created: nil, status: .unprocessableContent)
    }

    private func userPage(_ request: Request, _ context: AppRequestContext, id: UUID, notice: String?, secret: String?, form: FormState,
                          status: HTTPResponse.Status) async throws -> Response {
        let l = Language(request: request)
        guard let user = try await UserModel.find(id, on: database.db) else { throw WebErrorPage(status: .notFound, language: l) }
        let tokens = try await APITokenModel.query(on: database.db).filter(\.$userID == id).sort(\.$createdAt, .descending).all()
        return htmlResponse(UserView(language: l, identity: context.identity!, user: AdminUserRow(user), tokens: tokens.map { AdminTokenRow($0, owner: user.email) },
                                     notice: notice, secret: secret, form: form).render(), status: status)
    }

    private func changeRole(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let id = try pathID(context, request)
        var form = FormState(try await parseStaffForm(request, context, language: l))
        guard let user = try await UserModel.find(id, on: database.db) else { throw WebErrorPage(status: .notFound, language: l) }
        let platform = form.text("platform").flatMap(PlatformSettings.platform)
        if let role = Role(rawValue: form["role"]) {
            if user.id == context.identity!.userID && role != .admin {
                form.fail("role", l.t("Anda tidak dapat mencabut peran admin Anda sendiri.", "You cannot take away your own admin role."))
            } else {
                do {
                    try await accounts.setRole(email: user.email, role: role, platform: platform, actor: actor(context))
                    return try await userPage(request, context, id: id, notice: l.t("Peran diubah; sesi akun ini diakhiri.", "Role changed; the account's sessions were ended."),
                                              secret: nil, form: FormState(), status: .ok)
                } catch let error as AccountError {
                    form.fail(error.field ?? "role", l.t(error.id, error.message))
                }
            }
        } else {
            form.fail("role", l.t("Pilih peran.", "Choose a role."))
        }
        return try await userPage(request, context, id: id, notice: nil, secret: nil, form: form, status: .unprocessableContent)
    }

    private func changeActive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let id = try pathID(context, request)
        let form = try await parseStaffForm(request, context, language: l)
        guard let user = try await UserModel.find(id, on: database.db) else { throw WebErrorPage(status: .notFound, language: l) }
        let disable = form.fields["disabled"] == "1"
        guard !(disable && user.id == context.identity!.userID) else {
            return try await userPage(request, context, id: id, notice: l.t("Anda tidak dapat menonaktifkan akun Anda sendiri.", "You cannot disable your own account."),
                                      secret: nil, form: FormState(), status: .unprocessableContent)
        }
        try await accounts.setDisabled(email: user.email, disable, actor: actor(context))
        return try await userPage(request, context, id: id,
                                  notice: disable ? l.t("Akun dinonaktifkan; sesi dan token API-nya dicabut.", "Account disabled; its sessions and API tokens were revoked.")
                                                  : l.t("Akun diaktifkan kembali.", "Account enabled again."),
                                  secret: nil, form: FormState(), status: .ok)
    }

    private func resetPassword(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let id = try pathID(context, request)
        _ = try await parseStaffForm(request, context, language: l)
        guard let user = try await UserModel.find(id, on: database.db) else { throw WebErrorPage(status: .notFound, language: l) }
        let oneTime = try await accounts.resetPassword(email: user.email, password: nil, actor: actor(context))
        return try await userPage(request, context, id: id, notice: l.t("Kata sandi sekali pakai dibuat; sesi akun ini diakhiri.",
                                                                         "A one-time password was made; the account's sessions were ended."),
                                  secret: oneTime, form: FormState(), status: .ok)
    }

    // MARK: Tokens

    private func tokensPage(_ request: Request, _ context: AppRequestContext, form: FormState, created: (owner: String, token: String)?,
                            status: HTTPResponse.Status) async throws -> Response {
        let users = try await UserModel.query(on: database.db).sort(\.$email).all()
        let emails = Dictionary(users.compactMap { u in u.id.map { ($0, u.email) } }, uniquingKeysWith: { a, _ in a })
        let tokens = try await APITokenModel.query(on: database.db).sort(\.$createdAt, .descending).limit(500).all()
        return htmlResponse(TokensView(language: Language(request: request), identity: context.identity!,
                                       tokens: tokens.map { AdminTokenRow($0, owner: emails[$0.userID] ?? "?") },
                                       users: users.filter { !$0.disabled }.map(AdminUserRow.init), form: form, created: created).render(), status: status)
    }

    private func createToken(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        var form = FormState(try await parseStaffForm(request, context, language: l))
        var email = form["owner"].trimmingCharacters(in: .whitespaces).lowercased()
        // "platform:tiktok": that platform's connector account, made on first use (as `pantau token create --platform`).
        if email.hasPrefix("platform:") {
            guard let platform = PlatformSettings.platform(String(email.dropFirst("platform:".count))) else {
                form.fail("owner", l.t("Platform tidak dikenal.", "Unknown platform."))
                return try await tokensPage(request, context, form: form, created: nil, status: .unprocessableContent)
            }
            email = "connector@\(platform.rawValue).platform.pantau"
            if try await accounts.user(email: email) == nil {
                _ = try await accounts.createUser(email: email, displayName: "\(platform.displayName) connector", role: .platform, platform: platform,
                                                  password: nil, actor: actor(context))
            }
        }
        if email.isEmpty { form.fail("owner", l.t("Pilih akun pemilik token.", "Choose the account the token acts for.")) }
        if form.isValid {
            do {
                let (token, _) = try await accounts.createToken(email: email, name: form["name"], actor: actor(context))
                return try await tokensPage(request, context, form: FormState(), created: (email, token), status: .created)
            } catch let error as AccountError {
                form.fail(error.field == "name" ? "name" : "owner", l.t(error.id, error.message))
            }
        }
        return try await tokensPage(request, context, form: form, created: nil, status: .unprocessableContent)
    }

    private func revokeToken(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let id = try pathID(context, request)
        let form = try await parseStaffForm(request, context, language: l)
        do {
            try await accounts.revokeToken(id: id, actor: actor(context))
        } catch let error as AccountError {
            throw WebErrorPage(status: .conflict, language: l, detail: l.t(error.id, error.message))
        }
        // Back to where the button was: the user's page or the token list.
        let back = form.fields["back"].flatMap { $0.hasPrefix("/admin/") && !$0.contains("//") ? $0 : nil } ?? SitePath.Admin.tokens
        return Response(status: .seeOther, headers: [.location: l.link(back)])
    }

    // MARK: Platforms

    private func platformPage(_ request: Request, _ context: AppRequestContext, notice: String?, secret: String?, forms: [String: FormState],
                              status: HTTPResponse.Status) async throws -> Response {
        let l = Language(request: request)
        guard let platform = context.parameters.get("id").flatMap(PlatformSettings.platform),
              let delivery = try await PlatformDeliveryModel.find(platform.rawValue, on: database.db) else { throw WebErrorPage(status: .notFound, language: l) }
        let overrides = try await PlatformDeadlineModel.query(on: database.db).filter(\.$platformID == platform.rawValue).all()
        let categories = try await CategoryModel.query(on: database.db).sort(\.$position).all()
        return htmlResponse(PlatformSettingsView(language: l, identity: context.identity!, platform: platform, webhookURL: delivery.webhookURL,
                                                 signed: delivery.webhookSecret != nil, liaisonName: delivery.liaisonName, liaisonEmail: delivery.liaisonEmail,
                                                 overrides: Dictionary(overrides.map { ($0.categoryID, $0.hours) }, uniquingKeysWith: { a, _ in a }),
                                                 categories: categories.map(\.domain), notice: notice, secret: secret, forms: forms).render(), status: status)
    }

    private func savePlatform(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        var form = FormState(try await parseStaffForm(request, context, language: l))
        guard let platform = context.parameters.get("id").flatMap(PlatformSettings.platform) else { throw WebErrorPage(status: .notFound, language: l) }
        let part = form["part"]
        do {
            switch part {
            case "webhook":
                // A new secret each time the address is set, shown once (as the CLI prints it).
                let secret = try signingSecret(fromStdin: false)
                try await platforms.setWebhook(platform, url: form["webhook_url"], secret: secret, actor: actor(context))
                return try await platformPage(request, context, notice: l.t("Webhook disimpan.", "Webhook saved."), secret: secret, forms: [:], status: .ok)
            case "liaison":
                try await platforms.setLiaison(platform, name: form["liaison_name"], email: form["liaison_email"], actor: actor(context))
                return try await platformPage(request, context, notice: l.t("Penghubung disimpan.", "Liaison saved."), secret: nil, forms: [:], status: .ok)
            case "deadline":
                let hours = form.wholeNumber("hours", required: false, l, label: l.t("Jam", "Hours"))
                if form.isValid {
                    try await platforms.setDeadline(platform, category: form["category"], hours: hours.map { Int(clamping: $0) }, actor: actor(context))
                    return try await platformPage(request, context, notice: l.t("Tenggat disimpan.", "Deadline saved."), secret: nil, forms: [:], status: .ok)
                }
            default:
                throw WebErrorPage(status: .badRequest, language: l)
            }
        } catch let problem as PlatformSettings.Problem {
            form.fail(problem.field, l.t(problem.id, problem.en))
        }
        return try await platformPage(request, context, notice: nil, secret: nil, forms: [part: form], status: .unprocessableContent)
    }

    // MARK: Signatory

    private func saveSignatory(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        var form = FormState(try await parseStaffForm(request, context, language: l))
        let signatory = LetterSignatory(name: form.text("name") ?? "", position: form.text("position") ?? "", place: form.text("place") ?? "")
        for problem in signatory.problems() { form.fail(problem.field, l.t(problem.id, problem.en)) }
        guard form.isValid else {
            return htmlResponse(SignatoryView(language: l, identity: context.identity!, form: form, saved: false).render(), status: .unprocessableContent)
        }
        try await signatory.save(database, actor: actor(context), at: accounts.clock.now())
        return Response(status: .seeOther, headers: [.location: l.link(SitePath.Admin.signatory + "?notice=saved")])
    }
}

struct AdminUserRow: Sendable {
    let id: UUID
    let email: String
    let displayName: String
    let role: Role?
    let platform: Platform?
    let disabled: Bool
    let mustChangePassword: Bool
    let createdAt: Date

    init(_ user: UserModel) {
        id = user.id!
        email = user.email
        displayName = user.displayName
        role = Role(rawValue: user.role)
        platform = user.platformID.flatMap { Platform(rawValue: $0) }
        disabled = user.disabled
        mustChangePassword = user.mustChangePassword
        createdAt = user.createdAt
    }
}

struct AdminTokenRow: Sendable {
    let id: UUID
    let owner: String
    let name: String
    let prefix: String
    let createdAt: Date
    let lastUsedAt: Date?
    let revokedAt: Date?

    init(_ token: APITokenModel, owner: String) {
        id = token.id!
        self.owner = owner
        name = token.name
        prefix = token.tokenPrefix
        createdAt = token.createdAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
    }
}
