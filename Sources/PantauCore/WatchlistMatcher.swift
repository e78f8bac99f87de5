import Foundation

/// One entry of a watchlist: a word, a phrase, a hashtag, an account or a
/// domain, with its weight and the phrases that make it innocent ("slot"
/// but not "slot waktu").
public struct WatchTerm: Sendable, Equatable, Codable {
    public var text: String
    public var weight: Double
    public var exclusions: [String]
    /// Off: kept in its list, not matched.
    public var active: Bool

    public init(text: String, weight: Double = 1, exclusions: [String] = [], active: Bool = true) {
        self.text = text
        self.weight = weight
        self.exclusions = exclusions
        self.active = active
    }

    /// What else than words a term watches: `@handle` also watches posts by
    /// that account, and a domain (`slot-gacor.example`) also watches links
    /// to it and its subdomains. Both are still matched as words in the text.
    public enum Target: Sendable, Equatable {
        case words
        case account(String)
        case domain(String)
    }

    public var target: Target {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("@") {
            let handle = String(trimmed.dropFirst())
            if (1...100).contains(handle.count), handle.unicodeScalars.allSatisfy({ Self.handleCharacters.contains($0) }) { return .account(handle) }
            return .words
        }
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, trimmed.count <= 253,
              labels.allSatisfy({ (1...63).contains($0.count) && $0.unicodeScalars.allSatisfy { Self.labelCharacters.contains($0) }
                  && $0.first != "-" && $0.last != "-" }),
              let last = labels.last, last.count >= 2, last.allSatisfy(\.isLetter)
        else { return .words }
        return .domain(trimmed.hasPrefix("www.") ? String(trimmed.dropFirst(4)) : trimmed)
    }

    private static let handleCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789._-")
    private static let labelCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-")
}

/// A watchlist as the matcher sees it: its terms, the category its
/// findings are filed under, and the score a text must reach to be a finding.
public struct WatchlistDefinition: Sendable, Equatable {
    public var id: String
    public var name: String
    public var category: String
    public var threshold: Double
    public var terms: [WatchTerm]
    public var active: Bool

    public init(id: String, name: String, category: String, threshold: Double, terms: [WatchTerm], active: Bool = true) {
        self.id = id
        self.name = name
        self.category = category
        self.threshold = threshold
        self.terms = terms
        self.active = active
    }

    /// Every problem with the watchlist as given, at most one per field.
    public func problems() -> [(field: String, id: String, en: String)] {
        var found: [(String, String, String)] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 200 { found.append(("name", "Nama daftar pantau 1–200 karakter.", "'name' has 1–200 characters.")) }
        if category.isEmpty { found.append(("category", "Pilih kategori.", "'category' is required.")) }
        if !(threshold > 0 && threshold <= 1_000) { found.append(("threshold", "Ambang lebih dari 0, paling besar 1.000.", "'threshold' is above 0 and at most 1000.")) }
        if terms.isEmpty || terms.count > 10_000 {
            found.append(("terms", "Isi 1 sampai 10.000 istilah.", "Give 1 to 10,000 terms."))
        } else if let bad = terms.firstIndex(where: { TextNormalizer.normalizeTerm($0.text).isEmpty || $0.text.count > 200 }) {
            found.append(("terms", "Istilah ke-\(bad + 1) kosong setelah dinormalisasi atau lebih dari 200 karakter.",
                          "Term \(bad + 1) is empty once normalised, or longer than 200 characters."))
        } else if let bad = terms.firstIndex(where: { !($0.weight > 0 && $0.weight <= 1_000) }) {
            found.append(("terms", "Bobot istilah ke-\(bad + 1) lebih dari 0, paling besar 1.000.", "The weight of term \(bad + 1) is above 0 and at most 1000."))
        } else if let bad = terms.firstIndex(where: { $0.exclusions.count > 50 || $0.exclusions.contains { TextNormalizer.normalizeTerm($0).isEmpty } }) {
            found.append(("terms", "Pengecualian istilah ke-\(bad + 1) kosong atau lebih dari 50.", "The exclusions of term \(bad + 1) are empty or more than 50."))
        }
        return found
    }
}

/// Finds every watched term in a text in one pass — after undoing the
/// obfuscations people use (`TextNormalizer`) — as whole words, allowing
/// Indonesian affixes (`berjudi`, `perjudian`, `judinya` match `judi`;
/// `judul` does not; `penipuan` matches `tipu`), and reports each match with
/// the whole word's offsets in the *original* text, in UTF-16 code units
/// (as JavaScript's `String` and `NSRange` count), so a page can highlight it.
public struct WatchlistMatcher: Sendable {
    public struct Match: Sendable, Equatable {
        public let watchlistID: String
        public let watchlistName: String
        public let term: String
        public let category: String
        public let weight: Double
        /// Where it was found: the text (offsets below), the author, or a link.
        public let field: Field
        /// UTF-16 offsets into the original text: the matched word(s),
        /// affixes included; for the author or a link, 0 and its length.
        public let start: Int
        public let end: Int
        /// The author or the link that matched (nil in the text).
        public let value: String?

        public init(watchlistID: String, watchlistName: String, term: String, category: String, weight: Double,
                    field: Field = .text, start: Int, end: Int, value: String? = nil) {
            self.watchlistID = watchlistID
            self.watchlistName = watchlistName
            self.term = term
            self.category = category
            self.weight = weight
            self.field = field
            self.start = start
            self.end = end
            self.value = value
        }
    }

    public enum Field: String, Sendable, Codable {
        case text, author, url
    }

    public struct Result: Sendable {
        public let matches: [Match]
        /// Per watchlist: the sum of the weights of its distinct terms found.
        public let scores: [String: Double]
        /// The sum over every watchlist.
        public var score: Double { scores.values.reduce(0, +) }
    }

    private enum Kind: Sendable {
        /// A term, or a form of it with a nasal prefix (`nipu` of `tipu`) that already holds its prefix.
        case term(Int, prefixed: Bool)
        /// An exclusion of a term.
        case exclusion(of: Int)
    }

    private struct Entry: Sendable {
        let list: Int
        let term: WatchTerm
    }

    private let lists: [WatchlistDefinition]
    private let entries: [Entry]
    private let kinds: [Kind]
    private let automaton: AhoCorasick
    /// Entries of `@handle` terms by handle, of domain terms by domain.
    private let accounts: [String: [Int]]
    private let domains: [String: [Int]]

    public var patternCount: Int { kinds.count }

    public init(_ watchlists: [WatchlistDefinition]) {
        lists = watchlists
        var entries: [Entry] = [], kinds: [Kind] = [], patterns: [[UInt8]] = []
        var accounts: [String: [Int]] = [:], domains: [String: [Int]] = [:]
        for (listIndex, list) in watchlists.enumerated() where list.active {
            for term in list.terms where term.active {
                let normalized = Array(TextNormalizer.normalizeTerm(term.text).utf8)
                guard !normalized.isEmpty else { continue }
                let id = entries.count
                entries.append(Entry(list: listIndex, term: term))
                switch term.target {
                case .words: break
                case .account(let handle): accounts[handle, default: []].append(id)
                case .domain(let domain): domains[domain, default: []].append(id)
                }
                patterns.append(normalized)
                kinds.append(.term(id, prefixed: false))
                for form in IndonesianAffixes.nasalForms(of: normalized) {
                    patterns.append(form)
                    kinds.append(.term(id, prefixed: true))
                }
                for exclusion in term.exclusions {
                    let bytes = Array(TextNormalizer.normalizeTerm(exclusion).utf8)
                    guard !bytes.isEmpty else { continue }
                    patterns.append(bytes)
                    kinds.append(.exclusion(of: id))
                }
            }
        }
        self.entries = entries
        self.kinds = kinds
        self.accounts = accounts
        self.domains = domains
        automaton = AhoCorasick(patterns: patterns)
    }

    public func match(_ text: String) -> Result { match(TextNormalizer.normalize(text)) }

    /// A post: its text, its author (`@handle` terms) and its links (domain terms).
    public func match(text: String, author: String?, urls: [String]) -> Result {
        var structured: [(entry: Int, field: Field, value: String)] = []
        if !accounts.isEmpty, let author {
            let handle = author.trimmingCharacters(in: CharacterSet(charactersIn: "@ ")).lowercased()
            for entry in accounts[handle] ?? [] { structured.append((entry, .author, author)) }
        }
        if !domains.isEmpty {
            for url in urls {
                guard var host = ParsedURL.host(of: url) else { continue }
                // The domain and every parent: a term for example.com watches www.example.com and a.b.example.com.
                while true {
                    for entry in domains[host] ?? [] { structured.append((entry, .url, url)) }
                    guard let dot = host.firstIndex(of: ".") else { break }
                    host = String(host[host.index(after: dot)...])
                }
            }
        }
        return match(TextNormalizer.normalize(text), structured: structured)
    }

    public func match(_ text: NormalizedText) -> Result { match(text, structured: []) }

    private func match(_ text: NormalizedText, structured: [(entry: Int, field: Field, value: String)]) -> Result {
        var found: [(entry: Int, start: Int, end: Int)] = []
        var excluded: [(entry: Int, start: Int, end: Int)] = []
        let bytes = text.bytes
        automaton.scan(bytes) { pattern, end in
            let start = end - Int(automaton.patternLengths[pattern])
            switch kinds[pattern] {
            case .term(let entry, let prefixed):
                if IndonesianAffixes.isWholeWord(bytes, text, start: start, end: end, prefixAllowed: !prefixed) { found.append((entry, start, end)) }
            case .exclusion(let entry):
                if IndonesianAffixes.isWholeWord(bytes, text, start: start, end: end, prefixAllowed: true) { excluded.append((entry, start, end)) }
            }
        }
        var matches: [Match] = []
        var seen = Set<[Int]>()
        var termsFound = Set<Int>()
        for hit in found {
            if excluded.contains(where: { $0.entry == hit.entry && $0.start <= hit.start && $0.end >= hit.end }) { continue }
            // The whole word, affixes included; in a word joined from single letters, the match itself.
            let wordStart = text.loose[hit.start] ? hit.start : Int(text.wordStart[hit.start])
            let wordEnd = text.loose[hit.end - 1] ? hit.end : Int(text.wordEnd[hit.end - 1])
            guard seen.insert([hit.entry, wordStart, wordEnd]).inserted else { continue }
            termsFound.insert(hit.entry)
            let entry = entries[hit.entry], list = lists[entry.list]
            matches.append(Match(watchlistID: list.id, watchlistName: list.name, term: entry.term.text, category: list.category, weight: entry.term.weight,
                                 start: Int(text.sourceStart[wordStart]), end: Int(text.sourceEnd[wordEnd - 1])))
        }
        for hit in structured {
            guard seen.insert([hit.entry, hit.field == .author ? -1 : -2, hit.value.hashValue]).inserted else { continue }
            termsFound.insert(hit.entry)
            let entry = entries[hit.entry], list = lists[entry.list]
            matches.append(Match(watchlistID: list.id, watchlistName: list.name, term: entry.term.text, category: list.category, weight: entry.term.weight,
                                 field: hit.field, start: 0, end: hit.value.utf16.count, value: hit.value))
        }
        var scores: [String: Double] = [:]
        for entry in termsFound { scores[lists[entries[entry].list].id, default: 0] += entries[entry].term.weight }
        matches.sort { ($0.field == .text ? 0 : 1, $0.start, $0.end, $0.term) < ($1.field == .text ? 0 : 1, $1.start, $1.end, $1.term) }
        return Result(matches: matches, scores: scores)
    }

    /// The watchlists whose score in `result` reaches their threshold.
    public func findings(_ result: Result) -> [WatchlistDefinition] {
        lists.filter { $0.active && (result.scores[$0.id] ?? 0) >= $0.threshold }
    }

    /// The watchlist a finding is filed under: of those whose threshold the
    /// text reaches, the one that scored highest (ties by name, so the
    /// choice is the same every time); nil when none is reached.
    public func topFinding(_ result: Result) -> WatchlistDefinition? {
        findings(result).max { (result.scores[$0.id] ?? 0, $1.name) < (result.scores[$1.id] ?? 0, $0.name) }
    }
}

/// Indonesian affixes around a watched word: what may stand before and
/// after it in the same word for the word still to be that word.
public enum IndonesianAffixes {
    /// Prefixes (meN-, peN-, ber-, di-, ke-, se-, ter-, per- and their
    /// combinations) as the normaliser writes them.
    static let prefixes: Set<[UInt8]> = {
        let first = ["di", "ke", "se", "ter", "ber", "be", "per", "pe", "me", "mem", "men", "meng", "meny", "pem", "pen", "peng", "peny"]
        let second = ["per", "ber", "ke", "ter", "pe"]
        var all = Set(first)
        for a in first { for b in second { all.insert(a + b) } }
        return Set(all.map { Array(TextNormalizer.normalizeTerm($0).utf8) })
    }()

    /// Suffixes: -an, -kan, -i, then a possessive (-ku, -mu, -nya), then a particle (-lah, -kah, -pun, -tah).
    static let suffixes: Set<[UInt8]> = {
        let derivational = ["", "an", "kan", "i"], possessive = ["", "ku", "mu", "nya"], particle = ["", "lah", "kah", "pun", "tah"]
        var all = Set<String>()
        for a in derivational { for b in possessive { for c in particle { all.insert(a + b + c) } } }
        all.remove("")
        return Set(all.map { Array(TextNormalizer.normalizeTerm($0).utf8) })
    }()

    /// The forms a one-word term takes after a nasal prefix that replaces its
    /// first letter: tipu → menipu/penipu, pukul → memukul, kirim → mengirim, sebar → menyebar.
    static func nasalForms(of term: [UInt8]) -> [[UInt8]] {
        guard term.count >= 3, !term.contains(0x20), let first = term.first else { return [] }
        let rest = Array(term.dropFirst())
        let nasal: [String]
        switch first {
        case UInt8(ascii: "t"): nasal = ["men", "pen"]
        case UInt8(ascii: "p"): nasal = ["mem", "pem"]
        case UInt8(ascii: "k"): nasal = ["meng", "peng"]
        case UInt8(ascii: "s"): nasal = ["meny", "peny"]
        default: return []
        }
        return nasal.map { Array(TextNormalizer.normalizeTerm($0).utf8) + rest }
    }

    /// Whether `[start, end)` of the normalised text is a whole word (or
    /// words), allowing a prefix before it and a suffix after it within its word.
    static func isWholeWord(_ bytes: [UInt8], _ text: NormalizedText, start: Int, end: Int, prefixAllowed: Bool) -> Bool {
        guard start >= 0, end > start, end <= bytes.count, bytes[start] != 0x20, bytes[end - 1] != 0x20 else { return false }
        let wordStart = Int(text.wordStart[start]), wordEnd = Int(text.wordEnd[end - 1])
        // The normaliser writes a doubled letter once, so an affix may have
        // given its letter to the word: "an" after "…a" reads "n".
        if wordStart < start && !text.loose[start] {
            let prefix = Array(bytes[wordStart..<start])
            guard prefixAllowed, prefixes.contains(prefix) || prefixes.contains(prefix + [bytes[start]]) else { return false }
        }
        if end < wordEnd && !text.loose[end - 1] {
            let suffix = Array(bytes[end..<wordEnd])
            guard suffixes.contains(suffix) || suffixes.contains([bytes[end - 1]] + suffix) else { return false }
        }
        return true
    }
}
