import ArgumentParser
import AsyncHTTPClient
import FluentKit
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import PantauCore
import SQLKit

/// `pantau seed --cases N`: synthetic cases for load tests and benchmarks.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Add synthetic cases (their reports, decisions and takedown orders; fixed seed) for benchmarks. Not for production databases.")

    @Option(help: "Number of cases to add") var cases: Int
    @Option(help: "Reports in all (at least one a case; the default is one a case)") var reports: Int?
    @Option(help: "Random seed (the same seed gives the same data)") var seed: UInt64 = 20_180_703
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        guard (1...50_000_000).contains(cases) else { throw ValidationError("--cases must be between 1 and 50,000,000") }
        if let reports, reports < cases || reports > 500_000_000 { throw ValidationError("--reports must be at least --cases and at most 500,000,000") }
    }

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                let started = Date()
                try await CaseSeeder(database: database, seed: seed).seed(cases: cases, reports: reports ?? cases) { done in
                    FileHandle.standardError.write(Data("\rseeded \(done)/\(cases) cases".utf8))
                }
                let seconds = Date().timeIntervalSince(started)
                print("\npantau: \(cases) cases seeded in \(String(format: "%.1f", seconds)) s (\(Int(Double(cases) / max(seconds, 0.001)))/s)")
            }
        }
    }
}

/// Realistic shapes: platforms and categories weighted as reports arrive,
/// most cases already decided, first reports spread over the past year in
/// the order they would have arrived.
/// Reports are shared out evenly over the cases (the first on the case's
/// first day, the others up to its last); every decided case has its
/// decision, and violating ones on a platform an item of that platform's
/// takedown order of the day, answered on time, late, refused, objected or
/// not at all.
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

    /// - Parameter decisions: also the decisions and takedown orders of decided cases.
    func seed(cases count: Int, reports totalReports: Int, decisions withDecisions: Bool = true, progress: (Int) -> Void) async throws {
        var random = SeededGenerator(seed: seed)
        let categories = try await CategoryModel.query(on: database.db).all().map(\.domain)
        let weightedCategories = categories.map { ($0, $0.slug == "lainnya" ? 2 : 10 - $0.severity) }
        let now = CommandEnvironment.clock.now()
        // Seeding again adds new subjects instead of colliding with earlier ones.
        let seedOffset = try await database.sql.raw("SELECT COUNT(*) AS n FROM cases").first()?.decode(column: "n", as: Int.self) ?? 0
        let chunk = 400
        var done = 0
        // Orders of a platform and day, created once across chunks.
        var orders: [String: UUID] = [:]
        while done < count {
            let size = min(chunk, count - done)
            var caseRows: [[any Encodable & Sendable]] = []
            var reportRows: [[any Encodable & Sendable]] = []
            var decisionRows: [[any Encodable & Sendable]] = []
            var orderRows: [[any Encodable & Sendable]] = []
            var itemRows: [[any Encodable & Sendable]] = []
            for _ in 0..<size {
                let platform = Self.pick(Self.platforms, &random)
                let category = Self.pick(weightedCategories, &random)
                let status = Self.pick(Self.statuses, &random)
                // In time order, as reports arrive: every time-ordered index
                // (ids, received_at) is appended to instead of written at random —
                // seeding ten million reports at random places took hours.
                let step = 365 * 86_400 / Double(count)
                let first = now.addingTimeInterval(-365 * 86_400 + Double(done) * step + Double.random(in: 0..<step, using: &random))
                let reports = totalReports / count + ((seedOffset + done) % count < totalReports % count ? 1 : 0)
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
                let verdict: String? = decided ? (random.next() % 2 == 0 ? "violating" : "not_violating") : nil
                caseRows.append([caseID, subjectKey, platform.rawValue, kind.rawValue, id, "https://\(platform.rawValue).example/\(id)",
                                 status == .closed ? nil : subjectKey, status.rawValue, category.slug, reports, first, last, priority, 0,
                                 EventChain.genesis, first, last, verdict,
                                 decided ? last : nil, false])
                for r in 0..<reports {
                    let channel = Self.pick([(ReportChannel.web, 50), (.mention, 30), (.api, 15), (.import, 5)], &random)
                    let received = r == 0 ? first : first.addingTimeInterval(Double.random(in: 0...max(0, last.timeIntervalSince(first)), using: &random))
                    reportRows.append([OrderedID.make(at: received, using: &random), TicketNumber.make(at: received, using: &random), caseID, channel.rawValue,
                                       subjectKey, "https://\(platform.rawValue).example/\(id)", category.slug,
                                       "Laporan sintetis \(category.nameID.lowercased()) nomor \(done)", received])
                }
                if let verdict, withDecisions {
                    let violating = verdict == "violating"
                    let decisionID = OrderedID.make(at: last, using: &random)
                    decisionRows.append([decisionID, caseID, verdict, category.slug, category.slug == "perjudian" ? "uu-ite-27-2" : "uu-ite-27-1",
                                         "Putusan sintetis untuk uji beban.", "Alasan publik sintetis.", false, false,
                                         violating && platform != .web ? ProposedAction.takedownOrder.rawValue : ProposedAction.noAction.rawValue,
                                         false, DecisionState.final.rawValue, caseID, "seed@pantau.local", last])
                    if violating && platform != .web {
                        let day = WIBDay.of(last)
                        let key = "\(platform.rawValue) \(day)"
                        let orderID: UUID
                        if let existing = orders[key] { orderID = existing } else {
                            orderID = OrderedID.make(at: WIBDay.start(day), using: &random)
                            orders[key] = orderID
                            orderRows.append([orderID, "SEED-\(seedOffset)-\(platform.rawValue)-\(day)", platform.rawValue, false, OrderStatus.sent.rawValue,
                                              WIBDay.start(day), WIBDay.start(day), WIBDay.start(day), WIBDay.start(day)])
                        }
                        let due = last.addingTimeInterval(Double(category.deadlineHours) * 3600)
                        let roll = Int.random(in: 0..<100, using: &random)
                        let status: OrderItemStatus = roll < 72 ? .complied : roll < 82 ? .rejected : roll < 87 ? .objected : due < now ? .overdue : .pending
                        let answered: Date? = status == .complied ? last.addingTimeInterval(Double.random(in: 600...(Double(category.deadlineHours) * 3600 * 1.4), using: &random))
                            : status == .rejected || status == .objected ? last.addingTimeInterval(Double.random(in: 600...86_400, using: &random)) : nil
                        itemRows.append([OrderedID.make(at: last, using: &random), orderID, caseID, decisionID, subjectKey, "https://\(platform.rawValue).example/\(id)",
                                         category.slug, "uu-ite-27-1", "Alasan publik sintetis.", status.rawValue, answered, due])
                    }
                }
                done += 1
            }
            let cases = caseRows, reports = reportRows, decisions = decisionRows, newOrders = orderRows, items = itemRows
            try await database.db.transaction { db in
                let sql = db as! any SQLDatabase
                try await sql.insert(into: "cases")
                    .columns(["id", "subject_key", "subject_platform", "subject_kind", "subject_id", "subject_url", "open_key", "status",
                              "category_id", "report_count", "first_report_at", "last_report_at", "priority", "event_count", "last_event_hash",
                              "created_at", "updated_at", "verdict", "decided_at", "high_impact"])
                    .rows(cases.map { $0.map { SQLBind($0) as any SQLExpression } })
                    .run()
                // At most 1,000 rows a statement (SQLite's limit on bound values).
                for part in reports.chunked(1_000) {
                    try await sql.insert(into: "reports")
                        .columns(["id", "ticket", "case_id", "channel", "subject_key", "target", "claimed_category", "description", "received_at"])
                        .rows(part.map { $0.map { SQLBind($0) as any SQLExpression } })
                        .run()
                }
                if !decisions.isEmpty {
                    try await sql.insert(into: "decisions")
                        .columns(["id", "case_id", "verdict", "category_id", "legal_bases", "statement", "public_reason", "automated_detection",
                                  "automated_decision", "action", "needs_approval", "state", "decided_by", "decided_by_email", "decided_at"])
                        .rows(decisions.map { $0.map { SQLBind($0) as any SQLExpression } })
                        .run()
                }
                if !newOrders.isEmpty {
                    try await sql.insert(into: "orders")
                        .columns(["id", "number", "platform_id", "urgent", "status", "created_at", "batch_closes_at", "dispatched_at", "sent_at"])
                        .rows(newOrders.map { $0.map { SQLBind($0) as any SQLExpression } })
                        .run()
                }
                if !items.isEmpty {
                    try await sql.insert(into: "order_items")
                        .columns(["id", "order_id", "case_id", "decision_id", "subject_key", "subject_url", "category_id", "legal_bases",
                                  "public_reason", "status", "answered_at", "due_at"])
                        .rows(items.map { $0.map { SQLBind($0) as any SQLExpression } })
                        .run()
                }
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
                                                    subcommands: [Queue.self, DispatchBench.self, GenBlocklistBench.self, LookupBench.self, TransparencyBench.self, MatcherBench.self, CrawlerBench.self])

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
                    let queue = CaseQueue(database: database, categories: categories, clock: CommandEnvironment.clock)
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
                                          assignees: [], savedFilters: [], now: CommandEnvironment.clock.now()).render()
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

/// `pantau bench dispatch`: N orders through the outbox to a local receiver
/// by several workers; counts duplicates and losses as the receiver saw them.
struct DispatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Deliver N synthetic orders with W workers to a webhook receiver on 127.0.0.1; report throughput, duplicates and losses.")
    @Option(help: "Orders to deliver") var orders = 10_000
    @Option(help: "Concurrent delivery workers (each its own leases and HTTP client)") var workers = 2
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                let logger = makeLogger(config)
                try await PantauServer.prepare(database: database, configuration: config, logger: logger)
                let pending = try await OutboxModel.query(on: database.db).filter(\.$status == OutboxStatus.pending.rawValue).count()
                guard pending == 0 else { throw ConfigurationError("the database already has \(pending) undelivered messages; use a fresh database") }
                let secret = "whsec_bench_secret_0123456789"
                let receiver = BenchReceiver(secret: secret)
                let port = try await receiver.start()
                try await PlatformDeliveryModel.query(on: database.db)
                    .set(\.$webhookURL, to: "http://127.0.0.1:\(port)/webhook").set(\.$webhookSecret, to: secret).update()
                let categories = CategoryIndex(try await CategoryModel.query(on: database.db).all().map(\.domain))
                let service = OrderService(database: database, clock: CommandEnvironment.clock, categories: categories, batchWindow: 0)
                print("creating \(orders) orders (one item each) …")
                let created = try await BenchOrders.create(count: orders, service: service)
                let started = Date()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<workers {
                        group.addTask {
                            var delivery = OutboxDelivery(database: database, orders: service, clock: CommandEnvironment.clock, logger: logger)
                            delivery.name = "bench-worker-\(n + 1)"
                            let worker = Worker(jobs: [.closeOrderBatches(service), .deliverOutbox(delivery)], logger: logger)
                            // The receiver is this machine's own, on loopback.
                            let client = OutboundHTTP(allowInternal: true)
                            do {
                                while try await OutboxModel.query(on: database.db).filter(\.$status == OutboxStatus.pending.rawValue).count() > 0 {
                                    if try await worker.runOnce(client: client) == 0 { try await Task.sleep(for: .milliseconds(20)) }
                                }
                            } catch {
                                await client.shutdown()
                                throw error
                            }
                            await client.shutdown()
                        }
                    }
                    try await group.waitForAll()
                }
                let seconds = Date().timeIntervalSince(started)
                let seen = receiver.keys
                let unique = Set(seen)
                let lost = created.subtracting(unique).count
                print(String(format: "delivered %d orders in %.2f s: %.0f orders/s with %d workers", unique.count, seconds,
                             Double(unique.count) / max(seconds, 0.001), workers))
                print("deliveries seen by the receiver: \(seen.count); duplicates: \(seen.count - unique.count); lost: \(lost); bad signatures: \(receiver.badSignatures)")
                await receiver.stop()
                if lost > 0 || seen.count != unique.count { throw ExitCode(1) }
            }
        }
    }
}

/// Synthetic orders written straight into the tables (one case, one item,
/// one outbox message each), as `OrderService.close` would leave them.
enum BenchOrders {
    static func create(count: Int, service: OrderService) async throws -> Set<String> {
        let database = service.database
        try await CaseSeeder(database: database, seed: 7).seed(cases: count, reports: count, decisions: false) { _ in }
        let cases = try await CaseModel.query(on: database.db).sort(\.$createdAt, .descending).limit(count).all()
        var keys: Set<String> = []
        let now = CommandEnvironment.clock.now()
        for chunk in cases.chunked(200) {
            try await database.db.transaction { db in
                for model in chunk {
                    let order = OrderModel()
                    order.id = UUID()
                    order.number = "SPT-BENCH-" + UUIDText.lower(order.id!)
                    order.platformID = model.subjectPlatform
                    order.urgent = false
                    order.status = OrderStatus.queued.rawValue
                    order.createdAt = now
                    order.batchClosesAt = now
                    try await order.create(on: db)
                    let item = OrderItemModel()
                    item.id = UUID()
                    item.orderID = order.id!
                    item.caseID = model.id!
                    item.decisionID = UUID()
                    item.subjectKey = model.subjectKey
                    item.subjectURL = model.subjectURL
                    item.categoryID = model.categoryID
                    item.legalBases = "uu-ite-27-1"
                    item.publicReason = "Sintetis."
                    item.status = OrderItemStatus.pending.rawValue
                    try await item.create(on: db)
                    try await service.close(order, at: now, on: db)
                }
            }
        }
        for message in try await OutboxModel.query(on: database.db).filter(\.$status == OutboxStatus.pending.rawValue).all() { keys.insert(message.idempotencyKey) }
        return keys
    }
}

/// A webhook receiver for the benchmark: verifies signatures, counts keys.
final class BenchReceiver: Sendable {
    private struct State { var keys: [String] = []; var bad = 0 }
    private let state = NIOLockedValueBox(State())
    private let task = NIOLockedValueBox<Task<Void, any Error>?>(nil)
    let secret: String

    init(secret: String) { self.secret = secret }

    var keys: [String] { state.withLockedValue { $0.keys } }
    var badSignatures: Int { state.withLockedValue { $0.bad } }

    func start() async throws -> Int {
        let router = Router()
        router.post("/webhook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let valid = WebhookSignature.verify(header: request.headers[.init(WebhookSignature.headerName)!] ?? "", body: Array(buffer: body),
                                                secret: self.secret, now: Int(Date().timeIntervalSince1970))
            let key = request.headers[.init("Idempotency-Key")!] ?? ""
            self.state.withLockedValue { if valid { $0.keys.append(key) } else { $0.bad += 1 } }
            return valid ? .ok : .unauthorized
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
                              logger: Logger(label: "bench-receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        task.withLockedValue { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for await port in stream { return port }
        return 0
    }

    func stop() async {
        guard let running = task.withLockedValue({ $0 }) else { return }
        running.cancel()
        _ = try? await running.value
    }
}

/// `pantau bench transparency`: server time of `/transparansi` (the sums,
/// the figures and the HTML) for each period, median of N, on whatever the
/// database holds.
struct TransparencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transparency",
        abstract: "Time the public transparency page per period (seed first: pantau seed --cases 1000000 --reports 10000000).")
    @Option(help: "Runs per period (the median is reported)") var runs = 30
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                let categories = CategoryIndex(try await CategoryModel.query(on: database.db).all().map(\.domain))
                let service = TransparencyService(database: database, clock: CommandEnvironment.clock)
                let sql = database.sql
                func count(_ table: String) async throws -> Int {
                    try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0
                }
                print("in the database: \(try await count("cases")) cases, \(try await count("reports")) reports, \(try await count("decisions")) decisions, "
                      + "\(try await count("order_items")) order items; \(try await count("transparency_counts")) counters")
                let now = CommandEnvironment.clock.now()
                for kind in [CompliancePeriod.Kind.month, .quarter, .year] {
                    let period = try CompliancePeriod.parse(kind.rawValue, from: nil, to: nil, now: now).get()
                    var times: [Double] = [], queryTimes: [Double] = []
                    var bytes = 0
                    for _ in 0..<(runs + 3) {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let figures = try await service.figures(period)
                        queryTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                        bytes = TransparencyPageView(language: .id, period: period, figures: figures, categories: categories).render().utf8.count
                        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                    }
                    times = Array(times.dropFirst(3)).sorted()
                    queryTimes = Array(queryTimes.dropFirst(3)).sorted()
                    print(String(format: "/transparansi?period=%@: median %.1f ms (the figures %.1f ms, the HTML the rest), p90 %.1f ms, max %.1f ms (%d runs, %d KB of HTML)",
                                 kind.rawValue, times[times.count / 2], queryTimes[queryTimes.count / 2], times[times.count * 9 / 10], times.last!, runs, bytes / 1024))
                }
            }
        }
    }
}
