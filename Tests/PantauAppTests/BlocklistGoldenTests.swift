import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// Every export format, byte for byte, against a file in `Golden/`: one
/// known list built through the API (an app, exact and subdomain blocks, a
/// redirect, an IDN, a name covered by its parent, an allow-list exception,
/// a lifted block, an IP and a prefix), exported on SQLite and PostgreSQL
/// alike. Only the generation time and activation times are masked.
/// `PANTAU_UPDATE_GOLDEN=1 swift test --filter Golden` rewrites the files.
@Suite(.serialized) struct BlocklistGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let reason = "Situs perjudian daring yang terverifikasi dari aduan masyarakat."

    static func masked(_ text: String) -> String {
        text.replacingOccurrences(of: #"generated \d{4}-\d\d-\d\dT[0-9:.]+Z"#, with: "generated <time>", options: .regularExpression)
            .replacingOccurrences(of: #""(generated_at|since)":"[^"]*""#, with: "\"$1\":\"<time>\"", options: .regularExpression)
    }

    @Test(arguments: Backend.available)
    func everyExportMatchesItsGoldenFile(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            func propose(_ body: String, path: String = "/api/v1/blocks") async throws -> String {
                let response = try await client.execute(uri: path, method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
                #expect(response.status == .created, "\(response.text)")
                return try #require(try json(response)["id"] as? String)
            }
            func approve(_ id: String) async throws {
                let response = try await client.execute(uri: "/api/v1/block-proposals/\(id)/review", method: .post, headers: supervisor.auth,
                                                        body: ByteBuffer(string: #"{"approve":true}"#))
                #expect(response.status == .ok, "\(response.text)")
            }
            let allowed = try await client.execute(uri: "/api/v1/allow-list", method: .post, headers: supervisor.auth,
                                                   body: ByteBuffer(string: #"{"name":"layanan.slot.example","reason":"Layanan pengaduan resmi."}"#))
            #expect(allowed.status == .created, "\(allowed.text)")
            try await approve(try await propose(#"{"names":["*.tiktok.com","*.muscdn.com"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"],"app":{"slug":"tiktok","name":"TikTok"}}"#))
            try await approve(try await propose(#"{"names":["judi.example","*.slot.example","Bücher.example","203.0.113.7","198.51.100.0/24"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#))
            try await approve(try await propose(#"{"names":["www.slot.example","m.slot.example"],"action":"redirect","reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#))
            try await approve(try await propose(#"{"names":["judi-lama.example"],"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#))
            let lifted = try #require(try await BlockEntryModel.query(on: db.db).filter(\.$name == "judi-lama.example").first()?.id)
            try await approve(try await propose(#"{"entries":["\#(lifted.uuidString)"],"conditions":"Situs sudah ditutup oleh pemiliknya sendiri."}"#,
                                                path: "/api/v1/blocks/lift"))

            let update = ProcessInfo.processInfo.environment["PANTAU_UPDATE_GOLDEN"] == "1"
            for (path, file) in [("/blocklist/rpz", "blocklist.rpz"), ("/blocklist/domains.txt", "domains.txt"), ("/blocklist/hosts", "hosts"),
                                 ("/blocklist/ips.txt", "ips.txt"), ("/blocklist.json", "blocklist.json")] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok && response.headers[HTTPField.Name("Pantau-Serial")!] == "6", "\(path)")
                let text = Self.masked(response.text)
                let golden = Self.directory.appendingPathComponent(file)
                if update { try text.write(to: golden, atomically: true, encoding: .utf8) }
                let expected = try String(contentsOf: golden, encoding: .utf8)
                #expect(text == expected, "\(path) differs from Golden/\(file):\n\(text)")
            }
        }
    }
}

/// Fifty rows a statement, and the rest one by one: every row arrives once.
@Suite(.serialized) struct BlocklistImportBatchTests {
    @Test(arguments: Backend.available)
    func everyNameOfAFileThatIsNotAMultipleOfTheBatchArrivesOnce(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, _, db in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: file) }
            let names = (0..<237).map { "situs-\($0).batch.example" }
            try (names.reversed() + names.prefix(5)).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let importer = BlocklistImporter(database: db, normalizer: BlockNameNormalizer(zoneName: "rpz.pantau"))
            let summary = try await importer.run(path: file.path, reason: "Daftar nasional lama", legalBases: ["uu-ite-27-2"], action: .redirect,
                                                 actor: "test", now: Date()) { _, _, _, _ in }
            #expect(summary.accepted == 237 && summary.duplicates == 5, "\(summary)")
            #expect(try await db.count("block_entries") == 237)
            #expect(try await db.count("block_entries", where: "WHERE action = 'redirect' AND state = 'active' AND source = 'import'") == 237)
            let ids = try await BlockEntryModel.query(on: db.db).all().compactMap(\.id)
            #expect(Set(ids).count == 237)
            let exported = try await client.execute(uri: "/blocklist/domains.txt", method: .get).text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(exported.map(String.init) == names.sorted { BlockSortKey.of($0).utf8.lexicographicallyPrecedes(BlockSortKey.of($1).utf8) })
        }
    }
}

/// The bulk paths: the import of a dirty file (the C API on SQLite, one
/// transaction either way) and the in-memory list the checks read.
@Suite(.serialized) struct BlocklistBulkTests {
    @Test(arguments: Backend.available)
    func importCleansDeduplicatesAndPublishesOnceAndTheMemoryFollows(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let proposed = try await client.execute(uri: "/api/v1/blocks", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"names":["sudah.example","*.judi.example"],"reason":"\#(BlocklistGoldenTests.reason)","legal_bases":["uu-ite-27-2"]}"#))
            let id = try #require(try json(proposed)["id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/block-proposals/\(id)/review", method: .post, headers: supervisor.auth,
                                             body: ByteBuffer(string: #"{"approve":true}"#)).status == .ok)

            // The memory a server holds, loaded now at serial 1.
            let memory = BlocklistMemory(database: db)
            try await memory.refresh()
            #expect(memory.serial == 1 && memory.count == 2)

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("dirty-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: file) }
            try """
            # daftar lama
            Sudah.Example
            baru.example
            0.0.0.0 hosts-line.example
            *.wild.example
            https://www.jalur.example/promo?x=1
            baru.example
            bücher.example
            203.0.113.9
            bad name.example
            x..example

            zeta.example
            alpha.example
            """.write(to: file, atomically: true, encoding: .utf8)
            let importer = BlocklistImporter(database: db, normalizer: BlockNameNormalizer(zoneName: "rpz.pantau"))
            let summary = try await importer.run(path: file.path, reason: "Daftar nasional lama", legalBases: ["uu-ite-27-2"], action: .nxdomain,
                                                 actor: "test", now: Date()) { _, _, _, _ in }
            #expect(summary.lines == 14 && summary.blankOrComment == 2)
            #expect(summary.accepted == 7 && summary.acceptedSubdomains == 1 && summary.ips == 1, "\(summary)")
            #expect(summary.duplicates == 2, "Sudah.Example is live already; baru.example twice")
            #expect(summary.rejected[.invalidCharacter] == 1 && summary.rejected[.emptyLabel] == 1)
            #expect(summary.examples[.emptyLabel]?.first?.line == 11)
            #expect(summary.serial == 2)
            let serial = try #require(try await BlocklistSerialModel.find(2, on: db.db))
            #expect(serial.fullReload && serial.added == 8)

            // In sort-key order, every name once, the new ones with the import's reason.
            let domains = try await client.execute(uri: "/blocklist/domains.txt", method: .get).text
            let names = domains.split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(names == ["alpha.example", "baru.example", "hosts-line.example", "www.jalur.example", "*.judi.example", "sudah.example",
                              "*.wild.example", "xn--bcher-kva.example", "zeta.example"], "\(names)")
            let imported = try #require(try await BlockEntryModel.query(on: db.db).filter(\.$name == "zeta.example").first())
            #expect(imported.reason == "Daftar nasional lama" && imported.state == "active" && imported.source == "import")
            #expect(imported.sortKey == "example zeta")

            // The same file again: nothing new, nothing written, no serial.
            let again = try await importer.run(path: file.path, reason: "Daftar nasional lama", legalBases: ["uu-ite-27-2"], action: .nxdomain,
                                               actor: "test", now: Date()) { _, _, _, _ in }
            #expect(again.accepted == 0 && again.duplicates == 10 && again.serial == 2, "\(again)")
            #expect(try await db.count("blocklist_serials") == 2)

            // The import was a bulk publication: the memory reloads in full and agrees with the database.
            try await memory.refresh()
            #expect(memory.serial == 2 && memory.count == 9, "the IP list is not in memory")
            let fromMemory = BlockCheck(database: db, normalizer: BlockNameNormalizer(zoneName: "rpz.pantau"), memory: memory)
            let fromDatabase = BlockCheck(database: db, normalizer: BlockNameNormalizer(zoneName: "rpz.pantau"), memory: nil)
            for name in ["zeta.example", "a.b.wild.example", "wild.example", "www.zeta.example", "judi.example", "x.judi.example", "open.example"] {
                let a = try await fromMemory.check(name).get(), b = try await fromDatabase.check(name).get()
                #expect(a.status == b.status && a.entry?.id == b.entry?.id && a.matchedBy == b.matchedBy, "\(name)")
            }
            #expect(try await fromMemory.check("a.b.wild.example").get().matchedBy == "subdomains")

            // A file smaller than the list goes in sorted, through the live index.
            let small = FileManager.default.temporaryDirectory.appendingPathComponent("small-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: small) }
            try "baru-lagi.example\nzeta.example\n".write(to: small, atomically: true, encoding: .utf8)
            let third = try await importer.run(path: small.path, reason: "Daftar nasional lama", legalBases: ["uu-ite-27-2"], action: .nxdomain,
                                               actor: "test", now: Date()) { _, _, _, _ in }
            #expect(third.accepted == 1 && third.duplicates == 1 && third.serial == 3, "\(third)")
            try await memory.refresh()
            #expect(memory.serial == 3 && memory.count == 10)

            // A later lift is a change, applied in place.
            let entry = try #require(try await BlockEntryModel.query(on: db.db).filter(\.$name == "zeta.example").first()?.id)
            let lift = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"entries":["\#(entry.uuidString)"],"conditions":"Nama ini masuk daftar lama karena kekeliruan pencatatan."}"#))
            let liftID = try #require(try json(lift)["id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/block-proposals/\(liftID)/review", method: .post, headers: supervisor.auth,
                                             body: ByteBuffer(string: #"{"approve":true}"#)).status == .ok)
            try await memory.refresh()
            #expect(memory.serial == 4 && memory.count == 9)
            #expect(try await fromMemory.check("zeta.example").get().status == .notBlocked)
            // And the server's own copy answered the API the same way right after the approval.
            let check = try json(try await client.execute(uri: "/api/v1/check?name=zeta.example", method: .get))
            #expect(check["status"] as? String == "not_blocked")
        }
    }
}
