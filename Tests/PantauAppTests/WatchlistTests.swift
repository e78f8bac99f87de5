import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// Watchlists through the API and the staff pages, and the matcher's test.
@Suite(.serialized) struct WatchlistTests {
    static let gambling = #"""
    {"name":"Judi daring","category":"perjudian","threshold":2,"terms":[
      {"text":"judi"},{"text":"slot","exclusions":["slot waktu","slot iklan"]},{"text":"slot gacor","weight":2},{"text":"deposit pulsa","weight":1.5}]}
    """#

    @Test(arguments: Backend.available)
    func watchlistsAreKeptChangedTestedAndDeletedThroughTheAPI(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let triage = try await Staff.make(accounts, "triage@kominfo.test", .triage)

            // Bad input: each answer names its field, and nothing is written.
            let cases: [(String, String)] = [
                (#"{"name":" ","category":"perjudian","terms":[{"text":"judi"}]}"#, "name"),
                (#"{"name":"x","category":"bukan-kategori","terms":[{"text":"judi"}]}"#, "category"),
                (#"{"name":"x","category":"perjudian","threshold":0,"terms":[{"text":"judi"}]}"#, "threshold"),
                (#"{"name":"x","category":"perjudian","terms":[]}"#, "terms"),
                (#"{"name":"x","category":"perjudian","terms":[{"text":"🎰🎰"}]}"#, "terms"),
                (#"{"name":"x","category":"perjudian","terms":[{"text":"judi","weight":-1}]}"#, "terms"),
                (#"{"name":"x","category":"perjudian"}"#, "terms"),
            ]
            for (body, field) in cases {
                let refused = try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
                #expect(refused.status == .unprocessableContent, "\(body)")
                #expect(((try json(refused))["error"] as? [String: Any])?["field"] as? String == field, "\(body) → \(refused.text)")
            }
            #expect(try await db.count("watchlists") == 0)
            #expect(try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: triage.auth,
                                             body: ByteBuffer(string: Self.gambling)).status == .forbidden, "triage may look, not change")

            let created = try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth, body: ByteBuffer(string: Self.gambling))
            #expect(created.status == .created, "\(created.text)")
            let object = try json(created)
            let id = try #require(object["id"] as? String)
            #expect((object["terms"] as? [[String: Any]])?.count == 4 && object["threshold"] as? Double == 2)

            // The test box: offsets of the whole word in the text (UTF-16), scores and findings.
            let text = "Promo 🎰 $lot gacor, dep0sit pul5a tanpa potongan! Jadwal slot waktu rapat."
            let tested = try await client.execute(uri: "/api/v1/watchlists/test", method: .post, headers: triage.auth,
                                                  body: ByteBuffer(string: #"{"text":"\#(text)"}"#))
            #expect(tested.status == .ok, "\(tested.text)")
            let result = try json(tested)
            let matches = result["matches"] as? [[String: Any]] ?? []
            let utf16 = Array(text.utf16)
            let found = matches.map { m -> String in
                let start = m["start"] as? Int ?? 0, end = m["end"] as? Int ?? 0
                return (m["term"] as? String ?? "") + "=" + String(decoding: utf16[start..<end], as: UTF16.self)
            }
            #expect(Set(found) == ["slot=$lot", "slot gacor=$lot gacor", "deposit pulsa=dep0sit pul5a"], "\(found)")
            #expect(result["score"] as? Double == 4.5 && result["offsets"] as? String == "utf16")
            #expect(result["findings"] as? [String] == [id])

            // A change: switched off, it matches nothing; terms replaced.
            let off = try await client.execute(uri: "/api/v1/watchlists/\(id)", method: .post, headers: analyst.auth,
                                               body: ByteBuffer(string: #"{"active":false,"terms":[{"text":"togel"}]}"#))
            #expect(off.status == .ok)
            #expect(try json(off)["active"] as? Bool == false)
            #expect(try await db.count("watch_terms") == 1)
            let silent = try json(try await client.execute(uri: "/api/v1/watchlists/test", method: .post, headers: analyst.auth,
                                                            body: ByteBuffer(string: #"{"text":"t0gel hari ini"}"#)))
            #expect((silent["matches"] as? [Any])?.isEmpty == true)
            let list = try json(try await client.execute(uri: "/api/v1/watchlists", method: .get, headers: triage.auth))
            #expect((list["watchlists"] as? [[String: Any]])?.first?["name"] as? String == "Judi daring")

            let deleted = try await client.execute(uri: "/api/v1/watchlists/\(id)/delete", method: .post, headers: analyst.auth)
            #expect(deleted.status == .ok)
            #expect(try await db.count("watchlists") == 0)
            #expect(try await db.count("watch_terms") == 0)
            #expect(try await client.execute(uri: "/api/v1/watchlists/\(id)", method: .get, headers: analyst.auth).status == .notFound)
            let kinds = try await AuditEventModel.query(on: db.db).all().map(\.kind)
            #expect(["watchlist_created", "watchlist_changed", "watchlist_deleted"].allSatisfy(kinds.contains))
        }
    }

    @Test(arguments: Backend.available)
    func theMonitoringPageEditsWatchlistsAndHighlightsWhatATextMatches(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            _ = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let cookie = try #require(try await signIn(client, email: "analis@kominfo.test", password: "password-analis@kominfo.test").1)
            let page = try await client.execute(uri: "/pantau", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok && page.text.contains("id=\"watchlist-form\""))
            let csrf = try #require(csrfToken(in: page.text))
            func post(_ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
                let body = fields.map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }.joined(separator: "&")
                return try await client.execute(uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "_csrf=\(csrf)&" + body))
            }
            // A bad line is named; everything typed comes back.
            let refused = try await post("/pantau", [("name", "Pornografi"), ("category", "pornografi"), ("threshold", "1"), ("active", "1"),
                                                     ("terms", "bokep\nbugil | banyak")])
            #expect(refused.status == .unprocessableContent && refused.text.contains("Baris 2") && refused.text.contains("bokep\nbugil | banyak"))
            #expect(try await db.count("watchlists") == 0)
            let created = try await post("/pantau", [("name", "Pornografi"), ("category", "pornografi"), ("threshold", "1"), ("active", "1"),
                                                     ("terms", "bokep\nbugil | 2\nvideo mesum | 1,5 | video mesum sekolah")])
            #expect(created.status == .seeOther, "\(created.text)")
            let row = try #require(try await WatchlistModel.query(on: db.db).first())
            let terms = try await WatchTermModel.query(on: db.db).sort(\.$position).all()
            #expect(terms.map(\.text) == ["bokep", "bugil", "video mesum"] && terms.map(\.weight) == [1, 2, 1.5] && terms[2].exclusions == "video mesum sekolah")

            let tested = try await post("/pantau/uji", [("text", "Link b0k3p <b>viral</b> di sini")])
            #expect(tested.status == .ok && tested.text.contains("<mark title=\"bokep · Pornografi\">b0k3p</mark>"), "highlighted in the original text")
            #expect(tested.text.contains("&lt;b&gt;viral&lt;/b&gt;"), "the rest escaped")

            let edit = try await client.execute(uri: "/pantau/daftar/\(UUIDText.lower(row.id!))", method: .get, headers: [.cookie: cookie]).text
            #expect(edit.contains("video mesum | 1.5 | video mesum sekolah"), "the terms come back as they are typed")
            let saved = try await post("/pantau/daftar/\(UUIDText.lower(row.id!))", [("name", "Pornografi"), ("category", "pornografi"), ("threshold", "2"),
                                                                                   ("terms", "bokep")])
            #expect(saved.status == .seeOther)
            let changed = try #require(try await WatchlistModel.find(row.id, on: db.db))
            #expect(changed.threshold == 2 && changed.active == false, "an unticked box switches it off")
        }
    }
}
