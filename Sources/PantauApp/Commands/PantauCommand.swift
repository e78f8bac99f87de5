import ArgumentParser
import Foundation
import ServiceLifecycle
import Hummingbird
import Logging
import PantauCore

/// `pantau`: one binary, one subcommand per job.
public struct PantauCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pantau",
        abstract: "Pantau: reports of negative online content, from intake to decision.",
        subcommands: [ServeCommand.self, MigrateCommand.self, UserCommand.self, TokenCommand.self, SubjectCommand.self, ImportCommand.self, OfficialAccountsCommand.self,
                      VerifyHistoryCommand.self, SeedCommand.self, BenchCommand.self, WorkerCommand.self, PlatformCommand.self,
                      ExportCommand.self, BlocklistCommand.self, DemoCommand.self, DNSCommand.self, OpenAPICommand.self, SampleCommand.self])

    public init() {}
}

/// Options shared by commands that open the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Database URL: sqlite://PATH or postgres://user:pass@host:port/db (env PANTAU_DATABASE_URL; default sqlite://pantau.sqlite)")
    var database: String?

    @Option(name: .customLong("data-dir"), help: "Directory for evidence files (env PANTAU_DATA_DIR; default ./pantau-data)")
    var dataDirectory: String?
}

/// What every command takes from outside: the clock it reads "now" from.
/// A task-local, so a test can run a command at a fixed time.
enum CommandEnvironment {
    @TaskLocal static var clock: any PantauClock = SystemClock()
}

func makeLogger(_ configuration: AppConfiguration) -> Logger {
    var logger = Logger(label: "pantau")
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return logger
}

/// Runs `body`, turning configuration errors into a one-line message and exit code 2.
func withStartupErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data("pantau: \(error.message)\n".utf8))
        throw ExitCode(2)
    }
}

/// `pantau openapi`: prints the OpenAPI document the server serves at `/openapi.yaml`.
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "openapi", abstract: "Print the OpenAPI description of the JSON API (as served at /openapi.yaml).")

    func run() throws {
        print(OpenAPIDocument.yaml, terminator: "")
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the web server, the API and the intake writer.")

    @Option(help: "Address to listen on (env PANTAU_HOST; default 127.0.0.1)") var host: String?
    @Option(help: "Port to listen on (env PANTAU_PORT; default 8080)") var port: Int?
    @Option(help: "Also serve the RPZ zone as its DNS primary on ADDRESS:PORT, e.g. 127.0.0.1:5353 (env PANTAU_DNS)") var dns: String?
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            var config = try AppConfiguration.load(host: host, port: port, databaseURL: db.database, dataDirectory: db.dataDirectory)
            if let dns { config.dnsListen = try AppConfiguration.parseListen(dns, source: "--dns") }
            let logger = makeLogger(config)
            logger.info("starting Pantau", metadata: ["address": "\(config.host):\(config.port)", "database": "\(config.database.redacted)"])
            let app = try await PantauServer.buildApplication(configuration: config, logger: logger)
            try await app.runService()
        }
    }
}

/// `pantau dns`: the RPZ zone's DNS primary alone (beside `serve`, or on
/// another machine reading the same PostgreSQL).
struct DNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "Serve the RPZ zone as its DNS primary: SOA, AXFR, IXFR, NOTIFY (see PANTAU_DNS_* in the README).")
    @Option(help: "ADDRESS:PORT to listen on, UDP and TCP (env PANTAU_DNS; default 127.0.0.1:5353)") var listen: String?
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, loaded in
                var config = loaded
                if let listen { config.dnsListen = try AppConfiguration.parseListen(listen, source: "--listen") }
                if config.dnsListen == nil { config.dnsListen = ("127.0.0.1", 5353) }
                let logger = makeLogger(config)
                try await PantauServer.prepare(database: database, configuration: config, logger: logger)
                let services = try await Services.make(database: database, configuration: config, clock: CommandEnvironment.clock, logger: logger,
                                                       contactCipher: nil)
                guard let service = services.dnsPrimary else {
                    throw ConfigurationError("PANTAU_RPZ_ZONE / PANTAU_BLOCK_LANDING_HOST: not usable as DNS names")
                }
                let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            }
        }
    }
}

extension DatabaseOptions {
    /// Opens the database for a maintenance command (no contact key needed),
    /// runs `body`, and always closes the database again.
    func withMaintenanceDatabase<T>(_ body: (PantauDatabase, AppConfiguration) async throws -> T) async throws -> T {
        var environment = ProcessInfo.processInfo.environment
        environment["PANTAU_KEY_FILE"] = environment["PANTAU_KEY_FILE"] ?? "unused"
        let config = try AppConfiguration.load(environment: environment, databaseURL: database)
        let opened = try PantauDatabase(location: config.database, logger: makeLogger(config))
        do {
            let result = try await body(opened, config)
            await opened.shutdown()
            return result
        } catch {
            await opened.shutdown()
            throw error
        }
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or update the database schema.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                do {
                    let applied = try await database.migrate()
                    print("pantau: \(applied) migration(s) applied to \(config.database.redacted)")
                } catch {
                    throw ConfigurationError("migration of \(config.database.redacted) failed: \(String(reflecting: error))")
                }
            }
        }
    }
}

struct SubjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "subject", abstract: "Print the canonical subject of a URL or handle as JSON.")
    @Argument(help: "A URL, or a handle with --platform") var input: String
    @Option(help: "Platform of a handle: \(Platform.allCases.map(\.rawValue).joined(separator: ", "))") var platform: String?

    func run() async throws {
        var hint: Platform?
        if let platform {
            guard let p = Platform(rawValue: platform.lowercased()) else {
                FileHandle.standardError.write(Data("pantau: unknown platform '\(platform)'\n".utf8))
                throw ExitCode(1)
            }
            hint = p
        }
        do {
            let subject = try SubjectCanonicalizer.canonicalize(input, platform: hint)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            struct Output: Encodable { let platform, kind, id, key, url: String }
            let data = try encoder.encode(Output(platform: subject.platform.rawValue, kind: subject.kind.rawValue, id: subject.id, key: subject.key, url: subject.url))
            print(String(decoding: data, as: UTF8.self))
        } catch let error as SubjectError {
            FileHandle.standardError.write(Data("pantau: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension PantauCommand {
    /// Parses the arguments and runs the chosen command asynchronously.
    public static func runAsync() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
