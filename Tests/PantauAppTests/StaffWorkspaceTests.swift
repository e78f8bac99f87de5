import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// The staff workspace: its own navigation, what waits for me, the admin
/// screens (with the CLI's audit events), and names instead of keys.
@Suite(.serialized) struct StaffWorkspaceTests {
    func form(_ cookie: String) -> HTTPFields { [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"] }

    func encoded(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }.joined(separator: "&"))
    }

    func auditKinds(_ db: PantauDatabase) async throws -> [String] {
        try await AuditEventModel.query(on: db.db).all().map(\.kind)
    }

    /// The text between `<code class="secret">` and `</code>`.
    func shownSecret(_ html: String) -> String? {
        guard let start = html.range(of: "<code class=\"secret\">")?.upperBound else { return nil }
        return String(html[start...].prefix { $0 != "<" })
    }

    @Test(arguments: Backend.available)
    func theAdminManagesUsersTokensPlatformsAndTheSignatoryOnScreens(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await Staff.make(accounts, "admin@kominfo.test", .admin)
            let cookie = try #require(try await signIn(client, email: "admin@kominfo.test", password: "password-admin@kominfo.test").1)
            let usersPage = try await client.execute(uri: "/admin/pengguna", method: .get, headers: [.cookie: cookie])
            #expect(usersPage.status == .ok && usersPage.text.contains("admin@kominfo.test"))
            let csrf = try #require(csrfToken(in: usersPage.text))

            // A refused user comes back as typed.
            let refused = try await client.execute(uri: "/admin/pengguna", method: .post, headers: form(cookie),
                                                   body: encoded([("_csrf", csrf), ("email", "bukan-surel"), ("display_name", "Siti"), ("role", "analyst")]))
            #expect(refused.status == .unprocessableContent && refused.text.contains("id=\"email-error\"") && refused.text.contains("value=\"Siti\""))
            #expect(refused.text.contains("value=\"analyst\" selected"))

            // Added: the one-time password is shown once and works.
            let added = try await client.execute(uri: "/admin/pengguna", method: .post, headers: form(cookie),
                                                 body: encoded([("_csrf", csrf), ("email", "siti@kominfo.test"), ("display_name", "Siti"), ("role", "analyst")]))
            #expect(added.status == .created)
            let oneTime = try #require(shownSecret(added.text))
            #expect(try await signIn(client, email: "siti@kominfo.test", password: oneTime).1 != nil)
            let siti = try #require(try await accounts.user(email: "siti@kominfo.test"))
            let userPath = "/admin/pengguna/\(UUIDText.lower(siti.id!))"

            let role = try await client.execute(uri: userPath + "/peran", method: .post, headers: form(cookie),
                                                body: encoded([("_csrf", csrf), ("role", "supervisor"), ("platform", "")]))
            #expect(role.status == .ok && role.text.contains("Supervisor"))
            let badRole = try await client.execute(uri: userPath + "/peran", method: .post, headers: form(cookie),
                                                   body: encoded([("_csrf", csrf), ("role", "platform"), ("platform", "")]))
            #expect(badRole.status == .unprocessableContent && badRole.text.contains("id=\"platform-error\""))
            let reset = try await client.execute(uri: userPath + "/reset", method: .post, headers: form(cookie), body: encoded([("_csrf", csrf)]))
            #expect(reset.status == .ok && shownSecret(reset.text) != nil && shownSecret(reset.text) != oneTime)
            let disabled = try await client.execute(uri: userPath + "/status", method: .post, headers: form(cookie),
                                                    body: encoded([("_csrf", csrf), ("disabled", "1")]))
            #expect(disabled.status == .ok && disabled.text.contains("Nonaktif"))
            #expect(try await accounts.user(email: "siti@kominfo.test")?.disabled == true)
            let me = try #require(try await accounts.user(email: "admin@kominfo.test"))
            let selfDisable = try await client.execute(uri: "/admin/pengguna/\(UUIDText.lower(me.id!))/status", method: .post, headers: form(cookie),
                                                       body: encoded([("_csrf", csrf), ("disabled", "1")]))
            let stillEnabled = try await accounts.user(email: "admin@kominfo.test")?.disabled == false
            #expect(selfDisable.status == .unprocessableContent && stillEnabled)

            // A platform connector's token: shown once, works, and stops working when revoked.
            let token = try await client.execute(uri: "/admin/token", method: .post, headers: form(cookie),
                                                 body: encoded([("_csrf", csrf), ("owner", "platform:tiktok"), ("name", "Konektor TikTok")]))
            #expect(token.status == .created)
            let secret = try #require(shownSecret(token.text))
            let bearer: HTTPFields = [.authorization: "Bearer \(secret)"]
            let whoami = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer)
            #expect(whoami.status == .ok)
            #expect(try json(whoami)["platform"] as? String == "tiktok")
            let listed = try await client.execute(uri: "/admin/token", method: .get, headers: [.cookie: cookie]).text
            #expect(listed.contains("Konektor TikTok") && !listed.contains(secret), "the list never shows the secret")
            let tokenRow = try #require(try await APITokenModel.query(on: db.db).filter(\.$name == "Konektor TikTok").first())
            let revoked = try await client.execute(uri: "/admin/token/\(UUIDText.lower(tokenRow.id!))/cabut", method: .post, headers: form(cookie),
                                                   body: encoded([("_csrf", csrf), ("back", "/admin/token")]))
            #expect(revoked.status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer).status == .unauthorized)

            // Platforms: a bad webhook is refused beside its field and changes nothing; liaison and deadline are saved.
            let badHook = try await client.execute(uri: "/admin/platform/tiktok", method: .post, headers: form(cookie),
                                                   body: encoded([("_csrf", csrf), ("part", "webhook"), ("webhook_url", "ftp://orders.tiktok.example")]))
            #expect(badHook.status == .unprocessableContent && badHook.text.contains("id=\"webhook_url-error\"")
                    && badHook.text.contains("value=\"ftp://orders.tiktok.example\""))
            #expect(try await PlatformDeliveryModel.find("tiktok", on: db.db)?.webhookURL == nil)
            let hook = try await client.execute(uri: "/admin/platform/tiktok", method: .post, headers: form(cookie),
                                                body: encoded([("_csrf", csrf), ("part", "webhook"), ("webhook_url", "https://orders.tiktok.example/pantau")]))
            #expect(hook.status == .ok && shownSecret(hook.text)?.hasPrefix("whsec_") == true)
            _ = try await client.execute(uri: "/admin/platform/tiktok", method: .post, headers: form(cookie),
                                         body: encoded([("_csrf", csrf), ("part", "liaison"), ("liaison_name", "Tim Hukum"), ("liaison_email", "hukum@tiktok.example")]))
            let deadline = try await client.execute(uri: "/admin/platform/tiktok", method: .post, headers: form(cookie),
                                                    body: encoded([("_csrf", csrf), ("part", "deadline"), ("category", "perjudian"), ("hours", "12")]))
            #expect(deadline.status == .ok && deadline.text.contains("Perjudian: 12 jam"))
            let delivery = try #require(try await PlatformDeliveryModel.find("tiktok", on: db.db))
            #expect(delivery.webhookURL == "https://orders.tiktok.example/pantau" && delivery.liaisonEmail == "hukum@tiktok.example")

            // The signatory.
            let missing = try await client.execute(uri: "/admin/penanda-tangan", method: .post, headers: form(cookie),
                                                   body: encoded([("_csrf", csrf), ("name", "Dr. Contoh"), ("position", ""), ("place", "Jakarta")]))
            #expect(missing.status == .unprocessableContent && missing.text.contains("id=\"position-error\"") && missing.text.contains("value=\"Dr. Contoh\""))
            let signed = try await client.execute(uri: "/admin/penanda-tangan", method: .post, headers: form(cookie),
                                                  body: encoded([("_csrf", csrf), ("name", "Dr. Contoh"), ("position", "Direktur"), ("place", "Jakarta")]))
            #expect(signed.status == .seeOther)
            #expect(try await LetterSignatory.load(db) == LetterSignatory(name: "Dr. Contoh", position: "Direktur", place: "Jakarta"))

            // The same audit events as the CLI's, with the admin as actor.
            let kinds = try await auditKinds(db)
            for kind in ["user_created", "role_changed", "password_reset", "user_disabled", "token_created", "token_revoked",
                         "platform_webhook_set", "platform_liaison_set", "platform_deadline_set", "letter_signatory_set"] {
                #expect(kinds.contains(kind), "\(kind) is audited")
            }
            #expect(try await AuditEventModel.query(on: db.db).filter(\.$kind == "role_changed").first()?.actor == "user:admin@kominfo.test")
            let log = try await client.execute(uri: "/admin/audit", method: .get, headers: [.cookie: cookie]).text
            #expect(log.contains("Peran diubah") && log.contains("<code class=\"key\">role_changed</code>") && !log.contains("{&quot;"),
                    "the audit log reads by name, the kind small beside it, details without JSON")

            // Nobody else may open these screens.
            _ = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let analyst = try #require(try await signIn(client, email: "analis@kominfo.test", password: "password-analis@kominfo.test").1)
            for path in ["/admin/pengguna", "/admin/token", "/admin/platform/tiktok", "/admin/penanda-tangan"] {
                #expect(try await client.execute(uri: path, method: .get, headers: [.cookie: analyst]).status == .forbidden, "\(path)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func theStartPageCountsWhatWaitsForMeAndTheNavigationIsTheStaffs(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            _ = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let (_, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@judi.slot.gacor88", category: "perjudian")
            _ = try await fileReport(client, url: "https://judi-baru.example/", category: "perjudian")
            let claim = try await client.execute(uri: "/api/v1/cases/\(caseID)/claim", method: .post, headers: analyst.auth)
            #expect(claim.status == .ok, "\(claim.text)")

            let cookie = try #require(try await signIn(client, email: "analis@kominfo.test", password: "password-analis@kominfo.test").1)
            let home = try await client.execute(uri: "/staf", method: .get, headers: [.cookie: cookie]).text
            func counter(_ key: String, in html: String) -> String? {
                guard let start = html.range(of: "data-counter=\"\(key)\"")?.upperBound,
                      let n = html[start...].range(of: "<span class=\"n\">")?.upperBound else { return nil }
                return String(html[n...].prefix { $0 != "<" })
            }
            #expect(counter("my_cases", in: home) == "1")
            #expect(counter("unassigned", in: home) == "1")
            #expect(counter("approvals", in: home) == nil, "an analyst approves nothing")
            #expect(home.contains("class=\"staff-nav\"") && home.contains("Aduan &amp; kasus") && home.contains("Perintah &amp; kepatuhan"))
            #expect(!home.contains(">Laporkan konten<"), "the public links are not in the staff navigation")
            #expect(!home.contains(">Pengguna<"), "an analyst has no admin group")
            #expect(home.contains("Memutus kasus") && !home.contains("<code>decide_cases</code>"), "permissions by name")

            let supervisor = try #require(try await signIn(client, email: "sup@kominfo.test", password: "password-sup@kominfo.test").1)
            let supHome = try await client.execute(uri: "/staf", method: .get, headers: [.cookie: supervisor]).text
            #expect(counter("approvals", in: supHome) == "0" && counter("block_proposals", in: supHome) == "0")

            // Names, not keys: the queue and the case page title the subject; the key is there to copy.
            let queue = try await client.execute(uri: "/kasus", method: .get, headers: [.cookie: cookie]).text
            #expect(queue.contains("Akun TikTok @judi.slot.gacor88") && queue.contains("Situs judi-baru.example"))
            let page = try await client.execute(uri: "/kasus/\(caseID)", method: .get, headers: [.cookie: cookie]).text
            #expect(page.contains("<h1>Akun TikTok @judi.slot.gacor88</h1>") && page.contains("<code class=\"key\""))
            #expect(!page.contains("status_from:") && !page.contains("status_to:"), "event details by name")
            let english = try await client.execute(uri: "/kasus/\(caseID)?lang=en", method: .get, headers: [.cookie: cookie]).text
            #expect(english.contains("TikTok account @judi.slot.gacor88"))
            _ = db
        }
    }
}
