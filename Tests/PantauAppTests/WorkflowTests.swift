import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import SQLKit
import Testing
@testable import PantauApp

/// A staff member with an API token, for driving the workflow through HTTP.
struct Staff {
    let email: String
    let token: String
    var auth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    static func make(_ accounts: AccountService, _ email: String, _ role: Role) async throws -> Staff {
        _ = try await accounts.createUser(email: email, role: role, platform: nil, password: "password-\(email)", actor: "test")
        return Staff(email: email, token: try await accounts.createToken(email: email, name: "test", actor: "test").token)
    }
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any], "not JSON: \(response.text)")
}

/// Files a report through the public API; returns (ticket, case id).
func fileReport(_ client: any TestClientProtocol, url: String, category: String, contact: Bool = false) async throws -> (String, String) {
    let reporter = contact ? #","reporter":{"name":"Siti","email":"siti@example.id"}"# : ""
    let response = try await client.execute(uri: "/api/v1/reports", method: .post, headers: [.contentType: "application/json"],
                                            body: ByteBuffer(string: #"{"url":"\#(url)","category":"\#(category)","description":"laporan uji \#(url)"\#(reporter)}"#))
    #expect(response.status == .created, "\(response.text)")
    let body = try json(response)
    let caseObject = try #require(body["case"] as? [String: Any])
    return (try #require(body["ticket"] as? String), (try #require(caseObject["id"] as? String)).lowercased())
}

let statement = "Video menampilkan adegan seksual eksplisit yang dapat diakses publik tanpa pembatasan umur apa pun."

@Suite(.serialized) struct WorkflowTests {
    @Test(arguments: Backend.available)
    func decideApproveTicketAppealThroughTheAPI(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let analyst2 = try await Staff.make(accounts, "analis2@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let triage = try await Staff.make(accounts, "triage@kominfo.test", .triage)
            // A whole account is high impact: its decision needs four eyes.
            let (ticket, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@akunbokep", category: "pornografi")
            _ = try await fileReport(client, url: "https://judi.example/slot", category: "perjudian")

            let queue = try json(try await client.execute(uri: "/api/v1/cases?platform=tiktok&status=new", method: .get, headers: analyst.auth))
            let rows = try #require(queue["cases"] as? [[String: Any]])
            #expect(rows.map { $0["subject_key"] as? String } == ["tiktok:account:akunbokep"])
            let counts = try #require(queue["counts"] as? [String: Any])
            #expect((counts["platform"] as? [String: Int]) == ["tiktok": 1, "web": 1])

            // Triage may not decide; the analyst claims and decides.
            let refused = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: triage.auth, body: ByteBuffer(string: "{}"))
            #expect(refused.status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/cases/\(caseID)/claim", method: .post, headers: analyst.auth).status == .ok)
            let decision = #"{"verdict":"violating","category":"pornografi","legal_bases":["uu-ite-27-1","uu-44-2008"],"statement":"\#(statement)","public_reason":"Akun menyebarkan pornografi.","action":"takedown_order"}"#
            let decided = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision))
            #expect(decided.status == .created, "\(decided.text)")
            let decidedBody = try json(decided)
            #expect(decidedBody["case_status"] as? String == "pending_approval")
            #expect(decidedBody["needs_approval"] as? Bool == true)
            let decisionID = try #require(decidedBody["decision_id"] as? String)

            // Still "being verified" for the reporter until approved.
            var status = try json(try await client.execute(uri: "/api/v1/reports/\(ticket)", method: .get))
            #expect(status["outcome"] as? String == "being_verified")

            // A rejection needs a reason; the supervisor approves.
            let noReason = try await client.execute(uri: "/api/v1/decisions/\(decisionID)/review", method: .post, headers: supervisor.auth,
                                                    body: ByteBuffer(string: #"{"approve":false}"#))
            #expect(noReason.status == .unprocessableContent)
            let approved = try await client.execute(uri: "/api/v1/decisions/\(decisionID)/review", method: .post, headers: supervisor.auth,
                                                    body: ByteBuffer(string: #"{"approve":true,"reason":"Sesuai."}"#))
            #expect(approved.status == .ok, "\(approved.text)")
            status = try json(try await client.execute(uri: "/api/v1/reports/\(ticket)", method: .get))
            #expect(status["outcome"] as? String == "violating_order_sent")
            let publicDecision = try #require(status["decision"] as? [String: Any])
            #expect(publicDecision["public_reason"] as? String == "Akun menyebarkan pornografi.")
            #expect(publicDecision["statement"] == nil, "the internal statement is not on the public ticket")

            // An appeal reopens the case for another analyst, with a deadline.
            let appeal = try await client.execute(uri: "/api/v1/appeals", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"reference":"\#(ticket)","reason":"Akun ini milik saya dan tidak berisi pornografi."}"#))
            #expect(appeal.status == .created, "\(appeal.text)")
            #expect((try json(appeal)["reference"] as? String)?.hasPrefix("BDG-") == true)
            let again = try await client.execute(uri: "/api/v1/cases/\(caseID)/claim", method: .post, headers: analyst.auth)
            #expect(again.status == .conflict, "the first decider may not take the appeal")
            #expect(try await client.execute(uri: "/api/v1/cases/\(caseID)/claim", method: .post, headers: analyst2.auth).status == .ok)
            let reopened = try json(try await client.execute(uri: "/api/v1/cases?status=in_review", method: .get, headers: analyst2.auth))
            #expect((reopened["cases"] as? [[String: Any]])?.first?["id"] as? String == caseID)
            let refusedDecision = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision))
            #expect(refusedDecision.status == .forbidden, "the first decider may not decide the appeal either")

            // The second analyst overturns it (not violating); the appeal is answered.
            let overturn = #"{"verdict":"not_violating","statement":"Setelah ditinjau ulang, akun hanya berisi konten edukasi kesehatan reproduksi tanpa unsur pornografi.","public_reason":"Tidak melanggar."}"#
            let second = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst2.auth, body: ByteBuffer(string: overturn))
            #expect(second.status == .created, "\(second.text)")
            #expect(try json(second)["case_status"] as? String == "pending_approval", "still a whole account: four eyes")
            let secondID = try #require(try json(second)["decision_id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/decisions/\(secondID)/review", method: .post, headers: supervisor.auth,
                                             body: ByteBuffer(string: #"{"approve":true}"#)).status == .ok)
            status = try json(try await client.execute(uri: "/api/v1/reports/\(ticket)", method: .get))
            #expect(status["outcome"] as? String == "not_violating")

            // Every step is an event in an intact chain, and the counters
            // kept by triggers equal a fresh count.
            let detail = try json(try await client.execute(uri: "/api/v1/cases/\(caseID)", method: .get, headers: supervisor.auth))
            #expect(detail["chain_intact"] as? Bool == true)
            let kinds = (detail["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["case_opened", "report_received", "case_claimed", "decision_proposed", "decision_approved", "order_item_added", "appeal_filed", "case_claimed",
                              "decision_proposed", "appeal_resolved", "decision_approved", "order_item_withdrawn"])
            // The overturned decision withdraws the order item still awaiting the platform.
            let items = try await OrderItemModel.query(on: db.db).all()
            #expect(items.map(\.status) == ["withdrawn"])
            let appeals = try #require(detail["appeals"] as? [[String: Any]])
            #expect(appeals.first?["state"] as? String == "overturned")
            try await expectCountsMatch(db)
        }
    }

    @Test(arguments: Backend.available)
    func keysetPagesCoverEveryCaseOnceAndBulkActionsWriteEvents(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            var ids: [String] = []
            for n in 0..<7 { ids.append(try await fileReport(client, url: "https://www.tiktok.com/@u/video/73012345678901234\(10 + n)", category: "hoaks").1) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/cases?sort=newest" + (cursor.map { "&after=" + $0 } ?? "")
                let page = try json(try await client.execute(uri: uri, method: .get, headers: analyst.auth))
                seen += (page["cases"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil && seen.count < 20
            #expect(Set(seen) == Set(ids) && seen.count == ids.count)

            let badFilter = try await client.execute(uri: "/api/v1/cases?status=opened", method: .get, headers: analyst.auth)
            #expect(badFilter.status == .badRequest && badFilter.text.contains("status"))

            // Dismiss three with one shared reason: three decisions, three events.
            let body = #"{"action":"dismiss","case_ids":["\#(ids[0])","\#(ids[1])","\#(ids[2])"],"reason":"Konten berupa opini yang dilindungi, bukan berita bohong yang merugikan."}"#
            let dismissed = try await client.execute(uri: "/api/v1/cases/bulk", method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
            #expect(dismissed.status == .ok, "\(dismissed.text)")
            for id in ids.prefix(3) {
                let detail = try json(try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: analyst.auth))
                #expect(detail["status"] as? String == "decided")
                #expect((detail["events"] as? [[String: Any]])?.last?["kind"] as? String == "decision_made")
            }
            // A more severe claim moves a new case's category, never a decided one's.
            _ = try await fileReport(client, url: "https://www.tiktok.com/@u/video/7301234567890123410", category: "terorisme")
            _ = try await fileReport(client, url: "https://www.tiktok.com/@u/video/7301234567890123416", category: "terorisme")
            let decided = try json(try await client.execute(uri: "/api/v1/cases/\(ids[0])", method: .get, headers: analyst.auth))
            #expect(decided["category"] as? String == "hoaks" && decided["report_count"] as? Int == 2)
            let fresh = try json(try await client.execute(uri: "/api/v1/cases/\(ids[6])", method: .get, headers: analyst.auth))
            #expect(fresh["category"] as? String == "terorisme")

            // Mark a duplicate; an impossible transition is refused and changes nothing.
            let dup = #"{"action":"duplicate","case_ids":["\#(ids[3])"],"target":"\#(ids[4])"}"#
            #expect(try await client.execute(uri: "/api/v1/cases/bulk", method: .post, headers: analyst.auth, body: ByteBuffer(string: dup)).status == .ok)
            let mixed = #"{"action":"escalate","case_ids":["\#(ids[5])","\#(ids[0])"],"reason":"perlu supervisor"}"#
            let refused = try await client.execute(uri: "/api/v1/cases/bulk", method: .post, headers: analyst.auth, body: ByteBuffer(string: mixed))
            #expect(refused.status == .conflict, "a decided case cannot be escalated")
            let untouched = try json(try await client.execute(uri: "/api/v1/cases/\(ids[5])", method: .get, headers: analyst.auth))
            #expect(untouched["status"] as? String == "new", "all or nothing")
            try await expectCountsMatch(db)
        }
    }

    @Test(arguments: Backend.available)
    func casePageCommentsContactAuditAndDecisionFormErrors(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await accounts.createUser(email: "analis@kominfo.test", role: .analyst, platform: nil, password: "analyst-password-1", actor: "test")
            let (ticket, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@x/video/7301234567890123456", category: "pornografi", contact: true)
            let (_, cookie) = try await signIn(client, email: "analis@kominfo.test", password: "analyst-password-1")
            let session = try #require(cookie)
            let page = try await client.execute(uri: "/kasus/\(caseID)", method: .get, headers: [.cookie: session])
            #expect(page.status == .ok)
            #expect(page.text.contains("tiktok:video:7301234567890123456") && page.text.contains("chain-state"))
            let csrf = try #require(csrfToken(in: page.text))
            let form: HTTPFields = [.cookie: session, .contentType: "application/x-www-form-urlencoded"]

            // A comment is on the case page, never on the public ticket.
            let comment = try await client.execute(uri: "/kasus/\(caseID)/komentar", method: .post, headers: form,
                                                   body: ByteBuffer(string: "_csrf=\(csrf)&body=Catatan+internal+rahasia&pinned=1"))
            #expect(comment.status == .seeOther)
            #expect(try await client.execute(uri: "/kasus/\(caseID)", method: .get, headers: [.cookie: session]).text.contains("Catatan internal rahasia"))
            #expect(!(try await client.execute(uri: "/aduan/\(ticket)", method: .get).text.contains("Catatan internal")))

            // Viewing a reporter's contact is an audit event.
            let detail = try json(try await client.execute(uri: "/api/v1/cases/\(caseID)", method: .get,
                                                           headers: [.authorization: "Bearer " + (try await accounts.createToken(email: "analis@kominfo.test", name: "t", actor: "t").token)]))
            #expect((detail["reports"] as? [[String: Any]])?.first?["has_contact"] as? Bool == true)
            let reportID = try #require(try await ReportModel.query(on: db.db).filter(\.$ticket == ticket).first()?.id)
            let contact = try await client.execute(uri: "/kasus/\(caseID)/kontak/\(UUIDText.lower(reportID))", method: .get, headers: [.cookie: session])
            #expect(contact.status == .ok && contact.text.contains("siti@example.id"))
            let audits = try await AuditEventModel.query(on: db.db).filter(\.$kind == "reporter_contact_viewed").all()
            #expect(audits.count == 1 && audits.first?.actor == "user:analis@kominfo.test")

            // A bulk action from the queue form.
            let bulk = try await client.execute(uri: "/kasus/aksi", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(csrf)&back=%2Fkasus&action=escalate&reason=perlu+supervisor&case=\(caseID)"))
            #expect(bulk.status == .seeOther && bulk.headers[.location]?.hasPrefix("/kasus?notice=") == true)
            #expect(try await CaseModel.find(UUIDText.parse(caseID)!, on: db.db)?.status == "escalated")
            let none = try await client.execute(uri: "/kasus/aksi", method: .post, headers: form, body: ByteBuffer(string: "_csrf=\(csrf)&action=escalate"))
            #expect(none.status == .unprocessableContent && none.text.contains("Pilih minimal satu kasus"))

            // A decision without reasons: the form comes back with the errors and nothing is written.
            let bad = try await client.execute(uri: "/kasus/\(caseID)/putusan", method: .post, headers: form,
                                               body: ByteBuffer(string: "_csrf=\(csrf)&verdict=violating&category=pornografi&statement=singkat&action=takedown_order"))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("minimal 50 karakter") && bad.text.contains("dasar hukum"))
            #expect(try await DecisionModel.query(on: db.db).count() == 0)
            let good = try await client.execute(uri: "/kasus/\(caseID)/putusan", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(csrf)&verdict=violating&category=pornografi&legal_basis=uu-44-2008&legal_basis=uu-ite-27-1&statement="
                + statement.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&action=takedown_order&public_reason=Pornografi"))
            #expect(good.status == .seeOther)
            let recorded = try #require(try await DecisionModel.query(on: db.db).first())
            #expect(recorded.legalBasisCodes.sorted() == ["uu-44-2008", "uu-ite-27-1"])
            #expect(try await client.execute(uri: "/aduan/\(ticket)", method: .get).text.contains("Melanggar"))
            // The language choice is remembered.
            let english = try await client.execute(uri: "/kasus?lang=en", method: .get, headers: [.cookie: session])
            #expect(english.headers[values: .setCookie].contains { $0.hasPrefix("pantau_lang=en") })
            #expect(try await client.execute(uri: "/kasus", method: .get, headers: [.cookie: session + "; pantau_lang=en"]).text.contains("Case queue"))
        }
    }
}

@Suite(.serialized) struct WorkflowConcurrencyTests {
    /// Staff actions and intake write the same cases at the same time: no
    /// report is lost and every case's hash chain stays intact.
    @Test(arguments: Backend.available)
    func bulkActionsDuringIntakeKeepEveryChainIntact(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let urls = (0..<5).map { "https://www.tiktok.com/@u/video/730123456789012340\($0)" }
            var filed: [String] = []
            for url in urls { filed.append(try await fileReport(client, url: url, category: "hoaks").1) }
            let ids = filed
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<40 {
                    group.addTask {
                        let url = urls[round % urls.count]
                        _ = try await fileReport(client, url: url, category: round % 3 == 0 ? "terorisme" : "hoaks")
                    }
                }
                group.addTask {
                    let list = ids.map { "\"\($0)\"" }.joined(separator: ",")
                    for action in ["escalate", "set_category"] {
                        let body = #"{"action":"\#(action)","case_ids":[\#(list)],"reason":"konten bergelombang","category":"sara"}"#
                        let response = try await client.execute(uri: "/api/v1/cases/bulk", method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
                        #expect(response.status == .ok, "\(action): \(response.text)")
                    }
                }
                try await group.waitForAll()
            }
            var reports = 0
            for id in ids {
                let detail = try json(try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: analyst.auth))
                #expect(detail["chain_intact"] as? Bool == true)
                let events = detail["events"] as? [[String: Any]] ?? []
                reports += events.filter { $0["kind"] as? String == "report_received" }.count
                #expect(events.contains { $0["kind"] as? String == "case_escalated" })
            }
            #expect(reports == 45, "every report joined its case exactly once")
            try await expectCountsMatch(db)
        }
    }
}

@Suite(.serialized) struct ViralCasePageTests {
    /// A case with hundreds of reports: reports come in keyset pages and
    /// the timeline shows the latest events, every one on request.
    @Test(arguments: Backend.available)
    func reportsArePagedAndTheTimelineIsShortened(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            _ = try await accounts.createUser(email: "analis@kominfo.test", role: .analyst, platform: nil, password: "analyst-password-1", actor: "test")
            let url = "https://www.tiktok.com/@viral/video/7301234567890123456"
            let (_, caseID) = try await fileReport(client, url: url, category: "hoaks")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<304 { group.addTask { _ = try await fileReport(client, url: url, category: "hoaks") } }
                try await group.waitForAll()
            }
            let (_, cookie) = try await signIn(client, email: "analis@kominfo.test", password: "analyst-password-1")
            let session = try #require(cookie)
            func tickets(_ html: String) -> Int { html.components(separatedBy: "<code>ADU-").count - 1 }
            let first = try await client.execute(uri: "/kasus/\(caseID)", method: .get, headers: [.cookie: session]).text
            #expect(tickets(first) == CaseDetail.reportLimit)
            let start = try #require(first.range(of: "aduan_sebelum=")).upperBound
            let cursor = String(first[start...].prefix(36))
            let second = try await client.execute(uri: "/kasus/\(caseID)?aduan_sebelum=\(cursor)", method: .get, headers: [.cookie: session]).text
            #expect(tickets(second) == 305 - CaseDetail.reportLimit)
            #expect(first.contains("riwayat=semua"), "306 events: the latest 300 are shown")
            let all = try await client.execute(uri: "/kasus/\(caseID)?riwayat=semua", method: .get, headers: [.cookie: session]).text
            #expect(all.components(separatedBy: "<li><strong>").count - 1 == 306)
            #expect(all.contains("utuh: 306"))
        }
    }
}

@Suite(.serialized) struct WorkflowReferenceDataTests {
    @Test(arguments: Backend.available)
    func everyQueueFilterRunsOnTheDatabase(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let (_, judi) = try await fileReport(client, url: "https://slot-gacor.example/daftar", category: "perjudian")
            let (_, video) = try await fileReport(client, url: "https://www.tiktok.com/@x/video/7301234567890123499", category: "terorisme")
            func ids(_ query: String) async throws -> [String] {
                let response = try await client.execute(uri: "/api/v1/cases?" + query, method: .get, headers: analyst.auth)
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (try json(response)["cases"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("q=SLOT-GACOR") == [judi])
            #expect(try await ids("q=laporan%20uji%20https://www.tiktok") == [video])
            #expect(Set(try await ids("deadline=on_track")) == [judi], "the 24 h case is on track")
            #expect(try await ids("deadline=due_soon") == [video], "a terrorism case is due within 4 h")
            #expect(try await ids("deadline=overdue").isEmpty)
            #expect(Set(try await ids("priority=medium")) == [judi, video], "severity 4 and 5, one report each: 4.0 and 5.0")
            #expect(try await ids("priority=high").isEmpty)
            #expect(try await ids("priority=low").isEmpty)
            #expect(try await ids("channel=api&platform=web") == [judi])
            #expect(try await ids("channel=mention").isEmpty)
            #expect(try await ids("assignee=unassigned&sort=oldest") == [judi, video])
            #expect(try await ids("assignee=mine").isEmpty)
            #expect(try await ids("from=2020-01-01&to=2020-01-31").isEmpty)
            #expect(try await ids("sort=most_reported").count == 2)
            #expect(try await ids("status=all&category=perjudian") == [judi])
        }
    }

    @Test(arguments: Backend.available)
    func adminEditsLegalBasesAndAnalystsSaveFilters(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await accounts.createUser(email: "admin@kominfo.test", role: .admin, platform: nil, password: "admin-password-1", actor: "test")
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let (_, adminCookie) = try await signIn(client, email: "admin@kominfo.test", password: "admin-password-1")
            let admin = try #require(adminCookie)
            let page = try await client.execute(uri: "/admin/dasar-hukum", method: .get, headers: [.cookie: admin])
            #expect(page.status == .ok && page.text.contains("uu-ite-29"))
            let csrf = try #require(csrfToken(in: page.text))
            let form: HTTPFields = [.cookie: admin, .contentType: "application/x-www-form-urlencoded"]
            let bad = try await client.execute(uri: "/admin/dasar-hukum", method: .post, headers: form,
                                               body: ByteBuffer(string: "_csrf=\(csrf)&code=Bad+Code&title=X&article=Y&active=1"))
            #expect(bad.status == .unprocessableContent)
            #expect(try await LegalBasisModel.find("Bad Code", on: db.db) == nil)
            let added = try await client.execute(uri: "/admin/dasar-hukum", method: .post, headers: form,
                                                 body: ByteBuffer(string: "_csrf=\(csrf)&code=uu-ite-28-3&title=UU+ITE&article=Pasal+28+ayat+(3)&active=1"))
            #expect(added.status == .seeOther)
            let retired = try await client.execute(uri: "/admin/dasar-hukum", method: .post, headers: form,
                                                   body: ByteBuffer(string: "_csrf=\(csrf)&code=uu-ite-29&title=UU+ITE&article=Pasal+29&active=0"))
            #expect(retired.status == .seeOther)
            #expect(try await AuditEventModel.query(on: db.db).filter(\.$kind ~~ ["legal_basis_added", "legal_basis_changed"]).count() == 2)

            // A retired basis can no longer be cited; the new one can.
            let (_, caseID) = try await fileReport(client, url: "https://hoaks.example/berita", category: "hoaks")
            func decide(_ basis: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                    #"{"verdict":"violating","category":"hoaks","legal_bases":["\#(basis)"],"statement":"\#(statement)","action":"takedown_order"}"#))
            }
            #expect(try await decide("uu-ite-29").status == .unprocessableContent)
            #expect(try await decide("uu-ite-28-3").status == .created)

            // Saved filters: save, listed, delete.
            _ = try await accounts.resetPassword(email: "analis@kominfo.test", password: "analyst-password-1", actor: "test")
            let (_, analystCookie) = try await signIn(client, email: "analis@kominfo.test", password: "analyst-password-1")
            let session = try #require(analystCookie)
            let queue = try await client.execute(uri: "/kasus?platform=web", method: .get, headers: [.cookie: session])
            let token = try #require(csrfToken(in: queue.text))
            let analystForm: HTTPFields = [.cookie: session, .contentType: "application/x-www-form-urlencoded"]
            let saved = try await client.execute(uri: "/kasus/filter", method: .post, headers: analystForm,
                                                 body: ByteBuffer(string: "_csrf=\(token)&name=Web+saja&query=platform%3Dweb"))
            #expect(saved.status == .seeOther)
            #expect(try await client.execute(uri: "/kasus", method: .get, headers: [.cookie: session]).text.contains("Web saja"))
            _ = try await client.execute(uri: "/kasus/filter/hapus", method: .post, headers: analystForm, body: ByteBuffer(string: "_csrf=\(token)&name=Web+saja"))
            #expect(try await SavedFilterModel.query(on: db.db).count() == 0)
        }
    }
}

/// The trigger-kept counters equal a fresh GROUP BY over the cases.
func expectCountsMatch(_ db: PantauDatabase) async throws {
    func rows(_ query: SQLQueryString) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try await db.sql.raw(query).all() {
            let key = try row.decode(column: "status", as: String.self) + "/" + row.decode(column: "subject_platform", as: String.self)
                + "/" + row.decode(column: "category_id", as: String.self)
            result[key] = try row.decode(column: "n", as: Int.self)
        }
        return result.filter { $0.value != 0 }
    }
    let kept = try await rows("SELECT status, subject_platform, category_id, count AS n FROM case_counts")
    let fresh = try await rows("SELECT status, subject_platform, category_id, COUNT(*) AS n FROM cases GROUP BY status, subject_platform, category_id")
    #expect(kept == fresh)
}
