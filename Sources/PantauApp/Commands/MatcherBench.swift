import ArgumentParser
import Foundation
import PantauCore

/// `pantau bench matcher`: the watchlist matcher on a generated watchlist
/// and corpus, written to files so a peer (pyahocorasick, hyperscan) can be
/// run on the very same terms and text (`scripts/bench-matcher`).
struct MatcherBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matcher",
        abstract: "Time the watchlist matcher: normalise+match per post and match alone, on generated terms and an Indonesian-like corpus (files for the peers).")
    @Option(help: "Watched terms") var terms = 10_000
    @Option(help: "Corpus size in MB") var megabytes = 200
    @Option(help: "Directory for terms.txt (normalised terms), corpus.txt (one post a line) and normalized.txt (the corpus as the matcher reads it)")
    var out: String
    @Option(help: "Runs of the match-alone pass (the best is reported)") var runs = 3

    /// A deterministic generator (the figures are comparable run to run).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    // Two syllable inventories: everyday words from the first, watched terms mostly from the second.
    static let common = ["ka", "ba", "ri", "ta", "su", "ma", "an", "me", "di", "la", "ra", "sa", "pa", "nya", "kan", "ber", "ter", "ha", "ja", "ya",
                         "ngan", "tu", "bu", "de", "ke", "se", "mu", "ku", "pe", "ga", "wa", "na", "ti", "ni", "si", "lu", "ru", "pu", "hu", "da"]
    static let rare = ["zo", "qu", "vex", "gro", "xan", "kru", "flo", "bri", "zar", "quo", "vin", "gri", "plo", "tra", "sko", "dro", "vel", "zun"]

    func run() throws {
        var random = Generator(state: 2026)
        var watched: [String] = []
        var seen = Set<String>()
        while watched.count < terms {
            var word = ""
            for index in 0..<(2 + Int(random.next() % 3)) { word += index == 0 ? random.pick(Self.rare) : random.pick(Self.rare + Self.common) }
            if seen.insert(word).inserted { watched.append(word) }
        }
        let matcher = WatchlistMatcher([WatchlistDefinition(id: "bench", name: "bench", category: "perjudian", threshold: 1,
                                                            terms: watched.map { WatchTerm(text: $0) })])
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let normalizedTerms = watched.map(TextNormalizer.normalizeTerm)
        try (normalizedTerms.joined(separator: "\n") + "\n").write(toFile: out + "/terms.txt", atomically: true, encoding: .utf8)

        // Posts of about 300–2,000 bytes; one word in fifty a watched term, some obfuscated.
        FileManager.default.createFile(atPath: out + "/corpus.txt", contents: nil)
        guard let corpusFile = FileHandle(forWritingAtPath: out + "/corpus.txt") else { throw ValidationError("--out: cannot write \(out)") }
        var posts: [String] = []
        var total = 0
        let target = megabytes * 1_000_000
        while total < target {
            var post = ""
            let words = 50 + Int(random.next() % 250)
            for index in 0..<words {
                if index > 0 { post += random.next() % 12 == 0 ? ". " : " " }
                if random.next() % 50 == 0 {
                    var term = random.pick(watched)
                    switch random.next() % 4 {
                    case 0: term = term.replacingOccurrences(of: "o", with: "0").replacingOccurrences(of: "a", with: "4")
                    case 1: term = term.uppercased()
                    case 2: term = random.pick(["ber", "di", "per", "ke"]) + term + random.pick(["", "an", "nya"])
                    default: break
                    }
                    post += term
                } else {
                    var word = ""
                    for _ in 0..<(1 + Int(random.next() % 3)) { word += random.pick(Self.common) }
                    post += word
                }
            }
            total += post.utf8.count + 1
            posts.append(post)
            if posts.count % 10_000 == 0 {
                corpusFile.write(Data((posts.suffix(10_000).joined(separator: "\n") + "\n").utf8))
            }
        }
        let rest = posts.count % 10_000
        if rest > 0 { corpusFile.write(Data((posts.suffix(rest).joined(separator: "\n") + "\n").utf8)) }
        try corpusFile.close()
        let megabytesRead = Double(total) / 1_000_000
        print("terms: \(watched.count) (automaton: \(matcher.patternCount) patterns); corpus: \(posts.count) posts, \(String(format: "%.1f", megabytesRead)) MB")

        // 1. Normalise and match each post, as intake will.
        var matches = 0
        var start = DispatchTime.now().uptimeNanoseconds
        for post in posts { matches += matcher.match(post).matches.count }
        let fullSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "normalise + match, per post: %.2f s, %.1f MB/s, %d matches (whole words, affixes allowed)", fullSeconds, megabytesRead / fullSeconds, matches))

        // 2. The automaton alone over the normalised corpus (what the peers run on).
        var normalized: [UInt8] = []
        normalized.reserveCapacity(total)
        start = DispatchTime.now().uptimeNanoseconds
        for post in posts {
            normalized += TextNormalizer.normalize(post).bytes
            normalized.append(0x0A)
        }
        let normalizeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "normalise alone: %.2f s, %.1f MB/s", normalizeSeconds, megabytesRead / normalizeSeconds))
        FileManager.default.createFile(atPath: out + "/normalized.txt", contents: Data(normalized))
        let automaton = AhoCorasick(patterns: normalizedTerms.map { Array($0.utf8) })
        var best = Double.infinity
        var occurrences = 0
        for _ in 0..<max(1, runs) {
            start = DispatchTime.now().uptimeNanoseconds
            occurrences = normalized.withUnsafeBufferPointer { automaton.countMatches($0) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let normalizedMB = Double(normalized.count) / 1_000_000
        print(String(format: "match alone (automaton, %d states): %.2f s, %.1f MB/s of normalised text, %d occurrences (substrings, as the peers count)",
                     automaton.stateCount, best, normalizedMB / best, occurrences))
    }
}
