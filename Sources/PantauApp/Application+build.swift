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
            let services = try await Services.make(database: database, configuration: configuration, clock: clock, logger: logger,
                                                   contactCipher: try ContactCipher.load(configuration: configuration))
            let (intake, writer) = try await services.makeIntake(metrics: metrics)
            let routes = buildRouter(services: services, intake: intake, metrics: metrics)
            if let password = try await services.accounts.ensureInitialAdmin(email: configuration.initialAdminEmail) {
                // Printed once, on the terminal only (never logged).
                print("""

                Pantau: first start — an admin account was created.
                  e-mail:             \(configuration.initialAdminEmail)
                  one-time password:  \(password)
                Sign in at /masuk; you will be asked to choose your own password.

                """)
                fflush(nil)  // all output streams: stdout is block-buffered when not a terminal
            }
            var lifecycle: [any Service] = [DatabaseService(database: database)]
            if database.isSQLite {
                lifecycle.append(SQLiteCheckpointer(database: database, interval: .milliseconds(500), logger: logger))
            }
            lifecycle.append(writer)
            if configuration.embeddedWorker { lifecycle.append(services.makeWorker(intake: intake)) }
            if let dns = services.dnsPrimary { lifecycle.append(dns) }
            if configuration.blocklistInMemory {
                lifecycle.append(BlocklistMemoryRefresher(memory: services.blocklist.memory, logger: logger))
            }
            let application = Application(
                router: routes.router,
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Pantau"),
                services: lifecycle,
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

    /// Every route, stage by stage; controllers get the services they call.
    static func buildRouter(services: Services, intake: IntakeService, metrics: PantauMetrics) -> Routes {
        let configuration = services.configuration
        let database = services.database
        let csrf = CSRFProtection(secret: services.contactCipher.csrfSecret, secureCookies: configuration.secureCookies)
        let router = Router(context: AppRequestContext.self)
        let routes = Routes(router: router)
        router.add(middleware: ProtocolMiddleware(routes: routes))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthenticationMiddleware(accounts: services.accounts))
        router.add(middleware: LanguageCookieMiddleware(secureCookies: configuration.secureCookies))
        var ownHosts: Set<String> = [configuration.host.lowercased()]
        if let url = configuration.publicBaseURL.flatMap(URLComponents.init(string:)), let host = url.host { ownHosts.insert(host.lowercased()) }
        router.add(middleware: BlockLandingMiddleware(checker: services.checker, landingHost: configuration.landingHost, ownHosts: ownHosts))
        routes.get(SitePath.healthz, .everyone) { _, _ in "ok" }
        routes.get(SitePath.metrics, .everyone) { request, context in
            try MetricsAccess(token: configuration.metricsToken).check(request, remoteAddress: context.remoteAddress)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        routes.get(SitePath.openAPI, .everyone) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        // Intake
        ReportsAPIController(intake: intake, database: database, blockNames: services.blocklist.normalizer, maxBodyBytes: configuration.maxJSONBodyBytes,
                             publicAddress: configuration.publicAddress).register(on: routes)
        let uploads = UploadGuard(concurrentLimit: configuration.maxConcurrentUploads,
                                  filesPerAddressPerHour: configuration.uploadsPerAddressPerHour)
        EvidenceAPIController(store: intake.evidence, ledger: services.evidenceLedger, uploads: uploads).register(on: routes)
        MentionsAPIController(intake: intake, maxBodyBytes: configuration.maxJSONBodyBytes).register(on: routes)
        StatsAPIController(stats: IntakeStats(database: database)).register(on: routes)
        ReportWebController(intake: intake, database: database, blockNames: services.blocklist.normalizer, csrf: csrf,
                            uploads: uploads, ledger: services.evidenceLedger).register(on: routes)
        // Accounts
        StaffWebController(accounts: services.accounts, csrf: csrf, secureCookies: configuration.secureCookies).register(on: routes)
        AdminWebController(accounts: services.accounts,
                           platforms: PlatformSettings(database: database, clock: services.accounts.clock,
                                                       outboundAllowInternal: configuration.outboundAllowInternal)).register(on: routes)
        // Cases
        CaseWebController(cases: services.cases, queue: services.queue, accounts: services.accounts, evidence: intake.evidence, csrf: csrf)
            .register(on: routes)
        CaseAPIController(cases: services.cases, queue: services.queue).register(on: routes)
        // Orders
        OrderAPIController(tracking: services.tracking).register(on: routes)
        OrderWebController(tracking: services.tracking, accounts: services.accounts, prevalence: services.prevalence).register(on: routes)
        // Blocklist
        BlocklistWebController(checker: services.checker).register(on: routes)
        BlocklistStaffWebController(service: services.blocklist).register(on: routes)
        var blocklistController = BlocklistController(service: services.blocklist, exporter: services.exporter, checker: services.checker,
                                                      requiresToken: configuration.blocklistRequiresToken)
        if configuration.rpzSplit, let one = BlocklistZone(database: database, zoneName: configuration.rpzZone, landingHost: configuration.landingHost) {
            let zones = DNSPrimaryService.zones(database: database, configuration: configuration, oneZone: one, servesSecondaries: false)
            blocklistController.splitZones = ["base": zones[1], "recent": zones[2]]
        }
        blocklistController.register(on: routes)
        // Transparency
        TransparencyController(service: services.transparency, register: BlockRegister(database: database, normalizer: services.blocklist.normalizer),
                               statements: StatementsExporter(database: database), categories: services.categories,
                               prevalence: services.prevalence).register(on: routes)
        TrendController(service: services.transparency, categories: services.categories).register(on: routes)
        // Comms
        OfficialAccountController(service: services.officialAccounts).register(on: routes)
        CampaignController(service: services.campaigns).register(on: routes)
        MentionInboxController(service: services.mentionInbox).register(on: routes)
        // Monitoring
        WatchlistAPIController(service: services.watchlists).register(on: routes)
        WatchlistWebController(service: services.watchlists, sources: services.monitorSources).register(on: routes)
        PostsAPIController(posts: services.makePostIngest(intake: intake)).register(on: routes)
        MonitorSourcesAPIController(service: services.monitorSources).register(on: routes)
        PrevalenceController(service: services.prevalence, categories: services.categories).register(on: routes)
        return routes
    }
}
