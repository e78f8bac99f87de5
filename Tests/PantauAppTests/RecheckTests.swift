import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import SQLKit
import Synchronization
import Testing
@testable import PantauApp

/// The platform and a blocked site as a re-check sees them, on 127.0.0.1:
/// each address answers as the test says (gone, a removal notice, the
/// content, a gambling page, or no answer in time).
final class RecheckSite: Sendable {
    enum Answer: Sendable { case gone, removalNotice, content, slowContent, gambling, parked, image, hang }
    let answers = Mutex<[String: Answer]>([:])
    let requests = Mutex<[String]>([])
    private let server = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)
    var port: Int { server.withLock { $0?.port ?? 0 } }

    func set(_ path: String, _ answer: Answer) { answers.withLock { $0[path] = answer } }

    func start() async throws {
        let router = Router()
        router.get("/") { request, _ -> Response in try await self.answer(request) }
        router.get("**") { request, _ -> Response in try await self.answer(request) }
        let running = await startLocalServer(router, port: 0)
        server.withLock { $0 = running }
    }

    private func answer(_ request: Request) async throws -> Response {
        let path = request.uri.path
        requests.withLock { $0.append(path) }
        switch answers.withLock({ $0[path] }) ?? .gone {
        case .gone: return Response(status: .notFound)
        case .removalNotice: return LocalSite.html("<h1>Video currently unavailable</h1><p>Video ini tidak tersedia.</p>", title: "TikTok")
        case .content: return LocalSite.html("<p>Video lucu kucing menari, ditonton sejuta kali.</p>", title: "TikTok")
        case .slowContent:
            try await Task.sleep(for: .milliseconds(600))
            return LocalSite.html("<p>Video lucu kucing menari, ditonton sejuta kali.</p>", title: "TikTok")
        case .gambling: return LocalSite.html("<p>Daftar sekarang: main slot gacor, deposit pulsa 10rb!</p>", title: "Slot")
        case .parked: return LocalSite.html("<p>This domain is for sale.</p>", title: "Parked")
        case .image:
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(repeating: 0xFF, count: 4096)))
        case .hang:
            try await Task.sleep(for: .seconds(3))
            return LocalSite.html("terlambat")
        }
    }

    /// Every re-checked address sent here: same path, http, this port (the names resolve to 127.0.0.1).
    func locate(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.scheme = "http"
        components.port = port
        return components.string ?? url
    }

    func stop() async {
        guard let running = server.withLock({ $0 }) else { return }
        running.task.cancel()
        _ = try? await running.task.value
    }
}

@Suite(.serialized) struct RecheckTests {
    let orders = OrderTrackingTests()
    let blocks = NetworkBlockDecisionTests()

    func recheck(_ db: PantauDatabase, _ key: String) async throws -> (state: String, checks: Int, reappearances: Int, reason: String?, error: String?)? {
        guard let row = try await db.sql.raw("""
            SELECT state, checks, reappearances, last_reason, last_error FROM rechecks WHERE target_key = \(bind: key)
            """).first() else { return nil }
        return (try row.decode(column: "state", as: String.self), try row.decode(column: "checks", as: Int.self),
                try row.decode(column: "reappearances", as: Int.self), try row.decode(column: "last_reason", as: String?.self),
                try row.decode(column: "last_error", as: String?.self))
    }

    func caseEvents(_ db: PantauDatabase, _ caseID: UUID) async throws -> [String] {
        try await CaseEventModel.query(on: db.db).filter(\.$caseID == caseID).sort(\.$sequence).all().map(\.kind)
    }

    @Test(arguments: Backend.available)
    func reChecksSeeTakenDownContentComeBackAndSayWhere(backend: Backend) async throws {
        let site = RecheckSite()
        try await site.start()
        do {
            try await walkThrough(backend, site)
        } catch {
            await site.stop()
            throw error
        }
        await site.stop()
    }

    /// Three delivered orders of which items 0 and 1 the platform says it
    /// took down, the gambling site judi-slot.example blocked by a case's
    /// decision, the "Judi daring" watchlist, and a re-checker (interval
    /// 1 s, every address sent to `site`).
    struct World {
        let client: any TestClientProtocol
        let accounts: AccountService
        let db: PantauDatabase
        let analyst: Staff
        let sent: [OrderModel]
        let items: [OrderItemModel]
        let siteCase: String
        let services: Services
        let intake: IntakeService
        let rechecker: Rechecker
        let tiktok: HTTPFields

        func path(_ index: Int) -> String { URLComponents(string: items[index].subjectURL)!.path }
        func itemKey(_ index: Int) -> String { "item:" + UUIDText.lower(items[index].id!) }

        func answerComplied(_ index: Int) async throws {
            let answered = try await client.execute(
                uri: "/api/v1/platform/orders/\(UUIDText.lower(sent[index].id!))/items/\(UUIDText.lower(items[index].id!))", method: .post,
                headers: tiktok,
                body: ByteBuffer(string: #"{"answer":"complied","removed_at":"\#(isoTimestamp(Date().addingTimeInterval(-1)))"}"#))
            #expect(answered.status == .ok, "\(answered.text)")
        }

        /// Another worker's re-checker on the same database.
        func rechecker(lease: TimeInterval, site: RecheckSite) -> Rechecker {
            var settings = rechecker.settings
            settings.lease = lease
            return Self.rechecker(db: db, services: services, intake: intake, settings: settings, site: site)
        }

        /// A re-checker fetching without pauses, 1 s per hop, every address sent to `site`.
        static func rechecker(db: PantauDatabase, services: Services, intake: IntakeService, settings: RecheckSettings, site: RecheckSite) -> Rechecker {
            var fetching = CrawlerSettings()
            fetching.delay = .zero
            fetching.timeout = .seconds(1)
            var rechecker = Rechecker(database: db, watchlists: services.watchlists, findings: services.makeFindings(intake: intake),
                                      clock: SystemClock(), settings: settings, crawler: fetching)
            rechecker.locate = { site.locate($0) }
            return rechecker
        }
    }

    func withWorld(_ backend: Backend, _ site: RecheckSite, _ body: @Sendable @escaping (World) async throws -> Void) async throws {
        try await orders.delivery.withDelivery(backend) { client, accounts, db, _, worker, http in
            let (sent, _, analyst) = try await orders.threeDeliveredOrders(client, accounts, db, worker, http)
            #expect(try await client.execute(uri: "/api/v1/watchlists", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: MonitoredPostsTests.watchlist)).status == .created)
            let items = try await sent.asyncMap { try #require(try await OrderItemModel.query(on: db.db).filter(\.$orderID == $0.id!).first()) }
            // A gambling site blocked by a case's decision.
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let (_, siteCase) = try await fileReport(client, url: "https://judi-slot.example/promo", category: "perjudian")
            let detail = try await blocks.blockDecided(client, analyst: analyst, supervisor: supervisor, caseID: siteCase)
            let proposal = try #require((detail["block_proposals"] as? [[String: Any]])?.first?["id"] as? String)
            let supervisor2 = try await Staff.make(accounts, "sup2@kominfo.test", .supervisor)
            #expect(try await blocks.reviewProposal(client, supervisor2, proposal, approve: true).status == .ok)

            var configuration = AppConfiguration()
            configuration.outboundAllowInternal = true
            let services = try await Services.make(database: db, configuration: configuration, clock: SystemClock(), logger: quietLogger, contactCipher: nil)
            let (intake, _) = try await services.makeIntake(metrics: PantauMetrics.shared)
            var settings = RecheckSettings()
            settings.enabled = true
            settings.interval = 1
            settings.enrolEvery = 0
            let rechecker = World.rechecker(db: db, services: services, intake: intake, settings: settings, site: site)
            let world = World(client: client, accounts: accounts, db: db, analyst: analyst, sent: sent, items: items, siteCase: siteCase,
                              services: services, intake: intake, rechecker: rechecker, tiktok: try await platformToken(accounts, .tiktok))
            // Items 0 and 1 taken down by the platform's word; item 2 not answered (nothing to re-check).
            try await world.answerComplied(0)
            try await world.answerComplied(1)
            try await body(world)
        }
    }

    func walkThrough(_ backend: Backend, _ site: RecheckSite) async throws {
        try await withWorld(backend, site) { world in
            let (client, accounts, db, analyst, sent, items, siteCase, rechecker) =
                (world.client, world.accounts, world.db, world.analyst, world.sent, world.items, world.siteCase, world.rechecker)
            let path = world.path, answerComplied = world.answerComplied
            site.set(path(0), .gone)
            site.set(path(1), .removalNotice)
            site.set("/", .gambling)
            // Every name resolves to the local site (internal addresses allowed: the test's explicit setting).
            let client127 = OutboundHTTP(allowInternal: true, resolve: { name in name == "gone.example" ? [] : [NetworkAddress("127.0.0.1")!] })
            let itemKey = world.itemKey

            // First pass: the complied items and the blocked site are taken on and seen as they are; nothing came back.
            #expect(try await rechecker.runDue(client: client127) == 3)
            let first0 = try await recheck(db, itemKey(0)), first1 = try await recheck(db, itemKey(1))
            #expect(first0?.state == "down" && first0?.reason == "gone")
            #expect(first1?.state == "down" && first1?.reason == "removal_notice")
            #expect(try await recheck(db, itemKey(2)) == nil, "an unanswered item is not re-checked")
            #expect(try await recheck(db, "site:judi-slot.example")?.state == "online", "a blocked site still serving gambling: the baseline, not a reappearance")
            #expect(try await db.count("findings") == 0)
            #expect(try await rechecker.runDue(client: client127) == 0, "nothing is due again before the interval")
            func reappearedQueue() async throws -> [String] {
                let page = try json(try await client.execute(uri: "/api/v1/cases?reappeared=1", method: .get, headers: analyst.auth))
                return (page["cases"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            }
            #expect(try await reappearedQueue().isEmpty)

            // Item 0 is back; item 1 does not answer in time (not conclusive); the site is gone.
            site.set(path(0), .content)
            site.set(path(1), .hang)
            site.set("/", .gone)
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await rechecker.runDue(client: client127) == 3)
            let back = try #require(try await recheck(db, itemKey(0)))
            #expect(back.state == "online" && back.reappearances == 1 && back.reason == "content_online")
            #expect(try await caseEvents(db, items[0].caseID).last == "reappeared", "the reappearance is on the item's case")
            #expect(try await reappearedQueue() == [UUIDText.lower(items[0].caseID)], "the decided case is in the queue of reappearances")
            let platformEvents = try await PlatformEventModel.query(on: db.db).filter(\.$itemID == items[0].id!).all().map(\.kind)
            #expect(platformEvents.contains("item_reappeared"), "\(platformEvents)")
            let hung = try #require(try await recheck(db, itemKey(1)))
            #expect(hung.state == "down" && hung.reappearances == 0 && hung.error == "timed out", "no answer keeps the last conclusive state")
            #expect(try await recheck(db, "site:judi-slot.example")?.state == "down")
            let finding = try #require(try await db.sql.raw("SELECT source, outcome, case_id, source_ref FROM findings").first())
            #expect(try finding.decode(column: "source", as: String.self) == "recheck" && finding.decode(column: "outcome", as: String.self) == "reappeared")
            #expect(try finding.decode(column: "case_id", as: UUID?.self) == items[0].caseID && finding.decode(column: "source_ref", as: String.self) == items[0].subjectURL)

            // Counted per platform on the compliance page and in its API, shown on the order page.
            let compliance = try json(try await client.execute(uri: "/api/v1/compliance", method: .get, headers: analyst.auth))
            let figures = try #require((compliance["platforms"] as? [[String: Any]])?.first { $0["platform"] as? String == "tiktok" })
            #expect(figures["reappeared_on_recheck"] as? Int == 1 && figures["found_online_again"] as? Int == 0, "\(figures)")
            _ = try await accounts.createUser(email: "lihat@kominfo.test", role: .supervisor, platform: nil, password: "password-lihat-kominfo", actor: "test")
            let staff: HTTPFields = [.cookie: try #require(try await signIn(client, email: "lihat@kominfo.test", password: "password-lihat-kominfo").1)]
            let page = try await client.execute(uri: "/kepatuhan/tiktok", method: .get, headers: staff).text
            #expect(page.contains(#"<span id="reappeared-count">1</span>"#))
            #expect(page.contains(PlatformEventKind.itemReappeared.title.id), "the platform's history names the reappearance")
            let orderPage = try await client.execute(uri: "/perintah/\(UUIDText.lower(sent[0].id!))", method: .get, headers: staff).text
            #expect(orderPage.contains("Muncul kembali ×1") && orderPage.contains("Cek ulang otomatis: daring"))
            let casePage = try await client.execute(uri: "/kasus/\(UUIDText.lower(items[0].caseID))", method: .get, headers: staff).text
            #expect(casePage.contains(CaseEventKind.reappeared.title.id))
            let overview = try await client.execute(uri: "/pantau", method: .get, headers: staff).text
            #expect(overview.contains("Cek ulang butir yang diturunkan"))

            // Still online at the next visit: no second reappearance. The site's gambling page is back: one on the site's case.
            site.set("/", .gambling)
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await rechecker.runDue(client: client127) == 3)
            #expect(try await recheck(db, itemKey(0))?.reappearances == 1)
            let siteCaseID = try #require(UUIDText.parse(siteCase))
            #expect(try await caseEvents(db, siteCaseID).last == "reappeared")
            let siteFinding = try #require(try await db.sql.raw("""
                SELECT watchlist_name, score, text FROM findings WHERE case_id = \(bind: siteCaseID)
                """).first())
            #expect(try siteFinding.decode(column: "watchlist_name", as: String.self).contains("Judi daring"))
            #expect(try siteFinding.decode(column: "score", as: Double.self) >= 2 && siteFinding.decode(column: "text", as: String.self).contains("slot gacor"))

            // Staff reopen item 0 with evidence: it is not re-checked while open. The platform takes it down
            // again, it comes back again: a second reappearance, by the platform's newer word.
            let reopened = try await client.execute(uri: "/api/v1/order-items/\(UUIDText.lower(items[0].id!))/recheck", method: .post, headers: analyst.auth,
                                                    body: ByteBuffer(string: #"{"evidence":"Masih dapat diputar pada 5 Desember pukul 10.00 WIB."}"#))
            #expect(reopened.status == .ok, "\(reopened.text)")
            try await Task.sleep(for: .milliseconds(1_100))
            let before = try #require(try await recheck(db, itemKey(0))).checks
            _ = try await rechecker.runDue(client: client127)
            #expect(try await recheck(db, itemKey(0))?.checks == before, "an item open again is not re-checked")
            try await answerComplied(0)
            try await Task.sleep(for: .milliseconds(1_100))
            _ = try await rechecker.runDue(client: client127)
            #expect(try await recheck(db, itemKey(0))?.reappearances == 2)
            #expect(try await PlatformEventModel.query(on: db.db).filter(\.$itemID == items[0].id!).filter(\.$kind == "item_reappeared").count() == 2)

            // A blocked name that no longer resolves is down; the guard still refuses loopback without the explicit setting.
            let guarded = OutboundHTTP(allowInternal: false)
            let refused = await PageFetcher(timeout: .seconds(1), maximumBytes: 1024, maximumRedirects: 1, userAgent: "t")
                .fetch("http://127.0.0.1:\(site.port)/", client: guarded)
            #expect(refused.failure?.hasPrefix("refused") == true && !refused.unresolvable)
            let gone = await PageFetcher(timeout: .seconds(1), maximumBytes: 1024, maximumRedirects: 1, userAgent: "t")
                .fetch("http://gone.example/", client: client127)
            #expect(gone.unresolvable)
            await guarded.shutdown()
            await client127.shutdown()
        }
    }

    @Test(arguments: Backend.available)
    func reChecksHoldUpUnderRacesResolverBlipsNonPagesAndRenewedBlocks(backend: Backend) async throws {
        let site = RecheckSite()
        try await site.start()
        do {
            try await edgeCases(backend, site)
        } catch {
            await site.stop()
            throw error
        }
        await site.stop()
    }

    func edgeCases(_ backend: Backend, _ site: RecheckSite) async throws {
        try await withWorld(backend, site) { world in
            let db = world.db, rechecker = world.rechecker
            // The site's own name on a watchlist: a page is judged by what it says, not by where it is.
            #expect(try await world.client.execute(uri: "/api/v1/watchlists", method: .post, headers: world.analyst.auth, body: ByteBuffer(string: #"""
                {"name":"Situs judi","category":"perjudian","threshold":2,"terms":[{"text":"judi-slot.example","weight":2}]}
                """#)).status == .created)
            site.set(world.path(0), .gone)
            site.set(world.path(1), .gone)
            site.set("/", .gambling)
            let resolves = Mutex(true)
            let client127 = OutboundHTTP(allowInternal: true, resolve: { _ in resolves.withLock { $0 } ? [NetworkAddress("127.0.0.1")!] : [] })
            func pass() async throws {
                try await Task.sleep(for: .milliseconds(1_100))
                _ = try await rechecker.runDue(client: client127)
            }
            let siteKey = "site:judi-slot.example"
            let siteCaseID = try #require(UUIDText.parse(world.siteCase))
            func siteReappearances() async throws -> Int { try await caseEvents(db, siteCaseID).filter { $0 == "reappeared" }.count }

            #expect(try await rechecker.runDue(client: client127) == 3)
            #expect(try await recheck(db, siteKey)?.state == "online")

            // One failed lookup is a resolver's blip, not the site gone: the site stays online, so it cannot "come back".
            resolves.withLock { $0 = false }
            try await pass()
            let blip = try #require(try await recheck(db, siteKey))
            #expect(blip.state == "online" && blip.reason == "unresolvable" && blip.error?.contains("not found") == true, "\(blip)")
            resolves.withLock { $0 = true }
            try await pass()
            #expect(try await recheck(db, siteKey)?.reappearances == 0)
            #expect(try await siteReappearances() == 0, "no reappearance after a blip")
            // Twice in a row is the name gone.
            resolves.withLock { $0 = false }
            try await pass()
            try await pass()
            #expect(try await recheck(db, siteKey)?.state == "down")
            resolves.withLock { $0 = true }
            try await pass()
            #expect(try await siteReappearances() == 1, "back after being gone for two visits")

            // A parked page on the blocked name: nothing negative on it, whatever the name is on a watchlist.
            site.set("/", .parked)
            try await pass()
            let parked = try #require(try await recheck(db, siteKey))
            #expect(parked.state == "down" && parked.reason == "nothing_negative", "\(parked)")

            // An image at the address of a removed item tells nothing: not online, not a reappearance.
            site.set(world.path(1), .image)
            try await pass()
            let image = try #require(try await recheck(db, world.itemKey(1)))
            #expect(image.state == "down" && image.reappearances == 0 && image.reason == "not_a_page", "\(image)")

            // The block lifted and decided again is another entry for the same name: still re-checked.
            try await db.sql.raw("UPDATE rechecks SET block_entry_id = \(bind: UUID()) WHERE target_key = \(bind: siteKey)").run()
            site.set("/", .gambling)
            try await pass()
            #expect(try await siteReappearances() == 2, "seen through the block that is active now")
            // Lifted for good: no longer looked at.
            let before = try #require(try await recheck(db, siteKey)).checks
            try await db.sql.raw("UPDATE block_entries SET state = 'lifted' WHERE name = 'judi-slot.example'").run()
            try await pass()
            #expect(try await recheck(db, siteKey)?.checks == before)

            // Two workers on one address after the first one's lease ran out (lease 0: the second claims it at once):
            // the visit written first stands, the other writes nothing — one reappearance, one event each.
            try await db.sql.raw("UPDATE rechecks SET next_check_at = \(bind: Date().addingTimeInterval(3600)) WHERE target_key <> \(bind: world.itemKey(0))").run()
            site.set(world.path(0), .slowContent)
            let checked = try #require(try await recheck(db, world.itemKey(0))).checks
            try await Task.sleep(for: .milliseconds(1_100))
            let first = world.rechecker(lease: 0, site: site), second = world.rechecker(lease: 0, site: site)
            async let one = first.runDue(client: client127)
            try await Task.sleep(for: .milliseconds(100))
            async let two = second.runDue(client: client127)
            #expect(try await one + two == 2, "both workers claimed the address")
            let raced = try #require(try await recheck(db, world.itemKey(0)))
            #expect(raced.reappearances == 1 && raced.checks == checked + 1, "\(raced)")
            #expect(try await caseEvents(db, world.items[0].caseID).filter { $0 == "reappeared" }.count == 1)
            #expect(try await PlatformEventModel.query(on: db.db).filter(\.$itemID == world.items[0].id!).filter(\.$kind == "item_reappeared").count() == 1)
            #expect(try await db.sql.raw("SELECT COUNT(*) AS n FROM findings WHERE source_ref = \(bind: world.items[0].subjectURL)").first()?
                .decode(column: "n", as: Int.self) == 1)
            await client127.shutdown()
        }
    }
}
