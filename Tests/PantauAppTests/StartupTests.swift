import Foundation
import HummingbirdTesting
import Testing
@testable import PantauApp

@Suite(.serialized) struct StartupTests {
    @Test func serveRefusesAnUnmigratedPostgreSQL() async throws {
        guard Backend.available.contains(.postgres) else { return }
        let env = try await TestEnvironment.make(.postgres, migrate: false)
        do {
            _ = try await PantauServer.buildApplication(configuration: env.configuration, logger: quietLogger)
            Issue.record("started on an unmigrated database")
        } catch let error as ConfigurationError {
            #expect(error.message.contains("pantau migrate"))
            #expect(error.message.contains("not migrated"))
        }
        await env.cleanup()
    }

    @Test func sqliteIsCreatedAndMigratedOnFirstStartWithAPrivateKeyFile() async throws {
        let env = try await TestEnvironment.make(.sqlite)
        var config = env.configuration
        config.secretKey = nil
        let app = try await PantauServer.buildApplication(configuration: config, logger: quietLogger)
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
        guard case .sqlite(let path) = config.database else { return }
        #expect(FileManager.default.fileExists(atPath: path))
        let attributes = try FileManager.default.attributesOfItem(atPath: config.keyFilePath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // The same key is used on the next start.
        let first = try ContactCipher.load(configuration: config)
        let sealed = try first.seal(.init(name: "A"))
        #expect(try ContactCipher.load(configuration: config).open(sealed).name == "A")
        let probe = try PantauDatabase(location: config.database, logger: quietLogger)
        #expect(try await probe.pendingMigrations().isEmpty)
        #expect(try await probe.count("categories") == CategoryIndexDefaults.count)
        await probe.shutdown()
        await env.cleanup()
    }
}

enum CategoryIndexDefaults {
    static let count = 15
}
