import ArgumentParser
import FluentKit
import Foundation
import PantauCore
import ServiceLifecycle

/// `pantau worker`: the background worker as a process of its own (scale-out):
/// the same jobs as the worker embedded in `serve`.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the background jobs: close order batches, mark overdue items, apply the block schedule, release campaigns, deliver the outbox, pull monitoring's feeds (run several on PostgreSQL; serve then with PANTAU_EMBEDDED_WORKER=0).")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                let logger = makeLogger(config)
                try await PantauServer.prepare(database: database, configuration: config, logger: logger)
                let services = try await Services.make(database: database, configuration: config, clock: CommandEnvironment.clock, logger: logger,
                                                       contactCipher: nil)
                // Monitoring's findings are reports: the worker keeps an intake writer of its own.
                let (intake, writer) = try await services.makeIntake(metrics: PantauMetrics.shared)
                let worker = services.makeWorker(intake: intake)
                logger.info("worker started", metadata: ["jobs": "\(worker.jobs.map(\.name).joined(separator: ","))",
                                                          "database": "\(config.database.redacted)"])
                let group = ServiceGroup(configuration: .init(services: [writer, worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            }
        }
    }
}

/// `pantau platform webhook`: where a platform's orders are delivered.
struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "platform", abstract: "Platforms' delivery settings.",
                                                    subcommands: [Webhook.self, Liaison.self, Deadline.self, Show.self])

    /// Runs a change through `PlatformSettings`; its refusal becomes the option's error.
    static func settings(_ database: PantauDatabase, _ config: AppConfiguration, _ change: (PlatformSettings) async throws -> Void) async throws {
        do {
            try await change(PlatformSettings(database: database, clock: CommandEnvironment.clock, outboundAllowInternal: config.outboundAllowInternal))
        } catch let problem as PlatformSettings.Problem {
            let option = ["webhook_url": "--url", "webhook_secret": "--secret-stdin", "liaison_name": "--name", "liaison_email": "--email",
                          "category": "--category", "hours": "--hours"][problem.field] ?? "--" + problem.field
            throw ValidationError("\(option): \(problem.en)")
        }
    }

    static func platform(_ text: String) throws -> Platform {
        guard let p = Platform(rawValue: text.lowercased()), p != .web else {
            throw ValidationError("--platform: expected one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return p
    }

    struct Liaison: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a platform's liaison: the person orders are addressed to, and the e-mail address used when no webhook is set.")
        @Option(help: "Platform") var platform: String
        @Option(help: "Liaison's name") var name: String
        @Option(help: "Liaison's e-mail address") var email: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let p = try PlatformCommand.platform(platform)
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    try await PlatformCommand.settings(database, config) { try await $0.setLiaison(p, name: name, email: email, actor: cliActor) }
                    print("liaison for \(p.rawValue): \(name.trimmingCharacters(in: .whitespaces)) <\(email.trimmingCharacters(in: .whitespaces).lowercased())>")
                }
            }
        }
    }

    struct Deadline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Override the hours a platform has for one category (or --clear it); applies to orders delivered from now on.")
        @Option(help: "Platform") var platform: String
        @Option(help: "Category slug, e.g. perjudian") var category: String
        @Option(help: "Hours from delivery (1–720)") var hours: Int?
        @Flag(help: "Remove the override (back to the default hours)") var clear = false
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard clear != (hours != nil) else { throw ValidationError("give either --hours N or --clear") }
            if let hours, !(1...720).contains(hours) { throw ValidationError("--hours: expected 1…720, got \(hours)") }
        }

        func run() async throws {
            let p = try PlatformCommand.platform(platform)
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    try await PlatformCommand.settings(database, config) { try await $0.setDeadline(p, category: category, hours: hours, actor: cliActor) }
                    print(hours.map { "\(p.rawValue) \(category): \($0) h" } ?? "\(p.rawValue) \(category): default hours")
                }
            }
        }
    }

    struct Webhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a platform's webhook URL; prints a new signing secret once (or reads one from stdin).")
        @Option(help: "Platform: \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", "))") var platform: String
        @Option(help: "https:// URL that receives the orders (a public address; PANTAU_OUTBOUND_ALLOW_INTERNAL=true allows local ones)") var url: String
        @Flag(help: "Read the signing secret from the first line of stdin") var secretStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let p = Platform(rawValue: platform.lowercased()), p != .web else {
                throw ValidationError("--platform: expected one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", ")), got '\(platform)'")
            }
            let secret = try signingSecret(fromStdin: secretStdin)
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    try await PlatformCommand.settings(database, config) { try await $0.setWebhook(p, url: url, secret: secret, actor: cliActor) }
                    print("webhook for \(p.rawValue): \(url)")
                    if !secretStdin { print("signing secret (give it to the platform; shown only now): \(secret)") }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List platforms and where their orders go (secrets not shown).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    let overrides = try await PlatformDeadlineModel.query(on: database.db).sort(\.$id).all()
                    for p in try await PlatformDeliveryModel.query(on: database.db).sort(\.$id).all() {
                        let liaison = p.liaisonEmail.map { "\(p.liaisonName ?? "") <\($0)>" } ?? "(no liaison)"
                        let hours = overrides.filter { $0.platformID == p.id }.map { "\($0.categoryID)=\($0.hours)h" }.joined(separator: ",")
                        print("\(p.id ?? "")\t\(p.webhookURL ?? "(no webhook)")\t\(p.webhookSecret == nil ? "" : "signed")\t\(liaison)\t\(hours)")
                    }
                }
            }
        }
    }
}

/// A webhook's signing secret: the first line of stdin (`--secret-stdin`,
/// at least 16 characters) or a new random one.
func signingSecret(fromStdin: Bool) throws -> String {
    if fromStdin {
        guard let line = readLine(strippingNewline: true), line.count >= 16 else {
            throw ValidationError("--secret-stdin: expected a secret of at least 16 characters on standard input")
        }
        return line
    }
    var random = SecureRandom()
    return "whsec_" + hexString((0..<24).map { _ in UInt8.random(in: 0...255, using: &random) })
}
