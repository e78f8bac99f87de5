import AsyncHTTPClient
import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PantauCore
import ServiceLifecycle
import Synchronization
import Testing
@testable import PantauApp

/// A publishing desk: a real HTTP server on 127.0.0.1 that receives campaign
/// posts at `/publish/<platform>`, checks their signatures, and answers with
/// the address of the live post — or 500 for the platforms told to fail.
final class PublishingReceiver: Sendable {
    struct Delivery: Sendable { let platform: String; let key: String; let body: [String: String]; let validSignature: Bool }
    struct State { var deliveries: [Delivery] = []; var failing: Set<String> = [] }
    let secret = "campaign-secret-0123456789"
    let state = Mutex(State())
    private let server = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)

    var port: Int { server.withLock { $0?.port ?? 0 } }
    var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    func start() async throws {
        let router = Router()
        router.post("/publish/:platform") { request, context -> Response in
            let platform = context.parameters.get("platform") ?? ""
            let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            let valid = WebhookSignature.verify(header: request.headers[.init("Pantau-Signature")!] ?? "", body: body, secret: self.secret,
                                                now: Int(Date().timeIntervalSince1970))
            let fields = ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            let fail = self.state.withLock { state -> Bool in
                state.deliveries.append(Delivery(platform: platform, key: request.headers[.init("Idempotency-Key")!] ?? "", body: fields, validSignature: valid))
                return state.failing.contains(platform)
            }
            guard valid else { return Response(status: .unauthorized) }
            guard !fail else { return Response(status: .internalServerError) }
            let answer = #"{"url":"https://\#(platform).example/post/\#(fields["post_id"] ?? "")","id":"ext-\#(platform)"}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        let running = await startLocalServer(router)
        server.withLock { $0 = running }
    }

    func stop() async {
        guard let running = server.withLock({ $0 }) else { return }
        running.task.cancel()
        _ = try? await running.task.value
    }
}

@Suite(.serialized) struct CampaignTests {
    /// An app, a comms officer, the publishing receiver, and a worker that
    /// releases campaigns and publishes their posts (short retries; it gives
    /// up after `giveUpAfter` seconds).
    func withCampaigns(_ backend: Backend, giveUpAfter: Double = 3600,
                       _ body: @Sendable (any TestClientProtocol, AccountService, PantauDatabase, PublishingReceiver, Staff, Worker, OutboundHTTP) async throws -> Void) async throws {
        let receiver = PublishingReceiver()
        try await receiver.start()
        try await withAppAndRoutes(backend, configure: { $0.embeddedWorker = false }) { client, _, accounts, db in
            let worker = try await testWorker(db, giveUpAfter: giveUpAfter, configure: { $0.orderBatchMinutes = 0 })
            let http = OutboundHTTP(allowInternal: true)
            let comms = try await Staff.make(accounts, "humas@kominfo.test", .comms)
            do {
                try await body(client, accounts, db, receiver, comms, worker, http)
            } catch {
                await http.shutdown()
                await receiver.stop()
                throw error
            }
            await http.shutdown()
        }
        await receiver.stop()
    }

    @Test(arguments: Backend.available)
    func aPublishingWebhookMayNotPointInside(backend: Backend) async throws {
        try await withAppAndRoutes(backend, configure: { $0.embeddedWorker = false; $0.outboundAllowInternal = false }) { client, _, accounts, db in
            let comms = try await Staff.make(accounts, "humas@kominfo.test", .comms)
            let listed = try json(try await client.execute(uri: "/api/v1/accounts", method: .get))["accounts"] as? [[String: Any]] ?? []
            let id = try #require(listed.first?["id"] as? String)
            for inside in ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:22/", "http://[::1]:6379/", "http://10.0.0.1/",
                           "http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://0177.0.0.1/", "https://user:pw@desk.example/",
                           "http://localhost:8080/", "http://[::ffff:169.254.169.254]/", "http://192.168.1.1/", "http://0.0.0.0:8080/",
                           "ftp://desk.example/"] {
                let body = #"{"publish_webhook_url":"\#(inside)","publish_webhook_secret":"a-long-enough-signing-secret"}"#
                let response = try await client.execute(uri: "/api/v1/accounts/\(id)", method: .post, headers: comms.auth, body: ByteBuffer(string: body))
                #expect(response.status == .unprocessableContent, "\(inside): \(response.text)")
                #expect((try json(response)["error"] as? [String: Any])?["code"] as? String == "invalid_webhook_url", "\(inside)")
            }
            #expect(try await AccountConnectorModel.query(on: db.db).filter(\.$publishWebhookURL != nil).count() == 0, "nothing was stored")
            let fine = #"{"publish_webhook_url":"https://desk.kominfo.example/publish","publish_webhook_secret":"a-long-enough-signing-secret"}"#
            let accepted = try await client.execute(uri: "/api/v1/accounts/\(id)", method: .post, headers: comms.auth, body: ByteBuffer(string: fine))
            #expect(accepted.status == .ok, "\(accepted.text)")
        }
    }

    /// Points every active account but those in `except` at the receiver, through the API.
    func connect(_ client: any TestClientProtocol, _ comms: Staff, _ receiver: PublishingReceiver, except: Set<String> = []) async throws -> [String: String] {
        let listed = try json(try await client.execute(uri: "/api/v1/accounts", method: .get))["accounts"] as? [[String: Any]] ?? []
        var ids: [String: String] = [:]
        for account in listed {
            let platform = try #require(account["platform"] as? String), id = try #require(account["id"] as? String)
            ids[platform] = id
            guard !except.contains(platform) else { continue }
            let body = #"{"publish_webhook_url":"http://127.0.0.1:\#(receiver.port)/publish/\#(platform)","publish_webhook_secret":"\#(receiver.secret)"}"#
            let response = try await client.execute(uri: "/api/v1/accounts/\(id)", method: .post, headers: comms.auth, body: ByteBuffer(string: body))
            #expect(response.status == .ok, "\(response.text)")
            #expect(try json(response)["connector_ready"] as? Bool == true && !response.text.contains(receiver.secret), "the secret is never shown")
        }
        return ids
    }

    func schedule(_ client: any TestClientProtocol, _ comms: Staff, _ body: String) async throws -> [String: Any] {
        let response = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: comms.auth, body: ByteBuffer(string: body))
        #expect(response.status == .created, "\(response.text)")
        return try json(response)
    }

    func campaign(_ client: any TestClientProtocol, _ id: String, _ headers: HTTPFields = [:]) async throws -> [String: Any] {
        let response = try await client.execute(uri: "/api/v1/campaigns/\(id)", method: .get, headers: headers)
        #expect(response.status == .ok, "\(response.text)")
        return try json(response)
    }

    func run(_ worker: Worker, _ http: OutboundHTTP, _ db: PantauDatabase) async throws {
        try await worker.runOnce(client: http)  // releases the due campaigns
        try await deliverAll(worker, client: http, database: db)
    }

    func posts(_ campaign: [String: Any]) -> [String: [String: Any]] {
        Dictionary((campaign["posts"] as? [[String: Any]] ?? []).map { ($0["platform"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: Backend.available)
    func aCampaignGoesToEveryActiveAccountThroughSignedWebhooksAndTheRestByHand(backend: Backend) async throws {
        try await withCampaigns(backend) { client, _, db, receiver, comms, worker, http in
            let ids = try await connect(client, comms, receiver, except: ["line"])
            let active = try await OfficialAccountModel.query(on: db.db).filter(\.$active == true).count()
            #expect(active == ids.count && active >= 2)
            let created = try await schedule(client, comms, #"{"title":"Pekan Anti-Hoaks","message":"Cek dulu sebelum sebar. #AntiHoaks","media_urls":["https://kominfo.example/media/antihoaks.png"]}"#)
            let id = try #require(created["id"] as? String)
            #expect((created["posts"] as? [[String: Any]])?.count == active, "one post per active account, no opting out")
            #expect(created["status"] as? String == "scheduled" && created["fair"] is NSNull)

            receiver.state.withLock { $0.failing = ["x"] }
            try await worker.runOnce(client: http)
            try await Task.sleep(for: .milliseconds(120))
            receiver.state.withLock { $0.failing = [] }
            try await run(worker, http, db)

            // Every connected account got the same message once it succeeded, signed, with the post's own idempotency key.
            let deliveries = receiver.deliveries
            #expect(deliveries.allSatisfy { $0.validSignature })
            #expect(Set(deliveries.map(\.platform)) == Set(ids.keys).subtracting(["line"]))
            #expect(deliveries.allSatisfy { $0.body["message"] == "Cek dulu sebelum sebar. #AntiHoaks" && $0.body["campaign_id"] == id })
            let xKeys = deliveries.filter { $0.platform == "x" }.map(\.key)
            #expect(xKeys.count >= 2 && Set(xKeys).count == 1, "X failed first and was retried with the same key")

            var detail = try await campaign(client, id)
            var byPlatform = posts(detail)
            #expect(detail["status"] as? String == "released")
            for platform in ids.keys where platform != "line" {
                let post = try #require(byPlatform[platform])
                #expect(post["status"] as? String == "published" && post["flag"] as? String == "on_time", "\(platform): \(post)")
                #expect((post["url"] as? String)?.hasPrefix("https://\(platform).example/post/") == true)
                #expect(post["last_error"] == nil, "errors are for staff only")
            }
            // LINE has no connector: it waits for comms staff, and the campaign is not fair yet.
            let line = try #require(byPlatform["line"])
            #expect(line["status"] as? String == "manual" && line["flag"] as? String == "waiting")
            #expect(detail["fair"] as? Bool == false)

            // Recorded by hand: fair now. A second record of the same post is refused.
            let lineID = try #require(line["id"] as? String)
            let recorded = try await client.execute(uri: "/api/v1/campaigns/\(id)/posts/\(lineID)/published", method: .post, headers: comms.auth,
                                                    body: ByteBuffer(string: #"{"url":"https://line.me/R/home/public/post?id=kominfo&postId=1"}"#))
            #expect(recorded.status == .ok, "\(recorded.text)")
            detail = try await campaign(client, id)
            byPlatform = posts(detail)
            #expect(byPlatform["line"]?["status"] as? String == "published" && byPlatform["line"]?["flag"] as? String == "on_time")
            #expect(detail["fair"] as? Bool == true)
            let again = try await client.execute(uri: "/api/v1/campaigns/\(id)/posts/\(lineID)/published", method: .post, headers: comms.auth,
                                                 body: ByteBuffer(string: #"{"url":"https://line.me/x"}"#))
            #expect(again.status == .conflict)

            // The page shows every platform with its link; the public sees it, in English too.
            let page = try await client.execute(uri: "/kampanye/\(id)?lang=en", method: .get)
            #expect(page.status == .ok && page.text.contains("Pekan Anti-Hoaks") && page.text.contains("Published on every account on time"))
            #expect(page.text.contains("https://tiktok.example/post/") && page.text.contains("data-platform=\"line\""))
            #expect(try await client.execute(uri: "/kampanye", method: .get).text.contains("Pekan Anti-Hoaks"))
            let audit = try await AuditEventModel.query(on: db.db).filter(\.$kind == "campaign_post_recorded").count()
            #expect(audit == 1)
        }
    }

    @Test(arguments: Backend.available)
    func aPlatformLeftOutOrLateIsFlagged(backend: Backend) async throws {
        try await withCampaigns(backend, giveUpAfter: 0) { client, _, db, receiver, comms, worker, http in
            let ids = try await connect(client, comms, receiver)
            receiver.state.withLock { $0.failing = ["youtube"] }
            // No tolerance: anything after the scheduled moment is late.
            let created = try await schedule(client, comms, #"{"title":"Literasi digital","message":"Kenali ciri hoaks.","late_after_minutes":0}"#)
            let id = try #require(created["id"] as? String)
            try await run(worker, http, db)
            let detail = try await campaign(client, id, comms.auth)
            let byPlatform = posts(detail)
            let youtube = try #require(byPlatform["youtube"])
            #expect(youtube["status"] as? String == "failed" && youtube["flag"] as? String == "left_out", "the connector gave up: left out")
            #expect((youtube["last_error"] as? String)?.contains("500") == true, "staff see why")
            #expect(byPlatform["tiktok"]?["flag"] as? String == "late", "published after the scheduled moment with no tolerance")
            #expect(detail["fair"] as? Bool == false)
            #expect(try await AuditEventModel.query(on: db.db).filter(\.$kind == "campaign_post_failed").count() == 1)
            let page = try await client.execute(uri: "/kampanye/\(id)", method: .get)
            #expect(page.text.contains("Terlewat") && page.text.contains("Tidak adil"))
            _ = ids
        }
    }

    @Test(arguments: Backend.available)
    func accountsDeactivatedBeforeTheTimeAreSkippedAndBadCampaignsRefused(backend: Backend) async throws {
        try await withCampaigns(backend) { client, accounts, db, receiver, comms, worker, http in
            let ids = try await connect(client, comms, receiver)
            let tiktok = try #require(ids["tiktok"])

            // One message for all: it must fit X's 280 characters.
            let long = String(repeating: "hoaks ", count: 60)
            let tooLong = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: comms.auth,
                                                   body: ByteBuffer(string: #"{"title":"Panjang","message":"\#(long)"}"#))
            #expect(tooLong.status == .unprocessableContent && tooLong.text.contains("X (Twitter)") && tooLong.text.contains("\"field\":\"message\""))
            let past = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: comms.auth,
                                                body: ByteBuffer(string: #"{"title":"Lalu","message":"Pesan.","scheduled_at":"2020-01-01T09:00:00Z"}"#))
            #expect(past.status == .unprocessableContent && past.text.contains("scheduled_at"))
            let badMedia = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: comms.auth,
                                                    body: ByteBuffer(string: #"{"title":"Media","message":"Pesan.","media_urls":["javascript:alert(1)"]}"#))
            #expect(badMedia.status == .unprocessableContent)
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let denied = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: analyst.auth,
                                                  body: ByteBuffer(string: #"{"title":"Judul","message":"Pesan."}"#))
            #expect(denied.status == .forbidden)
            #expect(try await CampaignModel.query(on: db.db).count() == 0, "nothing written")

            // A future campaign is for staff only, and can be cancelled.
            let later = try await schedule(client, comms, #"{"title":"Nanti","message":"Pesan nanti.","scheduled_at":"2999-01-01T09:00"}"#)
            let laterID = try #require(later["id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/campaigns/\(laterID)", method: .get).status == .notFound)
            #expect((try json(try await client.execute(uri: "/api/v1/campaigns", method: .get))["campaigns"] as? [Any])?.isEmpty == true)
            let cancelled = try await client.execute(uri: "/api/v1/campaigns/\(laterID)/cancel", method: .post, headers: comms.auth)
            let cancelledStatus = try json(cancelled)["status"] as? String
            #expect(cancelled.status == .ok && cancelledStatus == "cancelled")

            // Scheduled now, then TikTok is deactivated before the worker's pass: skipped, not left out.
            let now = try await schedule(client, comms, #"{"title":"Sekarang","message":"Pesan sekarang."}"#)
            let nowID = try #require(now["id"] as? String)
            let off = try await client.execute(uri: "/api/v1/accounts/\(tiktok)", method: .post, headers: comms.auth, body: ByteBuffer(string: #"{"active":false}"#))
            let stillActive = try json(off)["active"] as? Bool
            #expect(off.status == .ok && stillActive == false)
            try await run(worker, http, db)
            let detail = try await campaign(client, nowID)
            let byPlatform = posts(detail)
            #expect(byPlatform["tiktok"]?["status"] as? String == "skipped" && byPlatform["tiktok"]?["flag"] as? String == "not_applicable")
            #expect(detail["fair"] as? Bool == true && !receiver.deliveries.contains { $0.platform == "tiktok" })
            let again = try await client.execute(uri: "/api/v1/campaigns/\(nowID)/cancel", method: .post, headers: comms.auth)
            #expect(again.status == .conflict, "released campaigns are not cancelled")

            // The form path: scheduled from the page (bearer tokens need no CSRF token), with a readable error for bad input.
            let form = try await client.execute(uri: "/kampanye", method: .post, headers: [.authorization: "Bearer \(comms.token)", .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "title=Dari+formulir&message=Saring+sebelum+sharing.&scheduled_at=2999-02-01+10%3A00"))
            #expect(form.status == .seeOther)
            let badForm = try await client.execute(uri: "/kampanye", method: .post, headers: [.authorization: "Bearer \(comms.token)", .contentType: "application/x-www-form-urlencoded"],
                                                   body: ByteBuffer(string: "title=&message=x"))
            #expect(badForm.status == .unprocessableContent && badForm.text.contains("<html") && badForm.text.contains("Judul kampanye wajib diisi"))
        }
    }
}

extension CampaignTests {
    @Test(arguments: Backend.available)
    func workersReleasingAtOnceReleaseACampaignOnce(backend: Backend) async throws {
        try await withCampaigns(backend) { client, _, db, _, comms, _, _ in
            _ = try await schedule(client, comms, #"{"title":"Serentak","message":"Satu pesan, satu kali."}"#)
            let workers = (0..<4).map { _ in CampaignService(database: db, clock: SystemClock()) }
            let released = try await withThrowingTaskGroup(of: Int.self) { group in
                for service in workers { group.addTask { try await service.releaseDue() } }
                return try await group.reduce(0, +)
            }
            #expect(released == 1)
            let posts = try await CampaignPostModel.query(on: db.db).count()
            let messages = try await OutboxModel.query(on: db.db).filter(\.$campaignPostID != nil).count()
            #expect(posts > 0 && messages == posts, "one message per post")
        }
    }
}

@Suite(.serialized) struct MentionInboxTests {
    @Test(arguments: Backend.available)
    func mentionsThatAreNotReportsWaitForAReplyWhichIsRecorded(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let connector = try await platformToken(accounts, .tiktok)
            let batch = #"""
            {"mentions":[
              {"id":"m-1","author":"@warga1","text":"@kemkominfo bagaimana cara melapor akun penipu","created_at":"2026-11-30T10:00:00Z"},
              {"id":"m-2","author":"@warga2","text":"@kemkominfo terima kasih sudah cepat menindak","created_at":"2026-11-30T11:00:00Z"},
              {"id":"m-3","author":"@warga3","text":"@kemkominfo tolong cek judi online @slotgacor88 ini","created_at":"2026-11-30T12:00:00Z"}
            ]}
            """#
            let submitted = try await client.execute(uri: "/api/v1/platforms/tiktok/mentions", method: .post, headers: connector, body: ByteBuffer(string: batch))
            #expect(submitted.status == .ok || submitted.status == .created, "\(submitted.text)")
            let comms = try await Staff.make(accounts, "humas@kominfo.test", .comms)

            var inbox = try json(try await client.execute(uri: "/api/v1/mentions/inbox", method: .get, headers: comms.auth))
            var items = inbox["mentions"] as? [[String: Any]] ?? []
            #expect(items.count == 2, "the reporting mention became a report, not an inbox item")
            let kinds = Dictionary(items.map { ($0["mention_id"] as? String ?? "", $0["kind"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(kinds == ["m-1": "question", "m-2": "thanks"])
            #expect(!inbox.description.contains("warga"), "the author's handle is not shown")
            let question = try #require(items.first { $0["mention_id"] as? String == "m-1" }?["id"] as? String)
            let thanks = try #require(items.first { $0["mention_id"] as? String == "m-2" }?["id"] as? String)

            // Bad input writes nothing; the reply is recorded once.
            let empty = try await client.execute(uri: "/api/v1/mentions/\(question)/reply", method: .post, headers: comms.auth, body: ByteBuffer(string: #"{"text":"  "}"#))
            #expect(empty.status == .unprocessableContent && empty.text.contains("\"field\":\"text\""))
            let badURL = try await client.execute(uri: "/api/v1/mentions/\(question)/reply", method: .post, headers: comms.auth,
                                                  body: ByteBuffer(string: #"{"text":"Silakan lapor di aduankonten.id","reply_url":"ftp://x"}"#))
            #expect(badURL.status == .unprocessableContent)
            // On the page, a refused reply comes back beside its mention with what was typed.
            _ = try await accounts.createUser(email: "humas2@kominfo.test", role: .comms, platform: nil, password: "password-humas2-kominfo", actor: "test")
            let cookie = try #require(try await signIn(client, email: "humas2@kominfo.test", password: "password-humas2-kominfo").1)
            let inboxPage = try await client.execute(uri: "/humas/sebutan", method: .get, headers: [.cookie: cookie]).text
            let csrf = try #require(csrfToken(in: inboxPage))
            let refusedForm = try await client.execute(uri: "/humas/sebutan/\(question)", method: .post,
                                                       headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                       body: ByteBuffer(string: "_csrf=\(csrf)&handling=answered&text=Silakan+lapor+di+aduankonten.id&reply_url=ftp%3A%2F%2Fx"))
            #expect(refusedForm.status == .unprocessableContent && refusedForm.text.contains(">Silakan lapor di aduankonten.id</textarea>")
                    && refusedForm.text.contains("value=\"ftp://x\"") && refusedForm.text.contains("reply_url-error"))
            #expect(try await MentionReplyModel.query(on: db.db).count() == 0)
            let reply = try await client.execute(uri: "/api/v1/mentions/\(question)/reply", method: .post, headers: comms.auth,
                                                 body: ByteBuffer(string: #"{"text":"Silakan lapor lewat /lapor, kami tindak lanjuti.","reply_url":"https://www.tiktok.com/@kemkominfo/video/1"}"#))
            #expect(reply.status == .created, "\(reply.text)")
            #expect(try json(reply)["actor"] as? String == "user:humas@kominfo.test")
            let twice = try await client.execute(uri: "/api/v1/mentions/\(question)/reply", method: .post, headers: comms.auth, body: ByteBuffer(string: #"{"text":"Lagi."}"#))
            #expect(twice.status == .conflict && twice.text.contains("already_handled"))

            // The reporting mention is answered through its case.
            let reported = try #require(try await MentionInboxModel.query(on: db.db).filter(\.$mentionID == "m-3").first()?.id)
            let notInbox = try await client.execute(uri: "/api/v1/mentions/\(UUIDText.lower(reported))/reply", method: .post, headers: comms.auth,
                                                    body: ByteBuffer(string: #"{"text":"Terima kasih."}"#))
            #expect(notInbox.status == .conflict && notInbox.text.contains("is_report"))

            // Close the thanks without a reply; the tabs follow.
            let closed = try await client.execute(uri: "/api/v1/mentions/\(thanks)/reply", method: .post, headers: comms.auth,
                                                  body: ByteBuffer(string: #"{"handling":"closed","text":"Ucapan terima kasih; tidak perlu dibalas."}"#))
            #expect(closed.status == .created)
            inbox = try json(try await client.execute(uri: "/api/v1/mentions/inbox", method: .get, headers: comms.auth))
            #expect((inbox["mentions"] as? [Any])?.isEmpty == true)
            items = try json(try await client.execute(uri: "/api/v1/mentions/inbox?status=answered", method: .get, headers: comms.auth))["mentions"] as? [[String: Any]] ?? []
            #expect(items.count == 1 && (items[0]["reply"] as? [String: Any])?["reply_url"] as? String == "https://www.tiktok.com/@kemkominfo/video/1")
            items = try json(try await client.execute(uri: "/api/v1/mentions/inbox?status=all&platform=tiktok", method: .get, headers: comms.auth))["mentions"] as? [[String: Any]] ?? []
            #expect(items.count == 2)
            #expect(try await client.execute(uri: "/api/v1/mentions/inbox?status=later", method: .get, headers: comms.auth).status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/mentions/inbox?cursor=zz", method: .get, headers: comms.auth).status == .badRequest)
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            #expect(try await client.execute(uri: "/api/v1/mentions/inbox", method: .get, headers: analyst.auth).status == .forbidden)
            #expect(try await AuditEventModel.query(on: db.db).filter(\.$kind == "mention_answered").count() == 1)

            // The page lists what waits and what was answered.
            let page = try await client.execute(uri: "/humas/sebutan?status=all", method: .get, headers: [.authorization: "Bearer \(comms.token)"])
            #expect(page.status == .ok && page.text.contains("bagaimana cara melapor") && page.text.contains("Silakan lapor lewat /lapor"))
        }
    }
}

@Suite(.serialized) struct CampaignUpgradeTests {
    /// A database of the release before campaigns, with a delivered order in
    /// its outbox: the upgrade keeps the message and its attempts, and the
    /// outbox then takes campaign posts too.
    @Test(arguments: Backend.available)
    func theOutboxKeepsItsOrdersThroughTheUpgrade(backend: Backend) async throws {
        let environment = try await TestEnvironment.make(backend, migrate: false)
        let database = try PantauDatabase(location: environment.configuration.database, logger: quietLogger)
        do {
            let before = try #require(PantauDatabase.migrationList.firstIndex { $0 is CreateCampaigns })
            try await database.migrate(first: before)
            let order = UUID(), message = UUID(), attempt = UUID(), at = Date(timeIntervalSince1970: 1_790_000_000)
            try await database.sql.raw("""
                INSERT INTO orders (id, number, platform_id, urgent, status, created_at, batch_closes_at)
                VALUES (\(bind: order), 'SPT-20260901-0001', 'tiktok', \(bind: false), 'sent', \(bind: at), \(bind: at))
                """).run()
            try await database.sql.raw("""
                INSERT INTO outbox (id, order_id, platform_id, idempotency_key, body, status, attempts, created_at, next_attempt_at, delivered_at)
                VALUES (\(bind: message), \(bind: order), 'tiktok', 'order-key', '{"order":1}', 'delivered', 1, \(bind: at), \(bind: at), \(bind: at))
                """).run()
            try await database.sql.raw("""
                INSERT INTO delivery_attempts (id, outbox_id, attempt, worker, started_at, duration_ms, http_status)
                VALUES (\(bind: attempt), \(bind: message), 1, 'w', \(bind: at), 12, 200)
                """).run()
            #expect(try await database.migrate() == PantauDatabase.migrationList.count - before)
            let kept = try #require(try await OutboxModel.find(message, on: database.db))
            #expect(kept.orderID == order && kept.campaignPostID == nil && kept.body == #"{"order":1}"# && kept.status == "delivered" && kept.deliveredAt == at)
            #expect(try await DeliveryAttemptModel.query(on: database.db).filter(\.$outboxID == message).count() == 1)
            // Duplicate keys are still refused, and a message needs no order now.
            let duplicate = OutboxModel()
            duplicate.id = UUID(); duplicate.platformID = "x"; duplicate.idempotencyKey = "order-key"; duplicate.body = "{}"
            duplicate.status = "pending"; duplicate.attempts = 0; duplicate.createdAt = at; duplicate.nextAttemptAt = at
            await #expect(throws: (any Error).self) { try await duplicate.create(on: database.db) }
            duplicate.id = UUID(); duplicate.idempotencyKey = "another-key"
            try await duplicate.create(on: database.db)
            #expect(try await OutboxModel.query(on: database.db).count() == 2)
        } catch {
            await database.shutdown()
            await environment.cleanup()
            throw error
        }
        await database.shutdown()
        await environment.cleanup()
    }
}
