import Foundation
import PantauCore
import Testing

@Suite struct BlockNameTests {
    let normalizer = BlockNameNormalizer(zoneName: "rpz.pantau.")

    func domain(_ raw: String) -> String? {
        if case .success(.domain(let name, false)) = normalizer.normalize(raw) { return name }
        return nil
    }

    @Test(arguments: [
        ("Example.COM", "example.com"),
        ("https://www.Example.com:8443/path?q=1#x", "www.example.com"),
        ("http://user:pw@judi.example/", "judi.example"),
        ("  slot-gacor.example.  ", "slot-gacor.example"),
        ("_dmarc.example.org", "_dmarc.example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("ＢＵＣＨＥＲ．example", "bucher.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("a.b.c.d.e.f.example.co.id", "a.b.c.d.e.f.example.co.id"),
    ])
    func namesAreNormalised(raw: String, expected: String) {
        #expect(domain(raw) == expected)
    }

    @Test func aLeadingWildcardMeansTheNameAndItsSubdomains() {
        #expect(normalizer.normalize("*.Tiktok.com") == .success(.domain("tiktok.com", subdomains: true)))
    }

    @Test(arguments: [
        ("", BlockNameProblem.empty),
        ("   ", .empty),
        ("exa mple.com", .invalidCharacter),
        ("bad!name.com", .invalidCharacter),
        ("a..b.com", .emptyLabel),
        ("-bad.com", .hyphenAtLabelEdge),
        ("bad-.com", .hyphenAtLabelEdge),
        ("localhost", .singleLabel),
        ("example.123", .numericTopLevel),
        (String(repeating: "a", count: 64) + ".com", .labelTooLong),
        ("1.2.3.999", .invalidIP),
        ("10.0.0.1/33", .invalidIP),
        ("01.2.3.4", .invalidIP),
        ("2001:db8::1::2", .invalidIP),
    ])
    func junkIsRefusedWithAReason(raw: String, problem: BlockNameProblem) {
        #expect(normalizer.normalize(raw) == .failure(problem))
    }

    @Test func theZoneNameCountsTowardsTheLengthLimit() {
        // 4 labels of 60 + dots = 243 octets; + ".rpz.pantau" (11) = 254 > 253.
        let long = Array(repeating: String(repeating: "a", count: 60), count: 4).joined(separator: ".")
        #expect(long.utf8.count == 243)
        #expect(BlockNameNormalizer(zoneName: "rpz.pantau").normalize(long) == .failure(.nameTooLong))
        #expect(BlockNameNormalizer(zoneName: "rpz").normalize(long) == .success(.domain(long, subdomains: false)))
        // A subdomain block also needs room for "*.".
        let edge = String(long.dropFirst(2))
        #expect(BlockNameNormalizer(zoneName: "rpz.pantau").normalize(edge) == .success(.domain(edge, subdomains: false)))
        #expect(BlockNameNormalizer(zoneName: "rpz.pantau").normalize("*." + edge) == .failure(.nameTooLong))
    }

    @Test(arguments: [
        ("203.0.113.7", "203.0.113.7"),
        ("http://203.0.113.7:8080/index.html", "203.0.113.7"),
        ("198.51.100.0/24", "198.51.100.0/24"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
    ])
    func ipLiteralsGoToTheIPList(raw: String, expected: String) {
        #expect(normalizer.normalize(raw) == .success(.ip(expected)))
    }
}

@Suite struct BlockIndexTests {
    @Test func exactParentWildcardAndAllowList() {
        var index = BlockIndex()
        index.add("judi.example", subdomains: false)
        index.add("tiktok.com", subdomains: true)
        index.add("kominfo.go.id", subdomains: true, allow: true)
        index.add("go.id", subdomains: true)
        #expect(index.lookup("judi.example") == .blocked(BlockMatch(entryName: "judi.example", kind: .exact)))
        #expect(index.lookup("www.judi.example") == .notBlocked, "an exact entry does not cover subdomains")
        #expect(index.lookup("tiktok.com") == .blocked(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
        #expect(index.lookup("v16.muscdn.tiktok.com") == .blocked(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
        #expect(index.lookup("nottiktok.com") == .notBlocked, "a parent is matched by whole labels")
        #expect(index.lookup("www.kominfo.go.id") == .allowed(BlockMatch(entryName: "kominfo.go.id", kind: .subdomains)))
        #expect(index.lookup("pemda.go.id") == .blocked(BlockMatch(entryName: "go.id", kind: .subdomains)))
        index.remove("tiktok.com", subdomains: true)
        #expect(index.lookup("www.tiktok.com") == .notBlocked)
        index.add("tiktok.com", subdomains: true)
        #expect(index.lookup("www.tiktok.com") == .blocked(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
    }

    @Test func manyNamesSurviveGrowthAndRemoval() {
        var table = NameTable(capacity: 4)
        for i in 0..<20_000 { table.insert("host\(i).example.com") }
        for i in stride(from: 0, to: 20_000, by: 2) { table.remove("host\(i).example.com") }
        #expect(table.count == 10_000)
        #expect((0..<20_000).allSatisfy { table.contains("host\($0).example.com") == ($0 % 2 == 1) })
        for i in stride(from: 0, to: 20_000, by: 2) { table.insert("host\(i).example.com") }
        #expect(table.count == 20_000 && table.contains("host0.example.com"))
    }
}

@Suite struct BlockIndexHotPathTests {
    @Test func hitAgreesWithLookupAndNamesTheEntryOnlyWhenAsked() {
        var index = BlockIndex()
        index.add("judi.example", subdomains: false)
        index.add("tiktok.com", subdomains: true)
        index.add("help.tiktok.com", subdomains: false, allow: true)
        for name in ["judi.example", "www.judi.example", "tiktok.com", "a.b.c.tiktok.com", "help.tiktok.com", "nottiktok.com", "com", ""] {
            #expect(index.match(index.hit(name)) == index.lookup(name), "\(name)")
        }
        guard case .blocked(kind: .subdomains, let entry) = index.hit("v16.tiktok.com") else {
            Issue.record("v16.tiktok.com is blocked by *.tiktok.com")
            return
        }
        #expect(index.match(.blocked(kind: .subdomains, entry: entry)) == .blocked(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
        guard case .allowed(kind: .exact, let allowed) = index.hit("help.tiktok.com") else {
            Issue.record("help.tiktok.com is on the allow-list")
            return
        }
        #expect(index.match(.allowed(kind: .exact, entry: allowed)) == .allowed(BlockMatch(entryName: "help.tiktok.com", kind: .exact)))
    }

    @Test func oneNameInSeveralKindsKeepsEachUntilItIsRemoved() {
        var index = BlockIndex()
        index.add("tiktok.com", subdomains: false)
        index.add("tiktok.com", subdomains: true)
        index.add("tiktok.com", subdomains: true, allow: true)
        #expect(index.count == 2 && index.allowCount == 1)
        #expect(index.lookup("www.tiktok.com") == .allowed(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
        index.remove("tiktok.com", subdomains: true, allow: true)
        #expect(index.lookup("tiktok.com") == .blocked(BlockMatch(entryName: "tiktok.com", kind: .exact)))
        #expect(index.lookup("www.tiktok.com") == .blocked(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
        index.remove("tiktok.com", subdomains: false)
        index.remove("tiktok.com", subdomains: false)
        #expect(index.count == 1 && index.allowCount == 0)
        #expect(index.lookup("tiktok.com") == .blocked(BlockMatch(entryName: "tiktok.com", kind: .subdomains)))
        index.remove("tiktok.com", subdomains: true)
        #expect(index.count == 0 && index.lookup("tiktok.com") == .notBlocked)
    }

    @Test func anAllowListParentWinsOverANearerBlockingParent() {
        var index = BlockIndex()
        index.add("go.id", subdomains: true, allow: true)
        index.add("judi.pemda.go.id", subdomains: true)
        index.add("x.judi.pemda.go.id", subdomains: false)
        #expect(index.lookup("x.judi.pemda.go.id") == .allowed(BlockMatch(entryName: "go.id", kind: .subdomains)))
        #expect(index.lookup("judi.example") == .notBlocked)
    }

    @Test func aCopyIsIndependentOfTheOriginal() {
        var original = BlockIndex()
        original.add("judi.example", subdomains: false)
        var copy = original
        copy.add("slot.example", subdomains: true)
        copy.remove("judi.example", subdomains: false)
        #expect(original.lookup("judi.example") == .blocked(BlockMatch(entryName: "judi.example", kind: .exact)))
        #expect(original.lookup("a.slot.example") == .notBlocked)
        #expect(copy.lookup("judi.example") == .notBlocked && copy.lookup("a.slot.example") != .notBlocked)
    }

    @Test func agreesWithAPlainModelThroughGrowthAndChurn() {
        // Big enough for the huge-page path (over 2 MiB of slots) and for
        // several rebuilds with tombstones.
        var index = BlockIndex(capacity: 4)
        var model: [String: Set<String>] = [:]  // name → kinds "e", "s", "ae", "as"
        var random = SystemRandomNumberGenerator()
        func kinds(_ name: String) -> Set<String> { model[name] ?? [] }
        func expected(_ name: String) -> BlockLookup {
            let labels = name.split(separator: ".")
            let suffixes = (0..<labels.count).map { labels[$0...].joined(separator: ".") }
            if kinds(name).contains("ae") { return .allowed(BlockMatch(entryName: name, kind: .exact)) }
            if let parent = suffixes.first(where: { kinds($0).contains("as") }) { return .allowed(BlockMatch(entryName: parent, kind: .subdomains)) }
            if kinds(name).contains("e") { return .blocked(BlockMatch(entryName: name, kind: .exact)) }
            if let parent = suffixes.first(where: { kinds($0).contains("s") }) { return .blocked(BlockMatch(entryName: parent, kind: .subdomains)) }
            return .notBlocked
        }
        let pool = (0..<400_000).map { "h\($0 % 5000).d\($0 / 5000).example" } + (0..<80).map { "d\($0).example" } + ["example"]
        for step in 0..<600_000 {
            let name = pool[Int.random(in: 0..<pool.count, using: &random)]
            let kind = ["e", "s", "ae", "as"][Int.random(in: 0..<4, using: &random)]
            if step % 3 == 2 {
                index.remove(name, subdomains: kind.hasSuffix("s"), allow: kind.hasPrefix("a"))
                model[name]?.remove(kind)
            } else {
                index.add(name, subdomains: kind.hasSuffix("s"), allow: kind.hasPrefix("a"))
                model[name, default: []].insert(kind)
            }
        }
        let blocked = model.values.reduce(0) { $0 + $1.filter { !$0.hasPrefix("a") }.count }
        #expect(index.count == blocked)
        for name in pool.shuffled().prefix(20_000) + ["x.h1.d1.example", "zz.example", "nothing.test"] {
            let answer = index.lookup(name)
            #expect(answer == expected(name), "\(name)")
            if answer != expected(name) { break }
        }
    }

    @Test func namesOfEveryLengthHashApart() {
        // The hash reads eight bytes at a time and then a tail: every length
        // from 1 to 80 bytes, and names that differ only in their last byte.
        var table = NameTable(capacity: 16)
        var names: [String] = []
        for length in 1...80 {
            for last in ["a", "b", "c"] { names.append(String(repeating: "x", count: length - 1) + last) }
        }
        for name in names { table.insert(name) }
        #expect(table.count == names.count)
        #expect(names.allSatisfy { table.contains($0) })
        #expect(!table.contains(String(repeating: "x", count: 81)) && !table.contains("xd"))
        #expect(names.enumerated().allSatisfy { table.name(table.find($0.element)!) == $0.element })
    }

    @Test func removedSlotsAreReusedWithoutLosingOthers() {
        var table = NameTable(capacity: 8)
        for round in 0..<50 {
            for i in 0..<100 { table.insert("n\(i).r\(round).example") }
            for i in 0..<100 where i % 3 != 0 { table.remove("n\(i).r\(round).example") }
        }
        #expect(table.count == 50 * 34)
        #expect((0..<50).allSatisfy { round in (0..<100).allSatisfy { table.contains("n\($0).r\(round).example") == ($0 % 3 == 0) } })
    }

    @Test func sortKeyFromBytesMatchesTheStringForm() {
        for name in ["com", "example.com", "www.example.com", "a.b.c.d.e.f", "xn--bcher-kva.example"] {
            var out: [UInt8] = [1]
            var copy = name
            copy.withUTF8 { BlockSortKey.append($0, to: &out) }
            #expect(Array(out.dropFirst()) == Array(BlockSortKey.of(name).utf8), "\(name)")
            var back: [UInt8] = []
            Array(out.dropFirst()).withUnsafeBufferPointer { BlockSortKey.appendName(ofKey: $0, to: &back) }
            #expect(back == Array(name.utf8), "the sort key reads back as the name: \(name)")
        }
    }
}

@Suite struct RPZWriterTests {
    @Test func zoneFollowsTheRPZNotes() {
        var writer = RPZWriter(zoneName: "rpz.pantau.", landingHost: "blokir.pantau.example")
        var out = writer.header(serial: 42)
        let entries = [
            ExportEntry(name: "judi.example", subdomains: false),
            ExportEntry(name: "tiktok.com", subdomains: true),
            ExportEntry(name: "www.tiktok.com", subdomains: false),            // covered: left out
            ExportEntry(name: "m.tiktok.com", subdomains: false, action: .redirect), // other action: kept
            ExportEntry(name: "help.tiktok.com", subdomains: false, allow: true),    // exception: kept
            ExportEntry(name: "tiktok.com", subdomains: false),                // same owner: once
            ExportEntry(name: "tiktok-x.com", subdomains: false),
            ExportEntry(name: "xn--bcher-kva.example", subdomains: false, action: .redirect),
            ExportEntry(name: "kominfo.go.id", subdomains: true, allow: true),
            ExportEntry(name: "bad.kominfo.go.id", subdomains: false),         // under the allow-list: left out
        ].sorted(by: ExportEntry.precedes)
        for entry in entries { writer.write(entry, to: &out) }
        #expect(out == """
        $TTL 60
        $ORIGIN rpz.pantau.
        @ SOA localhost. hostmaster.localhost. 42 300 60 604800 60
        @ NS localhost.
        tiktok.com CNAME .
        *.tiktok.com CNAME .
        help.tiktok.com CNAME rpz-passthru.
        m.tiktok.com CNAME blokir.pantau.example.
        tiktok-x.com CNAME .
        judi.example CNAME .
        xn--bcher-kva.example CNAME blokir.pantau.example.
        kominfo.go.id CNAME rpz-passthru.
        *.kominfo.go.id CNAME rpz-passthru.

        """)
        #expect(writer.skippedAsCovered == 3)
    }

    @Test func sortKeysKeepAParentNextToItsChildren() {
        let names = ["example.com", "example-x.com", "www.example.com", "a.www.example.com", "b.example.com"]
        let sorted = names.sorted { BlockSortKey.of($0).utf8.lexicographicallyPrecedes(BlockSortKey.of($1).utf8) }
        #expect(sorted == ["example.com", "b.example.com", "www.example.com", "a.www.example.com", "example-x.com"])
    }
}
