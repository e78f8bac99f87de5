import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// The open-data files byte for byte against `Golden/`: a known set of
/// reports (two categories, one cell small enough to hide), decisions, and
/// order items delivered and one refused, exported on SQLite and PostgreSQL alike. Only times, days
/// and ids (which depend on when the test runs) are masked.
/// `PANTAU_UPDATE_GOLDEN=1 swift test --filter Golden` rewrites the files.
@Suite(.serialized) struct TransparencyGoldenTests {
    static func masked(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, with: "<time>", options: .regularExpression)
            .replacingOccurrences(of: #"SPT-\d{8}"#, with: "SPT-<day>", options: .regularExpression)
            .replacingOccurrences(of: #"\d{4}-\d\d-\d\d"#, with: "<day>", options: .regularExpression)
            .replacingOccurrences(of: #"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#, with: "<id>", options: .regularExpression)
    }

    static let statement = "Video ini menampilkan konten pornografi secara eksplisit dan dapat diakses anak-anak tanpa batasan usia."

    @Test(arguments: Backend.available)
    func openDataFilesMatchTheirGoldenFiles(backend: Backend) async throws {
        try await DeliveryTests().withDelivery(backend) { client, accounts, db, _, worker, http in
            let analyst = try await Staff.make(accounts, "analis.golden@kominfo.test", .analyst)
            var cases: [String] = []
            for n in 1...7 {
                cases.append(try await fileReport(client, url: "https://www.tiktok.com/@akun/video/\(7_301_234_567_890_400_000 + n)", category: "pornografi").1)
            }
            // Two reports of gambling: a cell of two is hidden.
            for n in 1...2 { _ = try await fileReport(client, url: "https://x.com/akun/status/\(1_790_000_000_000_000_000 + n)", category: "perjudian") }
            for (index, caseID) in cases.prefix(6).enumerated() {
                let body = index < 5
                    ? #"{"verdict":"violating","category":"pornografi","legal_bases":["uu-44-2008"],"statement":"\#(Self.statement)","public_reason":"Pornografi.","action":"takedown_order"}"#
                    : #"{"verdict":"not_violating","statement":"Video ini adalah edukasi kesehatan reproduksi dari lembaga resmi, bukan pornografi.","public_reason":"Edukasi kesehatan."}"#
                let decided = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
                #expect(decided.status == .created, "\(decided.text)")
            }

            // The orders reach TikTok; it refuses one of them.
            try await deliverAll(worker, client: http, database: db)
            let token = try await platformToken(accounts, .tiktok)
            let item = try #require(try await OrderItemModel.query(on: db.db).sort(\.$subjectKey).first())
            let refused = try await client.execute(uri: "/api/v1/platform/orders/\(UUIDText.lower(item.orderID))/items/\(UUIDText.lower(item.id!))", method: .post,
                                                   headers: token, body: ByteBuffer(string: #"{"answer":"rejected","reason":"Konten ini satire dan sesuai pedoman komunitas kami."}"#))
            #expect(refused.status == .ok, "\(refused.text)")

            let today = QueueFilter.formatDay(Date())
            let period = "period=custom&from=\(today)&to=\(today)"
            let update = ProcessInfo.processInfo.environment["PANTAU_UPDATE_GOLDEN"] == "1"
            for (path, file) in [("/api/v1/transparency?format=json&\(period)", "transparency.json"),
                                 ("/api/v1/transparency?format=csv&\(period)", "transparency.csv"),
                                 ("/api/v1/statements?format=jsonl", "statements.jsonl"),
                                 ("/api/v1/statements?format=csv", "statements.csv")] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path): \(response.text)")
                let text = Self.masked(response.text)
                let golden = BlocklistGoldenTests.directory.appendingPathComponent(file)
                if update { try text.write(to: golden, atomically: true, encoding: .utf8) }
                let expected = try String(contentsOf: golden, encoding: .utf8)
                #expect(text == expected, "\(path) differs from Golden/\(file):\n\(text)")
            }

            // The figures are pre-aggregated, and stay correct as data arrives: a new decision shows up at once.
            func violating() async throws -> Int? {
                let figures = try json(try await client.execute(uri: "/api/v1/transparency?\(period)", method: .get))
                let decisions = (figures["tables"] as? [String: Any])?["decisions"] as? [[String: Any]] ?? []
                return decisions.first { $0["verdict"] as? String == "violating" }?["value"] as? Int
            }
            #expect(try await violating() == 5)
            func decisionsSection() async throws -> String {
                let page = try await client.execute(uri: "/transparansi?\(period)", method: .get)
                guard let start = page.text.range(of: "id=\"decisions\""), let end = page.text.range(of: "</section>", range: start.upperBound..<page.text.endIndex) else { return "" }
                return String(page.text[start.upperBound..<end.lowerBound])
            }
            let before = try await decisionsSection()
            #expect(before.contains(">5<") && !before.contains(">6<"))
            let decided = try await client.execute(uri: "/api/v1/cases/\(cases[6])/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"verdict":"violating","category":"pornografi","legal_bases":["uu-44-2008"],"statement":"\#(Self.statement)","public_reason":"Pornografi.","action":"takedown_order"}"#))
            #expect(decided.status == .created, "\(decided.text)")
            #expect(try await violating() == 6)
            let after = try await decisionsSection()
            #expect(after.contains(">6<") && !after.contains(">5<"), "the page shows the new decision too: \(after)")
        }
    }
}
