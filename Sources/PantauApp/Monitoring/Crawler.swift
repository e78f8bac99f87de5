import AsyncHTTPClient
import FluentKit
import Foundation
import NIOCore
import NIOHTTP1
import PantauCore
import SQLKit

/// The crawler's limits and manners (PANTAU_CRAWLER_*).
struct CrawlerSettings: Sendable {
    /// Off unless asked for: a regulator's server fetching gambling sites is a decision.
    var enabled = false
    /// Links followed from a seed: 0 reads the seeds only.
    var maximumDepth = 2
    var maximumPagesPerHost = 50
    /// Pages fetched at once, over every host.
    var concurrency = 8
    /// Pause between two requests to one host (politeness); one connection a host.
    var delay: Duration = .seconds(1)
    var timeout: TimeAmount = .seconds(15)
    /// libxml2 2.9 checks a tag's attributes for duplicates in quadratic
    /// time: a hostile page of many attributes costs seconds per 100 KiB.
    var maximumBytes = 512 * 1024
    var maximumRedirects = 5
    /// Pages taken from the frontier per pass.
    var batch = 64
    /// Seeds (watchlist and blocked domains) taken per pass, those never crawled first.
    var seedsPerPass = 200
}

/// The web crawler of monitoring: it starts from the domains the
/// watchlists name and the domains that are blocked, follows the links it
/// finds (depth and pages per host bounded), and reads each page with a
/// real HTML parser (`HTMLPage`, Debian's libxml2). Politeness by default:
/// one request at a time per host with a pause between them. Every request
/// goes through `OutboundHTTP`, so private, loopback and link-local
/// addresses are refused (unless PANTAU_OUTBOUND_ALLOW_INTERNAL=1, for
/// tests). Redirects are followed by hand, each hop checked and recorded,
/// at most `maximumRedirects`; a loop is a failure. Only HTML and plain
/// text are read, at most `maximumBytes`, within `timeout` for the whole
/// answer. A page's text goes through the watchlists like a post's; a
/// blocked site that redirects to a domain that is not blocked is a
/// finding by itself (sites move between domains daily).
struct Crawler: Sendable {
    let database: PantauDatabase
    let watchlists: WatchlistService
    let findings: FindingService
    let clock: any PantauClock
    let settings: CrawlerSettings
    private let pacer = HostPacer()
    private var fetcher: PageFetcher {
        PageFetcher(timeout: settings.timeout, maximumBytes: settings.maximumBytes, maximumRedirects: settings.maximumRedirects,
                    userAgent: "Pantau-crawler/1 (pemantauan konten negatif)")
    }

    init(database: PantauDatabase, watchlists: WatchlistService, findings: FindingService, clock: any PantauClock, settings: CrawlerSettings) {
        self.database = database
        self.watchlists = watchlists
        self.findings = findings
        self.clock = clock
        self.settings = settings
    }

    /// One pass: seeds the frontier, then fetches a batch of queued pages.
    func runDue(client: OutboundHTTP) async throws -> Int {
        guard settings.enabled else { return 0 }
        try await seed()
        let rows = try await database.sql.raw("""
            SELECT id, url, host, depth, seed FROM crawl_pages WHERE state = 'queued' ORDER BY depth, queued_at, id LIMIT \(unsafeRaw: String(settings.batch))
            """).all()
        struct Queued: Sendable { let id: UUID; let url: String; let host: String; let depth: Int; let seed: String }
        let queued = try rows.map { Queued(id: try $0.decode(column: "id", as: UUID.self), url: try $0.decode(column: "url", as: String.self),
                                           host: try $0.decode(column: "host", as: String.self), depth: try $0.decode(column: "depth", as: Int.self),
                                           seed: try $0.decode(column: "seed", as: String.self)) }
        guard !queued.isEmpty else { return 0 }
        // Hosts side by side (at most `concurrency`), one host's pages one after another.
        let byHost = Dictionary(grouping: queued, by: \.host).values.map { $0 }
        var done = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var running = 0
            for pages in byHost {
                if running >= settings.concurrency {
                    done += try await group.next() ?? 0
                    running -= 1
                }
                group.addTask {
                    var count = 0
                    for page in pages {
                        do {
                            try await crawl(id: page.id, url: page.url, host: page.host, depth: page.depth, seed: page.seed, client: client)
                        } catch is CancellationError {
                            throw CancellationError()
                        } catch {
                            // One page that cannot be handled neither stops the others nor stays first in the frontier.
                            try await markFailed(page.id, "\(error)")
                        }
                        count += 1
                    }
                    return count
                }
                running += 1
            }
            for try await count in group { done += count }
        }
        return done
    }

    private func markFailed(_ id: UUID, _ error: String) async throws {
        let now = clock.now()
        try await database.writeTransaction { db in
            try await (db as! any SQLDatabase).raw("""
                UPDATE crawl_pages SET state = 'failed', error = \(bind: String(error.prefix(300))), fetched_at = \(bind: now) WHERE id = \(bind: id)
                """).run()
        }
    }

    // MARK: Seeds

    /// Watchlists' domain terms and blocked domains not yet in the frontier.
    func seed() async throws {
        var seeds: [(String, String)] = []
        for list in try await watchlists.all() where list.definition.active {
            for term in list.definition.terms where term.active {
                if case .domain(let domain) = term.target { seeds.append(("https://\(domain)/", "watchlist")) }
            }
        }
        for row in try await database.sql.raw("""
            SELECT e.name FROM block_entries e WHERE e.state = 'active' AND e.kind IN ('domain', 'subdomains')
            AND NOT EXISTS (SELECT 1 FROM crawl_pages p WHERE p.host = e.name) LIMIT \(unsafeRaw: String(settings.seedsPerPass))
            """).all() {
            seeds.append(("https://\(try row.decode(column: "name", as: String.self))/", "blocklist"))
        }
        try await enqueue(seeds.map { (url: $0.0, depth: 0, seed: $0.1, from: nil) })
    }

    /// Adds pages to the frontier (an address already there is left as it is).
    func enqueue(_ pages: [(url: String, depth: Int, seed: String, from: String?)]) async throws {
        let now = clock.now()
        var rows: [[any Encodable & Sendable]] = []
        for page in pages {
            guard let host = URL(string: page.url)?.host?.lowercased(), page.url.count <= 2048 else { continue }
            rows.append([OrderedID.make(at: now), page.url, host, page.depth, page.seed, "queued", "[]", 0.0, false, page.from, now])
        }
        guard !rows.isEmpty else { return }
        let finished = rows
        try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            for chunk in finished.chunked(100) {
                var insert = sql.insert(into: "crawl_pages").columns("id", "url", "host", "depth", "seed", "state", "redirects", "score", "found",
                                                                     "discovered_from", "queued_at")
                for row in chunk { insert = insert.values(row.map { SQLBind($0) }) }
                try await insert.ignoringConflicts(with: "url").run()
            }
        }
    }

    // MARK: One page

    private func crawl(id: UUID, url: String, host: String, depth: Int, seed: String, client: OutboundHTTP) async throws {
        await pacer.wait(host: host, delay: settings.delay)
        let fetched = await fetch(url, client: client)
        await pacer.done(host: host, delay: settings.delay)
        let now = clock.now()
        var page: HTMLPage?
        var score = 0.0
        var candidates: [FindingCandidate] = []
        if let body = fetched.body {
            let parsed = try await HTMLPage.read(body, contentType: fetched.contentType, url: fetched.finalURL)
            page = parsed
            let matcher = try await watchlists.matchers.current()
            let result = matcher.match(text: parsed.title + " " + parsed.text, author: nil, urls: [fetched.finalURL])
            score = result.score
            if let top = matcher.topFinding(result),
               let subject = try? SubjectCanonicalizer.canonicalize(fetched.finalURL) {
                candidates.append(FindingCandidate(
                    source: .page, platform: .web, sourceRef: fetched.finalURL, subject: subject,
                    related: MonitoredPost.relatedSubjects(platform: .web, author: nil, urls: [fetched.finalURL]),
                    watchlistID: top.id, watchlistName: top.name, category: top.category, score: result.scores[top.id] ?? 0,
                    text: String((parsed.title + " " + parsed.text).prefix(FindingService.maximumText)),
                    matches: result.matches, findingKey: nil, seenAt: now))
            }
        }
        // A blocked site sending its visitors to a domain that is not blocked: the new domain is a finding.
        if seed == "blocklist", let moved = try await movedAway(from: url, to: fetched.finalURL), !candidates.contains(where: { $0.subject.key == moved.key }) {
            candidates.append(FindingCandidate(
                source: .page, platform: .web, sourceRef: fetched.finalURL, subject: moved, related: [],
                watchlistID: nil, watchlistName: "Pengalihan dari situs yang diblokir", category: CategoryCatalog.fallbackSlug, score: 0,
                text: "\(url) → " + fetched.hops.map { "\($0.url) (\($0.status))" }.joined(separator: " → ") + " → \(fetched.finalURL)",
                matches: [], findingKey: nil, seenAt: now))
        }
        _ = try await findings.file(candidates)

        // Links of a page read, within depth and the per-host bound.
        if let page, depth < settings.maximumDepth {
            var links = page.links
            if let refresh = page.refresh { links.insert(refresh, at: 0) }
            try await enqueueWithinBounds(links, depth: depth + 1, from: fetched.finalURL)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let state = fetched.failure != nil ? "failed" : fetched.skipped != nil ? "skipped" : "fetched"
        let redirects = String(decoding: try encoder.encode(fetched.hops), as: UTF8.self)
        let title = page.map { String($0.title.prefix(300)) }
        let error = fetched.failure ?? fetched.skipped
        let found = !candidates.isEmpty
        let pageScore = score
        try await database.writeTransaction { db in
            try await (db as! any SQLDatabase).raw("""
                UPDATE crawl_pages SET state = \(bind: state), http_status = \(bind: fetched.status), final_url = \(bind: fetched.finalURL),
                redirects = \(bind: redirects), content_type = \(bind: fetched.contentType), title = \(bind: title), score = \(bind: pageScore),
                found = \(bind: found), error = \(bind: error), fetched_at = \(bind: now) WHERE id = \(bind: id)
                """).run()
        }
    }

    /// The subject a blocked seed moved to, when its registered domain is new and not blocked itself.
    private func movedAway(from start: String, to final: String) async throws -> Subject? {
        guard let from = URL(string: start)?.host?.lowercased(), let to = URL(string: final)?.host?.lowercased() else { return nil }
        let fromSite = PublicSuffix.registeredDomain(of: from) ?? from, toSite = PublicSuffix.registeredDomain(of: to) ?? to
        guard fromSite != toSite else { return nil }
        let blocked = try await database.sql.raw("""
            SELECT 1 AS x FROM block_entries WHERE state = 'active' AND name IN (\(bind: to), \(bind: toSite)) LIMIT 1
            """).first()
        guard blocked == nil else { return nil }
        return Subject.fromKey("web:domain:" + toSite)
    }

    private func enqueueWithinBounds(_ links: [String], depth: Int, from: String) async throws {
        var perHost: [String: Int] = [:]
        var accepted: [(url: String, depth: Int, seed: String, from: String?)] = []
        for link in links {
            guard let host = URL(string: link)?.host?.lowercased() else { continue }
            if perHost[host] == nil {
                perHost[host] = try await database.sql.raw("SELECT COUNT(*) AS n FROM crawl_pages WHERE host = \(bind: host)").first()?
                    .decode(column: "n", as: Int.self) ?? 0
            }
            guard perHost[host]! < settings.maximumPagesPerHost else { continue }
            perHost[host]! += 1
            accepted.append((link, depth, "link", from))
        }
        try await enqueue(accepted)
    }

    /// GET `url` with the crawler's limits (see `PageFetcher`).
    func fetch(_ url: String, client: OutboundHTTP) async -> PageFetcher.Fetched {
        await fetcher.fetch(url, client: client)
    }
}

/// Politeness: one request at a time per host, and a pause after each
/// (counted from the end of one visit to the start of the next).
actor HostPacer {
    private var busy: Set<String> = []
    private var nextAllowed: [String: ContinuousClock.Instant] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func wait(host: String, delay: Duration) async {
        while busy.contains(host) {
            await withCheckedContinuation { waiting[host, default: []].append($0) }
        }
        busy.insert(host)
        if let next = nextAllowed[host], next > .now { try? await Task.sleep(until: next) }
    }

    func done(host: String, delay: Duration) {
        nextAllowed[host] = ContinuousClock.now.advanced(by: delay)
        busy.remove(host)
        if var queue = waiting[host], !queue.isEmpty {
            queue.removeFirst().resume()
            waiting[host] = queue.isEmpty ? nil : queue
        }
    }
}
