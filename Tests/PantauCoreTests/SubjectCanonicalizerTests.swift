import Testing
@testable import PantauCore

/// Every spelling in a row must give the row's key.
let spellingTable: [(key: String, spellings: [String])] = [
    ("tiktok:video:7301234567890123456", [
        "https://www.tiktok.com/@someone/video/7301234567890123456",
        "https://www.tiktok.com/@someone/video/7301234567890123456?is_from_webapp=1&sender_device=pc&web_id=123",
        "http://tiktok.com/@SomeOne/video/7301234567890123456/",
        "www.tiktok.com/@someone/video/7301234567890123456#comments",
        "HTTPS://WWW.TIKTOK.COM/@someone/video/7301234567890123456",
        "https://m.tiktok.com/v/7301234567890123456.html",
        "https://m.tiktok.com/v/7301234567890123456.html?u_code=abc&_d=x",
        "https://www.tiktok.com:443/@someone/video/7301234567890123456",
        "https://www.tiktok.com/embed/v2/7301234567890123456",
        "https://www.tiktok.com/@someone/./video/7301234567890123456",
    ]),
    ("tiktok:account:kemkominfo", [
        "https://www.tiktok.com/@kemkominfo", "tiktok.com/@KemKominfo/", "https://m.tiktok.com/@kemkominfo?lang=id",
        "https://www.tiktok.com/@kemkominfo?_t=8abc&_r=1",
    ]),
    ("tiktok:shortlink:ZSabc123", ["https://vm.tiktok.com/ZSabc123/", "vt.tiktok.com/ZSabc123", "https://www.tiktok.com/t/ZSabc123/"]),
    ("x:post:1790000000000000001", [
        "https://x.com/someone/status/1790000000000000001", "https://twitter.com/someone/status/1790000000000000001?s=20&t=abc",
        "https://mobile.twitter.com/SomeOne/status/1790000000000000001", "https://x.com/i/web/status/1790000000000000001",
        "https://twitter.com/someone/statuses/1790000000000000001", "https://x.com/someone/status/1790000000000000001/photo/1",
        "x.com/i/status/1790000000000000001",
    ]),
    ("x:account:some_one", ["https://x.com/some_one", "https://twitter.com/Some_One", "https://mobile.x.com/some_one/", "https://x.com/intent/user?screen_name=some_one"]),
    ("instagram:post:CxYz123AbC", [
        "https://www.instagram.com/p/CxYz123AbC/", "https://instagram.com/reel/CxYz123AbC/?igshid=abc", "https://www.instagram.com/reels/CxYz123AbC",
        "https://www.instagram.com/someone/p/CxYz123AbC/", "https://instagr.am/p/CxYz123AbC", "https://www.instagram.com/tv/CxYz123AbC/?utm_source=ig_web_copy_link",
    ]),
    ("instagram:account:some.one", ["https://www.instagram.com/some.one/", "https://instagram.com/Some.One?hl=en", "https://www.instagram.com/stories/some.one/3141592653/"]),
    ("facebook:video:1234567890", [
        "https://www.facebook.com/watch/?v=1234567890", "https://m.facebook.com/watch?v=1234567890&ref=sharing",
        "https://www.facebook.com/someone/videos/1234567890/", "https://www.facebook.com/someone/videos/a-title/1234567890",
        "https://www.facebook.com/reel/1234567890?fbclid=IwAR0", "https://web.facebook.com/video.php?v=1234567890",
    ]),
    ("facebook:account:100012345678901", ["https://www.facebook.com/profile.php?id=100012345678901", "https://m.facebook.com/profile.php?id=100012345678901&mibextid=abc", "https://www.facebook.com/people/Some-Name/100012345678901/"]),
    ("facebook:account:some.page", ["https://www.facebook.com/some.page", "https://mbasic.facebook.com/Some.Page/", "fb.com/some.page"]),
    ("youtube:video:dQw4w9WgXcQ", [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ?si=abcdef", "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&t=42",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube.com/embed/dQw4w9WgXcQ", "https://youtube.com/live/dQw4w9WgXcQ?feature=shared",
        "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RD",
    ]),
    ("youtube:account:kemkominfo", ["https://www.youtube.com/@kemkominfo", "https://www.youtube.com/@KemKominfo/videos", "https://www.youtube.com/c/kemkominfo"]),
    ("youtube:channel:UCaBcDeFgHiJkLmNoPqRsTuV", ["https://www.youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV", "https://m.youtube.com/channel/UCaBcDeFgHiJkLmNoPqRsTuV/videos"]),
    ("line:account:kemkominfo", ["https://line.me/R/ti/p/@kemkominfo", "https://line.me/R/ti/p/%40KemKominfo", "https://line.me/ti/p/@kemkominfo", "https://page.line.me/kemkominfo"]),
    ("web:domain:example.com", ["example.com", "https://example.com/", "http://EXAMPLE.com", "https://example.com/?utm_source=x&fbclid=1", "https://example.com./", "https://example.com:443/#top"]),
    ("web:domain:xn--bcher-kva.example", ["bücher.example", "https://BÜCHER.example/", "https://xn--bcher-kva.example"]),
    ("web:url:example.com/path/page?a=1&b=2", [
        "https://example.com/path/page?b=2&a=1", "http://example.com/path/page/?a=1&b=2&utm_campaign=z", "example.com/path/./x/../page?a=1&b=2",
        "https://example.com/path/page?a=1&b=2#frag", "https://user:pw@example.com/path/page?a=1&b=2", "https://example.com/%70ath/page?a=1&b=2",
    ]),
]

@Suite struct SubjectCanonicalizerTests {
    @Test(arguments: spellingTable)
    func everySpellingGivesOneKey(row: (key: String, spellings: [String])) throws {
        for spelling in row.spellings {
            let subject = try SubjectCanonicalizer.canonicalize(spelling)
            #expect(subject.key == row.key, "\(spelling)")
        }
    }

    @Test(arguments: spellingTable)
    func canonicalURLIsIdempotent(row: (key: String, spellings: [String])) throws {
        for spelling in row.spellings {
            let first = try SubjectCanonicalizer.canonicalize(spelling)
            let again = try SubjectCanonicalizer.canonicalize(first.url)
            #expect(again == first, "\(spelling) → \(first.url)")
            #expect(Subject.fromKey(first.key)?.key == first.key)
        }
    }

    @Test func randomisedSpellingsKeepTheirKey() throws {
        // Property: case changes of scheme and host, added tracking parameters,
        // fragments and trailing slashes never change the key.
        var rng = SeededGenerator(seed: 42)
        let decorations = ["utm_source=wa", "fbclid=IwAR1", "utm_medium=social", "gclid=abc", "igshid=xyz"]
        for _ in 0..<300 {
            let row = spellingTable.randomElement(using: &rng)!
            let base = try SubjectCanonicalizer.canonicalize(row.spellings.randomElement(using: &rng)!)
            var url = base.url
            if Bool.random(using: &rng), let range = url.range(of: "https://") {
                url.replaceSubrange(range, with: "HTTPS://")
            }
            let extra = decorations.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)).joined(separator: "&")
            if !extra.isEmpty { url += (url.contains("?") ? "&" : "?") + extra }
            if Bool.random(using: &rng) { url += "#x" }
            #expect(try SubjectCanonicalizer.canonicalize(url).key == base.key, "\(url)")
        }
    }

    @Test func handlesWithPlatform() throws {
        #expect(try SubjectCanonicalizer.canonicalize("@PornAccount", platform: .tiktok).key == "tiktok:account:pornaccount")
        #expect(try SubjectCanonicalizer.canonicalize("someone", platform: .x).key == "x:account:someone")
        #expect(try SubjectCanonicalizer.handle("@Some.Name", platform: .instagram).key == "instagram:account:some.name")
        #expect(try SubjectCanonicalizer.handle("UCaBcDeFgHiJkLmNoPqRsTuV", platform: .youtube).key == "youtube:channel:UCaBcDeFgHiJkLmNoPqRsTuV")
        #expect(throws: SubjectError.self) { try SubjectCanonicalizer.handle("way_too_long_for_x_handles", platform: .x) }
        #expect(throws: SubjectError.self) { try SubjectCanonicalizer.handle("@", platform: .tiktok) }
    }

    @Test func webURLsKeepMeaningfulParametersAndSchemeDoesNotSplitSubjects() throws {
        let a = try SubjectCanonicalizer.canonicalize("http://blog.example.org/?s=judi")
        let b = try SubjectCanonicalizer.canonicalize("https://blog.example.org/?s=judi")
        #expect(a.key == "web:url:blog.example.org/?s=judi")
        #expect(a.key == b.key)
        #expect(try SubjectCanonicalizer.canonicalize("https://example.com:8443/x").key == "web:url:example.com:8443/x")
        #expect(try SubjectCanonicalizer.canonicalize("https://www.tiktok.com/").key == "web:domain:www.tiktok.com")
    }

    @Test(arguments: [
        ("", SubjectError.Code.empty), ("   ", .empty), ("javascript:alert(1)", .unsupportedScheme),
        ("data:text/html,hi", .unsupportedScheme), ("ftp://example.com/x", .unsupportedScheme),
        ("just some words", .notAURL), ("nodots", .handleNeedsPlatform), ("@someone", .handleNeedsPlatform),
        ("https://exa mple.com", .notAURL), ("https://exa\u{0007}mple.com", .controlCharacters),
        ("https://-bad-.com/", .invalidHost), ("https://localhost/", .invalidHost), ("https://[::1]/", .invalidHost),
        ("https://example.com:99999/", .invalidHost), ("https://" + String(repeating: "a", count: 64) + ".com", .invalidHost),
        ("https://example.com/" + String(repeating: "a", count: 2100), .tooLong), ("https://ex_ample$.com", .invalidHost),
    ])
    func garbageIsRejectedWithAReason(input: String, code: SubjectError.Code) {
        do {
            let subject = try SubjectCanonicalizer.canonicalize(input)
            Issue.record("accepted \(input) as \(subject.key)")
        } catch {
            #expect(error.code == code, "\(input): \(error.message)")
            #expect(!error.message.isEmpty)
        }
    }
}

@Suite struct IDNATests {
    @Test(arguments: [
        ("bücher.example", "xn--bcher-kva.example"), ("münchen.de", "xn--mnchen-3ya.de"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah"), ("ÉXAMPLE.com", "xn--xample-9ua.com"),
        ("kominfo。go。id", "kominfo.go.id"), ("ＫＯＭＩＮＦＯ.go.id", "kominfo.go.id"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
    ])
    func toASCII(input: String, expected: String) {
        #expect(IDNA.toASCII(input) == expected)
    }

    @Test func punycodeVectorsFromRFC3492() {
        // RFC 3492 §7.1 (B) Chinese (simplified) and (L) Japanese sample strings.
        #expect(Punycode.encode("他们为什么不说中文") == "ihqwcrb4cv8a8dqg056pqjye")
        #expect(Punycode.encode("3年B組金八先生") == "3B-ww4c5e180e575a65lsy2b")
    }

    @Test func rejectsInvalidLabels() {
        #expect(IDNA.toASCII("a..b") == nil)
        #expect(IDNA.toASCII("exa$mple.com") == nil)
        #expect(IDNA.toASCII(String(repeating: "a", count: 64) + ".com") == nil)
    }
}


