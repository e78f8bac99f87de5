import CompressNIO
import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

let hostHeader = HTTPField.Name("Host")!

@Suite(.serialized) struct BlocklistAppTests {
    func propose(_ client: any TestClientProtocol, _ staff: Staff, _ json: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/blocks", method: .post, headers: staff.auth, body: ByteBuffer(string: json))
    }

    func review(_ client: any TestClientProtocol, _ staff: Staff, _ id: String, approve: Bool = true) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/block-proposals/\(id)/review", method: .post, headers: staff.auth,
                                 body: ByteBuffer(string: approve ? #"{"approve":true}"# : #"{"approve":false,"reason":"Bukti belum cukup kuat untuk memblokir."}"#))
    }

    static let reason = "Situs perjudian daring yang terverifikasi dari aduan masyarakat."

    /// The bulk import binds its kinds as static text: it must spell the entry kinds of the lifecycle.
    @Test func theImportersKindsSpellTheEntryKinds() {
        for kind in [BlocklistImporter.Kind.ip, .domain, .subdomains] {
            #expect(BlockEntryKind(rawValue: kind.text.description) != nil, "\(kind)")
            #expect(BlocklistImporter.Kind(text: kind.text.description) == kind)
        }
    }

    @Test(arguments: Backend.available)
    func blocksNeedFourEyesArePublishedUnderSerialsAndLiftedWithConditions(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let supervisor2 = try await Staff.make(accounts, "sup2@kominfo.test", .supervisor)

            // The allow-list first: government services are never blocked.
            let allow = try await client.execute(uri: "/api/v1/allow-list", method: .post, headers: supervisor.auth,
                                                 body: ByteBuffer(string: #"{"name":"*.go.id","reason":"Layanan pemerintah tidak boleh diblokir."}"#))
            #expect(allow.status == .created, "\(allow.text)")
            #expect(try json(allow)["serial"] as? Int == 1)

            // Junk, allow-listed and badly formed proposals are refused and write nothing.
            let junk = try await propose(client, analyst, #"{"names":["judi.example","bad name.com"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
            #expect(junk.status == .unprocessableContent && junk.text.contains("Line 2"), "\(junk.text)")
            let allowed = try await propose(client, analyst, #"{"names":["pemda.go.id"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
            #expect(allowed.status == .conflict && allowed.text.contains("allow-list"), "\(allowed.text)")
            #expect(try await propose(client, analyst, #"{"names":["judi.example"],"reason":"short","legal_bases":["uu-ite-27-2"]}"#).status == .unprocessableContent)
            #expect(try await propose(client, analyst, #"{"names":["judi.example"],"reason":"\#(Self.reason)","legal_bases":["nope"]}"#).status == .unprocessableContent)
            #expect(try await db.count("block_entries") == 0)

            // An app: its domains blocked together; and, separately, a site, an IDN and an IP.
            let app = try await propose(client, analyst, #"{"names":["*.tiktok.com","*.tiktokv.com","*.muscdn.com"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"],"app":{"slug":"tiktok","name":"TikTok"}}"#)
            #expect(app.status == .created, "\(app.text)")
            let proposalID = try #require(try json(app)["id"] as? String)
            let others = try await propose(client, analyst, #"{"names":["Bücher-Judi.example","203.0.113.7","https://www.judi.example/slot?x=1"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
            let othersProposal = try json(others)
            let othersID = try #require(othersProposal["id"] as? String)
            let names = Set((othersProposal["entries"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? [])
            #expect(names == ["xn--bcher-judi-9db.example", "203.0.113.7", "www.judi.example"])
            #expect(try await propose(client, analyst, #"{"names":["*.tiktok.com"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#).status == .conflict,
                    "already proposed")

            // Nothing is published before a second person approves; the proposer cannot; an analyst may not.
            let early = try await client.execute(uri: "/blocklist/domains.txt", method: .get).text
            #expect(!early.contains("tiktok"))
            #expect(try await review(client, analyst, proposalID).status == .forbidden)
            #expect(try await review(client, supervisor, othersID).status == .ok)
            let approved = try await review(client, supervisor, proposalID)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(try json(approved)["serial"] as? Int == 3)

            let rpz = try await client.execute(uri: "/blocklist/rpz", method: .get)
            #expect(rpz.status == .ok && rpz.headers[.eTag] == "\"rpz-3\"")
            #expect(rpz.text.contains("@ SOA localhost. hostmaster.localhost. 3 "))
            #expect(rpz.text.contains("\ntiktok.com CNAME .\n*.tiktok.com CNAME .\n"))
            #expect(rpz.text.contains("\ngo.id CNAME rpz-passthru.\n*.go.id CNAME rpz-passthru.\n"))
            #expect(rpz.text.contains("\nwww.judi.example CNAME .\n") && !rpz.text.contains("203.0.113.7"))
            #expect(try await client.execute(uri: "/blocklist/rpz", method: .get, headers: [.ifNoneMatch: "\"rpz-3\""]).status == .notModified)
            let ips = try await client.execute(uri: "/blocklist/ips.txt", method: .get).text
            #expect(ips.hasSuffix("\n203.0.113.7\n"))
            let hosts = try await client.execute(uri: "/blocklist/hosts", method: .get).text
            #expect(hosts.contains("\n0.0.0.0 tiktok.com\n"))
            let domains = try await client.execute(uri: "/blocklist/domains.txt", method: .get).text
            #expect(domains.contains("\n*.tiktok.com\n") && domains.contains("\nwww.judi.example\n"))
            let full = try json(try await client.execute(uri: "/blocklist.json", method: .get))
            #expect((full["entries"] as? [[String: Any]])?.count == 6 && full["serial"] as? Int == 3)
            #expect((full["entries"] as? [[String: Any]])?.first(where: { $0["name"] as? String == "tiktok.com" })?["app"] as? String == "tiktok")

            // gzip when asked, the same bytes underneath.
            let gz = try await client.execute(uri: "/blocklist/rpz", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(gz.headers[.contentEncoding] == "gzip")
            var compressed = gz.body
            let inflated = try compressed.decompress(with: .gzip())
            #expect(String(buffer: inflated).replacingOccurrences(of: #"generated [^\n]*"#, with: "", options: .regularExpression)
                    == rpz.text.replacingOccurrences(of: #"generated [^\n]*"#, with: "", options: .regularExpression))

            // Pages of two rows give the same export as one page (the keyset walk).
            for format in BlocklistExporter.Format.allCases {
                var small = BlocklistExporter(database: db, zoneName: "rpz.pantau", landingHost: "blokir.pantau.id")
                small.pageSize = 2
                var paged = "", whole = ""
                try await small.export(format, generatedAt: Date(timeIntervalSince1970: 0)) { paged += String(buffer: $0) }
                small.pageSize = 1000
                try await small.export(format, generatedAt: Date(timeIntervalSince1970: 0)) { whole += String(buffer: $0) }
                #expect(paged == whole && paged.utf8.count > 40, "\(format)")
            }

            // Why is it blocked?
            let check = try json(try await client.execute(uri: "/api/v1/check?name=https://v16.TikTok.com/video", method: .get))
            #expect(check["status"] as? String == "blocked")
            let match = try #require(check["blocked_by"] as? [String: Any])
            #expect(match["entry"] as? String == "*.tiktok.com" && match["matched_by"] as? String == "subdomains" && match["app"] as? String == "TikTok")
            #expect(try json(try await client.execute(uri: "/api/v1/check?name=judi.example", method: .get))["status"] as? String == "not_blocked",
                    "an exact block of www. does not cover the parent")
            #expect(try json(try await client.execute(uri: "/api/v1/check?name=layanan.kominfo.go.id", method: .get))["status"] as? String == "allowed")
            #expect(try json(try await client.execute(uri: "/api/v1/check?name=203.0.113.7", method: .get))["status"] as? String == "blocked")
            #expect(try await client.execute(uri: "/api/v1/check?name=bad%20name", method: .get).status == .unprocessableContent)
            #expect(try await client.execute(uri: "/api/v1/check", method: .get).status == .badRequest)

            // Normalisation of the app: conditions, four eyes, the removal published.
            let lift = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"app":"tiktok","conditions":"Konten pornografi dibersihkan, kurator 20 menjadi 200, usia minimal 16 tahun, kantor perwakilan di Indonesia."}"#))
            #expect(lift.status == .created, "\(lift.text)")
            let liftID = try #require(try json(lift)["id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"app":"tiktok","conditions":"Usulan kedua yang sama persis untuk aplikasi yang sama."}"#)).status == .conflict)
            let rejected = try await review(client, supervisor2, liftID, approve: false)
            let rejectedState = try json(rejected)["state"] as? String
            #expect(rejected.status == .ok && rejectedState == "rejected")
            let unchanged = try await client.execute(uri: "/blocklist/rpz", method: .get).text
            #expect(unchanged.contains("tiktok.com CNAME"), "a rejected lift changes nothing")
            let lift2 = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"app":"tiktok","conditions":"Konten pornografi dibersihkan, kurator 20 menjadi 200, usia minimal 16 tahun."}"#))
            let lift2ID = try #require(try json(lift2)["id"] as? String)
            let liftApproved = try await review(client, supervisor2, lift2ID)
            let liftSerial = try json(liftApproved)["serial"] as? Int
            #expect(liftApproved.status == .ok && liftSerial == 4)
            let after = try await client.execute(uri: "/blocklist/rpz", method: .get).text
            #expect(!after.contains("tiktok") && after.contains("xn--bcher-judi-9db.example"), "only the app's entries are lifted")

            // Changes since each serial; a serial from the future is refused.
            let since2 = try json(try await client.execute(uri: "/blocklist/changes?since=3", method: .get))
            #expect(Set((since2["removed"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []) == ["tiktok.com", "tiktokv.com", "muscdn.com"])
            #expect((since2["added"] as? [Any])?.isEmpty == true && since2["to"] as? Int == 4 && since2["full_reload_needed"] as? Bool == false)
            let since1 = try json(try await client.execute(uri: "/blocklist/changes?since=1", method: .get))
            #expect(Set((since1["added"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? [])
                    == ["xn--bcher-judi-9db.example", "203.0.113.7", "www.judi.example"], "added then removed is no change")
            #expect(try await client.execute(uri: "/blocklist/changes?since=9", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/blocklist/changes?since=x", method: .get).status == .badRequest)

            // History of every entry is kept.
            let kinds = Set(try await BlockEventModel.query(on: db.db).all().map(\.kind))
            #expect(kinds.isSuperset(of: ["allow_added", "block_proposed", "block_approved", "block_activated", "lift_proposed", "lift_rejected",
                                          "lift_approved", "block_lifted"]))
            let lifted = try await BlockEntryModel.query(on: db.db).filter(\.$state == "lifted").count()
            #expect(lifted == 3)
        }
    }

    @Test(arguments: Backend.available)
    func scheduledBlocksTakeEffectAtTheirTimeAndEndAtTheirEnd(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let start = Date().addingTimeInterval(3600)
            let end = start.addingTimeInterval(7 * 86_400)
            let proposed = try await propose(client, analyst, #"{"names":["*.pekan-judi.example"],"action":"redirect","reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"],"effective_at":"\#(isoTimestamp(start))","until":"\#(isoTimestamp(end))"}"#)
            #expect(proposed.status == .created, "\(proposed.text)")
            let id = try #require(try json(proposed)["id"] as? String)
            #expect(try await review(client, supervisor, id).status == .ok)
            #expect(try await BlockEntryModel.query(on: db.db).first()?.state == "scheduled")
            #expect(try await db.count("blocklist_serials") == 0, "nothing published before the start")

            let clock = ManualClock(start.addingTimeInterval(-1))
            let service = BlocklistService(database: db, clock: clock, normalizer: BlockNameNormalizer(zoneName: "rpz.pantau"))
            #expect(try await service.applySchedule() == nil)
            clock.set(start.addingTimeInterval(1))
            #expect(try await service.applySchedule() == 1)
            let rpz = try await client.execute(uri: "/blocklist/rpz", method: .get).text
            #expect(rpz.contains("\npekan-judi.example CNAME blokir.pantau.id.\n*.pekan-judi.example CNAME blokir.pantau.id.\n"), "\(rpz)")
            clock.set(end.addingTimeInterval(1))
            #expect(try await service.applySchedule() == 2)
            #expect(try await BlockEntryModel.query(on: db.db).first()?.state == "lifted")
            let lifted = try await client.execute(uri: "/blocklist/rpz", method: .get).text
            #expect(!lifted.contains("pekan-judi"))
        }
    }

    @Test(arguments: Backend.available)
    func theLandingPageAndTheLookupSayWhyANameIsBlocked(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let proposed = try await propose(client, analyst, #"{"names":["*.judi-besar.example"],"action":"redirect","reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
            #expect(try await review(client, supervisor, try #require(try json(proposed)["id"] as? String)).status == .ok)

            // A resolver sent someone to Pantau for a blocked name: the page says which, why and how to appeal.
            let landing = try await client.execute(uri: "/", method: .get, headers: [hostHeader: "www.judi-besar.example"])
            #expect(landing.status.code == 451)
            #expect(landing.text.contains("*.judi-besar.example") && landing.text.contains(Self.reason) && landing.text.contains("/banding?ref="))
            let landingHost = try await client.execute(uri: "/", method: .get, headers: [hostHeader: "blokir.pantau.id"])
            #expect(landingHost.status == .ok && landingHost.text.contains("/cek"))
            // Pantau's own pages stay Pantau's: an open name, an IP address, localhost.
            let open = try await client.execute(uri: "/lapor", method: .get, headers: [hostHeader: "pantau.example.org"])
            #expect(open.status == .ok && !open.text.contains("diblokir"))
            #expect(try await client.execute(uri: "/lapor", method: .get, headers: [hostHeader: "127.0.0.1:8080"]).status == .ok)

            // The public lookup.
            let page = try await client.execute(uri: "/cek?nama=https://m.judi-besar.example/slot", method: .get)
            #expect(page.status == .ok && page.text.contains("Diblokir") && page.text.contains("subdomain dari judi-besar.example"))
            let clean = try await client.execute(uri: "/cek?nama=kominfo.go.id&lang=en", method: .get)
            #expect(clean.status == .ok && clean.text.contains("Not blocked"))
            let junk = try await client.execute(uri: "/cek?nama=bad%20name", method: .get)
            #expect(junk.status == .unprocessableContent && junk.text.contains("Hanya huruf"))
        }
    }

    @Test(arguments: Backend.available)
    func staffPagesProposeReviewAndNormaliseThroughForms(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await accounts.createUser(email: "analis@kominfo.test", role: .analyst, platform: nil, password: "password-analis-kominfo", actor: "test")
            _ = try await accounts.createUser(email: "sup@kominfo.test", role: .supervisor, platform: nil, password: "password-sup-kominfo", actor: "test")
            let (_, analystCookie) = try await signIn(client, email: "analis@kominfo.test", password: "password-analis-kominfo")
            let (_, supervisorCookie) = try await signIn(client, email: "sup@kominfo.test", password: "password-sup-kominfo")
            func form(_ cookie: String?) -> HTTPFields { [.cookie: cookie ?? "", .contentType: "application/x-www-form-urlencoded"] }
            let home = try await client.execute(uri: "/blokir", method: .get, headers: [.cookie: analystCookie ?? ""])
            #expect(home.status == .ok && home.text.contains("Usulkan pemblokiran"))
            let csrf = try #require(csrfToken(in: home.text))
            let body = "_csrf=\(csrf)&names=%2A.video-app.example%0Aapi.video-app-cdn.example&action=nxdomain&legal_basis=uu-ite-27-1"
                + "&reason=Aplikasi+video+memuat+konten+pornografi+yang+diadukan&app_slug=video-app&app_name=Video+App"
            let proposed = try await client.execute(uri: "/blokir", method: .post, headers: form(analystCookie), body: ByteBuffer(string: body))
            #expect(proposed.status == .seeOther, "\(proposed.text)")
            let location = try #require(proposed.headers[.location]).split(separator: "?")[0]
            let bad = try await client.execute(uri: "/blokir", method: .post, headers: form(analystCookie),
                                               body: ByteBuffer(string: "_csrf=\(csrf)&names=bad+name&reason=Alasan+yang+cukup+panjang+untuk+diterima&legal_basis=uu-ite-27-1"))
            #expect(bad.status == .unprocessableContent && bad.text.contains("Baris 1"), "a readable page names the line")

            let page = try await client.execute(uri: String(location), method: .get, headers: [.cookie: supervisorCookie ?? ""])
            #expect(page.status == .ok && page.text.contains("video-app.example"))
            let supCSRF = try #require(csrfToken(in: page.text))
            let approved = try await client.execute(uri: String(location) + "/tinjau", method: .post, headers: form(supervisorCookie),
                                                    body: ByteBuffer(string: "_csrf=\(supCSRF)&approve=1"))
            #expect(approved.status == .seeOther)
            #expect(try await BlockEntryModel.query(on: db.db).filter(\.$state == "active").count() == 2)

            let app = try await client.execute(uri: "/blokir/aplikasi/video-app", method: .get, headers: [.cookie: analystCookie ?? ""])
            #expect(app.status == .ok && app.text.contains("Usulkan normalisasi") && app.text.contains(BlockEventKind.blockActivated.title.id))
            let lift = try await client.execute(uri: "/blokir/aplikasi/video-app/normalisasi", method: .post, headers: form(analystCookie),
                                                body: ByteBuffer(string: "_csrf=\(csrf)&conditions=Platform+membersihkan+konten+dan+menambah+kurator"))
            #expect(lift.status == .seeOther)
            let liftPage = try #require(lift.headers[.location]).split(separator: "?")[0]
            _ = try await client.execute(uri: String(liftPage) + "/tinjau", method: .post, headers: form(supervisorCookie), body: ByteBuffer(string: "_csrf=\(supCSRF)&approve=1"))
            #expect(try await BlockEntryModel.query(on: db.db).filter(\.$state == "lifted").count() == 2)
            let history = try await client.execute(uri: "/blokir/aplikasi/video-app", method: .get, headers: [.cookie: analystCookie ?? ""]).text
            #expect(history.contains(BlockEventKind.blockLifted.title.id) && history.contains("menambah kurator"))
        }
    }
}
