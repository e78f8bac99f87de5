import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Synchronization
import Testing
@testable import PantauApp

/// A small website on 127.0.0.1 with what the web offers a crawler: links,
/// a gambling page, pages too big, too slow, looping, not HTML, hostile
/// markup, and a blocked site that moved to a new domain.
final class LocalSite: Sendable {
    let requests = Mutex<[(path: String, at: ContinuousClock.Instant)]>([])
    private let server = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)
    var port: Int { server.withLock { $0?.port ?? 0 } }

    static func html(_ body: String, title: String = "Halaman") -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><html><head><title>\(title)</title></head><body>\(body)</body></html>")))
    }

    func start() async throws {
        let router = Router()
        router.get("/") { request, _ -> Response in try await self.answer(request) }
        router.get("**") { request, _ -> Response in try await self.answer(request) }
        let running = await startLocalServer(router, port: 0)
        server.withLock { $0 = running }
    }

    private func answer(_ request: Request) async throws -> Response {
            let path = request.uri.path
            self.requests.withLock { $0.append((path, .now)) }
            switch path {
            case "/":
                return Self.html(#"<p>Beranda portal berita.</p><a href="/a">A</a> <a href="b">B</a> <a href="/big">besar</a> <a href="/loop1">putar</a> <a href="/file.pdf">pdf</a> <a href="/hang">lambat</a> <a href="/hostile">aneh</a> <a href="mailto:x@y.id">surat</a> <a href="/a#atas">A lagi</a>"#)
            case "/a":
                return Self.html("<div><p>Daftar sekarang: main $lot g4cor, dep0sit pul5a 10rb langsung maxwin!</p></div>", title: "Promo")
            case "/b":
                return Self.html(#"<p>Resep rendang.</p><a href="/c">C</a>"#)
            case "/c":
                return Self.html(#"<p>Halaman C.</p><a href="/d">D</a>"#)
            case "/big":
                return Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "a"), count: 300_000)))
            case "/loop1":
                return Response(status: .found, headers: [.location: "/loop2"])
            case "/loop2":
                return Response(status: .found, headers: [.location: "/loop1"])
            case "/file.pdf":
                return Response(status: .ok, headers: [.contentType: "application/pdf"], body: .init(byteBuffer: ByteBuffer(string: "%PDF-1.4")))
            case "/hang":
                try await Task.sleep(for: .seconds(3))
                return Self.html("terlambat")
            case "/hostile":
                var bytes = Array("<html><body><script>var x = 'judi slot gacor deposit pulsa';</script>".utf8)
                bytes += Array(repeating: Array("<div>".utf8), count: 5_000).flatMap { $0 }
                bytes += [0xC3, 0x28, 0xFF] + Array("teks biasa &amp; &#x1F600; &bogus; <p unclosed".utf8)
                return Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            case "/moved":
                let host = request.head.authority ?? "127.0.0.1"
                let port = host.split(separator: ":").last.map(String.init) ?? ""
                return Response(status: .movedPermanently, headers: [.location: "http://judi-baru.example:\(port)/landing"])
            case "/landing":
                return Self.html("<p>Selamat datang di situs baru kami.</p>")
            default:
                return Response(status: .notFound)
            }
    }

    func stop() async {
        guard let running = server.withLock({ $0 }) else { return }
        running.task.cancel()
        _ = try? await running.task.value
    }
}

@Suite(.serialized) struct CrawlerTests {
    /// A crawler on the app's services, its findings filed through a running intake writer.
    func withCrawler(_ backend: Backend, settings: CrawlerSettings,
                     _ body: @Sendable (Crawler, Services, PantauDatabase) async throws -> Void) async throws {
        let env = try await TestEnvironment.make(backend)
        let database = try PantauDatabase(location: env.configuration.database, logger: quietLogger)
        do {
            try await PantauServer.prepare(database: database, configuration: env.configuration, logger: quietLogger)
            let services = try await Services.make(database: database, configuration: env.configuration, clock: SystemClock(), logger: quietLogger,
                                                   contactCipher: try ContactCipher.load(configuration: env.configuration))
            let (intake, writer) = try await services.makeIntake(metrics: PantauMetrics.shared)
            let writerTask = Task { try await writer.run() }
            let crawler = Crawler(database: database, watchlists: services.watchlists, findings: services.makeFindings(intake: intake),
                                  clock: SystemClock(), settings: settings)
            do {
                try await body(crawler, services, database)
            } catch {
                writerTask.cancel()
                throw error
            }
            writerTask.cancel()
        } catch {
            await database.shutdown()
            await env.cleanup()
            throw error
        }
        await database.shutdown()
        await env.cleanup()
    }

    func page(_ db: PantauDatabase, _ url: String) async throws -> (state: String, error: String?, found: Bool, redirects: String, depth: Int)? {
        guard let row = try await db.sql.raw("SELECT state, error, found, redirects, depth FROM crawl_pages WHERE url = \(bind: url)").first() else { return nil }
        return (try row.decode(column: "state", as: String.self), try row.decode(column: "error", as: String?.self), try row.decode(column: "found", as: Bool.self),
                try row.decode(column: "redirects", as: String.self), try row.decode(column: "depth", as: Int.self))
    }

    @Test(arguments: Backend.available)
    func theCrawlerReadsALocalSiteWithinItsBoundsAndFilesWhatItFinds(backend: Backend) async throws {
        let site = LocalSite()
        try await site.start()
        defer { Task { await site.stop() } }
        var settings = CrawlerSettings()
        settings.enabled = true
        settings.maximumDepth = 2
        settings.delay = .milliseconds(150)
        settings.timeout = .seconds(1)
        settings.maximumBytes = 64 * 1024
        settings.maximumRedirects = 5
        try await withCrawler(backend, settings: settings) { crawler, services, db in
            _ = try await services.watchlists.create(.init(name: "Judi daring", category: "perjudian", threshold: 2, active: true, terms: [
                WatchTerm(text: "slot gacor", weight: 2), WatchTerm(text: "deposit pulsa", weight: 1.5), WatchTerm(text: "slot-gacor.example"),
            ]), actor: "test")
            // Seeds: the watchlists' domains and the blocked domains.
            try await db.sql.raw("""
                INSERT INTO block_entries (id, kind, name, sort_key, action, state, reason, legal_bases, source, effective_from, created_at)
                VALUES (\(bind: UUID()), 'domain', 'judi-lama.example', 'example.judi-lama', 'nxdomain', 'active', 'uji', 'uu-ite-27-2', 'proposal', \(bind: Date()), \(bind: Date()))
                """).run()
            try await crawler.seed()
            let seeds = Set(try await db.sql.raw("SELECT url, seed FROM crawl_pages").all().map { "\(try $0.decode(column: "seed", as: String.self)) \(try $0.decode(column: "url", as: String.self))" })
            #expect(seeds == ["watchlist https://slot-gacor.example/", "blocklist https://judi-lama.example/"], "\(seeds)")
            try await db.sql.raw("DELETE FROM crawl_pages").run()

            let base = "http://127.0.0.1:\(site.port)"
            try await crawler.enqueue([(url: base + "/", depth: 0, seed: "link", from: nil),
                                       (url: "http://judi-lama.example:\(site.port)/moved", depth: 0, seed: "blocklist", from: nil)])
            // Every name resolves to the local site; internal addresses allowed (the test's explicit setting).
            let client = OutboundHTTP(allowInternal: true, resolve: { _ in [NetworkAddress("127.0.0.1")!] })
            for _ in 0..<6 { _ = try await crawler.runDue(client: client) }
            await client.shutdown()

            let home = try await page(db, base + "/")
            #expect(home?.state == "fetched", "\(String(describing: home))")
            let a = try await page(db, base + "/a")
            #expect(a?.state == "fetched" && a?.found == true && a?.depth == 1)
            #expect(try await page(db, base + "/b")?.state == "fetched", "a relative link is resolved")
            #expect(try await page(db, base + "/c")?.depth == 2)
            #expect(try await page(db, base + "/d") == nil, "links beyond the depth are not followed")
            #expect(try await page(db, base + "/big")?.error?.contains("larger than") == true)
            #expect(try await page(db, base + "/loop1")?.error == "redirect loop")
            #expect(try await page(db, base + "/file.pdf")?.state == "skipped")
            #expect(try await page(db, base + "/hang")?.error == "timed out")
            let hostile = try await page(db, base + "/hostile")
            #expect(hostile?.state == "fetched" && hostile?.found == false, "words in a script are not the page's text")
            #expect(try await db.count("crawl_pages", where: "WHERE url LIKE 'mailto:%' OR url LIKE '%#atas'") == 0)

            // The gambling page is a monitoring report on its URL; the moved blocked site a finding on its new domain.
            let reports = try await ReportModel.query(on: db.db).filter(\.$channel == "monitoring").all()
            #expect(Set(reports.map(\.subjectKey)) == ["web:url:127.0.0.1:\(site.port)/a", "web:domain:judi-baru.example"], "\(reports.map(\.subjectKey))")
            let moved = try await page(db, "http://judi-lama.example:\(site.port)/moved")
            #expect(moved?.redirects.contains("\"status\":301") == true && moved?.found == true)

            // Politeness: one host's visits at least the delay apart (the hops of one redirect chain are one visit).
            let times = site.requests.withLock { $0.filter { !["/moved", "/landing", "/loop1", "/loop2"].contains($0.path) }.map(\.at) }.sorted()
            let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 >= .milliseconds(140) }, "\(gaps)")

            // By default the crawler refuses the regulator's own network.
            let guarded = OutboundHTTP(allowInternal: false)
            let refused = await crawler.fetch(base + "/a", client: guarded)
            await guarded.shutdown()
            #expect(refused.failure?.contains("internal network") == true, "\(refused.failure ?? "nil")")
        }
        await site.stop()
    }

    @Test func htmlIsReadWithItsParser() {
        let page = HTMLPage.parse(Array("""
            <html><head><title> Judul  halaman </title><base href="https://contoh.example/dir/"><style>.x{}</style>
            <meta http-equiv="refresh" content="0; URL='/baru'"></head>
            <body><p>Satu<b>dua</b></p><script>judi()</script><a href="lain.html">x</a><a href="https://other.example/p#frag">y</a>
            <a href="javascript:alert(1)">z</a><noscript>tersembunyi</noscript><p>tiga &amp; empat</body></html>
            """.utf8), url: "https://contoh.example/index.html")
        #expect(page.title == "Judul halaman")
        #expect(page.text.contains("Satu") && page.text.contains("tiga & empat") && !page.text.contains("judi") && !page.text.contains("tersembunyi"))
        #expect(page.links == ["https://contoh.example/dir/lain.html", "https://other.example/p"], "\(page.links)")
        #expect(page.refresh == "https://contoh.example/baru")
        // Broken bytes and markup are recovered, never a crash.
        let broken = HTMLPage.parse([0x3C, 0x70, 0x3E, 0xC3, 0x28, 0xFF, 0x3C] + Array(repeating: UInt8(ascii: "<"), count: 1000), url: "http://x.example/")
        #expect(broken.links.isEmpty)
    }
}

extension CrawlerTests {
    @Test func deepNestingAndManyTopLevelNodesDoNotHideAPagesText() {
        let deep = String(repeating: "<b>", count: 300) + "judi slot gacor" + String(repeating: "</b>", count: 300)
        #expect(HTMLPage.parse(Array("<html><body>\(deep)</body></html>".utf8), url: "http://x.example/").text.contains("slot gacor"))
        let trailing = "<html><body><p>deposit pulsa</p><a href=\"/a\">a</a></body></html>" + String(repeating: "<!---->", count: 300)
        let page = HTMLPage.parse(Array(trailing.utf8), url: "http://x.example/")
        #expect(page.text.contains("deposit pulsa") && page.links == ["http://x.example/a"])
    }
}
