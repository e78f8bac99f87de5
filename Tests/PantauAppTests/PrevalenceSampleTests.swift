import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// Weekly samples of monitored posts, labelled by analysts in the
/// sample-review queue, published as prevalence with a Wilson interval.
@Suite(.serialized) struct PrevalenceSampleTests {
    func posts(_ platform: String, count: Int, first: Int, views: Bool) -> String {
        (0..<count).map { i in
            let id = platform == "x" ? "\(1_790_000_000_000_000_000 + first + i)" : "\(7_301_234_567_890_400_000 + first + i)"
            let viewsField = views && i % 2 == 0 ? #","views":\#((i + 1) * 100)"# : ""
            return #"{"id":"\#(id)","author":"akun\#(i)","text":"unggahan nomor \#(i)"\#(viewsField)}"#
        }.joined(separator: ",")
    }

    @Test(arguments: Backend.available)
    func samplesAreDrawnLabelledAndPublishedWithTheirInterval(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            _ = try await Staff.make(accounts, "triage@kominfo.test", .triage)
            let admin = try await Staff.make(accounts, "admin@kominfo.test", .admin)
            for (platform, body) in [("tiktok", posts("tiktok", count: 30, first: 0, views: true)), ("x", posts("x", count: 5, first: 0, views: false))] {
                let pushed = try await client.execute(uri: "/api/v1/platforms/\(platform)/posts", method: .post, headers: admin.auth,
                                                      body: ByteBuffer(string: #"{"posts":[\#(body)]}"#))
                #expect(pushed.status == .ok, "\(pushed.text)")
            }
            let service = PrevalenceService(database: db, clock: SystemClock(), sampleSize: 10)
            let week = ComplianceFigures.weekStart(Date())
            #expect(try await service.draw(week: week) == 3, "TikTok uniform and by views; X uniform only (no views)")
            #expect(try await service.draw(week: week) == 0, "a week is sampled once")
            let samples = try await db.sql.raw("SELECT platform, method, size, population FROM samples ORDER BY platform, method").all().map {
                "\(try $0.decode(column: "platform", as: String.self)) \(try $0.decode(column: "method", as: String.self)) \(try $0.decode(column: "size", as: Int.self))/\(try $0.decode(column: "population", as: Int.self))"
            }
            #expect(samples == ["tiktok uniform 10/30", "tiktok views 10/15", "x uniform 5/5"], "\(samples)")
            // A views-weighted sample draws only posts that have views.
            #expect(try await db.count("sample_items i JOIN samples s ON s.id = i.sample_id JOIN monitored_posts p ON p.id = i.post_row_id",
                                       where: "WHERE s.method = 'views' AND (p.views IS NULL OR p.views = 0)") == 0)
            #expect(try await db.count("sample_items") == 25)

            // The queue: bad labels are refused beside their field; triage may not label.
            let (_, cookie) = try await signIn(client, email: analyst.email, password: "password-\(analyst.email)")
            let headers: HTTPFields = [.cookie: try #require(cookie)]
            let page = try await client.execute(uri: "/pantau/sampel", method: .get, headers: headers)
            #expect(page.status == .ok && page.text.contains("Menunggu label: 25") && page.text.contains("id=\"label-form\""))
            let csrf = try #require(csrfToken(in: page.text))
            func label(_ item: UUID, _ fields: String, cookie: HTTPFields = headers) async throws -> TestResponse {
                var h = cookie
                h[.contentType] = "application/x-www-form-urlencoded"
                return try await client.execute(uri: "/pantau/sampel/\(UUIDText.lower(item))", method: .post, headers: h, body: ByteBuffer(string: "_csrf=\(csrf)&" + fields))
            }
            let queue = try await service.queue(limit: 100)
            #expect(queue.count == 25)
            let first = try #require(queue.first)
            let none = try await label(first.id, "category=")
            #expect(none.status == .unprocessableContent && none.text.contains("id=\"label-error\""))
            let noCategory = try await label(first.id, "label=violating&category=")
            #expect(noCategory.status == .unprocessableContent && noCategory.text.contains("Pilih kategori pelanggarannya"))
            #expect(noCategory.text.contains(#"id="label-violating" checked"#), "the choice comes back")
            #expect(try await db.count("sample_items", where: "WHERE label IS NOT NULL") == 0)
            let (_, triageCookie) = try await signIn(client, email: "triage@kominfo.test", password: "password-triage@kominfo.test")
            #expect(try await client.execute(uri: "/pantau/sampel", method: .get, headers: [.cookie: try #require(triageCookie)]).status == .forbidden)

            // Every post of the TikTok uniform sample labelled: 3 of 10 violate.
            let uniform = queue.filter { $0.platform == "tiktok" && $0.method == .uniform }
            #expect(uniform.count == 10)
            for (i, item) in uniform.enumerated() {
                let answer = try await label(item.id, i < 3 ? "label=violating&category=perjudian" : "label=not_violating&category=")
                #expect(answer.status == .seeOther)
            }
            #expect(try await db.count("audit_events", where: "WHERE kind = 'sample_labelled'") == 10)

            // Open data: the share and its Wilson interval.
            let data = try json(try await client.execute(uri: "/api/v1/prevalence?platform=tiktok", method: .get))
            let rows = try #require(data["samples"] as? [[String: Any]])
            let row = try #require(rows.first { $0["method"] as? String == "uniform" })
            let expected = Prevalence(violating: 3, sampled: 10)
            #expect(row["labelled"] as? Int == 10 && row["violating"] as? Int == 3 && row["prevalence"] as? Double == 0.3)
            #expect(abs((row["lower_95"] as? Double ?? 0) - expected.lower!) < 1e-9 && abs((row["upper_95"] as? Double ?? 0) - expected.upper!) < 1e-9)
            #expect(((row["categories"] as? [[String: Any]])?.first?["category"] as? String) == "perjudian")
            let csv = try await client.execute(uri: "/api/v1/prevalence?format=csv", method: .get)
            #expect(csv.text.hasPrefix("week,platform,method,category,sample_size,population,labelled,violating,prevalence,lower_95,upper_95\r\n"))
            #expect(csv.text.contains(",tiktok,uniform,,10,30,10,3,0.3000,"))
            #expect(try await client.execute(uri: "/api/v1/prevalence?platform=myspace", method: .get).status == .badRequest)

            // The transparency page and TikTok's compliance page chart it.
            let transparency = try await client.execute(uri: "/transparansi", method: .get).text
            #expect(transparency.contains("id=\"prevalence-uniform-title\"") && transparency.contains("30,0 %"), "the published share")
            let compliance = try await client.execute(uri: "/kepatuhan/tiktok", method: .get, headers: headers).text
            #expect(compliance.contains("id=\"prevalence-uniform-tiktok-title\""))
            let remaining = try await client.execute(uri: "/pantau/sampel", method: .get, headers: headers).text
            #expect(remaining.contains("Menunggu label: 15"))
        }
    }
}
