import FluentKit
import Foundation
import Logging
import PantauCore

/// Every service of a running Pantau, built once from the configuration and
/// the database, stage by stage. `serve`, `worker`, `dns` and `import` all
/// take what they need from this one value, so no two processes wire a
/// service differently.
struct Services: Sendable {
    let database: PantauDatabase
    let configuration: AppConfiguration
    let clock: any PantauClock
    let logger: Logger
    /// The active categories (reports, queues, orders and decisions use them).
    let categories: CategoryIndex
    /// Seals and opens reporter contacts (unavailable in processes that never touch them).
    let contactCipher: ContactCipher
    // Intake
    /// Evidence files on disk, and when each was uploaded.
    let evidence: EvidenceStore
    let evidenceLedger: EvidenceLedger

    // Accounts
    let accounts: AccountService
    // Cases
    let cases: CaseService
    let queue: CaseQueue
    // Orders
    let orders: OrderService
    let tracking: OrderTrackingService
    // Blocklist
    let blocklist: BlocklistService
    let checker: BlockCheck
    let exporter: BlocklistExporter
    // Transparency
    let transparency: TransparencyService
    // Comms
    let campaigns: CampaignService
    let officialAccounts: OfficialAccountService
    let mentionInbox: MentionInboxService

    let watchlists: WatchlistService
    let prevalence: PrevalenceService

    /// Builds every service. `contactCipher` nil: the process never seals
    /// or opens reporter contacts (the worker, the DNS primary).
    static func make(database: PantauDatabase, configuration: AppConfiguration, clock: any PantauClock, logger: Logger,
                     contactCipher: ContactCipher?) async throws -> Services {
        let stored = try await CategoryModel.query(on: database.db).sort(\.$position).all()
        let categories = CategoryIndex(stored.filter(\.active).map(\.domain))
        // Orders look up the category of decisions already taken, which may have been retired since.
        let everyCategory = CategoryIndex(stored.map(\.domain))
        let cipher = contactCipher ?? .unavailable
        let ledger = CaseLedger(database: database)
        let appeals = AppealService(ledger: ledger, contactCipher: cipher, deadlineDays: configuration.appealDeadlineDays)
        let orders = OrderService(database: database, clock: clock, categories: everyCategory,
                                  batchWindow: Double(configuration.orderBatchMinutes) * 60, deadlines: configuration.orderDeadlines)
        var blocklist = BlocklistService(database: database, clock: clock, normalizer: BlockNameNormalizer(zoneName: configuration.rpzZone))
        if configuration.rpzSplit { blocklist.splitZones = configuration.splitZoneNames }
        let checker = BlockCheck(database: database, normalizer: blocklist.normalizer,
                                 memory: configuration.blocklistInMemory ? blocklist.memory : nil)
        let evidence = EvidenceStore(dataDirectory: configuration.dataDirectory, maxBytes: configuration.maxEvidenceBytes)
        return Services(
            database: database, configuration: configuration, clock: clock, logger: logger, categories: categories, contactCipher: cipher,
            evidence: evidence,
            evidenceLedger: EvidenceLedger(database: database, store: evidence, clock: clock, grace: Double(configuration.evidenceGraceHours) * 3600),
            accounts: AccountService(database: database, clock: clock, configuration: configuration),
            cases: CaseService(database: database, clock: clock, categories: categories, ledger: ledger, appeals: appeals,
                               orders: orders, blocklist: blocklist),
            queue: CaseQueue(database: database, categories: categories, clock: clock),
            orders: orders,
            tracking: OrderTrackingService(orders: orders, appeals: appeals, fine: configuration.fineFormula,
                                           smtpConfigured: configuration.mailer != nil),
            blocklist: blocklist, checker: checker,
            exporter: BlocklistExporter(database: database, zoneName: configuration.rpzZone, landingHost: configuration.landingHost),
            transparency: TransparencyService(database: database, clock: clock, memory: checker.memory),
            campaigns: CampaignService(database: database, clock: clock),
            officialAccounts: OfficialAccountService(database: database, clock: clock, allowInternalWebhooks: configuration.outboundAllowInternal),
            mentionInbox: MentionInboxService(database: database, clock: clock),
            watchlists: WatchlistService(database: database, clock: clock),
            prevalence: PrevalenceService(database: database, clock: clock, sampleSize: configuration.prevalenceSampleSize))
    }

    /// The background worker with every job but monitoring's, in the order a pass runs them.
    var worker: Worker { makeWorker() }

    /// The worker, its delivery tuned (tests shorten retries and timeouts).
    /// With the intake, it also runs monitoring's jobs (their findings are filed as reports).
    func makeWorker(intake: IntakeService? = nil, _ tune: (inout OutboxDelivery) -> Void = { _ in }) -> Worker {
        var delivery = OutboxDelivery(database: database, orders: orders, clock: clock, logger: logger)
        delivery.mailer = configuration.mailer
        delivery.connectors = campaigns.connectors
        tune(&delivery)
        var jobs: [WorkerJob] = [
            .closeOrderBatches(orders), .markOverdueItems(orders), .applyBlockSchedule(blocklist), .releaseCampaigns(campaigns),
            .deliverOutbox(delivery), .sweepEvidence(EvidenceJanitor(ledger: evidenceLedger)), .drawSamples(prevalence),
        ]
        if configuration.rpzSplit {
            var compactor = RPZCompactor(database: database, clock: clock, baseZone: configuration.splitZoneNames.base, logger: logger)
            compactor.policy = configuration.rpzCompaction
            compactor.secondaries = configuration.rpzSecondaries
            jobs.append(.compactRPZ(compactor))
        }
        if let intake {
            var puller = FeedPuller(database: database, posts: makePostIngest(intake: intake), clock: clock,
                                    timeout: .seconds(Int64(configuration.monitoringFeedTimeoutSeconds)))
            // The lease outlasts a whole run (every page at its deadline), so no other worker takes the feed meanwhile.
            puller.lease = max(300, Double(configuration.monitoringFeedTimeoutSeconds * puller.pagesPerRun) + 120)
            jobs.append(.pullFeeds(puller))
            if configuration.crawler.enabled { jobs.append(.crawl(makeCrawler(intake: intake))) }
            if configuration.rechecks.enabled { jobs.append(.recheck(makeRechecker(intake: intake))) }
        }
        return Worker(jobs: jobs, logger: logger, allowInternalAddresses: configuration.outboundAllowInternal)
    }

    /// Monitoring's sources (feeds are checked against the outbound policy).
    var monitorSources: MonitorSourceService {
        MonitorSourceService(database: database, clock: clock, allowInternal: configuration.outboundAllowInternal)
    }

    /// Monitoring's way into the loop: findings become reports through the intake.
    func makeFindings(intake: IntakeService) -> FindingService {
        FindingService(database: database, intake: intake, ledger: cases.ledger, clock: clock,
                       rateLimit: FindingRateLimit(window: Double(configuration.monitoringReportWindowHours) * 3600))
    }

    func makeCrawler(intake: IntakeService) -> Crawler {
        Crawler(database: database, watchlists: watchlists, findings: makeFindings(intake: intake), clock: clock, settings: configuration.crawler)
    }

    func makeRechecker(intake: IntakeService) -> Rechecker {
        var settings = configuration.rechecks
        // The lease outlasts a whole batch at its worst, so no other worker takes an address mid-visit.
        settings.lease = settings.lease(crawler: configuration.crawler)
        return Rechecker(database: database, watchlists: watchlists, findings: makeFindings(intake: intake), clock: clock,
                         settings: settings, crawler: configuration.crawler)
    }

    func makePostIngest(intake: IntakeService) -> PostIngestService {
        PostIngestService(database: database, watchlists: watchlists, findings: makeFindings(intake: intake), clock: clock)
    }

    /// The DNS primary of the RPZ zone, when one is configured.
    var dnsPrimary: DNSPrimaryService? {
        DNSPrimaryService(database: database, configuration: configuration, logger: logger)
    }

    /// The intake: the durable writer and the service in front of it, for
    /// the processes that take reports (`serve`, `import`). The writer opens
    /// connections of its own, so it is built only there.
    func makeIntake(metrics: PantauMetrics) async throws -> (intake: IntakeService, writer: ReportWriter) {
        if configuration.officialHandlesOverride {
            for (platform, handle) in configuration.officialHandles {
                try await PlatformModel.query(on: database.db).filter(\.$id == platform.rawValue).set(\.$officialHandle, to: handle).update()
            }
        }
        var official: [Platform: String] = [:]
        for p in try await PlatformModel.query(on: database.db).all() {
            if let id = p.id, let platform = Platform(rawValue: id), let handle = p.officialHandle { official[platform] = handle }
        }
        let writer = try ReportWriter(database: database, categories: categories, clock: clock, batchSize: configuration.intakeBatchSize,
                                      lanes: configuration.intakeWriters, sqliteSynchronous: configuration.sqliteSynchronous,
                                      metrics: metrics, logger: logger)
        let intake = IntakeService(writer: writer, categories: categories, cipher: contactCipher,
                                   evidence: evidence,
                                   clock: clock, officialHandles: official, metrics: metrics)
        return (intake, writer)
    }
}
