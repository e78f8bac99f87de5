import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// A refused form comes back with every value kept, every message beside its
/// field (all at once), invalid controls marked for screen readers — and
/// writes nothing.
@Suite(.serialized) struct FormRetryTests {
    func encoded(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }.joined(separator: "&"))
    }

    /// Signs in `email` (made with `role`) through the form; the session cookie and a CSRF token from `page`.
    func session(_ client: any TestClientProtocol, _ accounts: AccountService, _ email: String, _ role: Role, page: String) async throws -> (cookie: String, csrf: String) {
        _ = try await Staff.make(accounts, email, role)
        let cookie = try #require(try await signIn(client, email: email, password: "password-\(email)").1)
        let html = try await client.execute(uri: page, method: .get, headers: [.cookie: cookie]).text
        return (cookie, try #require(csrfToken(in: html), "no form on \(page)"))
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ cookie: String, _ fields: [(String, String)]) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: encoded(fields))
    }

    /// The value attribute of the input named `name`.
    func inputValue(_ html: String, _ name: String) -> String? {
        guard let tag = html.components(separatedBy: "<input").first(where: { $0.contains("name=\"\(name)\"") }),
              let start = tag.range(of: "value=\"")?.upperBound else { return nil }
        return String(tag[start...].prefix { $0 != "\"" })
    }

    @Test(arguments: Backend.available)
    func aRefusedCampaignKeepsEveryValueAndShowsEveryProblem(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let (cookie, csrf) = try await session(client, accounts, "humas@kominfo.test", .comms, page: "/kampanye")
            let long = String(repeating: "Waspada judi online. ", count: 15)  // 315 characters: over X's 280
            let refused = try await post(client, "/kampanye", cookie, [("_csrf", csrf), ("title", ""), ("message", long),
                                                                        ("scheduled_at", "kemarin sore"), ("late_after_minutes", "1.500")])
            #expect(refused.status == .unprocessableContent)
            let html = refused.text
            #expect(html.contains("id=\"title-error\"") && html.contains("Judul kampanye wajib diisi."))
            #expect(html.contains("id=\"message-error\"") && html.contains("X (Twitter) menerima paling banyak 280 karakter"))
            #expect(html.contains("id=\"scheduled_at-error\"") && html.contains("Waktu tayang tidak terbaca"))
            #expect(html.contains("id=\"form-errors\""), "a summary lists every problem")
            #expect(html.contains(long.trimmingCharacters(in: .whitespaces)), "the message is kept")
            #expect(inputValue(html, "scheduled_at") == "kemarin sore" && inputValue(html, "late_after_minutes") == "1.500")
            #expect(html.contains("aria-invalid=\"true\"") && html.contains("aria-describedby=\"message-hint message-error\""))
            #expect(!html.contains("Kembali ke beranda"), "not a dead end")
            #expect(try await db.count("campaigns") == 0)

            // A time in the past is refused beside its field, the text kept.
            let past = try await post(client, "/kampanye", cookie, [("_csrf", csrf), ("title", "Literasi digital"), ("message", "Cek fakta sebelum berbagi."),
                                                                     ("scheduled_at", "5 Desember 2020 09.00")])
            #expect(past.status == .unprocessableContent && past.text.contains("Waktu tayang sudah lewat."))
            #expect(inputValue(past.text, "title") == "Literasi digital")

            // The way people write a time is read as WIB.
            let accepted = try await post(client, "/kampanye", cookie, [("_csrf", csrf), ("title", "Literasi digital"), ("message", "Cek fakta sebelum berbagi."),
                                                                         ("scheduled_at", "Senin, 5 Desember 2039 pukul 09.00 WIB"), ("late_after_minutes", "90")])
            #expect(accepted.status == .seeOther, "\(accepted.text)")
            let campaign = try #require(try await CampaignModel.query(on: db.db).first())
            #expect(campaign.scheduledAt == TypedInput.minute("2039-12-05 09:00"))
            #expect(campaign.lateAfterMinutes == 90)

            // Recording a post by hand: a non-http link comes back beside its post, the time kept.
            let page = try await client.execute(uri: "/kampanye/\(UUIDText.lower(campaign.id!))", method: .get, headers: [.cookie: cookie]).text
            #expect(!page.contains("record-post"), "a scheduled post is not recorded by hand")
        }
    }

    @Test(arguments: Backend.available)
    func figuresAreTypedTheIndonesianWayAndARefusalKeepsThem(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let (cookie, csrf) = try await session(client, accounts, "humas@kominfo.test", .comms, page: "/akun-resmi")
            let account = try #require(try await OfficialAccountModel.query(on: db.db).first()).id!
            let refused = try await post(client, "/akun-resmi/angka", cookie, [("_csrf", csrf), ("account", UUIDText.lower(account)), ("taken_at", "2026-12-01"),
                                                                                ("followers", "1.35"), ("posts", "12 ribu"), ("likes", "")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("id=\"followers-error\"") && refused.text.contains("id=\"posts-error\""), "both problems at once")
            #expect(inputValue(refused.text, "followers") == "1.35" && inputValue(refused.text, "posts") == "12 ribu")
            #expect(refused.text.contains("value=\"\(UUIDText.lower(account))\" selected"), "the chosen account stays chosen")
            #expect(try await db.count("account_snapshots") == 0)

            let saved = try await post(client, "/akun-resmi/angka", cookie, [("_csrf", csrf), ("account", UUIDText.lower(account)), ("taken_at", "2026-12-01"),
                                                                              ("followers", "1.350.000"), ("posts", "1,204")])
            #expect(saved.status == .seeOther, "\(saved.text)")
            let snapshot = try #require(try await AccountSnapshotModel.query(on: db.db).first())
            #expect(snapshot.followers == 1_350_000 && snapshot.posts == 1_204)
            let shown = try await client.execute(uri: "/akun-resmi", method: .get).text
            #expect(shown.contains("1.350.000"), "and shown grouped")
        }
    }

    @Test(arguments: Backend.available)
    func aRefusedBlockProposalKeepsNamesActionBasesAndReason(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let (cookie, csrf) = try await session(client, accounts, "analis@kominfo.test", .analyst, page: "/blokir")
            let refused = try await post(client, "/blokir", cookie, [("_csrf", csrf), ("names", "judi-satu.example\njudi-dua.example"), ("action", "redirect"),
                                                                      ("legal_basis", "uu-ite-27-2"), ("reason", "terlalu pendek")])
            #expect(refused.status == .unprocessableContent)
            let html = refused.text
            #expect(html.contains("judi-satu.example\njudi-dua.example"), "the names are kept")
            #expect(html.contains("id=\"reason-error\"") && html.contains(">terlalu pendek</textarea>"))
            #expect(html.contains("value=\"redirect\" id=\"action-redirect\" checked") || html.contains("id=\"action-redirect\" checked"), "the action stays chosen")
            #expect(html.contains("id=\"legal_basis-uu-ite-27-2\" checked"), "the legal basis stays ticked")
            #expect(try await db.count("block_proposals") == 0)
        }
    }

    @Test(arguments: Backend.available)
    func aPeriodThatCannotBeReadShowsThePageWithTheMessageBesideTheDay(backend: Backend) async throws {
        try await withApp(backend) { client, _, _ in
            let response = try await client.execute(uri: "/transparansi?period=custom&from=31-02-2026&to=", method: .get)
            #expect(response.status == .badRequest)
            #expect(response.text.contains("id=\"from-error\"") && response.text.contains("Tanggal dari harus tanggal yang sah"))
            #expect(response.text.contains("value=\"31-02-2026\""), "what was typed is kept")
            #expect(response.text.contains("<svg"), "the page itself is shown, with the default period")
        }
    }

    @Test(arguments: Backend.available)
    func theReportFormShowsEveryProblemAndHoldsGoodEvidenceForTheRetry(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            let form = WebFormTests()
            let (token, cookie) = try await form.csrf(client)
            let (body, type) = form.multipart([("_csrf", token), ("target", ""), ("category", ""), ("reporter.email", "bukan-surel")],
                                              files: [("evidence", "tangkapan.png", EvidenceFixtures.png)])
            let refused = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: type, .cookie: cookie], body: body)
            #expect(refused.status == .unprocessableContent)
            let html = refused.text
            for field in ["target", "category", "reporter.email"] {
                #expect(html.contains("id=\"\(field)-error\""), "\(field) is flagged")
                #expect(html.contains("aria-describedby=\"\(field)-error\" aria-invalid=\"true\""), "\(field) is marked for screen readers")
            }
            #expect(html.contains("bukan-surel"), "the e-mail typed is kept")
            #expect(html.contains("tangkapan.png") && html.contains("name=\"held_evidence\""), "the good file is held and named")
            #expect(try await db.count("reports") == 0)
            let held = try #require(html.range(of: "name=\"held_evidence\" value=\"").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) })

            let (retry, retryType) = form.multipart([("_csrf", token), ("target", "https://judi-slot.example/daftar"), ("category", "perjudian"),
                                                     ("held_evidence", held)])
            let filed = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: retryType, .cookie: cookie], body: retry)
            #expect(filed.status == .seeOther, "\(filed.text)")
            #expect(try await db.count("report_evidence") == 1, "the held file is attached without choosing it again")

            // A held value that names nothing stored is said plainly.
            let (lost, lostType) = form.multipart([("_csrf", token), ("target", "https://judi-slot.example/lagi"), ("category", "perjudian"),
                                                   ("held_evidence", String(repeating: "ab", count: 32) + ":hilang.png")])
            let lostAnswer = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: lostType, .cookie: cookie], body: lost)
            #expect(lostAnswer.status == .unprocessableContent && lostAnswer.text.contains("lampirkan lagi: hilang.png"))
        }
    }
}
