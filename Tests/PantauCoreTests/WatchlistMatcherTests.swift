import Foundation
import Testing
@testable import PantauCore

/// The matcher against texts written to dodge it, and against innocent texts
/// that share letters with watched words.
struct WatchlistMatcherTests {
    static let lists = [
        WatchlistDefinition(id: "judi", name: "Judi daring", category: "perjudian", threshold: 1, terms: [
            WatchTerm(text: "judi"), WatchTerm(text: "slot", exclusions: ["slot waktu", "slot iklan", "slot parkir", "slot memori"]),
            WatchTerm(text: "jackpot"), WatchTerm(text: "togel"), WatchTerm(text: "kasino"), WatchTerm(text: "slot gacor", weight: 2),
            WatchTerm(text: "deposit pulsa", weight: 2), WatchTerm(text: "#judionline"), WatchTerm(text: "maxwin"),
        ]),
        WatchlistDefinition(id: "porno", name: "Pornografi", category: "pornografi", threshold: 1, terms: [
            WatchTerm(text: "bokep"), WatchTerm(text: "bugil"), WatchTerm(text: "porno"), WatchTerm(text: "video mesum"),
        ]),
        WatchlistDefinition(id: "tipu", name: "Penipuan", category: "penipuan", threshold: 1, terms: [
            WatchTerm(text: "tipu"), WatchTerm(text: "pinjol"), WatchTerm(text: "sabu"),
        ]),
    ]
    static let matcher = WatchlistMatcher(lists)

    /// Each text must match the term given (at least).
    static let obfuscated: [(String, String)] = [
        ("Ayo main judi sekarang", "judi"), ("JUDI ONLINE TERPERCAYA", "judi"), ("ｊｕｄｉ ｏｎｌｉｎｅ", "judi"), ("𝐣𝐮𝐝𝐢 gampang menang", "judi"),
        ("jùdí terbaik", "judi"), ("ј𝗎dі online", "judi"), ("ju\u{200B}di tanpa potongan", "judi"), ("ju\u{00AD}di", "judi"),
        ("j.u.d.i daring", "judi"), ("j u d i", "judi"), ("j-u-d-i", "judi"), ("j🎰u🎰d🎰i", "judi"), ("j_u_d_i", "judi"),
        ("juuuudiii", "judi"), ("berjudi itu seru", "judi"), ("perjudian makin marak", "judi"), ("judinya gampang", "judi"),
        ("dijudikan", "judi"), ("pejudi kawakan", "judi"), ("Jud1 online", "judi"), ("foto bug!l", "bugil"),
        ("$lot gacor", "slot"), ("s1ot hari ini", "slot"), ("5lot", "slot"), ("sl0t", "slot"), ("s.l.o.t", "slot"), ("SLOOOT", "slot"),
        ("slotnya lagi gacor", "slot"), ("slot gacor malam ini", "slot gacor"), ("SLOT  GACOR", "slot gacor"), ("s l o t g a c o r", "slot"),
        ("j4ckp0t besar", "jackpot"), ("JACKP0T", "jackpot"), ("jaaackpot", "jackpot"), ("t0g3l", "togel"), ("togelnya keluar", "togel"),
        ("k4sino", "kasino"), ("deposit pulsa tanpa potongan", "deposit pulsa"), ("dep0sit pul5a", "deposit pulsa"), ("#judionline", "#judionline"),
        ("MAXW1N hari ini", "maxwin"), ("maxwin", "maxwin"),
        ("b0k3p viral", "bokep"), ("bokeeep", "bokep"), ("BOKEP", "bokep"), ("b.o.k.e.p", "bokep"), ("b o k e p", "bokep"), ("bokepnya", "bokep"),
        ("bugil", "bugil"), ("bug1l", "bugil"), ("p0rn0", "porno"), ("video m3sum", "video mesum"),
        ("penipuan berkedok undian", "tipu"), ("menipu korban", "tipu"), ("ditipu lagi", "tipu"), ("pinj0l ilegal", "pinjol"), ("sabu sabu", "sabu"),
        ("jual s4bu", "sabu"), ("tertipu", "tipu"),
    ]

    /// None of these may match anything.
    static let innocent: [String] = [
        "Judul berita hari ini", "Lembaga judisial memutuskan", "Pemisahan kekuasaan yudikatif", "Jadwal slot waktu rapat besok",
        "Kami menjual slot iklan di radio", "Slot parkir di mal penuh", "Tambah slot memori ponsel", "Sabun mandi wangi",
        "Sabuk pengaman wajib dipakai", "Dompet saya bokek", "Togo menang pertandingan", "Kasih sayang ibu", "Jaket baru",
        "Pukul tujuh pagi", "Menipis lapisan ozon", "Tiup lilin ulang tahun", "Pinjam buku ke perpustakaan",
        "Deposito bank naik", "Pulsa habis", "Harga 5000 rupiah", "Jam 10.00 WIB", "Tahun 2026 cerah", "Rapat RT di balai warga",
        "Bugis makassar", "Porsi nasi goreng", "Mesin cuci rusak", "Video tutorial memasak", "Judo olahraga bela diri",
        "Budi pergi ke pasar", "Judika bernyanyi", "Kasir toko ramah", "Max menang lomba", "Win-win solution", "Saya juga",
        "Slogan kampanye", "Sloka kuno", "Jakarta macet", "Pot bunga", "Jack dan Jill", "Toge goreng", "Kasinem nama nenek saya",
        "Sabtu libur", "Bokor perak", "Pornografi dilarang undang-undang", "Penipis cat", "Tipus menyerang", "Pinjaman koperasi",
        "Sabudeur kampung", "Dijual rumah", "Jud gemar berlari", "Sepak bola", "Setengah slotter", "Ju di ta", "jud1th menulis",
        "Bu Gil datang", "Video mesin", "Tarif pulsa deposit", "Judi? Bukan, itu judi-judian kata", "Sampai jumpa",
    ].filter { !$0.contains("judi-judian") }

    @Test func atLeastFiftyOfEach() {
        #expect(Self.obfuscated.count >= 50 && Self.innocent.count >= 50)
    }

    @Test(arguments: obfuscated)
    func obfuscatedTextsMatch(text: String, term: String) {
        let result = Self.matcher.match(text)
        #expect(result.matches.contains { $0.term == term }, "\(text) → \(result.matches.map(\.term))")
    }

    @Test(arguments: innocent)
    func innocentTextsDoNotMatch(text: String) {
        let result = Self.matcher.match(text)
        #expect(result.matches.isEmpty, "\(text) → \(result.matches.map { "\($0.term)@\($0.start)" })")
    }

    @Test func offsetsPointAtTheWholeWordInTheOriginalText() {
        let text = "Halo 👋 ｐｅｒｊｕｄｉａｎ dan s.l.o.t gacor!"
        let result = Self.matcher.match(text)
        let utf16 = Array(text.utf16)
        func cut(_ m: WatchlistMatcher.Match) -> String { String(decoding: utf16[m.start..<m.end], as: UTF16.self) }
        let judi = try! #require(result.matches.first { $0.term == "judi" })
        #expect(cut(judi) == "ｐｅｒｊｕｄｉａｎ")
        let phrase = try! #require(result.matches.first { $0.term == "slot gacor" })
        #expect(cut(phrase) == "s.l.o.t gacor")
        #expect(result.scores["judi"] == 4.0, "judi, slot and slot gacor, each counted once: \(result.scores)")
        #expect(Self.matcher.findings(result).map(\.id) == ["judi"])
    }

    @Test func exclusionsOnlyExcuseTheirOwnOccurrence() {
        let result = Self.matcher.match("Jadwal slot waktu rapat, lalu main slot gacor")
        #expect(result.matches.filter { $0.term == "slot" }.count == 1, "\(result.matches)")
    }

    @Test func oneAutomatonHoldsManyTerms() {
        // 10,000 generated terms compile into one automaton and still find what they should.
        var terms: [WatchTerm] = []
        var state: UInt64 = 2018
        for _ in 0..<10_000 {
            var word = ""
            for _ in 0..<(5 + Int(state % 5)) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                word.append(Character(Unicode.Scalar(UInt8(97 + (state >> 33) % 26))))
            }
            terms.append(WatchTerm(text: word))
        }
        let big = WatchlistMatcher([WatchlistDefinition(id: "big", name: "big", category: "perjudian", threshold: 1, terms: terms)])
        let sample = terms[4_321].text
        let result = big.match("teks dengan kata \(sample.uppercased()) di tengah")
        #expect(result.matches.contains { $0.term == sample })
    }

    @Test(arguments: [
        ("s.l.o.t g.a.c.o.r", "siot gacor"), ("j u d i", "judi"), ("Halo, Budi!", "haio budi"), ("Rp 5.000", "rp 5 000"), ("b0k3p", "bokep"),
        ("@judi #slot", "judi siot"), ("jud!", "jud"), ("juuudi", "judi"), ("ju\u{200B}di", "judi"), ("ｊｕｄｉ", "judi"), ("2026", "2026"),
        ("a b", "a b"), ("j🎰u🎰d🎰i online", "judi onine"), ("", ""), ("🎰🎰", ""), ("maaf", "maf"),
    ])
    func normalisedTextsReadAsExpected(text: String, expected: String) {
        let normalized = TextNormalizer.normalize(text)
        #expect(normalized.string == expected, "\(text)")
        #expect(normalized.sourceStart.count == normalized.count && normalized.wordEnd.count == normalized.count && normalized.loose.count == normalized.count)
        #expect(zip(normalized.sourceStart, normalized.sourceEnd).allSatisfy { $0 <= $1 }, "spans run forwards")
    }

    @Test func badWatchlistsNameTheirField() {
        let bad = WatchlistDefinition(id: "x", name: " ", category: "", threshold: 0, terms: [WatchTerm(text: "🎰🎰")])
        #expect(Set(bad.problems().map(\.field)) == ["name", "category", "threshold", "terms"])
        #expect(Self.lists.allSatisfy { $0.problems().isEmpty })
    }

    @Test func accountAndDomainTermsWatchAuthorsAndLinksAsWellAsWords() {
        #expect(WatchTerm(text: "@Bandar.Slot88").target == .account("bandar.slot88"))
        #expect(WatchTerm(text: "www.Slot-Gacor.example").target == .domain("slot-gacor.example"))
        #expect(WatchTerm(text: "slot gacor").target == .words)
        #expect(WatchTerm(text: "judi.").target == .words)
        let matcher = WatchlistMatcher([WatchlistDefinition(id: "w", name: "W", category: "perjudian", threshold: 2, terms: [
            WatchTerm(text: "@bandar.slot88", weight: 2), WatchTerm(text: "slot-gacor.example", weight: 2), WatchTerm(text: "togel", active: false),
        ])])
        let byAuthor = matcher.match(text: "halo semua", author: "@Bandar.Slot88", urls: [])
        #expect(byAuthor.matches.map(\.field) == [.author] && byAuthor.score == 2)
        let byLink = matcher.match(text: "cek bio", author: "orang", urls: ["https://m.slot-gacor.example/daftar?ref=1", "https://contoh.example/"])
        #expect(byLink.matches.map(\.field) == [.url] && byLink.matches.first?.value == "https://m.slot-gacor.example/daftar?ref=1")
        #expect(matcher.match(text: "cek bio", author: nil, urls: ["https://notslot-gacor.example/"]).matches.isEmpty, "only the domain and its subdomains")
        #expect(matcher.match(text: "t0gel hari ini", author: nil, urls: []).matches.isEmpty, "a term switched off is not matched")
    }

    @Test func aPostIsASubjectOnItsPlatformAndStandsForItsAuthorAndLinks() throws {
        #expect(try MonitoredPost.subject(platform: .tiktok, postID: "7301234567890").get().key == "tiktok:video:7301234567890")
        #expect(try MonitoredPost.subject(platform: .x, postID: "1790000000000000000").get().key == "x:post:1790000000000000000")
        #expect(try MonitoredPost.subject(platform: .instagram, postID: "C1a2B3c4D5e").get().key == "instagram:post:C1a2B3c4D5e")
        #expect(try MonitoredPost.subject(platform: .youtube, postID: "dQw4w9WgXcQ").get().key == "youtube:video:dQw4w9WgXcQ")
        let facebook = try MonitoredPost.subject(platform: .facebook, postID: "10160000000000001").get()
        #expect(facebook.key == "facebook:post:10160000000000001")
        #expect(try SubjectCanonicalizer.canonicalize(facebook.url).key == facebook.key)
        if case .success = MonitoredPost.subject(platform: .tiktok, postID: "abc") { Issue.record("letters are no TikTok id") }
        if case .success = MonitoredPost.subject(platform: .x, postID: "12/34") { Issue.record("no path in an id") }
        #expect(MonitoredPost.subject(platform: .line, postID: "1") == .failure(.platformNotMonitored))
        let related = MonitoredPost.relatedSubjects(platform: .tiktok, author: "@Bandar.Slot88",
                                                    urls: ["https://www.slot-gacor.example/daftar", "https://vt.tiktok.com/ZSabc123/"])
        #expect(related.map(\.key) == ["tiktok:account:bandar.slot88", "web:url:www.slot-gacor.example/daftar", "web:domain:slot-gacor.example",
                                        "tiktok:shortlink:ZSabc123"], "\(related.map(\.key))")
    }

    @Test func oneSubjectIsReportedOncePerWindow() {
        let limit = FindingRateLimit(window: 3600)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(limit.allows(lastReportedAt: nil, now: now))
        #expect(!limit.allows(lastReportedAt: now.addingTimeInterval(-3599), now: now))
        #expect(limit.allows(lastReportedAt: now.addingTimeInterval(-3600), now: now))
    }
}
