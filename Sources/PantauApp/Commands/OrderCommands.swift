import ArgumentParser
import FluentKit
import Foundation
import PantauCore
import ServiceLifecycle

/// `pantau worker`: delivery workers as processes of their own (scale-out).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver takedown orders to platforms (run several on PostgreSQL; serve then with PANTAU_EMBEDDED_WORKER=0).")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                let logger = makeLogger(config)
                try await PantauServer.prepare(database: database, configuration: config, logger: logger)
                let categories = CategoryIndex(try await CategoryModel.query(on: database.db).all().map(\.domain))
                let orders = OrderService(database: database, clock: SystemClock(), categories: categories,
                                          batchWindow: Double(config.orderBatchMinutes) * 60, deadlines: config.orderDeadlines)
                let worker = DeliveryWorker(database: database, orders: orders, clock: SystemClock(), logger: logger)
                logger.info("delivery worker started", metadata: ["worker": "\(worker.name)", "database": "\(config.database.redacted)"])
                let group = ServiceGroup(configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            }
        }
    }
}

/// `pantau platform webhook`: where a platform's orders are delivered.
struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "platform", abstract: "Platforms' delivery settings.",
                                                    subcommands: [Webhook.self, Show.self])

    struct Webhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a platform's webhook URL; prints a new signing secret once (or reads one from stdin).")
        @Option(help: "Platform: \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", "))") var platform: String
        @Option(help: "https:// (or http:// for local testing) URL that receives the orders") var url: String
        @Flag(help: "Read the signing secret from the first line of stdin") var secretStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let p = Platform(rawValue: platform.lowercased()), p != .web else {
                throw ValidationError("--platform: expected one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", ")), got '\(platform)'")
            }
            guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw ValidationError("--url: expected an http(s) URL, got '\(url)'")
            }
            let secret: String
            if secretStdin {
                guard let line = readLine(strippingNewline: true), line.count >= 16 else {
                    throw ValidationError("--secret-stdin: expected a secret of at least 16 characters on standard input")
                }
                secret = line
            } else {
                var random = SecureRandom()
                secret = "whsec_" + hexString((0..<24).map { _ in UInt8.random(in: 0...255, using: &random) })
            }
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    try await database.db.transaction { tx in
                        try await PlatformDeliveryModel.query(on: tx).filter(\.$id == p.rawValue)
                            .set(\.$webhookURL, to: url).set(\.$webhookSecret, to: secret).update()
                        try await AccountService.audit("platform_webhook_set", actor: cliActor, target: "platform:" + p.rawValue,
                                                       payload: ["url": url], at: Date(), on: tx)
                    }
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
                    for p in try await PlatformDeliveryModel.query(on: database.db).sort(\.$id).all() {
                        print("\(p.id ?? "")\t\(p.webhookURL ?? "(no webhook)")\t\(p.webhookSecret == nil ? "" : "signed")")
                    }
                }
            }
        }
    }
}
