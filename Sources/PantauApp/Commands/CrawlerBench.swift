import ArgumentParser
import Foundation
import Logging
import PantauCore

/// `pantau bench crawl`: the crawler against a local site (`scripts/bench-crawler`
/// serves one of many host names, every name resolved to 127.0.0.1 here),
/// on a fresh SQLite database, for a bounded time: pages a second, and the
/// process's peak memory.
struct CrawlerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Time the web crawler against a local site: pages per second and peak memory (every host name resolves to 127.0.0.1).")
    @Option(help: "The first page, e.g. http://h0.bench.test:8097/p/0") var start: String
    @Option(help: "Stop after this many pages") var pages = 10_000
    @Option(help: "Stop after this many seconds") var seconds = 60
    @Option(help: "Pause between two requests to one host, ms (0: politeness off)") var delayMs = 1000
    @Option(help: "Pages fetched at once over every host") var concurrency = 8
    @Option(help: "Links followed from the first page") var depth = 100
    @Option(help: "Directory for the benchmark's database") var out: String

    func run() async throws {
        let path = (out as NSString).appendingPathComponent("crawl-bench.sqlite")
        try? FileManager.default.removeItem(atPath: path)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        var config = AppConfiguration()
        config.database = .sqlite(path: path)
        config.dataDirectory = out
        config.secretKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let database = try PantauDatabase(location: config.database, logger: logger)
        try await database.migrate()
        let services = try await Services.make(database: database, configuration: config, clock: SystemClock(), logger: logger, contactCipher: nil)
        let (intake, writer) = try await services.makeIntake(metrics: PantauMetrics.shared)
        let writerTask = Task { try await writer.run() }
        _ = try await services.watchlists.create(.init(name: "Judi (benchmark)", category: "perjudian", threshold: 2, active: true,
                                                       terms: [WatchTerm(text: "slot gacor", weight: 2), WatchTerm(text: "deposit pulsa")]), actor: "bench")
        var settings = CrawlerSettings()
        settings.enabled = true
        settings.maximumDepth = depth
        settings.maximumPagesPerHost = pages
        settings.concurrency = concurrency
        settings.delay = .milliseconds(delayMs)
        settings.batch = max(64, concurrency * 8)
        let crawler = Crawler(database: database, watchlists: services.watchlists, findings: services.makeFindings(intake: intake),
                              clock: SystemClock(), settings: settings)
        try await crawler.enqueue([(url: start, depth: 0, seed: "link", from: nil)])
        let client = OutboundHTTP(allowInternal: true, resolve: { _ in [NetworkAddress("127.0.0.1")!] })
        let began = ContinuousClock.now
        var fetched = 0
        while fetched < pages, ContinuousClock.now - began < .seconds(seconds) {
            let done = try await crawler.runDue(client: client)
            if done == 0 { break }
            fetched += done
        }
        let elapsed = ContinuousClock.now - began
        let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let found = try await database.sql.raw("SELECT COUNT(*) AS n FROM crawl_pages WHERE found").first()?.decode(column: "n", as: Int.self) ?? 0
        let failed = try await database.sql.raw("SELECT COUNT(*) AS n FROM crawl_pages WHERE state = 'failed'").first()?.decode(column: "n", as: Int.self) ?? 0
        print(String(format: "pages=%d seconds=%.1f pages_per_s=%.1f findings=%d failed=%d delay_ms=%d concurrency=%d peak_rss_mib=%.0f",
                     fetched, secondsTaken, Double(fetched) / max(secondsTaken, 0.001), found, failed, delayMs, concurrency, Self.peakMiB()))
        await client.shutdown()
        writerTask.cancel()
        await database.shutdown()
    }

    /// The process's peak resident memory (VmHWM), in MiB.
    static func peakMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }
}
