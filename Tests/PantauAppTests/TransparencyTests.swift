import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import SQLKit
import Testing
@testable import PantauApp

@Suite(.serialized) struct TransparencyTests {
    let orders = OrderTrackingTests()

    func tables(_ response: TestResponse) throws -> [String: [[String: Any]]] {
        try #require(try json(response)["tables"] as? [String: [[String: Any]]])
    }

    func answer(_ client: any TestClientProtocol, _ headers: HTTPFields, order: OrderModel, item: UUID, _ body: String) async throws {
        let response = try await client.execute(uri: "/api/v1/platform/orders/\(UUIDText.lower(order.id!))/items/\(UUIDText.lower(item))", method: .post,
                                                headers: headers, body: ByteBuffer(string: body))
        #expect(response.status == .ok, "\(response.text)")
    }

    @Test(arguments: Backend.available)
    func figuresFollowReportsDecisionsAndAnswersAndSmallCellsStayHidden(backend: Backend) async throws {
        try await orders.delivery.withDelivery(backend) { client, accounts, db, _, worker, http in
            // Three reports, decided, ordered and delivered to TikTok.
            let (delivered, _, _) = try await orders.threeDeliveredOrders(client, accounts, db, worker, http)
            var figures = try tables(try await client.execute(uri: "/api/v1/transparency", method: .get))
            let reports = try #require(figures["reports_by_category"])
            #expect(reports.count == 1 && reports[0]["category"] as? String == "pornografi")
            #expect(reports[0]["suppressed"] as? Bool == true && reports[0]["value"] is NSNull, "3 reports could point at the reporters")
            // Decisions finding a violation are public one by one (statements of reasons): their count is shown as it is.
            let violating = figures["decisions"]?.first { $0["verdict"] as? String == "violating" }
            #expect(violating?["suppressed"] as? Bool == false && violating?["value"] as? Double == 3, "\(figures["decisions"] ?? [])")
            let tiktok = { (tables: [String: [[String: Any]]], measure: String) -> Double? in
                tables["orders"]?.first { $0["platform"] as? String == "tiktok" && $0["measure"] as? String == measure }?["value"] as? Double
            }
            #expect(tiktok(figures, "items") == 3 && tiktok(figures, "open") == 3, "orders concern platforms: shown as they are")
            #expect(tiktok(figures, "on_time_rate") == nil, "nothing settled yet")

            // The platform answers: one complied in time, one refused.
            let token = try await platformToken(accounts, .tiktok)
            let items = try await delivered.asyncMap { try await OrderItemModel.query(on: db.db).filter(\.$orderID == $0.id!).first()!.id! }
            try await answer(client, token, order: delivered[0], item: items[0], #"{"answer":"complied","removed_at":"\#(isoTimestamp(Date().addingTimeInterval(-30)))"}"#)
            try await answer(client, token, order: delivered[1], item: items[1], #"{"answer":"rejected","reason":"Konten ini satire dan sesuai pedoman komunitas kami."}"#)
            figures = try tables(try await client.execute(uri: "/api/v1/transparency", method: .get))
            #expect(tiktok(figures, "complied_on_time") == 1 && tiktok(figures, "rejected") == 1 && tiktok(figures, "open") == 1)
            #expect(tiktok(figures, "settled") == 2 && tiktok(figures, "on_time_rate") == 0.5)
            #expect(tiktok(figures, "rejected_share") == 0.5)
            #expect((tiktok(figures, "median_hours_to_comply") ?? 99) < 1, "removed within the first hour of delivery")

            // Two more reports of the category: five, shown.
            for n in 1...2 { _ = try await fileReport(client, url: "https://www.tiktok.com/@y/video/\(7_301_234_567_890_200_000 + n)", category: "pornografi") }
            figures = try tables(try await client.execute(uri: "/api/v1/transparency", method: .get))
            let five = try #require(figures["reports_by_category"]?.first)
            #expect(five["suppressed"] as? Bool == false && five["value"] as? Int == 5, "a new report shows up at once")
            #expect(figures["reports_by_channel"]?.first?["channel"] as? String == "api")

            // CSV of the same figures; a period outside the data is empty; bad input is a JSON error.
            let csv = try await client.execute(uri: "/api/v1/transparency?format=csv", method: .get)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("table,week,key,subkey,value,suppressed\r\n"))
            #expect(csv.text.contains("orders,,tiktok,on_time_rate,0.5000,false"), "\(csv.text)")
            let old = try tables(try await client.execute(uri: "/api/v1/transparency?period=custom&from=2019-01-01&to=2019-12-31", method: .get))
            #expect(old["reports_by_category"]?.isEmpty == true && old["orders"]?.isEmpty == true)
            let bad = try await client.execute(uri: "/api/v1/transparency?period=decade", method: .get)
            let badCode = (try json(bad)["error"] as? [String: Any])?["code"] as? String
            #expect(bad.status == .badRequest && badCode == "invalid_period")
            #expect(try await client.execute(uri: "/api/v1/transparency?format=xml", method: .get).status == .badRequest)

            // The page: charts as SVG, numbers in tables, the hidden cell stays hidden in English too.
            let page = try await client.execute(uri: "/transparansi?lang=en", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains("<svg") && page.text.contains("Reports per week by category") && page.text.contains("TikTok"))
            #expect(page.text.contains("&lt; 5"), "the decisions cell of three is shown as < 5")
            let badPage = try await client.execute(uri: "/transparansi?period=custom&from=2020-02-30&to=2020-03-01", method: .get)
            #expect(badPage.status == .badRequest && badPage.text.contains("<html"))

            // The weekly counters are the daily ones summed by week, after inserts and updates alike.
            func counters(_ query: String) async throws -> [String] {
                try await db.sql.raw(SQLQueryString(query)).all().map {
                    "\(try $0.decode(column: "metric", as: String.self)) \(try $0.decode(column: "w", as: Int.self)) \(try $0.decode(column: "a", as: String.self)) "
                        + "\(try $0.decode(column: "b", as: String.self)) \(try $0.decode(column: "c", as: String.self)) \(try $0.decode(column: "n", as: Int.self))"
                }.sorted()
            }
            let weekly = try await counters("SELECT metric, week AS w, a, b, c, CAST(count AS BIGINT) AS n FROM transparency_weekly WHERE count <> 0")
            let daily = try await counters("""
                SELECT metric, day - ((day + 3) % 7) AS w, a, b, c, CAST(SUM(count) AS BIGINT) AS n FROM transparency_counts
                GROUP BY metric, day - ((day + 3) % 7), a, b, c HAVING SUM(count) <> 0
                """)
            #expect(!weekly.isEmpty && weekly == daily)
        }
    }

    @Test(arguments: Backend.available)
    func statementsOfReasonsCarryNoPersonalData(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.sor@kominfo.test", .analyst)
            let marker = "RAHASIA-PELAPOR-7731"
            let report = try await client.execute(uri: "/api/v1/reports", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: """
                {"url":"https://www.tiktok.com/@z/video/7301234567890300001","category":"perjudian","description":"\(marker) deskripsi pelapor",
                 "reporter":{"name":"Siti \(marker)","email":"siti.\(marker.lowercased())@example.id","phone":"+6281234567890"}}
                """))
            #expect(report.status == .created, "\(report.text)")
            let caseID = try #require((try json(report)["case"] as? [String: Any])?["id"] as? String).lowercased()
            let decision = #"{"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"Catatan internal \#(marker) tentang situs judi yang dipromosikan lewat video ini.","public_reason":"Promosi perjudian daring.","action":"takedown_order"}"#
            let decided = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision))
            #expect(decided.status == .created, "\(decided.text)")

            let lines = try await client.execute(uri: "/api/v1/statements", method: .get)
            #expect(lines.status == .ok && lines.headers[.contentType]?.hasPrefix("application/x-ndjson") == true)
            let records = lines.text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(records.count == 1)
            let sor = try #require(records.first ?? nil)
            #expect(sor["decision_visibility"] as? [String] == ["DECISION_VISIBILITY_CONTENT_REMOVED"])
            #expect(sor["decision_ground"] as? String == "DECISION_GROUND_ILLEGAL_CONTENT")
            #expect(sor["category"] as? String == "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS")
            #expect(sor["category_specification"] as? [String] == ["KEYWORD_PROHIBITED_PRODUCTS"] && sor["pantau_category"] as? String == "perjudian")
            #expect(sor["puid"] as? String == sor["uuid"] as? String && sor["pantau_subject"] as? String == "tiktok:video:7301234567890300001")
            #expect(sor["platform_name"] as? String == "TikTok")
            #expect(sor["content_type"] as? [String] == ["CONTENT_TYPE_VIDEO"] && sor["territorial_scope"] as? [String] == ["ID"])
            #expect(sor["source_type"] as? String == "SOURCE_ARTICLE_16" && sor["automated_decision"] as? String == "AUTOMATED_DECISION_NOT_AUTOMATED")
            #expect(sor["illegal_content_explanation"] as? String == "Promosi perjudian daring.")
            #expect((sor["decision_facts"] as? String)?.hasPrefix("1 report of this video since ") == true)
            #expect((sor["illegal_content_legal_ground"] as? String)?.contains("Pasal 27 ayat (2)") == true)
            #expect(Set(sor.keys) == Set(StatementOfReasons.fields).subtracting(["category_specification_other", "content_type_other"]))

            let csv = try await client.execute(uri: "/api/v1/statements?format=csv&since=2020-01-01", method: .get)
            #expect(csv.text.hasPrefix(StatementOfReasons.csvHeader) && csv.text.split(separator: "\r\n").count == 2)
            for export in [lines.text, csv.text] {
                for secret in [marker, marker.lowercased(), "Siti", "+6281234567890", "analis.sor@kominfo.test", "Catatan internal", "deskripsi pelapor"] {
                    #expect(!export.contains(secret), "the export leaks \(secret)")
                }
            }
            let future = try await client.execute(uri: "/api/v1/statements?since=2999-01-01", method: .get)
            #expect(future.status == .ok && future.text.isEmpty)
            let bad = try await client.execute(uri: "/api/v1/statements?since=yesterday", method: .get)
            #expect(bad.status == .badRequest && bad.text.contains("invalid_since"))
            #expect(try await client.execute(uri: "/api/v1/statements?format=xml", method: .get).status == .badRequest)
            _ = db
        }
    }

    @Test(arguments: Backend.available)
    func everyStatementPassesTheTransparencyDatabasesOwnRules(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.dsa@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup.dsa@kominfo.test", .supervisor)
            // Every category, on every kind of subject a decision restricts.
            let targets = ["https://www.tiktok.com/@a/video/73012345678905%05d", "https://www.instagram.com/akun.dsa%d/",
                           "https://x.com/someone/status/18%08d", "https://www.youtube.com/watch?v=dsa%08d"]
            var restricting = 0
            for (index, category) in CategoryCatalog.defaults.enumerated() {
                let (_, caseID) = try await fileReport(client, url: String(format: targets[index % targets.count], index), category: category.slug)
                let body = #"{"verdict":"violating","category":"\#(category.slug)","legal_bases":["uu-ite-27-2"],"statement":"\#(statement)","public_reason":"Melanggar: \#(category.nameID).","action":"takedown_order"}"#
                let decided = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
                #expect(decided.status == .created, "\(decided.text)")
                if try json(decided)["needs_approval"] as? Bool == true {
                    let id = try #require(try json(decided)["decision_id"] as? String)
                    let approved = try await client.execute(uri: "/api/v1/decisions/\(id)/review", method: .post, headers: supervisor.auth,
                                                            body: ByteBuffer(string: #"{"approve":true,"reason":"Sesuai."}"#))
                    #expect(approved.status == .ok, "\(approved.text)")
                }
                restricting += 1
            }
            // A blocked website (four eyes), and two decisions that restrict nothing.
            let (_, siteCase) = try await fileReport(client, url: "https://slot-gacor-dsa.example/", category: "perjudian")
            let block = #"{"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"\#(statement)","public_reason":"Situs perjudian daring.","action":"network_block"}"#
            let blocked = try await client.execute(uri: "/api/v1/cases/\(siteCase)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: block))
            let blockID = try #require(try json(blocked)["decision_id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/decisions/\(blockID)/review", method: .post, headers: supervisor.auth,
                                             body: ByteBuffer(string: #"{"approve":true,"reason":"Sesuai."}"#)).status == .ok)
            restricting += 1
            let (_, fineCase) = try await fileReport(client, url: "https://www.tiktok.com/@b/video/7301234567890599999", category: "pornografi")
            let fine = #"{"verdict":"not_violating","statement":"Video ini adalah edukasi kesehatan reproduksi dari lembaga resmi, bukan pornografi.","public_reason":"Edukasi kesehatan."}"#
            #expect(try await client.execute(uri: "/api/v1/cases/\(fineCase)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: fine)).status == .created)
            let (_, idleCase) = try await fileReport(client, url: "https://www.tiktok.com/@c/video/7301234567890599998", category: "hoaks")
            let idle = #"{"verdict":"violating","category":"hoaks","legal_bases":["uu-ite-27-2"],"statement":"\#(statement)","public_reason":"Hoaks.","action":"no_action"}"#
            #expect(try await client.execute(uri: "/api/v1/cases/\(idleCase)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: idle)).status == .created)

            let lines = try await client.execute(uri: "/api/v1/statements", method: .get).text.split(separator: "\n")
            #expect(lines.count == restricting, "only decisions that restrict something are statements")
            var categories: Set<String> = []
            for line in lines {
                let statement = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(DSATransparencyRules.problems(in: statement, territorialScope: false).isEmpty,
                        "\(DSATransparencyRules.problems(in: statement, territorialScope: false)) in \(line)")
                // The one departure: Indonesia is not on the database's European list.
                #expect(DSATransparencyRules.problems(in: statement) == ["territorial_scope: 'ID' is not an allowed value"])
                categories.insert(statement["category"] as? String ?? "")
            }
            #expect(categories.count >= 9, "the categories map onto many of the database's")
            let kinds = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["decision_visibility"] as? [String] }
            #expect(Set(kinds.flatMap { $0 }) == ["DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED"])
            let csv = try await client.execute(uri: "/api/v1/statements?format=csv", method: .get).text
            #expect(csv.split(separator: "\r\n").count == restricting + 1)
            #expect(csv.contains(#""[""DECISION_VISIBILITY_CONTENT_REMOVED""]""#), "lists are JSON arrays in the CSV")
            _ = db
        }
    }

    /// Many decisions in one second, some at the very same instant and the
    /// rest a tenth of a microsecond apart (finer than a `Date` read back
    /// from SQLite, which rounds to the microsecond): paging 500 at a time
    /// must give each exactly once and in order.
    @Test(arguments: Backend.available)
    func statementsPageAcrossBoundariesWithManyRowsInOneSecond(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.halaman@kominfo.test", .analyst)
            let (_, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@z/video/7301234567890300009", category: "perjudian")
            let decided = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: """
                {"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"\(statement)","public_reason":"Promosi perjudian daring.","action":"takedown_order"}
                """))
            #expect(decided.status == .created, "\(decided.text)")
            let first = try #require(try await DecisionModel.query(on: db.db).first())
            let second = Date(timeIntervalSince1970: 1_764_892_800.25)
            try await db.db.transaction { tx in
                for n in 0..<1_299 {
                    let copy = DecisionModel()
                    copy.id = UUID()
                    (copy.verdict, copy.categoryID, copy.legalBases, copy.statement) = (first.verdict, first.categoryID, first.legalBases, first.statement)
                    (copy.publicReason, copy.action, copy.state, copy.decidedByEmail) = (first.publicReason, first.action, first.state, first.decidedByEmail)
                    copy.caseID = first.caseID
                    copy.automatedDetection = false
                    copy.automatedDecision = false
                    copy.needsApproval = false
                    copy.decidedBy = first.decidedBy
                    // Every third shares its instant with the one before.
                    copy.decidedAt = second.addingTimeInterval(Double(n - n % 3) * 1e-7)
                    try await copy.create(on: tx)
                }
            }
            let lines = try await client.execute(uri: "/api/v1/statements", method: .get)
            let ids = lines.text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["uuid"] as? String
            }
            #expect(ids.count == 1_300, "every decision once, across three page boundaries")
            #expect(Set(ids).count == ids.count, "no statement repeated at a page boundary")
            let decidedAt = Dictionary(uniqueKeysWithValues: try await DecisionModel.query(on: db.db).all().map { (UUIDText.lower($0.id!), $0.decidedAt) })
            let times = ids.compactMap { decidedAt[$0] }
            #expect(times.count == ids.count && zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "in the order decisions were made")
        }
    }

    @Test(arguments: Backend.available)
    func theRegisterListsBlocksAndTheirNormalisation(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            let blocks = BlocklistAppTests()
            let analyst = try await Staff.make(accounts, "analis.reg@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup.reg@kominfo.test", .supervisor)
            let app = try await blocks.propose(client, analyst, #"{"names":["*.tiktok.com","*.tiktokv.com"],"reason":"\#(BlocklistAppTests.reason)","legal_bases":["uu-ite-27-2"],"app":{"slug":"tiktok","name":"TikTok"}}"#)
            let appID = try #require(try json(app)["id"] as? String)
            #expect(try await blocks.review(client, supervisor, appID).status == .ok)
            let other = try await blocks.propose(client, analyst, #"{"names":["judi-slot.example"],"reason":"Situs slot daring yang dilaporkan berulang kali.","legal_bases":["uu-ite-27-2"]}"#)
            #expect(try await blocks.review(client, supervisor, try #require(try json(other)["id"] as? String)).status == .ok)
            let lift = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"app":"tiktok","conditions":"Konten pornografi dibersihkan, kurator 20 menjadi 200, usia minimal 16 tahun."}"#))
            #expect(try await blocks.review(client, supervisor, try #require(try json(lift)["id"] as? String)).status == .ok)

            let all = try json(try await client.execute(uri: "/api/v1/blocks/register", method: .get))
            let entries = try #require(all["entries"] as? [[String: Any]])
            #expect(entries.count == 3)
            let block = try #require(entries.first { $0["app"] as? String == "TikTok" && $0["kind"] as? String == "block" })
            let normalisation = try #require(entries.first { $0["kind"] as? String == "lift" })
            #expect(block["names"] as? Int == 2 && (block["lifted_by"] as? [String]) == [normalisation["number"] as! String])
            #expect((normalisation["conditions"] as? String)?.contains("usia minimal 16") == true)

            // A name finds its decisions; a word of the reason too; nothing else matches.
            let byName = try json(try await client.execute(uri: "/api/v1/blocks/register?q=www.tiktokv.com", method: .get))["entries"] as? [[String: Any]]
            #expect(byName?.count == 0, "an entry for *.tiktokv.com is found by its own name, not a subdomain")
            let byEntry = try json(try await client.execute(uri: "/api/v1/blocks/register?q=tiktokv.com", method: .get))["entries"] as? [[String: Any]]
            #expect(Set(byEntry?.compactMap { $0["kind"] as? String } ?? []) == ["block", "lift"])
            let byReason = try json(try await client.execute(uri: "/api/v1/blocks/register?q=slot%20daring", method: .get))["entries"] as? [[String: Any]]
            #expect(byReason?.count == 1 && byReason?.first?["names"] as? Int == 1)
            #expect(try await client.execute(uri: "/api/v1/blocks/register?page=0", method: .get).status == .badRequest)

            let page = try await client.execute(uri: "/transparansi/blokir?q=tiktok", method: .get)
            #expect(page.status == .ok && page.text.contains("Normalisasi") && page.text.contains("dinormalisasi oleh"))
            #expect(try await client.execute(uri: "/transparansi/blokir?halaman=x", method: .get).status == .badRequest)
        }
    }
}

@Suite(.serialized) struct TrendTests {
    @Test(arguments: Backend.available)
    func trendsCompareAPeriodWithTheOneBeforePerPlatformAndCategory(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.tren@kominfo.test", .analyst)
            // Two TikTok reports moved forty days back (the counters follow the update), one TikTok and two X reports now,
            // one X case decided violating.
            var old: [String] = []
            for n in 1...2 { old.append(try await fileReport(client, url: "https://www.tiktok.com/@a/video/\(7_301_234_567_890_400_000 + n)", category: "hoaks").0) }
            try await db.sql.raw("UPDATE reports SET received_at = \(bind: Date().addingTimeInterval(-40 * 86_400)) WHERE ticket IN (\(binds: old))").run()
            _ = try await fileReport(client, url: "https://www.tiktok.com/@a/video/7301234567890400010", category: "hoaks")
            let (_, xCase) = try await fileReport(client, url: "https://x.com/someone/status/1790000000000000001", category: "perjudian")
            _ = try await fileReport(client, url: "https://x.com/someone/status/1790000000000000002", category: "perjudian")
            let decision = #"{"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"Promosi situs judi daring dengan tautan pendaftaran yang aktif.","public_reason":"Promosi perjudian.","action":"takedown_order"}"#
            #expect(try await client.execute(uri: "/api/v1/cases/\(xCase)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision)).status == .created)

            let uri = "/api/v1/trends?period=month"
            let trends = try json(try await client.execute(uri: uri, method: .get, headers: analyst.auth))
            let platforms = try #require(trends["by_platform"] as? [[String: Any]])
            let tiktok = try #require(platforms.first { $0["key"] as? String == "tiktok" })
            #expect(tiktok["reports"] as? Int == 1 && tiktok["previous_reports"] as? Int == 2 && tiktok["reports_change"] as? Double == -0.5, "\(tiktok)")
            let x = try #require(platforms.first { $0["key"] as? String == "x" })
            #expect(x["reports"] as? Int == 2 && x["violations"] as? Int == 1 && x["reports_change"] is NSNull, "nothing before: no ratio")
            let categories = try #require(trends["by_category"] as? [[String: Any]])
            #expect(categories.first { $0["key"] as? String == "perjudian" }?["violations"] as? Int == 1)
            let weeks = try #require(trends["weeks"] as? [String])
            #expect((4...6).contains(weeks.count) && (tiktok["weekly_reports"] as? [String])?.last == "1")

            let onlyX = try json(try await client.execute(uri: uri + "&platform=x", method: .get, headers: analyst.auth))
            #expect((onlyX["by_platform"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["x"])
            #expect(try await client.execute(uri: uri + "&platform=myspace", method: .get, headers: analyst.auth).status == .badRequest)
            #expect(try await client.execute(uri: uri + "&category=nope", method: .get, headers: analyst.auth).status == .badRequest)
            #expect(try await client.execute(uri: uri, method: .get).status == .unauthorized, "staff only")

            let page = try await client.execute(uri: "/tren?period=month&platform=tiktok", method: .get, headers: analyst.auth)
            #expect(page.status == .ok && page.text.contains("TikTok: 1 aduan (−50 %"), "\(page.text.prefix(300))")
        }
    }
}

@Suite(.serialized) struct OfficialAccountTests {
    @Test(arguments: Backend.available)
    func accountsAreListedAndTheirFiguresArriveByHandCSVAndConnector(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let comms = try await Staff.make(accounts, "humas@kominfo.test", .comms)
            let analyst = try await Staff.make(accounts, "analis.akun@kominfo.test", .analyst)
            // The platforms' official handles are seeded: TikTok's kemkominfo among them.
            let listed = try #require(try json(try await client.execute(uri: "/api/v1/accounts", method: .get))["accounts"] as? [[String: Any]])
            let tiktok = try #require(listed.first { $0["platform"] as? String == "tiktok" })
            #expect(tiktok["handle"] as? String == "kemkominfo" && tiktok["url"] as? String == "https://www.tiktok.com/@kemkominfo" && tiktok["latest"] is NSNull)
            let id = try #require(tiktok["id"] as? String)

            // Registering: comms only, checked, no duplicates.
            let body = #"{"platform":"youtube","handle":"@KemkominfoTV","verified":true,"since":"2015-03-01","owner_unit":"Biro Humas"}"#
            #expect(try await client.execute(uri: "/api/v1/accounts", method: .post, headers: analyst.auth, body: ByteBuffer(string: body)).status == .forbidden)
            let created = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: comms.auth, body: ByteBuffer(string: body))
            #expect(created.status == .created, "\(created.text)")
            let createdBody = try json(created)
            #expect(createdBody["handle"] as? String == "kemkominfotv" && createdBody["verified"] as? Bool == true)
            #expect(try await client.execute(uri: "/api/v1/accounts", method: .post, headers: comms.auth, body: ByteBuffer(string: body)).status == .conflict)
            #expect(try await client.execute(uri: "/api/v1/accounts", method: .post, headers: comms.auth,
                                             body: ByteBuffer(string: #"{"platform":"myspace","handle":"x","owner_unit":"Humas"}"#)).status == .unprocessableContent)

            // A connector pushes figures; the same moment again replaces, never doubles.
            let push = #"{"taken_at":"2026-11-01T00:00:00Z","followers":1200000,"posts":950,"likes":30000000}"#
            for _ in 0..<2 {
                let pushed = try await client.execute(uri: "/api/v1/accounts/\(id)/snapshots", method: .post, headers: comms.auth, body: ByteBuffer(string: push))
                #expect(pushed.status == .created, "\(pushed.text)")
            }
            #expect(try await db.count("account_snapshots") == 1)
            #expect(try await client.execute(uri: "/api/v1/accounts/\(id)/snapshots", method: .post, headers: comms.auth,
                                             body: ByteBuffer(string: #"{"followers":-5}"#)).status == .unprocessableContent)
            #expect(try await client.execute(uri: "/api/v1/accounts/\(id)/snapshots", method: .post, headers: comms.auth,
                                             body: ByteBuffer(string: #"{"taken_at":"2999-01-01","followers":5}"#)).status == .unprocessableContent)

            // A CSV import: all or nothing, problems by line.
            let service = OfficialAccountService(database: db, clock: SystemClock())
            let bad = "platform,handle,taken_at,followers,posts,likes,views\ntiktok,kemkominfo,2026-11-15,1250000,,,\ntiktok,nobody,2026-11-15,5,,,\nx,kemkominfo,kemarin,5,,,\n"
            guard case .failure(let problems) = try await service.importCSV(bad, actor: "test") else { Issue.record("a bad file must be refused"); return }
            #expect(problems.problems.map(\.line) == [3, 4])
            #expect(try await db.count("account_snapshots") == 1, "nothing stored from a file with problems")
            let good = "platform,handle,taken_at,followers,posts,likes,views\ntiktok,@KemKominfo,2026-11-15,1250000,980,,\nyoutube,kemkominfotv,2026-11-15,300000,4000,,90000000\n"
            #expect(try await service.importCSV(good, actor: "test") == .success(2))

            let series = try json(try await client.execute(uri: "/api/v1/accounts/\(id)/snapshots", method: .get))["snapshots"] as? [[String: Any]]
            #expect(series?.compactMap { $0["followers"] as? Int } == [1_200_000, 1_250_000])
            #expect(series?.compactMap { $0["source"] as? String } == ["api", "csv"])

            // The public page draws the growth side by side; comms staff get the entry form.
            let page = try await client.execute(uri: "/akun-resmi", method: .get)
            #expect(page.status == .ok && page.text.contains("<polyline") && page.text.contains("TikTok @kemkominfo") && !page.text.contains("snapshot-form"))
        }
    }
}
