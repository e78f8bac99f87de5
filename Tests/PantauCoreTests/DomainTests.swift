import Foundation
import Testing
@testable import PantauCore

let categories = CategoryIndex(CategoryCatalog.defaults)

@Suite struct MentionParserTests {
    @Test func findsHandlesAndCategoryAndSkipsOfficialAccount() {
        let result = MentionParser.parse(text: "@kemkominfo tolong blokir akun @BokepViral123 isinya video bokep semua!",
                                         urls: [], inReplyTo: nil, platform: .tiktok, officialHandles: ["kemkominfo"], categories: categories)
        #expect(result.targets.map(\.subject.key) == ["tiktok:account:bokepviral123"])
        #expect(result.categoryHint == "pornografi")
    }

    @Test func findsURLsInTextAndExpandedURLsOnce() {
        let result = MentionParser.parse(text: "Pak @kemkominfo ini situs judi slot gacor: https://slot-gacor.example/daftar?ref=1 dan vt.tiktok.com/ZSabc/",
                                         urls: ["https://slot-gacor.example/daftar?ref=1"], inReplyTo: nil, platform: .tiktok,
                                         officialHandles: ["kemkominfo"], categories: categories)
        #expect(result.targets.map(\.subject.key) == ["web:url:slot-gacor.example/daftar?ref=1", "tiktok:shortlink:ZSabc"])
        #expect(result.categoryHint == "perjudian")
    }

    /// Websites as people write them, without a scheme, and what only looks like one.
    @Test(arguments: [
        ("ada situs judi namasitus.com tolong diblokir", ["namasitus.com"]),
        ("cek Slot-Gacor88.co.id, bahaya!", ["slot-gacor88.co.id"]),
        ("link: www.judi-online.xyz.", ["www.judi-online.xyz"]),
        ("dua situs (bokepviral.net) dan judi.online", ["bokepviral.net", "judi.online"]),
        ("lihat video.mp4 dan foto.zip di sini", []),
        ("transfer a.n. Budi Rp1.350.000 jam 09.00 dll.", []),
        ("domain co.id dan go.id itu milik negara", []),
        ("baca README.md dan jalankan install.sh", []),
        ("nama.tanpa-tld-nyata dan x..com dan -a.com", []),
    ])
    func findsBareDomainsButNotFileNamesNumbersOrAbbreviations(text: String, hosts: [String]) {
        let result = MentionParser.parse(text: "@kemkominfo " + text, urls: [], inReplyTo: nil, platform: .x, officialHandles: ["kemkominfo"], categories: categories)
        #expect(result.targets.map(\.subject.key) == hosts.map { "web:domain:" + $0 }, "\(text)")
    }

    @Test func registeredDomainsFollowThePublicSuffixList() {
        #expect(PublicSuffix.registeredDomain(of: "www.namasitus.co.id") == "namasitus.co.id")
        #expect(PublicSuffix.registeredDomain(of: "a.b.example.com") == "example.com")
        #expect(PublicSuffix.registeredDomain(of: "co.id") == nil && PublicSuffix.registeredDomain(of: "com") == nil)
        #expect(PublicSuffix.registeredDomain(of: "judi.tidak-ada-tld") == nil)
        #expect(PublicSuffix.suffix(of: "x.y.ck") == "y.ck", "a wildcard rule (*.ck)")
        #expect(PublicSuffix.registeredDomain(of: "www.ck") == "www.ck", "an exception rule (!www.ck)")
    }

    @Test func mostSevereHintWins() {
        #expect(MentionParser.categoryHint(in: "ini hoax dan juga konten pedofil", categories: categories) == "pornografi_anak")
        #expect(MentionParser.categoryHint(in: "Scam! penipuan investasi", categories: categories) == "penipuan")
        #expect(MentionParser.categoryHint(in: "this is a hoax, fake news", categories: categories) == "hoaks")
        #expect(MentionParser.categoryHint(in: "selamat pagi admin", categories: categories) == nil)
        // Whole words only: "slotting" is not "slot".
        #expect(MentionParser.categoryHint(in: "slotting schedule", categories: categories) == nil)
    }

    @Test func replyIsTheTargetWhenTextNamesNone() {
        let result = MentionParser.parse(text: "@kemkominfo ini video porno", urls: [], inReplyTo: "7301234567890123456",
                                         platform: .tiktok, officialHandles: ["kemkominfo"], categories: categories)
        #expect(result.targets.map(\.subject.key) == ["tiktok:video:7301234567890123456"])
    }

    @Test func mentionWithoutTargetHasNone() {
        let result = MentionParser.parse(text: "@kemkominfo halo min", urls: [], inReplyTo: nil, platform: .x,
                                         officialHandles: ["kemkominfo"], categories: categories)
        #expect(result.targets.isEmpty)
    }
}

@Suite struct ValidatorTests {
    @Test func validReport() throws {
        let report = try ReportValidator.validate(ReportInput(url: "https://vt.tiktok.com/ZSabc/", category: "pornografi", description: " x ",
                                                              reporterEmail: "a@example.com"), categories: categories)
        #expect(report.subject.key == "tiktok:shortlink:ZSabc")
        #expect(report.description == "x")
        #expect(report.contact == ReporterContact(email: "a@example.com"))
    }

    @Test(arguments: [
        (ReportInput(category: "pornografi"), "url", "missing_target"),
        (ReportInput(url: "a.com", handle: "b", category: "pornografi"), "url", "ambiguous_target"),
        (ReportInput(handle: "someone", category: "pornografi"), "platform", "missing_platform"),
        (ReportInput(handle: "someone", platform: "myspace", category: "pornografi"), "platform", "unknown_platform"),
        (ReportInput(url: "a.com", category: "nope"), "category", "unknown_category"),
        (ReportInput(url: "a.com"), "category", "missing_category"),
        (ReportInput(url: "javascript:alert(1)", category: "hoaks"), "url", "invalid_url"),
        (ReportInput(url: "a.com", category: "hoaks", description: String(repeating: "x", count: 5001)), "description", "too_long"),
        (ReportInput(url: "a.com", category: "hoaks", reporterEmail: "not-an-email"), "reporter.email", "invalid_email"),
        (ReportInput(url: "a.com", category: "hoaks", reporterPhone: "call me"), "reporter.phone", "invalid_phone"),
        (ReportInput(url: "a.com", category: "hoaks", evidence: ["abc"]), "evidence", "invalid_hash"),
    ])
    func rejects(input: ReportInput, field: String, code: String) {
        do {
            _ = try ReportValidator.validate(input, categories: categories)
            Issue.record("accepted")
        } catch {
            #expect(error.field == field)
            #expect(error.code == code)
        }
    }
}

@Suite struct EventChainTests {
    func chain(_ n: Int) -> [EventChain.StoredEvent] {
        var previous = EventChain.genesis
        return (1...n).map { i in
            let content = EventChain.Content(caseID: "c1", sequence: i, kind: i == 1 ? "case_opened" : "report_added",
                                             actor: "system", occurredAtMillis: 1_700_000_000_000 + Int64(i), payload: "{\"n\":\(i)}")
            let hash = EventChain.hash(previous: previous, content)
            defer { previous = hash }
            return EventChain.StoredEvent(content: content, previousHash: previous, hash: hash)
        }
    }

    @Test func intactChainVerifies() {
        let events = chain(5)
        #expect(EventChain.verify(caseID: "c1", events: events, expectedCount: 5, expectedHead: events.last!.hash).isEmpty)
    }

    @Test func alteredRemovedOrTruncatedEventsAreFound() {
        var events = chain(5)
        let head = events.last!.hash
        let original = events[2]
        events[2] = EventChain.StoredEvent(
            content: EventChain.Content(caseID: "c1", sequence: 3, kind: "report_added", actor: "system",
                                        occurredAtMillis: original.content.occurredAtMillis, payload: "{\"n\":99}"),
            previousHash: original.previousHash, hash: original.hash)
        #expect(!EventChain.verify(caseID: "c1", events: events, expectedCount: 5, expectedHead: head).isEmpty)
        var removed = chain(5)
        removed.remove(at: 1)
        #expect(!EventChain.verify(caseID: "c1", events: removed, expectedCount: 5, expectedHead: head).isEmpty)
        let truncated = Array(chain(5).prefix(4))
        #expect(!EventChain.verify(caseID: "c1", events: truncated, expectedCount: 4, expectedHead: head).isEmpty)
    }
}

@Suite struct SmallPartsTests {
    @Test func ticketsAreWellFormedAndDistinct() {
        var rng = SeededGenerator(seed: 7)
        let date = Date(timeIntervalSince1970: 1_764_000_000)
        let tickets = (0..<1000).map { _ in TicketNumber.make(at: date, using: &rng) }
        #expect(Set(tickets).count == 1000)
        #expect(tickets.allSatisfy(TicketNumber.isWellFormed))
        #expect(tickets[0].hasPrefix("ADU-20251124-"))
        #expect(!TicketNumber.isWellFormed("ADU-20251124-ILOU000000"))
        #expect(!TicketNumber.isWellFormed("ADU-1-2"))
    }

    @Test func priorityGrowsSlowlyWithReportsAndAge() {
        let t0 = Date(timeIntervalSince1970: 0)
        #expect(CasePriority.score(severity: 4, reportCount: 1, firstReportAt: t0, now: t0) == 4)
        let many = CasePriority.score(severity: 1, reportCount: 1000, firstReportAt: t0, now: t0)
        #expect(many < CasePriority.score(severity: 5, reportCount: 1, firstReportAt: t0, now: t0.addingTimeInterval(86400 * 3)))
        #expect(CasePriority.score(severity: 3, reportCount: 2, firstReportAt: t0, now: t0) > 3)
        #expect(CasePriority.score(severity: 3, reportCount: 1, firstReportAt: t0, now: t0.addingTimeInterval(3600 * 48)) > 3)
    }

    @Test func csvHandlesQuotesNewlinesAndLineNumbers() throws {
        let text = "url,category,description\r\nhttps://a.com,hoaks,\"multi\nline, with \"\"quotes\"\"\"\nhttps://b.com,judi,x\n\n"
        let records = try CSVReader.parse(text)
        #expect(records.count == 3)
        #expect(records[1].fields == ["https://a.com", "hoaks", "multi\nline, with \"quotes\""])
        #expect(records[2].line == 4)
        #expect(throws: CSVReader.ParseError.self) { try CSVReader.parse("a,\"b\nc") }
    }

    @Test func multipartHeadersGiveTheBoundaryAndTheDisposition() {
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data; boundary=XyZ") == "XyZ")
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartHeaders.boundary(fromContentType: "text/plain; boundary=XyZ") == nil)
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        let disposition = "form-data; name=\"evidence\"; filename=\"s.png\""
        #expect(MultipartHeaders.parameter("name", in: disposition) == "evidence")
        #expect(MultipartHeaders.parameter("filename", in: disposition) == "s.png")
        #expect(MultipartHeaders.parameter("filename", in: "form-data; name=url") == nil)
    }

    @Test func evidenceTypeIsSniffedFromContent() {
        #expect(EvidenceType.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "image/png")
        #expect(EvidenceType.sniff(Array("%PDF-1.7".utf8)) == "application/pdf")
        #expect(EvidenceType.sniff(Array("<html>".utf8)) == nil)
    }
}

@Suite struct OrderedIDTests {
    @Test func idsAreVersion7AndOrderedByTime() {
        var rng = SeededGenerator(seed: 3)
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        let ids = (0..<100).map { OrderedID.make(at: t0.addingTimeInterval(Double($0) * 0.005), using: &rng) }
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
        #expect(ids.allSatisfy { Array($0.uuidString)[14] == "7" })
        #expect(Set(ids).count == 100)
    }
}

@Suite struct UUIDTextAndRandomTests {
    @Test func uuidTextMatchesFoundationBothWays() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<500 {
            let id = OrderedID.make(at: Date(timeIntervalSince1970: Double(rng.next() % 2_000_000_000)), using: &rng)
            #expect(UUIDText.upper(id) == id.uuidString)
            #expect(UUIDText.lower(id) == id.uuidString.lowercased())
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
        }
    }

    @Test(arguments: ["", "not-a-uuid", "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5", "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5G",
                      "0190A1B2xC3D4-7E5F-8A9B-0C1D2E3F4A5B", "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B0"])
    func uuidParseRejectsMalformedText(_ text: String) {
        #expect(UUIDText.parse(text) == nil)
    }

    @Test func secureRandomIsNotConstantAndCrossesRefills() {
        var random = SecureRandom()
        // More than one 512-value buffer, so a refill happens in between.
        let values = (0..<1500).map { _ in random.next() }
        #expect(Set(values).count == values.count)
        // Each bit is set in roughly half the values.
        for bit in 0..<64 {
            let ones = values.filter { $0 & (1 << UInt64(bit)) != 0 }.count
            #expect((550...950).contains(ones), "bit \(bit) set in \(ones) of 1500")
        }
    }
}

@Suite struct JSONObjectTextTests {
    @Test(arguments: ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "control \u{01}\u{1F}", "slash / ok",
                      "Bahasa: aduan ✓ 🚫", "<script>alert(1)</script>", ""])
    func readsBackAsTheSameValues(_ text: String) throws {
        var object = JSONObjectText()
        object.add("a", text)
        object.add("n", -42)
        object.add("o") { $0.add("inner", text) }
        let parsed = try JSONSerialization.jsonObject(with: Data(object.finished.utf8)) as? [String: Any]
        #expect(parsed?["a"] as? String == text)
        #expect(parsed?["n"] as? Int == -42)
        #expect((parsed?["o"] as? [String: Any])?["inner"] as? String == text)
    }

    @Test func matchesJSONEncoderForSortedKeys() throws {
        struct Sample: Encodable { let a: String; let b: Int; let c: [String: String] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(Sample(a: "x/y \"q\"", b: 7, c: ["k": "v"])), as: UTF8.self)
        var object = JSONObjectText()
        object.add("a", "x/y \"q\"")
        object.add("b", 7)
        object.add("c") { $0.add("k", "v") }
        #expect(object.finished == expected)
    }
}

@Suite struct DayStampTests {
    @Test func dayStampMatchesTheCalendarInWIB() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &rng))
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(TicketNumber.dayStamp(date) == String(format: "%04d%02d%02d", c.year!, c.month!, c.day!), "\(date)")
        }
        // 23:59:59 UTC on 2026-11-23 is already the 24th in Jakarta.
        #expect(TicketNumber.dayStamp(Date(timeIntervalSince1970: 1_763_942_399)) == "20251124")
    }
}

@Suite struct AccessTests {
    @Test func everyActionHasAnEntryAndAdminManagesUsersAlone() {
        for action in StaffAction.allCases { #expect(PermissionTable.allowed[action] != nil, "\(action) has no entry") }
        #expect(Role.allCases.filter { PermissionTable.allows($0, .manageUsers) } == [.admin])
        #expect(!PermissionTable.allows(.platform, .viewCases))
        #expect(!PermissionTable.allows(.isp, .viewReporterContact))
        #expect(RouteAccess.everyone.allows(nil))
        #expect(PermissionTable.mayActFor(.tiktok, role: .platform, boundTo: .tiktok))
        #expect(!PermissionTable.mayActFor(.tiktok, role: .platform, boundTo: .x))
        #expect(PermissionTable.mayActFor(.tiktok, role: .admin, boundTo: nil))
        #expect(!RouteAccess.staff(.useOwnAccount).allows(nil))
    }

    @Test func throttleCountsAttemptsInWindowsAndRefusesOverTheLimitOfEachScope() {
        let policy = LoginThrottlePolicy()
        let now = 10_000.0
        // Ten attempts from one address at one account pass; the eleventh waits
        // until the window that began with the first one ends.
        #expect(policy.retryAfter(.accountFromAddress, attempts: 10, windowStart: now - 600, now: now) == nil)
        #expect(policy.retryAfter(.accountFromAddress, attempts: 11, windowStart: now - 600, now: now) == 300)
        // The address and the account keep wider limits.
        #expect(policy.retryAfter(.address, attempts: 50, windowStart: now, now: now) == nil)
        #expect(policy.retryAfter(.address, attempts: 51, windowStart: now, now: now) == 900)
        #expect(policy.retryAfter(.account, attempts: 100, windowStart: now, now: now) == nil)
        #expect(policy.retryAfter(.account, attempts: 101, windowStart: now - 899.5, now: now) == 1)
        // A window that has run out starts again at the next attempt.
        #expect(policy.afterAttempt(count: 40, windowStart: now - 900, now: now) == (1, now))
        #expect(policy.afterAttempt(count: 4, windowStart: now - 60, now: now) == (5, now - 60))
        // The pair's key holds both the account and the address.
        #expect(LoginThrottlePolicy.key(.accountFromAddress, email: "a@b.id", address: "10.0.0.1") == "pair:a@b.id 10.0.0.1")
    }

    @Test func onlySameSitePathsAreTakenAsTheyAre() {
        for good in ["/staf", "/kasus?status=new&q=judi", "/kasus/0b5c?lang=en#riwayat", "/a/b%20c", "/"] {
            #expect(SameSitePath.accept(good) == good, "\(good)")
        }
        for bad in ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "/ /evil.example", "https://evil.example",
                    "evil.example", "", "/%2F/evil.example", "/%5cevil.example", "javascript:alert(1)", "/staf\u{0}", "/ok\"><h1>",
                    "/" + String(repeating: "a", count: 2_000)] {
            #expect(SameSitePath.accept(bad) == nil, "\(bad)")
        }
    }

    @Test func passwordsNeedLengthAndOneTimePasswordsAreLongAndVaried() {
        #expect(PasswordPolicy.problem(with: "short", email: "a@b.id") != nil)
        #expect(PasswordPolicy.problem(with: "a@b.id.a@b.id", email: "A@B.ID.A@B.ID") != nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "x", count: 73), email: "a@b.id") != nil)
        #expect(PasswordPolicy.problem(with: "correct horse battery", email: "a@b.id") == nil)
        // Long enough, yet among the first a guesser tries.
        for guessable in ["aaaaaaaaaaaa", "Password1234", "PASSWORD1234!", "p@ssw0rd2026", "qwertyuiop12", "1234567890123",
                          "abcdefghijkl", "987654321098", "qwertyqwerty", "ababababab12", "iloveyou2026", "2026Bismillah",
                          "Indonesia2026!", "sitirahma2026", "S1t1rahma!!!!", "trustno1trustno1"] {
            #expect(PasswordPolicy.isGuessable(guessable, email: "sitirahma@kominfo.go.id"), "\(guessable)")
            #expect(PasswordPolicy.problem(with: guessable, email: "sitirahma@kominfo.go.id") != nil, "\(guessable)")
        }
        for fine in ["correct horse battery", "analyst-password-1", "kopi-tubruk-di-bogor", "Rapat3Desember!kantor", "a-much-better-password"] {
            #expect(!PasswordPolicy.isGuessable(fine, email: "sitirahma@kominfo.go.id"), "\(fine)")
        }
        #expect(PasswordPolicy.commonPasswords.count >= 10_000)
        let generated = (0..<50).map { _ in PasswordPolicy.generate() }
        #expect(Set(generated).count == 50)
        #expect(generated.allSatisfy { $0.count == 20 && PasswordPolicy.problem(with: $0, email: "a@b.id") == nil })
    }
}

@Suite struct StrictJSONTests {
    @Test(arguments: [#"{}"#, #"[]"#, #" {"a":[1,-2.5e+3,0,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"]} "#, #""é""#, "0", "-0.1E2"])
    func acceptsWhatRFC8259Allows(text: String) throws {
        try StrictJSON.validate(Array(text.utf8))
    }

    @Test(arguments: [(#"{"a":1,}"#, 7), (#"[1,]"#, 3), (#"{"a":1} x"#, 8), (#"{'a':1}"#, 1), (#"[01]"#, 2), (#"[1.]"#, 3), (#"["a\x"]"#, 4),
                      ("[\"a\u{01}\"]", 3), (#"[tru]"#, 4), (#"{"a" 1}"#, 5), ("", 0), (#"[NaN]"#, 1), (#"[+1]"#, 1)])
    func refusesEverythingElseNamingTheByte(text: String, offset: Int) {
        #expect(throws: StrictJSON.SyntaxError.self) { try StrictJSON.validate(Array(text.utf8)) }
        do { try StrictJSON.validate(Array(text.utf8)) } catch { #expect(error.offset == offset, "\(text): \(error.reason)") }
    }

    @Test func refusesNestingDeeperThanAnyRequestNeeds() {
        let deep = String(repeating: "[", count: StrictJSON.maximumDepth + 1) + String(repeating: "]", count: StrictJSON.maximumDepth + 1)
        #expect(throws: StrictJSON.SyntaxError.self) { try StrictJSON.validate(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: StrictJSON.maximumDepth) + String(repeating: "]", count: StrictJSON.maximumDepth)
        #expect(throws: Never.self) { try StrictJSON.validate(Array(fine.utf8)) }
    }
}

@Suite struct DSATransparencyRulesTests {
    /// A statement as Pantau wrote it before (one value per field, old
    /// categories, `:` in the puid, "NONE" values, no facts, no content date).
    @Test func theRulesRefuseWhatTheDatabaseRefuses() {
        let old: [String: Any] = [
            "decision_visibility": "DECISION_VISIBILITY_NONE", "decision_ground": "DECISION_GROUND_NONE",
            "category": "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT", "category_specification": "pornografi",
            "content_type": "CONTENT_TYPE_VIDEO", "territorial_scope": ["ID"], "source_type": "SOURCE_ARTICLE_16",
            "automated_detection": "No", "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "application_date": "2026-11-30",
            "puid": "tiktok:video:7301234567890400001",
        ]
        let fields = Set(DSATransparencyRules.problems(in: old).map { String($0.prefix { $0 != ":" }) })
        #expect(fields == ["decision_visibility", "decision_ground", "category", "category_specification", "content_type",
                           "territorial_scope", "content_date", "decision_facts", "puid"])
        let good: [String: Any] = [
            "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"], "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": "UU ITE Pasal 27", "illegal_content_explanation": "Promosi judi.", "decision_facts": "Dilaporkan.",
            "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "category_specification": ["KEYWORD_PHISHING"],
            "content_type": ["CONTENT_TYPE_OTHER"], "content_type_other": "Website", "content_date": "2026-11-01", "application_date": "2026-11-30",
            "source_type": "SOURCE_ARTICLE_16", "automated_detection": "No", "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
            "puid": "a1b2-c3_d4",
        ]
        #expect(DSATransparencyRules.problems(in: good).isEmpty)
        var missingOther = good
        missingOther["content_type_other"] = nil
        #expect(DSATransparencyRules.problems(in: missingOther) == ["content_type_other: is required"])
        var badDate = good
        badDate["content_date"] = "1999-12-31"
        #expect(DSATransparencyRules.problems(in: badDate) == ["content_date: before 2000-01-01"])
        var tooLong = good
        tooLong["illegal_content_explanation"] = String(repeating: "x", count: 2_001)
        #expect(DSATransparencyRules.problems(in: tooLong) == ["illegal_content_explanation: longer than 2000 characters"])
    }
}

@Suite struct RFC3339Tests {
    @Test func readsEveryFormTheDescriptionAllows() throws {
        let base = try #require(RFC3339.parse("2026-11-24T08:00:00Z"))
        #expect(base.timeIntervalSince1970 == 1_795_507_200)
        #expect(RFC3339.parse("2026-11-24t08:00:00z") == base)
        #expect(RFC3339.parse("2026-11-24T15:00:00+07:00") == base)
        #expect(RFC3339.parse("2026-11-24T08:00:00.250Z")?.timeIntervalSince(base) == 0.25)
        // Offsets up to 23:59 and any year are RFC 3339; Foundation's parser refuses some.
        #expect(abs((RFC3339.parse("2026-11-24T08:00:00-23:14")?.timeIntervalSince(base) ?? 0) - (23 * 3600 + 14 * 60)) < 0.001)
        #expect(RFC3339.parse("0049-01-15T17:02:13Z") != nil)
        #expect(RFC3339.parse("2026-12-31T23:59:60Z") != nil)
        for bad in ["2026-11-24", "2026-11-24T08:00:00", "2026-02-30T08:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T08:00:00+24:00",
                    "2026-11-24 08:00:00Z", "2026-11-24T08:00:00.Z", " 2026-11-24T08:00:00Z", "2026-11-24T08:00:00Zjunk"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }
}
