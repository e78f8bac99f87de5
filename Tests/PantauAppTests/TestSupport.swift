import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PantauCore
import SQLKit
@testable import PantauApp

/// The databases the app tests run on: SQLite always, PostgreSQL when
/// `PANTAU_TEST_POSTGRES_URL` names a server (the suite then runs on both).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [Backend] {
        ProcessInfo.processInfo.environment["PANTAU_TEST_POSTGRES_URL"]?.isEmpty == false ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }
}

import Testing

/// A fresh, migrated database and data directory for one test.
struct TestEnvironment: Sendable {
    let configuration: AppConfiguration
    let directory: String
    let cleanup: @Sendable () async -> Void

    static func make(_ backend: Backend, migrate: Bool = true) async throws -> TestEnvironment {
        let directory = NSTemporaryDirectory() + "pantau-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = AppConfiguration()
        config.port = 0
        config.dataDirectory = directory + "/data"
        config.secretKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        config.logLevel = "warning"
        config.bcryptCost = 4
        // The tests' webhook receivers listen on loopback.
        config.outboundAllowInternal = true
        switch backend {
        case .sqlite:
            config.database = .sqlite(path: directory + "/pantau.sqlite")
            return TestEnvironment(configuration: config, directory: directory) {
                try? FileManager.default.removeItem(atPath: directory)
            }
        case .postgres:
            let base = ProcessInfo.processInfo.environment["PANTAU_TEST_POSTGRES_URL"]!
            let name = "pantau_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try PantauDatabase(location: .postgres(url: base), logger: quietLogger)
            try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run()
            var components = URLComponents(string: base)!
            components.path = "/" + name
            config.database = .postgres(url: components.string!)
            if migrate {
                let migrator = try PantauDatabase(location: config.database, logger: quietLogger)
                try await migrator.migrate()
                await migrator.shutdown()
            }
            return TestEnvironment(configuration: config, directory: directory) {
                try? await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run()
                await admin.shutdown()
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "pantau-test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` against a freshly built app on `backend`.
func withApp(_ backend: Backend, testing: TestingSetup = .router, configure: (inout AppConfiguration) -> Void = { _ in },
             _ body: @Sendable (any TestClientProtocol, TestEnvironment, PantauDatabase) async throws -> Void) async throws {
    let base = try await TestEnvironment.make(backend)
    var config = base.configuration
    configure(&config)
    let env = TestEnvironment(configuration: config, directory: base.directory, cleanup: base.cleanup)
    let app = try await PantauServer.buildApplication(configuration: config, logger: quietLogger)
    // A second handle on the same database, for assertions.
    let probe = try PantauDatabase(location: config.database, logger: quietLogger)
    do {
        try await app.test(testing) { client in try await body(client, env, probe) }
    } catch {
        await probe.shutdown()
        await env.cleanup()
        throw error
    }
    await probe.shutdown()
    await env.cleanup()
}

extension PantauDatabase {
    func count(_ table: String, where condition: String = "") async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) \(unsafeRaw: condition)").first()!.decode(column: "n", as: Int.self)
    }

    /// Row counts of every table intake writes.
    func intakeCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["reports", "cases", "case_events", "report_evidence", "idempotency_keys", "mentions"] {
            counts[table] = try await count(table)
        }
        return counts
    }
}

extension TestClientProtocol {
    func postJSON(_ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var h: HTTPFields = [.contentType: "application/json"]
        h.append(contentsOf: headers)
        return try await execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: json))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}

/// The app's background worker on `db`, as `serve` and `pantau worker` build
/// it (every job), with short retries so tests see failures quickly.
func testWorker(_ db: PantauDatabase, giveUpAfter: Double = 3600, tune: (inout OutboxDelivery) -> Void = { _ in },
                configure: (inout AppConfiguration) -> Void = { _ in }) async throws -> Worker {
    var configuration = AppConfiguration()
    configuration.outboundAllowInternal = true
    configure(&configuration)
    let services = try await Services.make(database: db, configuration: configuration, clock: SystemClock(), logger: quietLogger, contactCipher: nil)
    return services.makeWorker {
        $0.backoff = DeliveryBackoff(base: 0.05, maximum: 0.2, giveUpAfter: giveUpAfter)
        $0.requestTimeout = .milliseconds(800)
        tune(&$0)
    }
}
