import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// Posts pushed by a platform's connector: kept once, matched, and a
/// finding filed into the loop as a report with channel `monitoring`, a
/// reappearance on a subject decided violating, or nothing more than a
/// rate-limited record.
@Suite(.serialized) struct MonitoredPostsTests {
    static let watchlist = #"""
    {"name":"Judi daring","category":"perjudian","threshold":2,"terms":[
      {"text":"judi"},{"text":"slot","exclusions":["slot waktu"]},{"text":"slot gacor","weight":2},{"text":"deposit pulsa","weight":1.5},
      {"text":"@bandar.slot88","weight":2},{"text":"slot-gacor.example","weight":2}]}
    """#

    func push(_ client: any TestClientProtocol, _ headers: HTTPFields, platform: String = "tiktok", _ posts: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/platforms/\(platform)/posts", method: .post, headers: headers, body: ByteBuffer(string: #"{"posts":[\#(posts)]}"#))
    }

    @Test(arguments: Backend.available)
    func postsPushedOneARequestAtOnceAreAllKeptBeforeTheirAnswer(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let tiktok = try await platformToken(accounts, .tiktok)
            // Requests arriving together share a commit; each answers only once its post is kept.
            let answers = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let response = try await push(client, tiktok, #"{"id":"73099\#(index)","author":"a","text":"teks biasa \#(index)","urls":[]}"#)
                        return (Int(response.status.code), try json(response)["accepted"] as? Int)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 40 && answers.allSatisfy { $0.0 == 200 && $0.1 == 1 }, "\(answers)")
            #expect(try await db.count("monitored_posts") == 40)
        }
    }

    @Test(arguments: Backend.available)
    func pushedPostsAreKeptOnceAndFindingsBecomeMonitoringReports(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let triage = try await Staff.make(accounts, "triage@kominfo.test", .triage)
            let tiktok = try await platformToken(accounts, .tiktok)
            let created = try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth, body: ByteBuffer(string: Self.watchlist))
            #expect(created.status == .created)
            let watchlistID = try #require(try json(created)["id"] as? String)

            let batch = #"""
            {"id":"7301234567890000001","author":"gacor.promo","text":"Main $lot gacor hari ini, dep0sit pul5a 10rb!","urls":[],"created_at":"2026-12-01T08:00:00Z","views":1200,"likes":30,"media":[{"url":"https://cdn.example/v.mp4"}]},
            {"id":"7301234567890000002","author":"ibu.rumah","text":"Resep rendang untuk slot waktu makan siang.","urls":[]},
            {"id":"7301234567890000003","author":"@penjual","text":"Cek link di bio","urls":["https://www.slot-gacor.example/daftar"]}
            """#
            let first = try await push(client, tiktok, batch)
            #expect(first.status == .ok, "\(first.text)")
            let answer = try json(first)
            #expect(answer["accepted"] as? Int == 3)
            let findings = try #require(answer["findings"] as? [[String: Any]])
            #expect(Set(findings.compactMap { $0["post_id"] as? String }) == ["7301234567890000001", "7301234567890000003"], "\(findings)")
            #expect(findings.allSatisfy { $0["outcome"] as? String == "reported" && $0["watchlist"] as? String == watchlistID && $0["ticket"] != nil })

            // Each finding is a report with channel monitoring; its reporter is the watchlist rule.
            #expect(try await db.count("monitored_posts") == 3)
            #expect(try await db.count("findings") == 2)
            let reports = try await ReportModel.query(on: db.db).all()
            #expect(reports.count == 2 && reports.allSatisfy { $0.channel == "monitoring" && $0.sourceRef == "watchlist:" + watchlistID && $0.reporterContact == nil })
            #expect(Set(reports.map(\.subjectKey)) == ["tiktok:video:7301234567890000001", "tiktok:video:7301234567890000003"])
            let kept = try await db.sql.raw("SELECT views, likes, found, media FROM monitored_posts WHERE post_id = '7301234567890000001'").first()
            #expect(try kept?.decode(column: "views", as: Int.self) == 1200 && (try kept?.decode(column: "found", as: Bool.self)) == true)

            // The same batch again changes nothing: every post is known.
            let again = try json(try await push(client, tiktok, batch))
            #expect(again["accepted"] as? Int == 0 && (again["findings"] as? [Any])?.isEmpty == true)
            #expect((again["known"] as? [String])?.count == 3)
            #expect(try await [db.count("reports"), db.count("monitored_posts"), db.count("findings")] == [2, 3, 2])

            // The queue filters by channel; the case page shows the captured text, marked.
            let queue = try json(try await client.execute(uri: "/api/v1/cases?channel=monitoring", method: .get, headers: analyst.auth))
            #expect((queue["cases"] as? [[String: Any]])?.count == 2)
            let webOnly = try json(try await client.execute(uri: "/api/v1/cases?channel=web", method: .get, headers: analyst.auth))
            #expect((webOnly["cases"] as? [[String: Any]])?.isEmpty == true)
            let caseID = try #require(try await CaseModel.query(on: db.db).filter(\.$subjectKey == "tiktok:video:7301234567890000001").first()?.id)
            let (_, cookie) = try await signIn(client, email: analyst.email, password: "password-\(analyst.email)")
            let page = try await client.execute(uri: "/kasus/\(UUIDText.lower(caseID))", method: .get, headers: [.cookie: try #require(cookie)])
            #expect(page.text.contains("Temuan pemantauan"))
            #expect(page.text.contains(#"<mark title="slot gacor · Judi daring">$lot gacor</mark>"#), "\(page.text)")
            #expect(page.text.contains("dep0sit pul5a</mark>"))
            #expect(page.text.contains("Unggahan TikTok 7301234567890000001"))

            // Deciding it says the detection was automated (carried into the statement of reasons).
            let decision = #"{"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"\#(statement)","public_reason":"Judi daring.","action":"takedown_order"}"#
            let decided = try await client.execute(uri: "/api/v1/cases/\(UUIDText.lower(caseID))/decisions", method: .post, headers: analyst.auth,
                                                   body: ByteBuffer(string: decision))
            #expect(decided.status == .created, "\(decided.text)")
            #expect(try await DecisionModel.query(on: db.db).filter(\.$caseID == caseID).first()?.automatedDetection == true)

            // Refusals: each names its field and writes nothing.
            let refusals: [(String, String, HTTPFields, HTTPResponse.Status, String?)] = [
                ("tiktok", #"{"id":"abc","text":"judi"}"#, tiktok, .unprocessableContent, "posts[1].id"),
                ("tiktok", #"{"id":"7301234567890000009","text":"ok","views":-1}"#, tiktok, .unprocessableContent, "posts[1].views"),
                ("tiktok", #"{"id":"7301234567890000009","text":"ok","created_at":"kemarin"}"#, tiktok, .unprocessableContent, "posts[1].created_at"),
                ("tiktok", #"{"id":"7301234567890000009","text":"ok","media":[{"url":"https://x.example/a","sha256":"ABC"}]}"#, tiktok, .unprocessableContent, "posts[1].media[0].sha256"),
                ("tiktok", #"{"id":"7301234567890000009","text":"ok\u0000"}"#, tiktok, .unprocessableContent, "posts[1].text"),
                ("tiktok", #"{"id":"7301234567890000009"}"#, tiktok, .badRequest, "posts[1].text"),
                ("x", #"{"id":"1","text":"ok"}"#, tiktok, .forbidden, "platform"),
                ("line", #"{"id":"1","text":"ok"}"#, analyst.auth, .forbidden, nil),
                ("tiktok", #"{"id":"7301234567890000009","text":"ok"}"#, triage.auth, .forbidden, nil),
                ("myspace", #"{"id":"1","text":"ok"}"#, tiktok, .notFound, "platform"),
            ]
            for (platform, post, headers, status, field) in refusals {
                let refused = try await push(client, headers, platform: platform, #"{"id":"7301234567890000008","text":"judi slot gacor"},"# + post)
                #expect(refused.status == status, "\(platform) \(post) → \(refused.text)")
                if let field { #expect(((try json(refused))["error"] as? [String: Any])?["field"] as? String == field, "\(post) → \(refused.text)") }
            }
            let admin = try await Staff.make(accounts, "admin@kominfo.test", .admin)
            let line = try await push(client, admin.auth, platform: "line", #"{"id":"1","text":"ok"}"#)
            #expect(line.status == .unprocessableContent && line.text.contains("platform_not_monitored"))
            let tooMany = (0...PostsAPIController.maxPostsPerBatch).map { #"{"id":"\#(7_301_234_567_000_000_000 + $0)","text":"ok"}"# }.joined(separator: ",")
            #expect(try await push(client, tiktok, tooMany).status == .unprocessableContent)
            var invalidUTF8 = ByteBuffer(string: #"{"posts":[{"id":"7301234567890000009","text":""#)
            invalidUTF8.writeBytes([0xC3, 0x28])
            invalidUTF8.writeString(#""}]}"#)
            let garbled = try await client.execute(uri: "/api/v1/platforms/tiktok/posts", method: .post, headers: tiktok, body: invalidUTF8)
            #expect(garbled.status == .badRequest && garbled.text.contains("invalid_utf8"))
            #expect(try await [db.count("monitored_posts"), db.count("findings"), db.count("reports")] == [3, 2, 2])
        }
    }

    @Test(arguments: Backend.available)
    func postsOfAnAccountDecidedViolatingAreReappearancesLimitedPerWindow(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let tiktok = try await platformToken(accounts, .tiktok)
            #expect(try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: Self.watchlist)).status == .created)
            // The account was reported and decided violating (a whole account: four eyes).
            let (_, accountCase) = try await fileReport(client, url: "https://www.tiktok.com/@bandar.slot88", category: "perjudian")
            let decision = #"{"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"\#(statement)","public_reason":"Judi daring.","action":"takedown_order"}"#
            let decided = try json(try await client.execute(uri: "/api/v1/cases/\(accountCase)/decisions", method: .post, headers: analyst.auth,
                                                            body: ByteBuffer(string: decision)))
            let decisionID = try #require(decided["decision_id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/decisions/\(decisionID)/review", method: .post, headers: supervisor.auth,
                                             body: ByteBuffer(string: #"{"approve":true,"reason":"Sesuai."}"#)).status == .ok)
            let reportsBefore = try await db.count("reports")
            let casesBefore = try await db.count("cases")

            // The account posts again, twice: the first is a reappearance on its case, the second only recorded.
            let answer = try json(try await push(client, tiktok, #"""
            {"id":"7301234567890000101","author":"@bandar.slot88","text":"Slot gacor balik lagi, deposit pulsa!"},
            {"id":"7301234567890000102","author":"bandar.slot88","text":"judi slot gacor maxwin"}
            """#))
            let outcomes = (answer["findings"] as? [[String: Any]] ?? []).map { ($0["post_id"] as? String ?? "", $0["outcome"] as? String ?? "") }
            #expect(outcomes.sorted { $0.0 < $1.0 }.map(\.1) == ["reappeared", "rate_limited"], "\(answer)")
            #expect(try await [db.count("reports"), db.count("cases")] == [reportsBefore, casesBefore], "no new report, no new case")
            let events = try await CaseEventModel.query(on: db.db).filter(\.$caseID == UUID(uuidString: accountCase)!).all().map(\.kind)
            #expect(events.filter { $0 == "reappeared" }.count == 1)
            #expect(try await db.count("findings", where: "WHERE outcome = 'rate_limited'") == 1)

            // Its case page shows what was seen.
            let (_, cookie) = try await signIn(client, email: analyst.email, password: "password-\(analyst.email)")
            let page = try await client.execute(uri: "/kasus/\(accountCase)", method: .get, headers: [.cookie: try #require(cookie)])
            #expect(page.text.contains("Muncul kembali (pemantauan)") && page.text.contains("Akun: @bandar.slot88"), "\(page.text)")
        }
    }

    @Test(arguments: Backend.available)
    func aWatchlistChangeReachesTheNextBatchAndSwitchedOffTermsDoNotMatch(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let tiktok = try await platformToken(accounts, .tiktok)
            let created = try json(try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"name":"Togel","category":"perjudian","threshold":1,"terms":[{"text":"togel","active":false}]}"#)))
            let id = try #require(created["id"] as? String)
            #expect((created["terms"] as? [[String: Any]])?.first?["active"] as? Bool == false)
            let quiet = try json(try await push(client, tiktok, #"{"id":"7301234567890000201","text":"t0gel hari ini"}"#))
            #expect((quiet["findings"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/api/v1/watchlists/\(id)", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: #"{"terms":[{"text":"togel"}]}"#)).status == .ok)
            let found = try json(try await push(client, tiktok, #"{"id":"7301234567890000202","text":"t0gel hari ini"}"#))
            #expect((found["findings"] as? [[String: Any]])?.first?["outcome"] as? String == "reported", "\(found)")
            #expect(try await db.count("reports", where: "WHERE channel = 'monitoring'") == 1)
        }
    }
}
