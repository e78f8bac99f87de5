import FluentKit
import Foundation
import Hummingbird
import Logging
import NIOCore
import PantauCore
import ServiceLifecycle
import SQLKit

/// Everything a running Pantau is made of, built from the configuration.
public struct PantauServer {
    /// Builds the application: opens (and on SQLite, migrates) the database,
    /// loads categories and platforms, and registers every route.
    public static func buildApplication(configuration: AppConfiguration, clock: any PantauClock = SystemClock(),
                                        logger: Logger) async throws -> some ApplicationProtocol {
        try await buildApplicationAndRoutes(configuration: configuration, clock: clock, logger: logger).application
    }

    /// The application and its route table (the route × role test walks it).
    static func buildApplicationAndRoutes(configuration: AppConfiguration, clock: any PantauClock = SystemClock(), logger: Logger)
        async throws -> (application: Application<RouterResponder<AppRequestContext>>, routes: Routes) {
        let metrics = PantauMetrics.shared
        let database = try PantauDatabase(location: configuration.database, logger: logger)
        do {
            try await prepare(database: database, configuration: configuration, logger: logger)
            let components = try await IntakeComponents.make(database: database, configuration: configuration, clock: clock,
                                                            metrics: metrics, logger: logger)
            let routes = buildRouter(components: components, database: database, configuration: configuration, metrics: metrics)
            if let password = try await components.accounts.ensureInitialAdmin(email: configuration.initialAdminEmail) {
                // Printed once, on the terminal only (never logged).
                print("""

                Pantau: first start — an admin account was created.
                  e-mail:             \(configuration.initialAdminEmail)
                  one-time password:  \(password)
                Sign in at /masuk; you will be asked to choose your own password.

                """)
                fflush(nil)  // all output streams: stdout is block-buffered when not a terminal
            }
            var services: [any Service] = [DatabaseService(database: database)]
            if database.isSQLite {
                services.append(SQLiteCheckpointer(database: database, interval: .milliseconds(500), logger: logger))
            }
            services.append(components.writer)
            if configuration.embeddedWorker {
                var worker = DeliveryWorker(database: database, orders: components.orders, clock: clock, logger: logger)
                worker.mailer = configuration.mailer
                worker.blocklist = components.blocklist
                worker.campaigns = CampaignService(database: database, clock: clock)
                services.append(worker)
            }
            if let dns = DNSPrimaryService(database: database, configuration: configuration, logger: logger) {
                services.append(dns)
            }
            if configuration.blocklistInMemory {
                services.append(BlocklistMemoryRefresher(memory: components.blocklist.memory, logger: logger))
            }
            let application = Application(
                router: routes.router,
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Pantau"),
                services: services,
                logger: logger)
            return (application, routes)
        } catch {
            await database.shutdown()
            throw error
        }
    }

    /// SQLite is migrated on start; PostgreSQL must be migrated explicitly.
    static func prepare(database: PantauDatabase, configuration: AppConfiguration, logger: Logger) async throws {
        if database.isSQLite {
            let applied = try await database.migrate()
            if applied > 0 { logger.info("database migrated", metadata: ["migrations": "\(applied)", "database": "\(configuration.database.redacted)"]) }
        } else {
            let pending = try await database.pendingMigrations()
            guard pending.isEmpty else {
                throw ConfigurationError("the PostgreSQL database \(configuration.database.redacted) is not migrated (\(pending.count) pending migrations). Run `pantau migrate --database URL` first.")
            }
        }
    }

    static func buildRouter(components: IntakeComponents, database: PantauDatabase, configuration: AppConfiguration,
                            metrics: PantauMetrics) -> Routes {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthenticationMiddleware(accounts: components.accounts))
        router.add(middleware: LanguageCookieMiddleware(secureCookies: configuration.secureCookies))
        let checker = BlockCheck(database: database, normalizer: components.blocklist.normalizer,
                                 memory: configuration.blocklistInMemory ? components.blocklist.memory : nil)
        var ownHosts: Set<String> = [configuration.host.lowercased()]
        if let url = configuration.publicBaseURL.flatMap(URLComponents.init(string:)), let host = url.host { ownHosts.insert(host.lowercased()) }
        router.add(middleware: BlockLandingMiddleware(checker: checker, landingHost: configuration.landingHost, ownHosts: ownHosts))
        let routes = Routes(router: router)
        routes.get(SitePath.healthz, .everyone) { _, _ in "ok" }
        routes.get(SitePath.metrics, .everyone) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        routes.get(SitePath.openAPI, .everyone) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        let intake = components.intake
        ReportsAPIController(intake: intake, database: database, maxBodyBytes: configuration.maxJSONBodyBytes,
                             publicBaseURL: configuration.publicBaseURL).register(on: routes)
        EvidenceAPIController(store: intake.evidence).register(on: routes)
        MentionsAPIController(intake: intake, maxBodyBytes: configuration.maxJSONBodyBytes).register(on: routes)
        StatsAPIController(database: database).register(on: routes)
        ReportWebController(intake: intake, database: database, csrf: components.csrf).register(on: routes)
        StaffWebController(accounts: components.accounts, csrf: components.csrf, secureCookies: configuration.secureCookies).register(on: routes)
        let ledger = CaseLedger(database: database)
        let appeals = AppealService(ledger: ledger, clock: intake.clock, contactCipher: intake.cipher, deadlineDays: configuration.appealDeadlineDays)
        let cases = CaseService(database: database, clock: intake.clock, categories: intake.categories, ledger: ledger, appeals: appeals,
                                orders: components.orders, blocklist: components.blocklist)
        let queue = CaseQueue(database: database, categories: intake.categories, clock: intake.clock)
        let caseWeb = CaseWebController(cases: cases, queue: queue, accounts: components.accounts, evidence: intake.evidence, csrf: components.csrf)
        caseWeb.register(on: routes)
        CaseAPIController(web: caseWeb).register(on: routes)
        let tracking = OrderTrackingService(orders: components.orders, appeals: appeals, fine: configuration.fineFormula,
                                            smtpConfigured: configuration.mailer != nil)
        OrderAPIController(tracking: tracking).register(on: routes)
        OrderWebController(tracking: tracking, accounts: components.accounts).register(on: routes)
        let blocklist = components.blocklist
        let exporter = BlocklistExporter(database: database, zoneName: configuration.rpzZone, landingHost: configuration.landingHost)
        BlocklistWebController(checker: checker).register(on: routes)
        BlocklistStaffWebController(service: blocklist).register(on: routes)
        BlocklistController(service: blocklist, exporter: exporter, checker: checker, requiresToken: configuration.blocklistRequiresToken).register(on: routes)
        let transparency = TransparencyService(database: database, clock: intake.clock, memory: checker.memory)
        TransparencyController(service: transparency, register: BlockRegister(database: database, normalizer: blocklist.normalizer),
                               statements: StatementsExporter(database: database), categories: intake.categories).register(on: routes)
        TrendController(service: transparency, categories: intake.categories).register(on: routes)
        OfficialAccountController(service: OfficialAccountService(database: database, clock: intake.clock)).register(on: routes)
        CampaignController(service: CampaignService(database: database, clock: intake.clock)).register(on: routes)
        MentionInboxController(service: MentionInboxService(database: database, clock: intake.clock)).register(on: routes)
        return routes
    }
}

/// The intake pieces shared by the server and the import command.
struct IntakeComponents: Sendable {
    let intake: IntakeService
    let writer: ReportWriter
    let csrf: CSRFProtection
    let accounts: AccountService
    let orders: OrderService
    let blocklist: BlocklistService

    static func make(database: PantauDatabase, configuration: AppConfiguration, clock: any PantauClock,
                     metrics: PantauMetrics, logger: Logger) async throws -> IntakeComponents {
        let categories = try await CategoryModel.query(on: database.db).filter(\.$active == true).sort(\.$position).all().map(\.domain)
        // Official handles from the environment override the stored ones.
        if let handles = ProcessInfo.processInfo.environment["PANTAU_OFFICIAL_HANDLES"], !handles.isEmpty {
            for (platform, handle) in configuration.officialHandles {
                try await PlatformModel.query(on: database.db).filter(\.$id == platform.rawValue).set(\.$officialHandle, to: handle).update()
            }
        }
        var official: [Platform: String] = [:]
        for p in try await PlatformModel.query(on: database.db).all() {
            if let id = p.id, let platform = Platform(rawValue: id), let handle = p.officialHandle { official[platform] = handle }
        }
        let cipher = try ContactCipher.load(configuration: configuration)
        let index = CategoryIndex(categories)
        let writer = try ReportWriter(database: database, categories: index, clock: clock, batchSize: configuration.intakeBatchSize,
                                  lanes: configuration.intakeWriters, sqliteSynchronous: configuration.sqliteSynchronous,
                                  metrics: metrics, logger: logger)
        let intake = IntakeService(writer: writer, categories: index, cipher: cipher,
                                   evidence: EvidenceStore(dataDirectory: configuration.dataDirectory, maxBytes: configuration.maxEvidenceBytes),
                                   clock: clock, officialHandles: official, metrics: metrics)
        return IntakeComponents(intake: intake, writer: writer,
                                csrf: CSRFProtection(secret: cipher.csrfSecret, secureCookies: configuration.secureCookies),
                                accounts: AccountService(database: database, clock: clock, configuration: configuration),
                                orders: OrderService(database: database, clock: clock, categories: index,
                                                     batchWindow: Double(configuration.orderBatchMinutes) * 60,
                                                     deadlines: configuration.orderDeadlines),
                                blocklist: BlocklistService(database: database, clock: clock,
                                                            normalizer: BlockNameNormalizer(zoneName: configuration.rpzZone)))
    }
}
