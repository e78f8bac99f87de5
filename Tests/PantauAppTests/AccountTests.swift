import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// Runs `body` with the app, its route table and an account service on the
/// same database.
func withAppAndRoutes(_ backend: Backend, configure: (inout AppConfiguration) -> Void = { _ in },
                      _ body: @Sendable (any TestClientProtocol, Routes, AccountService, PantauDatabase) async throws -> Void) async throws {
    let env = try await TestEnvironment.make(backend)
    var configuration = env.configuration
    configure(&configuration)
    let (app, routes) = try await PantauServer.buildApplicationAndRoutes(configuration: configuration, logger: quietLogger)
    let probe = try PantauDatabase(location: env.configuration.database, logger: quietLogger)
    let accounts = AccountService(database: probe, clock: SystemClock(), configuration: env.configuration)
    do {
        try await app.test(.router) { client in try await body(client, routes, accounts, probe) }
    } catch {
        await probe.shutdown()
        await env.cleanup()
        throw error
    }
    await probe.shutdown()
    await env.cleanup()
}

/// Signs in through the real form; returns the session cookie ("name=value").
func signIn(_ client: any TestClientProtocol, email: String, password: String, address: String? = nil) async throws -> (TestResponse, String?) {
    let page = try await client.execute(uri: "/masuk", method: .get)
    let csrfCookie = String(try #require(page.headers[.setCookie]).split(separator: ";")[0])
    let html = page.text
    let start = try #require(html.range(of: "name=\"_csrf\" value=\"")).upperBound
    let token = String(html[start...].prefix { $0 != "\"" })
    let form = "_csrf=\(token)&email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        + "&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&next=%2Fstaf"
    let response = try await client.execute(uri: "/masuk", method: .post,
                                            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: csrfCookie],
                                            body: ByteBuffer(string: form))
    let session = response.headers[.setCookie].flatMap { c in c.hasPrefix(AccountService.sessionCookie) ? String(c.split(separator: ";")[0]) : nil }
    return (response, session)
}

func csrfToken(in html: String) -> String? {
    guard let start = html.range(of: "name=\"_csrf\" value=\"")?.upperBound else { return nil }
    return String(html[start...].prefix { $0 != "\"" })
}

@Suite(.serialized) struct AccountTests {
    /// Every route × every role (and anonymous) against the permission table.
    @Test(arguments: Backend.available)
    func everyRouteAllowsExactlyTheRolesThePermissionTableNames(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, routes, accounts, _ in
            // No route may bypass the table: the router has exactly the routes registered through `Routes`.
            let registered = Set(routes.entries.map { "\($0.method.rawValue) \(RouterPath($0.path))" })
            let inRouter = Set(routes.router.routes.map { "\($0.method.rawValue) \($0.path)" })
            #expect(registered == inRouter, "routes added without an access entry: \(inRouter.subtracting(registered))")
            #expect(routes.entries.contains { if case .staff = $0.access { true } else { false } }, "no staff route was found")

            var tokens: [Role: String] = [:]
            for role in Role.allCases {
                let email = "\(role.rawValue)@matrix.test"
                _ = try await accounts.createUser(email: email, role: role, platform: role == .platform ? .tiktok : nil,
                                                  password: "matrix-password-\(role.rawValue)", actor: "test")
                tokens[role] = try await accounts.createToken(email: email, name: "matrix", actor: "test").token
            }
            var checked = 0
            for entry in routes.entries {
                let uri = entry.path
                    .replacingOccurrences(of: ":ticket", with: "ADU-20261124-0000000000")
                    .replacingOccurrences(of: ":platform", with: "tiktok")
                    .replacingOccurrences(of: ":id", with: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
                    .replacingOccurrences(of: ":report", with: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c")
                    .replacingOccurrences(of: ":item", with: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d")
                    .replacingOccurrences(of: ":slug", with: "tiktok")
                    .replacingOccurrences(of: ":sha256", with: String(repeating: "ab", count: 32))
                let isAPI = uri.hasPrefix("/api/")
                for role in [Role?.none] + Role.allCases.map(Optional.some) {
                    var headers: HTTPFields = [:]
                    if let role { headers[.authorization] = "Bearer \(tokens[role]!)" }
                    let response = try await client.execute(uri: uri, method: entry.method, headers: headers)
                    let denied = response.headers[accessDeniedHeader.name] == accessDeniedHeader.value
                    let who = role?.rawValue ?? "anonymous"
                    if entry.access.allows(role) {
                        #expect(response.status != .unauthorized && !denied, "\(entry.method) \(entry.path) should allow \(who), got \(response.status)")
                    } else if role == nil {
                        if isAPI {
                            #expect(response.status == .unauthorized, "\(entry.method) \(entry.path) should ask anonymous to sign in")
                        } else {
                            #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/masuk?next=") == true,
                                    "\(entry.method) \(entry.path) should send anonymous to /masuk")
                        }
                    } else {
                        #expect(response.status == .forbidden && denied, "\(entry.method) \(entry.path) should deny \(who), got \(response.status)")
                    }
                    checked += 1
                }
            }
            #expect(checked == routes.entries.count * (Role.allCases.count + 1))

            // Every JSON endpoint is described in openapi.yaml.
            let spec = try await client.execute(uri: "/openapi.yaml", method: .get).text
            for entry in routes.entries where entry.path.hasPrefix("/api/") {
                let documented = "\(RouterPath(entry.path)):"
                #expect(spec.contains("\n  " + documented), "openapi.yaml lacks \(documented)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func oneTimePasswordSignInMustChangePasswordThenWorksAndSignsOut(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let (_, oneTime) = try await accounts.createUser(email: "Analis@Kominfo.test", role: .analyst, platform: nil, password: nil, actor: "test")
            let password = try #require(oneTime)
            let (response, cookie) = try await signIn(client, email: "analis@kominfo.test", password: password)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/akun/sandi")
            let session = try #require(cookie)
            let setCookie = try #require(response.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))

            // Until the password is changed, staff pages lead to the password form.
            let home = try await client.execute(uri: "/staf", method: .get, headers: [.cookie: session])
            #expect(home.status == .seeOther && home.headers[.location] == "/akun/sandi")
            let form = try await client.execute(uri: "/akun/sandi", method: .get, headers: [.cookie: session])
            #expect(form.status == .ok)
            let csrf = try #require(csrfToken(in: form.text))

            // A missing CSRF token is refused and changes nothing.
            let forged = try await client.execute(uri: "/akun/sandi", method: .post,
                                                  headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session],
                                                  body: ByteBuffer(string: "current=\(password)&new=a-much-better-password"))
            #expect(forged.status == .forbidden)
            let short = try await client.execute(uri: "/akun/sandi", method: .post,
                                                 headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session],
                                                 body: ByteBuffer(string: "_csrf=\(csrf)&current=\(password)&new=short&confirm=short"))
            #expect(short.status == .unprocessableContent)
            #expect(short.text.contains("minimal 12 karakter"))
            // Long enough but guessable: a common password dressed up, or one character repeated.
            for guessable in ["Password1234", "aaaaaaaaaaaa", "Analis2026!!!"] {
                let refused = try await client.execute(uri: "/akun/sandi", method: .post,
                                                       headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session],
                                                       body: ByteBuffer(string: "_csrf=\(csrf)&current=\(password)&new=\(guessable)&confirm=\(guessable)"))
                #expect(refused.status == .unprocessableContent, "\(guessable)")
                #expect(refused.text.contains("mudah ditebak"), "\(guessable)")
            }
            await #expect(throws: AccountError.self) {
                _ = try await accounts.createUser(email: "lain@kominfo.test", role: .analyst, platform: nil, password: "Qwerty123456", actor: "test")
            }
            // The new password is typed twice; a slip changes nothing and is said beside the second field.
            let slip = try await client.execute(uri: "/akun/sandi", method: .post,
                                                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session],
                                                body: ByteBuffer(string: "_csrf=\(csrf)&current=\(password)&new=a-much-better-password&confirm=a-much-better-pasword"))
            #expect(slip.status == .unprocessableContent && slip.text.contains("id=\"confirm-error\"") && slip.text.contains("aria-invalid=\"true\""))
            let changed = try await client.execute(uri: "/akun/sandi", method: .post,
                                                   headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session],
                                                   body: ByteBuffer(string: "_csrf=\(csrf)&current=\(password)&new=a-much-better-password&confirm=a-much-better-password"))
            #expect(changed.status == .seeOther)

            let staffHome = try await client.execute(uri: "/staf", method: .get, headers: [.cookie: session])
            #expect(staffHome.status == .ok)
            #expect(staffHome.text.contains("analis@kominfo.test"))
            #expect(staffHome.text.contains(StaffAction.decideCases.label.id), "permissions by their names")
            // The analyst may not read the audit log.
            let audit = try await client.execute(uri: "/admin/audit", method: .get, headers: [.cookie: session])
            #expect(audit.status == .forbidden)

            let signOut = try await client.execute(uri: "/keluar", method: .post,
                                                   headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session],
                                                   body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(signOut.status == .seeOther)
            let after = try await client.execute(uri: "/staf", method: .get, headers: [.cookie: session])
            #expect(after.status == .seeOther && after.headers[.location]?.hasPrefix("/masuk") == true)

            let kinds = try await db.sql.raw("SELECT kind FROM audit_events ORDER BY id").all().map { try $0.decode(column: "kind", as: String.self) }
            #expect(kinds.suffix(4) == ["user_created", "login", "password_changed", "logout"].suffix(4))
            #expect(try await db.count("sessions") == 0)
        }
    }

    @Test(arguments: Backend.available)
    func tenFailuresLockTheAccountOutWith429AndEveryFailureIsAudited(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await accounts.createUser(email: "sup@kominfo.test", role: .supervisor, platform: nil, password: "correct-horse-battery", actor: "test")
            for _ in 0..<10 {
                let (response, cookie) = try await signIn(client, email: "sup@kominfo.test", password: "wrong-password-123")
                #expect(response.status == .unauthorized)
                #expect(cookie == nil)
                #expect(response.text.contains("Surel atau kata sandi salah"))
            }
            // Now even the right password is refused, with a readable message.
            let (locked, cookie) = try await signIn(client, email: "sup@kominfo.test", password: "correct-horse-battery")
            #expect(locked.status == .tooManyRequests)
            #expect(cookie == nil)
            #expect(locked.headers[.retryAfter] != nil)
            #expect(locked.text.contains("Terlalu banyak percobaan"))
            #expect(try await db.count("audit_events", where: "WHERE kind = 'login_failed'") == 10)
            #expect(try await db.count("audit_events", where: "WHERE kind = 'login_throttled'") == 1)
            #expect(try await db.count("sessions") == 0)
        }
    }

    @Test(arguments: Backend.available)
    func signInSendsPeopleBackOnlyToAPathOfThisSite(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            _ = try await accounts.createUser(email: "next@kominfo.test", role: .analyst, platform: nil, password: "correct-horse-battery", actor: "test")
            for (next, expected) in [("%2Fkasus%3Fq%3Djudi", "/kasus?q=judi"), ("%2F%09%2Fevil.example", "/staf"), ("%2F%2Fevil.example", "/staf"),
                                     ("https%3A%2F%2Fevil.example", "/staf"), ("%2F%5Cevil.example", "/staf")] {
                let page = try await client.execute(uri: "/masuk", method: .get)
                let csrfCookie = String(try #require(page.headers[.setCookie]).split(separator: ";")[0])
                let token = try #require(csrfToken(in: page.text))
                let response = try await client.execute(uri: "/masuk", method: .post,
                                                        headers: [.contentType: "application/x-www-form-urlencoded", .cookie: csrfCookie],
                                                        body: ByteBuffer(string: "_csrf=\(token)&email=next%40kominfo.test&password=correct-horse-battery&next=\(next)"))
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == expected, "next=\(next)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func parallelGuessesCannotRaceTheThrottle(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await accounts.createUser(email: "race@kominfo.test", role: .supervisor, platform: nil, password: "correct-horse-battery", actor: "test")
            // Forty sign-ins at once, the right password among them: at most ten
            // may reach the password check, every other one is refused.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await signIn(client, email: "race@kominfo.test", password: index == 20 ? "correct-horse-battery" : "wrong-password-\(index)").0.status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let checked = statuses.filter { $0 == .unauthorized || $0 == .seeOther }.count
            #expect(checked <= 10)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 40 - checked)
            #expect(try await db.count("audit_events", where: "WHERE kind IN ('login_failed', 'login')") == checked)
        }
    }

    @Test(arguments: Backend.available)
    func aGuesserElsewhereDoesNotLockTheOwnerOutButGuessesFromManyAddressesDo(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { _, _, accounts, _ in
            let email = "owner@kominfo.test", right = "correct-horse-battery"
            _ = try await accounts.createUser(email: email, role: .analyst, platform: nil, password: right, actor: "test")
            func attempt(_ password: String, from address: String) async throws -> String {
                switch try await accounts.signIn(email: email, password: password, address: address) {
                case .signedIn: "signed in"
                case .invalid: "invalid"
                case .throttled: "throttled"
                }
            }
            for _ in 0..<10 { #expect(try await attempt("wrong-password-1", from: "203.0.113.9") == "invalid") }
            // The guesser's address is stopped, even with the right password ...
            #expect(try await attempt(right, from: "203.0.113.9") == "throttled")
            // ... while the owner, elsewhere, signs in.
            #expect(try await attempt(right, from: "198.51.100.7") == "signed in")
            // A success takes its attempt back: nine more failures from there still pass.
            for _ in 0..<9 { #expect(try await attempt("wrong-password-2", from: "198.51.100.7") == "invalid") }
            #expect(try await attempt(right, from: "198.51.100.7") == "signed in")
            // The backstop: a hundred failures from many addresses stop the account everywhere.
            for index in 0..<80 { _ = try await attempt("wrong-password-3", from: "192.0.2.\(index)") }
            #expect(try await attempt(right, from: "198.51.100.8") == "throttled")
            // One address guessing at many accounts is stopped too.
            for index in 0..<50 {
                _ = try await accounts.signIn(email: "nobody\(index)@kominfo.test", password: "wrong-password-4", address: "203.0.113.50")
            }
            guard case .throttled = try await accounts.signIn(email: "someone@kominfo.test", password: "x", address: "203.0.113.50") else {
                Issue.record("the spraying address was not stopped")
                return
            }
        }
    }

    @Test(arguments: Backend.available)
    func tokensAreStoredHashedAndStopWorkingWhenRevokedOrTheAccountIsDisabled(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await accounts.createUser(email: "conn@tiktok.test", role: .platform, platform: .tiktok, password: "platform-password-1", actor: "test")
            let (token, model) = try await accounts.createToken(email: "conn@tiktok.test", name: "connector", actor: "test")
            #expect(token.hasPrefix("pnt_"))
            let stored = try await db.sql.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(stored == [AccountService.digest(token)])
            #expect(!stored.contains(token))

            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            #expect(try me.json()["platform"] as? String == "tiktok")
            #expect(try me.json()["role"] as? String == "platform")

            let wrong = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer pnt_not-a-real-token"])
            #expect(wrong.status == .unauthorized)
            #expect(try (wrong.json()["error"] as? [String: Any])?["code"] as? String == "invalid_token")

            try await accounts.revokeToken(id: model.id!, actor: "test")
            let revoked = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(revoked.status == .unauthorized)

            let (second, _) = try await accounts.createToken(email: "conn@tiktok.test", name: "second", actor: "test")
            try await accounts.setDisabled(email: "conn@tiktok.test", true, actor: "test")
            let disabled = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(second)"])
            #expect(disabled.status == .unauthorized)
            #expect(try await db.count("api_tokens", where: "WHERE revoked_at IS NULL") == 0)
            #expect(try await db.count("audit_events", where: "WHERE kind IN ('token_created', 'token_revoked', 'user_disabled')") == 4)
        }
    }

    @Test(arguments: Backend.available)
    func theFirstStartCreatesOneAdminWithAOneTimePassword(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            // Building the app did it already: one admin, password to be changed.
            let admins = try await db.count("users", where: "WHERE role = 'admin' AND must_change_password = \(backend == .sqlite ? "1" : "true")")
            #expect(admins == 1)
            let second = try await accounts.ensureInitialAdmin(email: "other@pantau.local")
            #expect(second == nil)
            let users = try await db.count("users")
            #expect(users == 1)
            // Bad account input is refused and writes nothing.
            await #expect(throws: AccountError.self) {
                try await accounts.createUser(email: "not-an-email", role: .analyst, platform: nil, password: nil, actor: "test")
            }
            await #expect(throws: AccountError.self) {
                try await accounts.createUser(email: "isp@x.test", role: .isp, platform: .tiktok, password: nil, actor: "test")
            }
            await #expect(throws: AccountError.self) {
                try await accounts.createUser(email: "weak@x.test", role: .analyst, platform: nil, password: "short", actor: "test")
            }
            let usersAfter = try await db.count("users")
            #expect(usersAfter == 1)
        }
    }
}
