import ArgumentParser
import FluentKit
import Foundation
import PantauCore
import SQLKit

/// A small, fast generator with a fixed seed (SplitMix64): the same seed
/// gives the same synthetic data on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `pantau seed --cases N`: synthetic cases for load tests and benchmarks.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Add synthetic cases (one report each, fixed seed) for benchmarks. Not for production databases.")

    @Option(help: "Number of cases to add") var cases: Int
    @Option(help: "Random seed (the same seed gives the same data)") var seed: UInt64 = 20_180_703
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        guard (1...50_000_000).contains(cases) else { throw ValidationError("--cases must be between 1 and 50,000,000") }
    }

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                let started = Date()
                try await CaseSeeder(database: database, seed: seed).seed(cases: cases) { done in
                    FileHandle.standardError.write(Data("\rseeded \(done)/\(cases) cases".utf8))
                }
                let seconds = Date().timeIntervalSince(started)
                print("\npantau: \(cases) cases seeded in \(String(format: "%.1f", seconds)) s (\(Int(Double(cases) / max(seconds, 0.001)))/s)")
            }
        }
    }
}

/// Realistic shapes: platforms and categories weighted as reports arrive,
/// most cases already decided, report counts with a long tail, first
/// reports spread over the past year.
struct CaseSeeder {
    let database: PantauDatabase
    let seed: UInt64

    static let platforms: [(Platform, Int)] = [(.tiktok, 30), (.x, 15), (.facebook, 15), (.instagram, 15), (.youtube, 10), (.line, 2), (.web, 13)]
    static let statuses: [(CaseStatus, Int)] = [(.new, 8), (.inReview, 3), (.needsInfo, 1), (.escalated, 1), (.pendingApproval, 1),
                                                (.reopened, 1), (.decided, 75), (.closed, 10)]

    static func pick<T>(_ weighted: [(T, Int)], _ random: inout SeededGenerator) -> T {
        var roll = Int.random(in: 0..<weighted.reduce(0) { $0 + $1.1 }, using: &random)
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[0].0
    }

    func seed(cases count: Int, progress: (Int) -> Void) async throws {
        var random = SeededGenerator(seed: seed)
        let categories = try await CategoryModel.query(on: database.db).all().map(\.domain)
        let weightedCategories = categories.map { ($0, $0.slug == "lainnya" ? 2 : 10 - $0.severity) }
        let now = Date()
        // Seeding again adds new subjects instead of colliding with earlier ones.
        let seedOffset = try await database.sql.raw("SELECT COUNT(*) AS n FROM cases").first()?.decode(column: "n", as: Int.self) ?? 0
        let chunk = 400
        var done = 0
        while done < count {
            let size = min(chunk, count - done)
            var caseRows: [[any Encodable & Sendable]] = []
            var reportRows: [[any Encodable & Sendable]] = []
            for _ in 0..<size {
                let platform = Self.pick(Self.platforms, &random)
                let category = Self.pick(weightedCategories, &random)
                let status = Self.pick(Self.statuses, &random)
                let first = now.addingTimeInterval(-Double.random(in: 0..<(365 * 86_400), using: &random))
                // A long tail: most cases have one report, a few thousands.
                let reports = max(1, Int(pow(Double.random(in: 0.0001...1, using: &random), -0.9)))
                let last = min(now, first.addingTimeInterval(Double.random(in: 0..<(3 * 86_400), using: &random)))
                // Unique by construction (the case number is part of every id).
                let number = UInt64.random(in: 1_000_000_000...9_999_999_999, using: &random) * 1_000_000_000 + UInt64(seedOffset + done)
                let (kind, id): (SubjectKind, String) = switch platform {
                case .web: random.next() % 3 == 0 ? (.domain, "situs\(number).example") : (.url, "situs\(number % 1_000_000_000).example/p/\(number / 1_000_000_000)")
                case .youtube: (.video, String(String(number, radix: 36).suffix(11)).padding(toLength: 11, withPad: "x", startingAt: 0))
                case .instagram: (.post, String(number, radix: 36))
                default: random.next() % 5 == 0 ? (.account, "akun\(number)") : (.video, String(number))
                }
                let subjectKey = "\(platform.rawValue):\(kind.rawValue):\(id)"
                let caseID = OrderedID.make(at: first, using: &random)
                let priority = CasePriority.score(severity: category.severity, reportCount: reports, firstReportAt: first, now: last)
                let decided = status == .decided || status == .closed
                caseRows.append([caseID, subjectKey, platform.rawValue, kind.rawValue, id, "https://\(platform.rawValue).example/\(id)",
                                 status == .closed ? nil : subjectKey, status.rawValue, category.slug, reports, first, last, priority, 0,
                                 EventChain.genesis, first, last, decided ? (random.next() % 2 == 0 ? "violating" : "not_violating") : nil,
                                 decided ? last : nil, false])
                let channel = Self.pick([(ReportChannel.web, 50), (.mention, 30), (.api, 15), (.import, 5)], &random)
                reportRows.append([OrderedID.make(at: first, using: &random), TicketNumber.make(at: first, using: &random), caseID, channel.rawValue,
                                   subjectKey, "https://\(platform.rawValue).example/\(id)", category.slug,
                                   "Laporan sintetis \(category.nameID.lowercased()) nomor \(done)", first])
                done += 1
            }
            let cases = caseRows, reports = reportRows
            try await database.db.transaction { db in
                let sql = db as! any SQLDatabase
                try await sql.insert(into: "cases")
                    .columns(["id", "subject_key", "subject_platform", "subject_kind", "subject_id", "subject_url", "open_key", "status",
                              "category_id", "report_count", "first_report_at", "last_report_at", "priority", "event_count", "last_event_hash",
                              "created_at", "updated_at", "verdict", "decided_at", "high_impact"])
                    .rows(cases.map { $0.map { SQLBind($0) as any SQLExpression } })
                    .run()
                try await sql.insert(into: "reports")
                    .columns(["id", "ticket", "case_id", "channel", "subject_key", "target", "claimed_category", "description", "received_at"])
                    .rows(reports.map { $0.map { SQLBind($0) as any SQLExpression } })
                    .run()
            }
            if done % 20_000 < chunk { progress(done) }
        }
        progress(done)
    }
}

/// `pantau bench queue`: server time of the queue pages (query, counts and
/// HTML), median of N, on whatever the database holds.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks that anyone can run.",
                                                    subcommands: [Queue.self])

    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the triage queue's default page and the platform + status page (seed first: pantau seed --cases 1000000).")
        @Option(help: "Runs per page (the median is reported)") var runs = 50
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    let categories = CategoryIndex(try await CategoryModel.query(on: database.db).all().map(\.domain))
                    let queue = CaseQueue(database: database, categories: categories, clock: SystemClock())
                    let total = try await database.sql.raw("SELECT COUNT(*) AS n FROM cases").first()?.decode(column: "n", as: Int.self) ?? 0
                    print("cases in the database: \(total)")
                    let viewer = UUID()
                    let identity = Identity(userID: viewer, email: "bench@pantau.local", displayName: "bench", role: .analyst, platform: nil,
                                            mustChangePassword: false, credential: .session(id: "bench", csrfToken: "bench"))
                    var tiktokNew = QueueFilter()
                    tiktokNew.platform = .tiktok
                    tiktokNew.statuses = [.new]
                    var nextPage = QueueFilter()
                    for (name, filter) in [("default (active, by priority)", QueueFilter()), ("platform=tiktok&status=new", tiktokNew)] {
                        var times: [Double] = []
                        var page: QueuePage?
                        for _ in 0..<(runs + 3) {
                            let start = DispatchTime.now().uptimeNanoseconds
                            let result = try await queue.page(filter, viewer: viewer)
                            _ = QueueView(language: .id, identity: identity, filter: filter, page: result, categories: categories,
                                          assignees: [], savedFilters: [], now: Date()).render()
                            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                            page = result
                        }
                        times = Array(times.dropFirst(3)).sorted() // the first runs warm caches
                        print(String(format: "%@: median %.2f ms, p90 %.2f ms, max %.2f ms (%d runs, %d rows)", name,
                                     times[times.count / 2], times[times.count * 9 / 10], times.last!, runs, page?.rows.count ?? 0))
                        if filter == QueueFilter() { nextPage.cursor = page?.next }
                    }
                    // A deep page costs the same as the first (keyset, no OFFSET).
                    var times: [Double] = []
                    var filter = nextPage
                    for _ in 0..<runs {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let result = try await queue.page(filter, viewer: viewer, withCounts: false)
                        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                        filter.cursor = result.next ?? filter.cursor
                    }
                    times.sort()
                    print(String(format: "following pages (keyset, %d pages deep): median %.2f ms, max %.2f ms", runs, times[times.count / 2], times.last!))
                }
            }
        }
    }
}
