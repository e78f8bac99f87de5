import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

@Suite(.serialized) struct WebFormTests {
    /// Builds a multipart body with text fields and optional files.
    func multipart(_ fields: [(String, String)], files: [(String, String, [UInt8])] = []) -> (ByteBuffer, String) {
        let boundary = "PantauTestBoundary\(Int.random(in: 1000...9999))"
        var bytes: [UInt8] = []
        for (name, value) in fields {
            bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, filename, content) in files {
            bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            bytes += content + Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: bytes), "multipart/form-data; boundary=\(boundary)")
    }

    func csrf(_ client: any TestClientProtocol) async throws -> (token: String, cookie: String) {
        let form = try await client.execute(uri: "/lapor", method: .get)
        #expect(form.status == .ok)
        let cookie = try #require(form.headers[.setCookie])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        let html = form.text
        let marker = "name=\"_csrf\" value=\""
        let start = try #require(html.range(of: marker)).upperBound
        let token = String(html[start...].prefix { $0 != "\"" })
        return (token, String(cookie.split(separator: ";")[0]))
    }

    @Test(arguments: Backend.available)
    func formFilesAReportWithEvidenceAndShowsTheTicket(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            let (token, cookie) = try await csrf(client)
            let png = EvidenceFixtures.png
            let (body, type) = multipart([("_csrf", token), ("target", "@judi_slot88"), ("platform", "instagram"), ("category", "perjudian"),
                                          ("description", "Akun promosi judi slot"), ("reporter.email", "pelapor@example.id")],
                                         files: [("evidence", "bukti.png", png)])
            let response = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: type, .cookie: cookie], body: body)
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/aduan/ADU-"))
            #expect(try await db.count("reports", where: "WHERE channel = 'web' AND subject_key = 'instagram:account:judi_slot88'") == 1)
            #expect(try await db.count("report_evidence") == 1)

            let page = try await client.execute(uri: location, method: .get)
            #expect(page.status == .ok)
            let ticket = String(location.dropFirst("/aduan/".count).prefix { $0 != "?" })
            #expect(page.text.contains(ticket))
            #expect(page.text.contains("Terima kasih"))
            #expect(page.text.contains("Perjudian"))
            #expect(!page.text.contains("pelapor@example.id"))
            let english = try await client.execute(uri: "/aduan/\(ticket)?lang=en", method: .get)
            #expect(english.text.contains("Received — awaiting verification"))
        }
    }

    @Test(arguments: Backend.available)
    func invalidFormIsShownAgainWithTheMessageAndWritesNothing(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            let (token, cookie) = try await csrf(client)
            let (body, type) = multipart([("_csrf", token), ("target", "javascript:alert(1)"), ("category", "hoaks"), ("description", "<b>tebal</b>")])
            let response = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: type, .cookie: cookie], body: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("id=\"target-error\""))
            #expect(response.text.contains("Hanya alamat http dan https"))
            #expect(response.text.contains("&lt;b&gt;tebal&lt;/b&gt;"), "typed text is kept and escaped")

            let (badFile, badType) = multipart([("_csrf", token), ("target", "https://a.example/x"), ("category", "hoaks")],
                                               files: [("evidence", "x.html", Array("<html>".utf8))])
            let fileResponse = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: badType, .cookie: cookie], body: badFile)
            #expect(fileResponse.status == .unprocessableContent)
            #expect(fileResponse.text.contains("evidence-error"))

            let (noToken, noTokenType) = multipart([("target", "https://a.example/x"), ("category", "hoaks")])
            let forbidden = try await client.execute(uri: "/lapor", method: .post, headers: [.contentType: noTokenType, .cookie: cookie], body: noToken)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.text.contains("<html"))
            #expect(try await db.intakeCounts().values.reduce(0, +) == 0)
        }
    }

    @Test func pagesAnswerInBothLanguagesAndUnknownTicketsAreReadable404s() async throws {
        try await withApp(.sqlite) { client, _, _ in
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.text.contains("lang=\"id\""))
            let homeEN = try await client.execute(uri: "/?lang=en", method: .get)
            #expect(homeEN.text.contains("lang=\"en\""))
            let form = try await client.execute(uri: "/lapor?lang=en", method: .get)
            #expect(form.text.contains("<label for=\"target\">"))
            #expect(form.text.contains("Report negative content"))
            let missing = try await client.execute(uri: "/aduan/ADU-20261124-0000000000", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("Tidak ada aduan dengan nomor ini"))
            let lookup = try await client.execute(uri: "/aduan?ticket=nonsense", method: .get)
            #expect(lookup.status == .unprocessableContent)
            let unknownPage = try await client.execute(uri: "/tidak-ada", method: .get)
            #expect(unknownPage.status == .notFound)
            #expect(unknownPage.text.contains("Halaman tidak ditemukan"))
        }
    }
}

@Suite(.serialized) struct ImportTests {
    @Test(arguments: Backend.available)
    func csvImportStoresValidLinesAndNamesBadOnes(backend: Backend) async throws {
        let env = try await TestEnvironment.make(backend)
        let csv = """
            url,handle,platform,category,description,reporter_email,received_at
            https://judi1.example/,,,perjudian,"situs judi, banyak iklan",,2026-11-01T10:00:00Z
            ,@akun.bokep,tiktok,pornografi,,,
            https://judi1.example,,,perjudian,duplikat domain,,
            javascript:alert(1),,,hoaks,,,
            https://ok.example/a,,,bukan_kategori,,,
            https://ok.example/b,,,hoaks,,not-an-email,
            https://ok.example/c,,,hoaks,,,kemarin
            """
        let lines = try ReportImportParser.csv(csv)
        #expect(lines.count == 7)
        let database = try PantauDatabase(location: env.configuration.database, logger: quietLogger)
        try await PantauServer.prepare(database: database, configuration: env.configuration, logger: quietLogger)
        let services = try await Services.make(database: database, configuration: env.configuration, clock: SystemClock(), logger: quietLogger,
                                               contactCipher: try ContactCipher.load(configuration: env.configuration))
        let (intake, writer) = try await services.makeIntake(metrics: PantauMetrics.shared)
        let summary = try await ReportImporter(intake: intake, writer: writer).run(lines: lines, progress: nil)
        #expect(summary.imported == 3)
        #expect(summary.errors.map(\.line) == [5, 6, 7, 8])
        #expect(summary.errors[0].message.contains("url"))
        #expect(summary.errors[1].message.contains("category"))
        #expect(summary.errors[3].message.contains("received_at"))
        #expect(try await database.count("reports", where: "WHERE channel = 'import'") == 3)
        #expect(try await database.count("cases") == 2)
        await database.shutdown()
        await env.cleanup()
    }

    @Test func jsonLinesNameTheBadLine() throws {
        let lines = ReportImportParser.jsonLines("""
            {"url":"https://a.example/","category":"hoaks"}
            not json
            {"url":5,"category":"hoaks"}

            {"handle":"x","platform":"x","category":"hoaks","reporter":{"email":"a@b.id"}}
            """)
        #expect(lines.count == 4)
        let failures = lines.compactMap { line -> Int? in if case .failure = line.input { return line.line } else { return nil } }
        #expect(failures == [2, 3])
    }

    @Test func csvWithAnUnknownColumnIsRefusedNamingTheLine() {
        #expect(throws: ConfigurationError.self) { try ReportImportParser.csv("url,colour\nhttps://a.example/,red\n") }
    }
}
