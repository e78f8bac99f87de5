import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Synchronization
import Testing
@testable import PantauApp

/// A platform's post feed on 127.0.0.1: pages by cursor, and on request
/// an error, a hang, or a page with a post that is not valid.
final class FeedServer: Sendable {
    struct State {
        var pages: [String: (posts: [String], next: String?)] = [:]
        var requests: [(cursor: String?, authorization: String?)] = []
        var failNext = 0
        var hangNext = 0
    }
    let state = Mutex(State())
    private let server = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)

    var port: Int { server.withLock { $0?.port ?? 0 } }
    var requests: [(cursor: String?, authorization: String?)] { state.withLock { $0.requests } }

    func page(_ cursor: String, posts: [String], next: String?) { state.withLock { $0.pages[cursor] = (posts, next) } }

    func start() async throws {
        let router = Router()
        router.get("/feed") { request, _ -> Response in
            let cursor = request.uri.queryParameters.get("cursor")
            let (page, fail, hang) = self.state.withLock { state in
                state.requests.append((cursor, request.headers[.authorization]))
                let fail = state.failNext > 0, hang = state.hangNext > 0
                if fail { state.failNext -= 1 } else if hang { state.hangNext -= 1 }
                return (state.pages[cursor ?? ""], fail, hang)
            }
            if hang { try await Task.sleep(for: .seconds(3)) }
            if fail { return Response(status: .internalServerError) }
            let posts = page?.posts ?? []
            let next = page?.next.map { "\"\($0)\"" } ?? "null"
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"posts":[\#(posts.joined(separator: ","))],"next_cursor":\#(next)}"#)))
        }
        let running = await startLocalServer(router, port: 0)
        server.withLock { $0 = running }
    }

    func stop() async {
        guard let running = server.withLock({ $0 }) else { return }
        running.task.cancel()
        _ = try? await running.task.value
    }
}

@Suite(.serialized) struct FeedPullTests {
    /// Waits (at most `seconds`) until `condition` holds.
    func eventually(_ seconds: Double = 15, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    func post(_ n: Int, _ text: String) -> String { #"{"id":"\#(7_301_234_567_890_300_000 + n)","author":"akun\#(n)","text":"\#(text)"}"# }

    @Test(arguments: Backend.available)
    func theWorkerPullsAFeedByItsCursorAndRecordsWhatFails(backend: Backend) async throws {
        let feed = FeedServer()
        try await feed.start()
        defer { Task { await feed.stop() } }
        feed.page("", posts: [post(1, "selamat pagi"), post(2, "slot gacor deposit pulsa")], next: "c1")
        feed.page("c1", posts: [post(3, "resep rendang")], next: "c2")
        feed.page("c2", posts: [], next: nil)
        try await withAppAndRoutes(backend, configure: { $0.monitoringFeedTimeoutSeconds = 1 }) { client, _, accounts, db in
            let admin = try await Staff.make(accounts, "admin@kominfo.test", .admin)
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            #expect(try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: MonitoredPostsTests.watchlist)).status == .created)

            // Bad feeds are refused field by field, and nothing is kept.
            for (body, field) in [
                (#"{"platform":"line","name":"x","url":"http://127.0.0.1:1/feed"}"#, "platform"),
                (#"{"platform":"tiktok","name":"x","url":"ftp://127.0.0.1/feed"}"#, "url"),
                (#"{"platform":"tiktok","name":"x","url":"http://127.0.0.1:1/feed","interval_seconds":5}"#, "interval_seconds"),
                (#"{"platform":"tiktok","name":"","url":"http://127.0.0.1:1/feed"}"#, "name"),
            ] {
                let refused = try await client.execute(uri: "/api/v1/monitoring/sources", method: .post, headers: admin.auth, body: ByteBuffer(string: body))
                #expect(refused.status == .unprocessableContent, "\(body) → \(refused.text)")
                #expect(((try json(refused))["error"] as? [String: Any])?["field"] as? String == field, "\(body) → \(refused.text)")
            }
            #expect(try await client.execute(uri: "/api/v1/monitoring/sources", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: "{}")).status == .forbidden, "feeds are the admin's")
            #expect(try await db.count("monitor_sources") == 0)

            let created = try await client.execute(uri: "/api/v1/monitoring/sources", method: .post, headers: admin.auth, body: ByteBuffer(string:
                #"{"platform":"tiktok","name":"Feed TikTok","url":"http://127.0.0.1:\#(feed.port)/feed","token":"feed-secret-1","interval_seconds":10}"#))
            #expect(created.status == .created, "\(created.text)")
            let source = try json(created)
            let id = try #require(source["id"] as? String)
            #expect(source["has_token"] as? Bool == true && source["token"] == nil, "the token is never shown back")

            // The embedded worker follows the cursor to the end; the finding becomes a report.
            #expect(try await eventually { try await db.count("monitored_posts") == 3 })
            #expect(try await eventually { try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db)?.cursor == "c2" })
            // The pull goes on to the empty page at c2 before it rests.
            #expect(try await eventually { feed.requests.count >= 3 })
            #expect(feed.requests.map(\.cursor) == [nil, "c1", "c2"], "\(feed.requests.map(\.cursor))")
            #expect(feed.requests.allSatisfy { $0.authorization == "Bearer feed-secret-1" })
            #expect(try await db.count("reports", where: "WHERE channel = 'monitoring'") == 1)
            #expect(try await db.count("monitored_posts", where: "WHERE source_id IS NOT NULL") == 3)

            // New posts after the kept cursor arrive on the next pull (poked by switching the feed on again).
            func poke() async throws {
                #expect(try await client.execute(uri: "/api/v1/monitoring/sources/\(id)", method: .post, headers: admin.auth,
                                                 body: ByteBuffer(string: #"{"enabled":true}"#)).status == .ok)
            }
            feed.page("c2", posts: [post(4, "judi slot gacor")], next: "c3")
            try await poke()
            #expect(try await eventually { try await db.count("monitored_posts") == 4 })
            // That pull goes on to c3 (empty, caught up) before the feed is poked again.
            let caughtUp = try await eventually {
                let model = try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db)
                return feed.requests.count == 5 && model?.cursor == "c3" && (model?.nextFetchAt ?? .distantPast) > Date()
            }
            #expect(caughtUp)
            #expect(feed.requests.map(\.cursor) == [nil, "c1", "c2", "c2", "c3"])
            try await Task.sleep(for: .milliseconds(300))

            // A failing feed: recorded, nothing written, the cursor stays.
            let requestsBefore = feed.requests.count
            feed.state.withLock { $0.failNext = 1 }
            try await poke()
            #expect(try await eventually { try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db)?.lastError == "HTTP 500" })
            var model = try #require(try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db))
            #expect(model.consecutiveErrors == 1, "\(model.consecutiveErrors)")
            #expect(model.cursor == "c3", "\(model.cursor ?? "nil")")
            #expect((model.nextFetchAt ?? .distantPast) > Date().addingTimeInterval(5))
            #expect(feed.requests.count == requestsBefore + 1, "retried after its backoff, not at once")

            // A page with a bad post keeps none of its posts.
            feed.page("c3", posts: [post(5, "judi"), #"{"id":"bukan-id","text":"x"}"#], next: "c4")
            try await poke()
            #expect(try await eventually { try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db)?.lastError?.contains("posts[1].id") == true })
            #expect(try await db.count("monitored_posts") == 4)

            // A feed that hangs fails by the timeout.
            feed.page("c3", posts: [], next: nil)
            feed.state.withLock { $0.hangNext = 1 }
            try await poke()
            #expect(try await eventually { try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db)?.lastError == "timed out" })
            model = try #require(try await MonitorSourceModel.find(UUID(uuidString: id)!, on: db.db))
            #expect(model.cursor == "c3" && model.postsReceived == 4)

            // Health, for staff: the feed with its last error and its posts of the day.
            let health = try json(try await client.execute(uri: "/api/v1/monitoring/sources", method: .get, headers: analyst.auth))
            let row = try #require((health["sources"] as? [[String: Any]])?.first { $0["id"] as? String == id })
            #expect(row["posts_last_day"] as? Int == 4 && row["findings_last_day"] as? Int == 2 && row["last_error"] as? String == "timed out")

            #expect(try await client.execute(uri: "/api/v1/monitoring/sources/\(id)/delete", method: .post, headers: admin.auth).status == .ok)
            #expect(try await db.count("monitor_sources") == 0)
            let kinds = try await AuditEventModel.query(on: db.db).all().map(\.kind)
            #expect(["monitor_source_added", "monitor_source_changed", "monitor_source_deleted"].allSatisfy(kinds.contains))
        }
    }

    @Test(arguments: Backend.available)
    func theSourcesPagesKeepFeedsAndShowEverySourcesHealth(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let admin = try await Staff.make(accounts, "admin@kominfo.test", .admin)
            _ = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let tiktok = try await platformToken(accounts, .tiktok)
            #expect(try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: admin.auth,
                                             body: ByteBuffer(string: MonitoredPostsTests.watchlist)).status == .created)
            _ = try await client.execute(uri: "/api/v1/platforms/tiktok/posts", method: .post, headers: tiktok,
                                         body: ByteBuffer(string: #"{"posts":[\#(self.post(1, "slot gacor deposit pulsa")),\#(self.post(2, "selamat pagi"))]}"#))
            let cookie = try #require(try await signIn(client, email: admin.email, password: "password-\(admin.email)").1)
            let page = try await client.execute(uri: "/pantau/sumber", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok && page.text.contains("id=\"feed-form\""))
            let csrf = try #require(csrfToken(in: page.text))
            func post(_ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
                let body = fields.map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }.joined(separator: "&")
                return try await client.execute(uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "_csrf=\(csrf)&" + body))
            }
            // Every problem at once, every value kept but the secret.
            let refused = try await post("/pantau/sumber", [("platform", "tiktok"), ("name", "Feed uji"), ("url", "ftp://feed.example/"),
                                                            ("token", "rahasia-feed-123"), ("interval_seconds", "sebentar")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("value=\"Feed uji\"") && refused.text.contains("ftp://feed.example/") && !refused.text.contains("rahasia-feed-123"))
            #expect(refused.text.contains("Selang dalam detik"))
            #expect(try await db.count("monitor_sources") == 0)
            let added = try await post("/pantau/sumber", [("platform", "tiktok"), ("name", "Feed uji"), ("url", "http://127.0.0.1:9/feed"),
                                                          ("token", "rahasia-feed-123"), ("interval_seconds", "1.800")])
            #expect(added.status == .seeOther, "\(added.text)")
            let feed = try #require(try await MonitorSourceModel.query(on: db.db).first())
            #expect(feed.intervalSeconds == 1800 && feed.token == "rahasia-feed-123")
            let shown = try await client.execute(uri: "/pantau/sumber/\(UUIDText.lower(feed.id!))", method: .get, headers: [.cookie: cookie]).text
            #expect(shown.contains("tersimpan (tidak ditampilkan)") && !shown.contains("rahasia-feed-123"))
            // Saved with the token left empty: the stored one stays; switched off.
            #expect(try await post("/pantau/sumber/\(UUIDText.lower(feed.id!))", [("name", "Feed uji"), ("url", "http://127.0.0.1:9/feed"), ("token", ""),
                                                                                 ("interval_seconds", "60")]).status == .seeOther)
            let changed = try #require(try await MonitorSourceModel.find(feed.id, on: db.db))
            #expect(changed.token == "rahasia-feed-123" && changed.enabled == false && changed.intervalSeconds == 60)

            // /pantau: the pushes and the feed, and the findings per day.
            let home = try await client.execute(uri: "/pantau", method: .get, headers: [.cookie: cookie]).text
            #expect(home.contains("Kiriman konektor TikTok") && home.contains("Feed uji (TikTok, feed)") && home.contains("Nonaktif"))
            #expect(home.contains("id=\"findings-chart-title\"") && home.contains("1 temuan dalam 30 hari"))
        }
    }

    @Test func backoffDoublesUpToAnHour() {
        #expect(FeedPuller.backoff(interval: 60, errors: 1) == 60)
        #expect(FeedPuller.backoff(interval: 60, errors: 3) == 240)
        #expect(FeedPuller.backoff(interval: 60, errors: 20) == 3600)
    }
}
