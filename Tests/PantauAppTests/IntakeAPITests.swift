import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import SQLKit
import Testing
@testable import PantauApp

@Suite(.serialized) struct IntakeAPITests {
    @Test(arguments: Backend.available)
    func reportIsStoredJoinsItsCaseAndIsReadable(backend: Backend) async throws {
        try await withApp(backend) { client, env, db in
            let first = try await client.postJSON("/api/v1/reports", """
                {"url":"https://www.tiktok.com/@bokep/video/7301234567890123456?is_from_webapp=1","category":"pornografi",
                 "description":"video porno","reporter":{"name":"Siti","email":"siti@example.id","phone":"+62 812 0000 1111"}}
                """)
            #expect(first.status == .created)
            let body = try first.json()
            let ticket = try #require(body["ticket"] as? String)
            #expect(TicketNumber.isWellFormed(ticket))
            #expect((body["subject"] as? [String: Any])?["key"] as? String == "tiktok:video:7301234567890123456")
            #expect((body["case"] as? [String: Any])?["report_count"] as? Int == 1)
            #expect((body["status_url"] as? String)?.hasSuffix("/aduan/\(ticket)") == true)

            // Another spelling of the same video joins the same case.
            let second = try await client.postJSON("/api/v1/reports", #"{"url":"m.tiktok.com/v/7301234567890123456.html","category":"pornografi_anak"}"#)
            #expect(second.status == .created)
            let secondCase = try second.json()["case"] as? [String: Any]
            #expect(secondCase?["id"] as? String == (body["case"] as? [String: Any])?["id"] as? String)
            #expect(secondCase?["report_count"] as? Int == 2)
            #expect(try await db.count("cases") == 1)
            // The most severe claim wins until verified.
            #expect(try await db.sql.raw("SELECT category_id FROM cases").first()!.decode(column: "category_id", as: String.self) == "pornografi_anak")

            let status = try await client.execute(uri: "/api/v1/reports/\(ticket)", method: .get)
            #expect(status.status == .ok)
            let statusBody = try status.json()
            #expect(statusBody["status"] as? String == "new")
            #expect(statusBody["channel"] as? String == "api")
            #expect(!status.text.contains("Siti") && !status.text.contains("siti@example.id"))

            // Contact is sealed at rest and opens with the key.
            let sealed = try await db.sql.raw("SELECT reporter_contact FROM reports WHERE ticket = \(bind: ticket)").first()!
                .decode(column: "reporter_contact", as: String.self)
            #expect(!sealed.contains("Siti"))
            let cipher = try ContactCipher.load(configuration: env.configuration)
            #expect(try cipher.open(sealed) == ReporterContact(name: "Siti", email: "siti@example.id", phone: "+62 812 0000 1111"))

            let stats = try await client.execute(uri: "/api/v1/stats", method: .get).json()
            #expect(stats["reports"] as? Int == 2)
            #expect(stats["cases"] as? Int == 1)
            #expect(stats["open_cases"] as? Int == 1)
            #expect((stats["by_channel"] as? [String: Int])?["api"] == 2)

            // Text beyond ASCII is stored byte for byte (the writer binds UTF-8 itself).
            let words = "Undian berhadiah palsu — “hadiah” 💰 Rp 5 juta, café ağ 한국"
            let third = try await client.postJSON("/api/v1/reports", #"{"url":"https://undian-palsu.example/","category":"penipuan","description":"\#(words)"}"#)
            let thirdTicket = try #require(try third.json()["ticket"] as? String)
            #expect(try await db.sql.raw("SELECT description FROM reports WHERE ticket = \(bind: thirdTicket)").first()!
                .decode(column: "description", as: String.self) == words)

            let missing = try await client.execute(uri: "/api/v1/reports/ADU-20261124-0000000000", method: .get)
            #expect(missing.status == .notFound)
            #expect((try missing.json()["error"] as? [String: Any])?["code"] as? String == "ticket_not_found")

            // The totals (kept by counters) agree with the reports themselves.
            let totals = try await client.execute(uri: "/api/v1/stats", method: .get).json()
            #expect(totals["reports"] as? Int == (try await db.count("reports")))
            #expect(totals["cases"] as? Int == (try await db.count("cases")))
            var byCategory: [String: Int] = [:]
            for row in try await db.sql.raw("SELECT claimed_category AS k, COUNT(*) AS n FROM reports GROUP BY claimed_category").all() {
                byCategory[try row.decode(column: "k", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            #expect(totals["by_category"] as? [String: Int] == byCategory)
            #expect(byCategory == ["pornografi": 1, "pornografi_anak": 1, "penipuan": 1])

            let history = try await HistoryVerifier(database: db).verifyAll()
            #expect(history.breaks.isEmpty)
            #expect(history.events == 5)
        }
    }

    @Test(arguments: Backend.available)
    func idempotencyKeyReplaysTheSameAnswer(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            let body = #"{"url":"https://x.com/someone/status/1790000000000000001","category":"hoaks"}"#
            let a = try await client.postJSON("/api/v1/reports", body, headers: [.init("Idempotency-Key")!: "retry-1"])
            let b = try await client.postJSON("/api/v1/reports", body, headers: [.init("Idempotency-Key")!: "retry-1"])
            #expect(a.status == .created && b.status == .created)
            #expect(a.text == b.text)
            #expect(b.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try await db.count("reports") == 1)
            let other = try await client.postJSON("/api/v1/reports", #"{"url":"https://x.com/other","category":"hoaks"}"#,
                                                  headers: [.init("Idempotency-Key")!: "retry-1"])
            #expect(other.status == .unprocessableContent)
            #expect(try await db.count("reports") == 1)
        }
    }

    @Test(arguments: Backend.available)
    func concurrentReportsOfANewSubjectMakeOneCase(backend: Backend) async throws {
        try await withApp(backend, configure: { $0.intakeWriters = 4 }) { client, _, db in
            let n = 60
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<n {
                    group.addTask {
                        // Different spellings of one account, plus 3 other subjects interleaved.
                        let url = i % 4 == 0 ? "https://example\(i % 3).org/page" : (i % 2 == 0 ? "https://www.tiktok.com/@viral.account" : "tiktok.com/@Viral.Account?lang=id")
                        return try await client.postJSON("/api/v1/reports", #"{"url":"\#(url)","category":"pornografi"}"#).status.code
                    }
                }
                for try await code in group { #expect(code == 201) }
            }
            #expect(try await db.count("reports") == n)
            #expect(try await db.count("cases", where: "WHERE subject_key = 'tiktok:account:viral.account'") == 1)
            let count = try await db.sql.raw("SELECT report_count FROM cases WHERE subject_key = 'tiktok:account:viral.account'").first()!
                .decode(column: "report_count", as: Int.self)
            #expect(count == n - n / 4)
            #expect(try await db.count("cases") == 4)
            let history = try await HistoryVerifier(database: db).verifyAll()
            #expect(history.breaks.isEmpty)
            #expect(history.events == n + 4)
        }
    }

    static func draft(_ target: String, _ category: String, at: Date, channel: ReportChannel = .api, sourceRef: String? = nil) throws -> ReportDraft {
        let report = ValidatedReport(subject: try SubjectCanonicalizer.canonicalize(target), target: target, category: category,
                                     description: "", contact: nil, evidence: [])
        return ReportDraft(id: OrderedID.make(at: at), ticket: TicketNumber.make(at: at), channel: channel, report: report,
                           receivedAt: at, sealedContact: nil, sourceRef: sourceRef, evidence: [])
    }

    /// One intake transaction of one job per draft, as the writer runs it: multi-row statements.
    static func writeBatch(_ drafts: [ReportDraft], db: PantauDatabase, now: Date) async throws -> [IntakeOutcome] {
        let storage = try db.makeIntakeStorage(sqliteSynchronous: "full")
        return try await withTaskExecutorPreference(storage.executor) {
            let outcomes = try await IntakeTransaction.run(jobs: drafts.map { IntakeJob(drafts: [$0]) }, storage: storage,
                                                           categories: CategoryIndex(CategoryCatalog.defaults), clock: FixedClock(now))
            await storage.close()
            return outcomes
        }
    }

    /// One transaction holding reports of a case that exists, of a new case
    /// (twice, the second claim more severe) and of another new one: new
    /// cases are inserted in their final state, the existing one is updated,
    /// and counters, priorities, chains and answers all agree.
    @Test(arguments: Backend.available)
    func aBatchOfNewAndExistingCasesLeavesEveryCaseConsistent(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            let before = try await client.postJSON("/api/v1/reports", #"{"url":"https://www.tiktok.com/@lama","category":"hoaks"}"#)
            #expect(before.status == .created)

            let categories = CategoryIndex(CategoryCatalog.defaults)
            let now = Date()
            func draft(_ target: String, _ category: String, secondsAgo: Double) throws -> ReportDraft {
                try Self.draft(target, category, at: now.addingTimeInterval(-secondsAgo))
            }
            let outcomes = try await Self.writeBatch([try draft("https://www.tiktok.com/@baru", "hoaks", secondsAgo: 30),
                                                      try draft("https://www.tiktok.com/@lama", "pornografi", secondsAgo: 20),
                                                      try draft("tiktok.com/@Baru", "terorisme", secondsAgo: 10),
                                                      try draft("https://lain.example/", "fitnah", secondsAgo: 5)],
                                                     db: db, now: now)
            #expect(outcomes.map { $0.record?.reports.first?.caseReportCount } == [1, 2, 2, 1])
            #expect(outcomes[0].record?.reports.first?.caseID == outcomes[2].record?.reports.first?.caseID)

            let rows = try await db.sql.raw("""
                SELECT subject_key, report_count, category_id, priority, event_count, first_report_at, last_report_at FROM cases ORDER BY subject_key
                """).all()
            let byKey = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "subject_key", as: String.self), $0) })
            func value<T: Decodable>(_ key: String, _ column: String, _ type: T.Type) throws -> T {
                try #require(byKey[key]).decode(column: column, as: T.self)
            }
            #expect(try value("tiktok:account:baru", "report_count", Int.self) == 2)
            #expect(try value("tiktok:account:baru", "category_id", String.self) == "terorisme")
            #expect(try value("tiktok:account:baru", "event_count", Int.self) == 3)
            #expect(try value("tiktok:account:lama", "report_count", Int.self) == 2)
            #expect(try value("tiktok:account:lama", "category_id", String.self) == "pornografi")
            #expect(try value("tiktok:account:lama", "event_count", Int.self) == 3)
            #expect(try value("web:domain:lain.example", "report_count", Int.self) == 1)
            for key in byKey.keys {
                let expected = CasePriority.score(severity: categories.severity(of: try value(key, "category_id", String.self)),
                                                  reportCount: try value(key, "report_count", Int.self),
                                                  firstReportAt: try value(key, "first_report_at", Date.self),
                                                  now: try value(key, "last_report_at", Date.self))
                #expect(abs(try value(key, "priority", Double.self) - expected) < 1e-9, "priority of \(key)")
            }
            // The trigger-kept counts match the cases themselves.
            let counted = try await db.sql.raw("SELECT category_id, CAST(SUM(count) AS BIGINT) AS n FROM case_counts GROUP BY category_id HAVING SUM(count) > 0 ORDER BY category_id").all()
                .map { "\(try $0.decode(column: "category_id", as: String.self))=\(try $0.decode(column: "n", as: Int.self))" }
            #expect(counted == ["fitnah=1", "pornografi=1", "terorisme=1"])
            let history = try await HistoryVerifier(database: db).verifyAll()
            #expect(history.breaks.isEmpty)
            #expect(history.events == 3 + 3 + 2)
            #expect(try await db.count("reports") == 5)
        }
    }

    /// The report and case counters, kept by triggers (once per statement on
    /// PostgreSQL, once per row on SQLite), equal a recount of the rows after
    /// a batch with repeated keys across days and weeks, a deleted report and
    /// changed reports and cases.
    @Test(arguments: Backend.available)
    func countersEqualARecountAfterBatchesDeletesAndUpdates(backend: Backend) async throws {
        try await withApp(backend) { _, _, db in
            let now = Date()
            let day = 86_400.0
            func draft(_ n: Int, secondsAgo: Double, _ category: String, _ channel: ReportChannel) throws -> ReportDraft {
                // Every other report has a source reference: NULLs and values in one column of a batch.
                try Self.draft(n % 3 == 0 ? "https://www.tiktok.com/@sama" : "https://situs\(n).example/p/\(n)", category,
                               at: now.addingTimeInterval(-secondsAgo), channel: channel, sourceRef: n % 2 == 0 ? "ref-\(n)" : nil)
            }
            func write(_ drafts: [ReportDraft]) async throws {
                _ = try await Self.writeBatch(drafts, db: db, now: now)
            }
            let drafts = try [(0.0, "hoaks", ReportChannel.api), (60, "hoaks", .api), (120, "hoaks", .web), (2 * day, "hoaks", .api),
                              (2 * day + 60, "perjudian", .api), (8 * day, "perjudian", .web), (8 * day + 60, "perjudian", .web), (15 * day, "hoaks", .mention)]
                .enumerated().map { try draft($0, secondsAgo: $1.0, $1.1, $1.2) }
            // Two transactions: the second adds rows to counters that exist.
            try await write(Array(drafts[0..<5]))
            try await write(Array(drafts[5...]))

            let f: CreateTransparencyCounts.Flavour = backend == .sqlite ? .sqlite : .postgres
            let reportCounters = CountInsertsPerStatement.counterSources.filter { $0.source.table == "reports" }
            #expect(reportCounters.count == 4, "daily and weekly, by category and channel and by platform")
            func lines(_ query: String) async throws -> [String] {
                try await db.sql.raw(SQLQueryString(query)).all().map { row in
                    try ["metric", "a", "b", "c"].map { try row.decode(column: $0, as: String.self) }.joined(separator: " ")
                        + " \(try row.decode(column: "bucket", as: Int.self))=\(try row.decode(column: "n", as: Int.self))"
                }.sorted()
            }
            func expectCountersMatch(_ moment: String) async throws {
                for (source, _, target) in reportCounters {
                    for counter in source.counters {
                        let stored = try await lines("""
                            SELECT metric, \(target.column) AS bucket, a, b, c, CAST(count AS BIGINT) AS n FROM \(target.table)
                            WHERE metric = '\(counter.metric)' AND count <> 0
                            """)
                        // Written out here, not taken from the migration's SQL, so a mistake there shows.
                        let recounted = try await lines("""
                            SELECT metric, bucket, a, b, c, CAST(COUNT(*) AS BIGINT) AS n FROM (
                              SELECT '\(counter.metric)' AS metric, \(target.bucket(counter.day(f))) AS bucket, \(counter.a(f)) AS a,
                                     \(counter.b(f)) AS b, \(counter.c(f)) AS c FROM reports AS r WHERE \(counter.condition)
                            ) AS s GROUP BY metric, bucket, a, b, c
                            """)
                        #expect(!stored.isEmpty && stored == recounted, "\(counter.metric) in \(target.table) \(moment)")
                    }
                }
                let cases = try await lines("""
                    SELECT 'cases' AS metric, status AS a, subject_platform AS b, category_id AS c, 0 AS bucket, CAST(count AS BIGINT) AS n
                    FROM case_counts WHERE count <> 0
                    """)
                let casesRecounted = try await lines("""
                    SELECT 'cases' AS metric, status AS a, subject_platform AS b, category_id AS c, 0 AS bucket, CAST(COUNT(*) AS BIGINT) AS n
                    FROM cases GROUP BY status, subject_platform, category_id
                    """)
                #expect(!cases.isEmpty && cases == casesRecounted, "case_counts \(moment)")
            }
            try await expectCountersMatch("after the batches")
            #expect(try await db.count("reports") == drafts.count)
            let refs = try await db.sql.raw("SELECT ticket, source_ref FROM reports").all()
                .map { "\(try $0.decode(column: "ticket", as: String.self)) \(try $0.decode(column: "source_ref", as: String?.self) ?? "-")" }.sorted()
            #expect(refs == drafts.enumerated().map { "\($0.element.ticket) \($0.offset % 2 == 0 ? "ref-\($0.offset)" : "-")" }.sorted())

            try await db.sql.raw("DELETE FROM reports WHERE ticket = \(bind: drafts[1].ticket)").run()
            try await db.sql.raw("UPDATE reports SET claimed_category = 'penipuan', channel = 'import' WHERE ticket = \(bind: drafts[2].ticket)").run()
            try await db.sql.raw("UPDATE cases SET status = 'in_review', category_id = 'penipuan' WHERE subject_key = 'tiktok:account:sama'").run()
            try await expectCountersMatch("after a delete and updates")

            // Reverted to row-level triggers and applied again, the counts stay exact.
            try await CountInsertsPerStatement().revert(on: db.db)
            try await write([try draft(30, secondsAgo: 30, "hoaks", .api), try draft(31, secondsAgo: 30, "hoaks", .api)])
            try await expectCountersMatch("with row-level triggers again")
            try await CountInsertsPerStatement().prepare(on: db.db)
            try await write([try draft(32, secondsAgo: 30, "hoaks", .api), try draft(33, secondsAgo: 3 * day, "hoaks", .web)])
            try await expectCountersMatch("after the migration again")
            #expect(try await db.count("reports") == drafts.count - 1 + 4)
        }
    }

    /// Bad input: a 4xx JSON error naming the field, never a 5xx, nothing written.
    static let badRequests: [(body: String, status: Int, code: String)] = [
        ("", 400, "empty_body"),
        ("{", 400, "invalid_json"),
        ("[1,2]", 400, "invalid_type"),
        (#"{"url": 5, "category": "hoaks"}"#, 400, "invalid_type"),
        (#"{"url": "https://a.com", "category": ["hoaks"]}"#, 400, "invalid_type"),
        (#"{"url": "https://a.com", "category": "nope"}"#, 422, "unknown_category"),
        (#"{"url": "https://a.com"}"#, 422, "missing_category"),
        (#"{"category": "hoaks"}"#, 422, "missing_target"),
        (#"{"url": "javascript:alert(1)", "category": "hoaks"}"#, 422, "invalid_url"),
        (#"{"url": "https://a.com/'; DROP TABLE reports; --", "category": "hoaks"}"#, 422, "invalid_url"),
        (#"{"url": "https://a.com/x", "category": "hoaks'; DROP TABLE cases; --"}"#, 422, "unknown_category"),
        (#"{"handle": "x", "platform": "myspace", "category": "hoaks"}"#, 422, "unknown_platform"),
        (#"{"url": "https://a.com", "category": "hoaks", "description": "\#(String(repeating: "x", count: 5001))"}"#, 422, "too_long"),
        (#"{"url": "https://a.com", "category": "hoaks", "reporter": {"email": "<script>"}}"#, 422, "invalid_email"),
        (#"{"url": "https://a.com", "category": "hoaks", "evidence": ["\#(String(repeating: "a", count: 64))"]}"#, 422, "unknown_evidence"),
        (#"{"url": "https://a.com", "category": "hoaks", "description": "bell\u0007"}"#, 422, "control_characters"),
        (#"{"url": "\#(String(repeating: "a", count: 3000)).com", "category": "hoaks"}"#, 422, "invalid_url"),
    ]

    @Test(arguments: Backend.available)
    func badInputIsRejectedAndWritesNothing(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            let before = try await db.intakeCounts()
            for (body, status, code) in Self.badRequests {
                let response = try await client.postJSON("/api/v1/reports", body)
                #expect(Int(response.status.code) == status, "\(body.prefix(80))")
                let error = try response.json()["error"] as? [String: Any]
                #expect(error?["code"] as? String == code, "\(body.prefix(80)) → \(response.text)")
                #expect((error?["message"] as? String)?.isEmpty == false)
            }
            // Invalid UTF-8 and an oversized body.
            let invalidUTF8 = try await client.execute(uri: "/api/v1/reports", method: .post, headers: [.contentType: "application/json"],
                                                       body: ByteBuffer(bytes: Array(#"{"url":"https://a.com/"#.utf8) + [0xC3, 0x28] + Array(#"","category":"hoaks"}"#.utf8)))
            #expect(invalidUTF8.status == .badRequest)
            #expect((try invalidUTF8.json()["error"] as? [String: Any])?["code"] as? String == "invalid_utf8")
            let huge = try await client.postJSON("/api/v1/reports", #"{"url":"https://a.com","category":"hoaks","description":""# + String(repeating: "x", count: 1_100_000) + #""}"#)
            #expect(huge.status == .contentTooLarge)
            #expect((try huge.json()["error"] as? [String: Any])?["code"] as? String == "body_too_large")
            let badKey = try await client.postJSON("/api/v1/reports", #"{"url":"https://a.com","category":"hoaks"}"#,
                                                   headers: [.init("Idempotency-Key")!: String(repeating: "k", count: 300)])
            #expect(badKey.status == .badRequest)
            let notFound = try await client.execute(uri: "/api/v1/nothing", method: .get)
            #expect(notFound.status == .notFound)
            #expect((try notFound.json()["error"] as? [String: Any])?["code"] as? String == "not_found")
            #expect(try await db.intakeCounts() == before)
        }
    }

    @Test(arguments: Backend.available)
    func mentionsBecomeReportsAndAreIdempotent(backend: Backend) async throws {
        try await withApp(backend) { client, env, db in
            let accounts = AccountService(database: db, clock: SystemClock(), configuration: env.configuration)
            _ = try await accounts.createUser(email: "connector@tiktok.test", role: .platform, platform: .tiktok, password: "tiktok-connector-1", actor: "test")
            _ = try await accounts.createUser(email: "connector@x.test", role: .platform, platform: .x, password: "x-connector-pass-1", actor: "test")
            let tiktok: HTTPFields = [.authorization: "Bearer " + (try await accounts.createToken(email: "connector@tiktok.test", name: "c", actor: "test").token)]
            let xToken: HTTPFields = [.authorization: "Bearer " + (try await accounts.createToken(email: "connector@x.test", name: "c", actor: "test").token)]
            let batch = """
                {"mentions":[
                 {"id":"m1","author":"budi_99","text":"@kemkominfo tolong blokir akun @AkunBokep123 isinya bokep semua","created_at":"2026-11-24T01:00:00Z"},
                 {"id":"m2","author":"sari","text":"@kemkominfo situs judi slot gacor https://slot-gacor.example/daftar?utm_source=tt dan @bandar.togel"},
                 {"id":"m3","author":"anon","text":"@kemkominfo halo min, selamat pagi"},
                 {"id":"m4","author":"rina","text":"@kemkominfo ini hoaks!","in_reply_to":"7301234567890123999"}
                ]}
                """
            // Only a connector's token may post, and only for its own platform.
            let anonymous = try await client.postJSON("/api/v1/platforms/tiktok/mentions", batch)
            #expect(anonymous.status == .unauthorized)
            let otherPlatform = try await client.postJSON("/api/v1/platforms/tiktok/mentions", batch, headers: xToken)
            #expect(otherPlatform.status == .forbidden)
            #expect(try await db.count("mentions") == 0)
            let response = try await client.postJSON("/api/v1/platforms/tiktok/mentions", batch, headers: tiktok)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["accepted"] as? Int == 4)
            let reports = body["reports"] as? [[String: Any]] ?? []
            let keys = reports.map { (($0["subject"] as? [String: Any])?["key"] as? String) ?? "" }
            #expect(Set(keys) == ["tiktok:account:akunbokep123", "web:url:slot-gacor.example/daftar", "tiktok:account:bandar.togel",
                                   "tiktok:video:7301234567890123999"])
            #expect(reports.first { $0["mention_id"] as? String == "m1" }?["category"] as? String == "pornografi")
            #expect(reports.first { $0["mention_id"] as? String == "m2" }?["category"] as? String == "perjudian")
            #expect(reports.first { $0["mention_id"] as? String == "m4" }?["category"] as? String == "hoaks")
            let ignored = body["ignored"] as? [[String: Any]] ?? []
            #expect(ignored.map { $0["mention_id"] as? String } == ["m3"])
            #expect(try await db.count("reports", where: "WHERE channel = 'mention'") == 4)
            #expect(try await db.count("mentions") == 4)

            // The same batch again: same answer, nothing new.
            let again = try await client.postJSON("/api/v1/platforms/tiktok/mentions", batch, headers: tiktok)
            let againBody = try again.json()
            #expect(againBody["accepted"] as? Int == 4)
            #expect(Set((againBody["reports"] as? [[String: Any]] ?? []).compactMap { $0["ticket"] as? String })
                    == Set(reports.compactMap { $0["ticket"] as? String }))
            #expect(try await db.count("reports") == 4)

            let unknown = try await client.postJSON("/api/v1/platforms/myspace/mentions", #"{"mentions":[]}"#, headers: tiktok)
            #expect(unknown.status == .notFound)
            let bad = try await client.postJSON("/api/v1/platforms/x/mentions", #"{"mentions":[{"id":"","text":"x"}]}"#, headers: xToken)
            #expect(bad.status == .unprocessableContent)
            for id in [#"m\u0000x"#, #"m\u007fx"#, "m x"] {
                let control = try await client.postJSON("/api/v1/platforms/x/mentions", #"{"mentions":[{"id":"\#(id)","text":"@kemkominfo x"}]}"#, headers: xToken)
                #expect(control.status == .unprocessableContent && control.text.contains("mentions[0].id"), "\(id)")
            }
            let nulAuthor = try await client.postJSON("/api/v1/platforms/x/mentions", #"{"mentions":[{"id":"m-9","author":"a\u0000b","text":"x"}]}"#, headers: xToken)
            #expect(nulAuthor.status == .unprocessableContent && nulAuthor.text.contains("mentions[0].author"))
            #expect(try await db.count("reports") == 4)
            // A website named without a scheme, as people write it.
            let bare = try await client.postJSON("/api/v1/platforms/x/mentions",
                                                 #"{"mentions":[{"id":"m-bare","text":"@kemkominfo ada situs judi namasitus.com, lihat video.mp4 juga"}]}"#, headers: xToken)
            let bareReports = try #require(try bare.json()["reports"] as? [[String: Any]])
            #expect(bareReports.compactMap { ($0["subject"] as? [String: Any])?["key"] as? String } == ["web:domain:namasitus.com"], "\(bare.text)")
            #expect(try await db.count("reports") == 5)
        }
    }

    @Test(arguments: Backend.available)
    func evidenceIsStoredByHashAndLinked(backend: Backend) async throws {
        try await withApp(backend) { client, env, db in
            let png = EvidenceFixtures.png
            let upload = try await client.execute(uri: "/api/v1/evidence", method: .post, headers: [.contentType: "image/png"], body: ByteBuffer(bytes: png))
            #expect(upload.status == .created)
            let sha = try #require(try upload.json()["sha256"] as? String)
            let again = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: png))
            #expect(try again.json()["sha256"] as? String == sha)
            #expect(FileManager.default.fileExists(atPath: EvidenceStore(dataDirectory: env.configuration.dataDirectory, maxBytes: 1).path(for: sha)))
            let html = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(string: "<html>"))
            #expect(html.status == .unprocessableContent)
            #expect((try html.json()["error"] as? [String: Any])?["code"] as? String == "unsupported_type")
            let report = try await client.postJSON("/api/v1/reports", #"{"url":"https://a.example/x","category":"penipuan","evidence":["\#(sha)"]}"#)
            #expect(report.status == .created)
            #expect(try await db.count("report_evidence", where: "WHERE sha256 = '\(sha)'") == 1)
        }
    }

    @Test(arguments: Backend.available)
    func tamperedHistoryIsDetected(backend: Backend) async throws {
        try await withApp(backend) { client, _, db in
            for i in 0..<3 {
                _ = try await client.postJSON("/api/v1/reports", #"{"url":"https://judi\#(i % 2).example/","category":"perjudian"}"#)
            }
            #expect(try await HistoryVerifier(database: db).verifyAll().breaks.isEmpty)
            try await db.sql.raw("UPDATE case_events SET payload = '{\"forged\":\"1\"}' WHERE sequence = 2").run()
            let result = try await HistoryVerifier(database: db).verifyAll()
            #expect(!result.breaks.isEmpty)
            #expect(result.breaks.contains { $0.problem.contains("altered") })
        }
    }

    /// A 201 is only as durable as the commit: WAL with synchronous=FULL.
    @Test func sqliteCommitsAreWALAndFullySynchronous() async throws {
        try await withApp(.sqlite) { _, _, db in
            let journal = try await db.sql.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self)
            #expect(journal == "wal")
            let synchronous = try await db.sql.raw("PRAGMA synchronous").first()!.decode(column: "synchronous", as: Int.self)
            #expect(synchronous == 2)
        }
    }

    /// `/metrics` is this machine's (a client a proxy forwarded is not), or
    /// whoever holds the metrics token.
    @Test func metricsAreForThisMachineOrTheTokenHolder() async throws {
        try await withApp(.sqlite, testing: .live) { client, _, _ in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok, "a client on 127.0.0.1")
            let forwarded = try await client.execute(uri: "/metrics", method: .get, headers: [.init("X-Forwarded-For")!: "203.0.113.9"])
            #expect(forwarded.status == .forbidden && !forwarded.text.contains("pantau_"))
        }
        let token = "metrik-rahasia-0123456789"
        try await withApp(.sqlite, configure: { $0.metricsToken = token }) { client, _, _ in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized && !anonymous.text.contains("pantau_"))
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"]).status == .unauthorized)
            let scraped = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(scraped.status == .ok && scraped.text.contains("pantau_"))
        }
    }

    /// The smaller findings of the security run, each refused.
    @Test(arguments: Backend.available)
    func theAPITakesOnlyStrictJSONSaysNosniffAndLinksToItsOwnAddress(backend: Backend) async throws {
        try await withApp(backend, configure: { $0.publicBaseURL = "https://aduan.example.go.id" }) { client, _, db in
            let report = #"{"url":"https://www.tiktok.com/@a/video/7301234567890300123","category":"perjudian"}"#
            // A form on another site can post text/plain: refused before the body is read.
            let plain = try await client.execute(uri: "/api/v1/reports", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: report))
            #expect(plain.status == .unsupportedMediaType && plain.text.contains("unsupported_media_type"))
            let none = try await client.execute(uri: "/api/v1/reports", method: .post, body: ByteBuffer(string: report))
            #expect(none.status == .unsupportedMediaType)
            // Only JSON every reader agrees on.
            for bad in [#"{"url":"https://x.example/","category":"hoaks",}"#, #"{"url":"https://x.example/","category":"hoaks"} x"#,
                        #"{"url":'https://x.example/',"category":"hoaks"}"#, #"{"url":"https://x.example/","category":"hoaks","n":01}"#,
                        String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
                let response = try await client.execute(uri: "/api/v1/reports", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: bad))
                #expect(response.status == .badRequest && response.text.contains("invalid_json"), "\(bad.prefix(60)) → \(response.status)")
            }
            #expect(try await db.count("reports") == 0, "nothing written")
            // The status link uses the configured address, not the Host header the client chose.
            let created = try await client.execute(uri: "/api/v1/reports", method: .post,
                                                   headers: [.contentType: "application/json; charset=utf-8"], body: ByteBuffer(string: report))
            #expect(created.status == .created, "\(created.text)")
            let statusURL = try #require(try json(created)["status_url"] as? String)
            #expect(statusURL.hasPrefix("https://aduan.example.go.id/aduan/"), "\(statusURL)")
            // Every answer, not only pages, says nosniff.
            for uri in ["/api/v1/stats", "/openapi.yaml", "/static/pantau.css", "/api/v1/nothing-here", "/tidak-ada"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(uri)")
            }
            // A path that exists for other methods answers 405 with Allow; one that does not, 404.
            let trace = try await client.execute(uri: "/api/v1/reports", method: .init("TRACE")!)
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "POST" && trace.text.contains("method_not_allowed"))
            let delete = try await client.execute(uri: "/lapor", method: .delete)
            #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "GET, POST" && delete.text.contains("<html"))
            #expect(try await client.execute(uri: "/api/v1/reports/ADU-20261124-0000000000", method: .put).status == .methodNotAllowed)
            #expect(try await client.execute(uri: "/api/v1/nothing-here", method: .init("TRACE")!).status == .notFound)
        }
    }

    @Test func serviceEndpoints() async throws {
        try await withApp(.sqlite, testing: .live) { client, _, _ in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok && health.text == "ok")
            _ = try await client.postJSON("/api/v1/reports", #"{"url":"https://metrics.example/","category":"hoaks"}"#)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("pantau_reports_accepted_total{channel=\"api\"}"))
            #expect(metrics.text.contains("pantau_cases_opened_total"))
            #expect(metrics.text.contains("http_server_request_duration") || metrics.text.contains("hb_requests"))
            let spec = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(spec.status == .ok)
            for path in ["/api/v1/reports:", "/api/v1/reports/{ticket}:", "/api/v1/evidence:", "/api/v1/platforms/{platform}/mentions:", "/api/v1/stats:"] {
                #expect(spec.text.contains(path), "openapi.yaml lacks \(path)")
            }
        }
    }
}
