import FluentKit
import Foundation
import Hummingbird
import PantauCore

/// Sign-in, sign-out, the staff start page, one's own password, the audit
/// log; and `GET /api/v1/me` for token clients.
struct StaffWebController: Sendable {
    let accounts: AccountService
    let csrf: CSRFProtection
    let secureCookies: Bool

    func register(on routes: Routes) {
        routes.get(SitePath.Staff.signIn, .everyone) { request, context in signInPage(request, context) }
        routes.post(SitePath.Staff.signIn, .everyone) { request, context in try await signIn(request, context) }
        routes.post(SitePath.Staff.signOut, .staff(.useOwnAccount)) { request, context in try await signOut(request, context) }
        routes.get(SitePath.Staff.home, .staff(.useOwnAccount)) { request, context in
            let identity = context.identity!
            let counters = try await StaffWorkload(database: accounts.database).counters(for: identity)
            return htmlResponse(StaffHomeView(language: Language(request: request), identity: identity, counters: counters).render())
        }
        routes.get(SitePath.Staff.password, .staff(.useOwnAccount)) { request, context in try passwordPage(request, context) }
        routes.post(SitePath.Staff.password, .staff(.useOwnAccount)) { request, context in try await changePassword(request, context) }
        routes.get(SitePath.Staff.audit, .staff(.viewAuditLog)) { request, context in try await auditLog(request, context) }
        routes.get(SitePath.API.me, .staff(.viewOwnIdentity)) { _, context in
            let identity = context.identity!
            var object = JSONObjectText()
            object.add("display_name", identity.displayName)
            object.add("email", identity.email)
            if let platform = identity.platform { object.add("platform", platform.rawValue) }
            object.add("role", identity.role.rawValue)
            return jsonResponse(object, status: .ok)
        }
    }

    /// Where to go after signing in: only a path on this site.
    /// Where to go after signing in: a same-site path, or the staff home.
    static func safeNext(_ next: String?) -> String {
        next.flatMap(SameSitePath.accept) ?? SitePath.Staff.home
    }

    private func address(_ context: AppRequestContext) -> String {
        context.remoteAddress?.ipAddress ?? "unknown"
    }

    func signInPage(_ request: Request, _ context: AppRequestContext, email: String = "", error: String? = nil,
                    status: HTTPResponse.Status = .ok) -> Response {
        let language = Language(request: request)
        if context.identity != nil, error == nil {
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Staff.home)])
        }
        let (token, isNew) = csrf.token(for: request)
        let next = request.uri.queryParameters.get("next") ?? ""
        let html = SignInView(language: language, csrfToken: token, email: email, next: next, error: error).render()
        return htmlResponse(html, status: status, headers: isNew ? [.setCookie: csrf.cookieHeader(token)] : [:])
    }

    func signIn(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let body = try await collectBody(request, limit: 16 * 1024, api: false)
        let form = try await parseWebForm(request: request, body: Array(buffer: body), language: language)
        guard csrf.verify(request: request, formToken: form.fields[CSRFProtection.fieldName]) else {
            throw WebErrorPage(status: .forbidden, language: language)
        }
        let email = form.fields["email"] ?? ""
        let password = form.fields["password"] ?? ""
        guard !email.isEmpty, !password.isEmpty, password.utf8.count <= 1024 else {
            return signInPage(request, context, email: email, error: language.t("Isi surel dan kata sandi.", "Enter your e-mail and password."),
                              status: .badRequest)
        }
        switch try await accounts.signIn(email: email, password: password, address: address(context)) {
        case .signedIn(let token, let user):
            let next = user.mustChangePassword ? SitePath.Staff.password : Self.safeNext(form.fields["next"])
            var headers: HTTPFields = [.location: language.link(next)]
            headers[.setCookie] = "\(AccountService.sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(Int(accounts.sessionLifetime))"
                + (secureCookies ? "; Secure" : "")
            return Response(status: .seeOther, headers: headers)
        case .invalid:
            return signInPage(request, context, email: email,
                              error: language.t("Surel atau kata sandi salah.", "Wrong e-mail or password."), status: .unauthorized)
        case .throttled(let seconds):
            let minutes = max(1, (seconds + 59) / 60)
            var response = signInPage(request, context, email: email, error: language.t(
                "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam \(minutes) menit.",
                "Too many failed sign-in attempts. Try again in \(minutes) minutes."), status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    func signOut(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        _ = try await parseStaffForm(request, context, language: language, limit: 64 * 1024)
        if let identity = context.identity, case .session(let id, _) = identity.credential {
            try await accounts.signOut(sessionID: id, identity: identity, address: address(context))
        }
        var headers: HTTPFields = [.location: language.link(SitePath.Staff.signIn)]
        headers[.setCookie] = "\(AccountService.sessionCookie)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secureCookies ? "; Secure" : "")
        return Response(status: .seeOther, headers: headers)
    }

    /// Passwords are changed in a browser session, not with an API token.
    private func sessionIdentity(_ context: AppRequestContext, language: Language) throws -> Identity {
        guard let identity = context.identity, case .session = identity.credential else {
            throw WebErrorPage(status: .badRequest, language: language, detail: language.t(
                "Kata sandi diganti dari peramban.", "Passwords are changed in a browser session."))
        }
        return identity
    }

    func passwordPage(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let language = Language(request: request)
        let identity = try sessionIdentity(context, language: language)
        return htmlResponse(ChangePasswordView(language: language, identity: identity,
                                               done: request.uri.queryParameters.get("done") == "1").render())
    }

    func changePassword(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let identity = try sessionIdentity(context, language: language)
        let form = try await parseStaffForm(request, context, language: language, limit: 64 * 1024)
        // The new password is typed twice; a slip is caught before anything is checked or stored.
        guard form.fields["new"] == form.fields["confirm"] else {
            return htmlResponse(ChangePasswordView(language: language, identity: identity,
                                                   error: language.t("Kedua kata sandi baru tidak sama. Ketik ulang keduanya.",
                                                                     "The two new passwords differ. Type both again."), errorField: "confirm").render(),
                                status: .unprocessableContent)
        }
        let result = try await accounts.changeOwnPassword(identity: identity, current: form.fields["current"] ?? "",
                                                          new: form.fields["new"] ?? "", address: address(context))
        switch result {
        case .changed:
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Staff.password + "?done=1")])
        case .wrongCurrentPassword:
            let html = ChangePasswordView(language: language, identity: identity,
                                          error: language.t("Kata sandi sekarang salah.", "The current password is wrong."), errorField: "current").render()
            return htmlResponse(html, status: .unprocessableContent)
        case .rejected(let id, let en):
            return htmlResponse(ChangePasswordView(language: language, identity: identity, error: language.t(id, en)).render(),
                                status: .unprocessableContent)
        }
    }

    func auditLog(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        var before: UUID?
        if let text = request.uri.queryParameters.get("before") {
            guard let id = UUIDText.parse(String(text)) else {
                throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Penanda halaman tidak sah.", "Invalid page marker."))
            }
            before = id
        }
        let page = try await accounts.auditEvents(before: before)
        return htmlResponse(AuditLogView(language: language, identity: context.identity!, events: page.events,
                                         olderThan: page.olderThan.map(UUIDText.lower)).render())
    }
}

/// Compares two secrets without an early exit.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<x.count { difference |= x[i] ^ y[i] }
    return difference == 0
}
