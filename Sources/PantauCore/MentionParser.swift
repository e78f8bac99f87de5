import Foundation

/// Reads a mention of the regulator's official account (Indonesian or
/// English) and finds what is being reported and a category hint.
public enum MentionParser {
    /// Words and phrases people actually use, mapped to category slugs. A
    /// mention's hint is the most severe category whose word appears (as a
    /// whole word or phrase, case-insensitive). Documented in the README.
    public static let categoryHints: [(category: String, words: [String])] = [
        ("pornografi_anak", ["pornografi anak", "porno anak", "pedofil", "pedofilia", "pedo", "csam", "child porn", "eksploitasi anak"]),
        ("terorisme", ["teroris", "terorisme", "radikal", "radikalisme", "isis", "jihadis", "bom bunuh diri"]),
        ("pornografi", ["porno", "porn", "pornografi", "bokep", "asusila", "mesum", "cabul", "vulgar", "bugil", "telanjang",
                        "konten dewasa", "video dewasa", "nsfw", "open bo", "openbo", "18+", "tidak senonoh", "senonoh"]),
        ("perjudian", ["judi", "judol", "judi online", "slot", "gacor", "togel", "kasino", "casino", "maxwin", "taruhan", "betting", "sbobet"]),
        ("sara", ["sara", "rasis", "rasisme", "ujaran kebencian", "hate speech", "kebencian"]),
        ("separatisme", ["separatis", "separatisme", "makar"]),
        ("kekerasan", ["kekerasan", "sadis", "gore", "penganiayaan", "violence", "perundungan", "bullying"]),
        ("meresahkan_masyarakat", ["meresahkan", "provokasi", "provokatif", "menghasut"]),
        ("penipuan", ["penipuan", "penipu", "scam", "scammer", "tipu", "nipu", "phishing", "bodong", "investasi bodong", "fraud"]),
        ("pinjol_ilegal", ["pinjol", "pinjol ilegal", "pinjaman online", "pinjaman online ilegal", "rentenir online"]),
        ("hoaks", ["hoaks", "hoax", "hoaxs", "berita bohong", "disinformasi", "misinformasi", "fake news", "kabar bohong"]),
        ("produk_ilegal", ["obat ilegal", "obat keras", "kosmetik ilegal", "tanpa bpom", "obat aborsi", "narkoba"]),
        ("fitnah", ["fitnah", "pencemaran nama baik", "defamation"]),
        ("pelanggaran_hki", ["bajakan", "pembajakan", "piracy", "hak cipta", "copyright"]),
    ]

    public struct Target: Sendable, Equatable {
        public let subject: Subject
        /// What in the mention named it (the @handle, URL or reply).
        public let source: String
    }

    public struct Result: Sendable, Equatable {
        public let targets: [Target]
        /// The category hint, or nil when no word matched.
        public let categoryHint: String?
    }

    /// - Parameters:
    ///   - text: the mention's text;
    ///   - urls: URLs the platform expanded for it (short links already resolved);
    ///   - inReplyTo: the post the mention answers (an id, @handle or URL), used
    ///     only when the text names no target;
    ///   - platform: where the mention was made;
    ///   - officialHandles: the regulator's own handles, never a target.
    public static func parse(text: String, urls: [String], inReplyTo: String?, platform: Platform,
                             officialHandles: Set<String>, categories: CategoryIndex) -> Result {
        var targets: [Target] = []
        var seen: Set<String> = []
        func add(_ subject: Subject, _ source: String) {
            if seen.insert(subject.key).inserted { targets.append(Target(subject: subject, source: source)) }
        }
        let official = Set(officialHandles.map { $0.lowercased() })
        var urlsInText: [String] = []
        for token in text.split(whereSeparator: { $0.isWhitespace }) {
            let word = trimPunctuation(String(token))
            if word.hasPrefix("@") {
                let handle = String(word.dropFirst()).lowercased()
                guard !handle.isEmpty, !official.contains(handle) else { continue }
                if let subject = try? SubjectCanonicalizer.handle(handle, platform: platform) { add(subject, word) }
            } else if looksLikeURL(word) {
                urlsInText.append(word)
            } else if let domain = bareDomain(word) {
                urlsInText.append("http://" + domain)
            }
        }
        for url in urls + urlsInText {
            if let subject = try? SubjectCanonicalizer.canonicalize(url), !isOfficial(subject, official, platform) { add(subject, url) }
        }
        if targets.isEmpty, let reply = inReplyTo?.trimmingCharacters(in: .whitespaces), !reply.isEmpty {
            if let subject = replySubject(reply, platform: platform), !isOfficial(subject, official, platform) { add(subject, reply) }
        }
        return Result(targets: targets, categoryHint: categoryHint(in: text, categories: categories))
    }

    /// The most severe category hinted at by `text`, or nil.
    public static func categoryHint(in text: String, categories: CategoryIndex) -> String? {
        let normalised = " " + text.lowercased().map { ch -> Character in
            ch.isLetter || ch.isNumber || ch == "+" ? ch : " "
        }.split(separator: " ").joined(separator: " ") + " "
        var best: String?
        for (category, words) in categoryHints where words.contains(where: { normalised.contains(" \($0) ") }) {
            if let current = best {
                best = categories.moreSevere(current, category)
            } else {
                best = category
            }
        }
        return best
    }

    private static func replySubject(_ reply: String, platform: Platform) -> Subject? {
        if reply.hasPrefix("@") { return try? SubjectCanonicalizer.handle(reply, platform: platform) }
        if reply.allSatisfy(\.isNumber) {
            switch platform {
            case .tiktok: return try? SubjectCanonicalizer.canonicalize("https://m.tiktok.com/v/\(reply).html")
            case .x: return try? SubjectCanonicalizer.canonicalize("https://x.com/i/status/\(reply)")
            case .facebook: return try? SubjectCanonicalizer.canonicalize("https://www.facebook.com/watch/?v=\(reply)")
            default: return nil
            }
        }
        return try? SubjectCanonicalizer.canonicalize(reply)
    }

    private static func isOfficial(_ subject: Subject, _ official: Set<String>, _ platform: Platform) -> Bool {
        subject.kind == .account && subject.platform == platform && official.contains(subject.id)
    }

    private static func looksLikeURL(_ word: String) -> Bool {
        let lower = word.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return true }
        // Bare links such as "tiktok.com/@x" or "vt.tiktok.com/ZSabc/".
        guard let slash = lower.firstIndex(of: "/") else { return false }
        let host = lower[..<slash]
        return host.containsASCII(".") && host.split(separator: ".").last.map { $0.count >= 2 && $0.allSatisfy(\.isLetter) } == true
    }

    /// Top-level domains that are also common file extensions: a bare
    /// `video.mov`, `foto.zip` or `skrip.sh` in a sentence is a file, not a
    /// site (with a scheme or a path such names are still taken as links).
    static let fileExtensionDomains: Set<String> = ["zip", "mov", "sh", "py", "md", "pl", "rs", "so", "ps"]

    /// A website named as people write it, without a scheme ("ada situs judi
    /// namasitus.com"): letters, digits and hyphens in dot-separated labels,
    /// under a listed public suffix with a registered name before it.
    /// Numbers ("1.350.000"), times ("09.00"), abbreviations ("a.n.", "dll.")
    /// and file names ("video.mp4") are not.
    static func bareDomain(_ word: String) -> String? {
        let host = word.lowercased()
        guard host.count <= 253, host.contains("."), !host.hasPrefix("."), !host.hasSuffix("."),
              host.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." })
        else { return nil }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ (1...63).contains($0.count) && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              let tld = labels.last, tld.allSatisfy(\.isLetter) || tld.hasPrefix("xn--"), !fileExtensionDomains.contains(String(tld)),
              PublicSuffix.registeredDomain(of: host) != nil
        else { return nil }
        return host
    }

    private static func trimPunctuation(_ word: String) -> String {
        var w = Substring(word)
        let trailing: Set<Character> = [".", ",", "!", "?", ";", ":", ")", "(", "\"", "'", "…", "]", "["]
        while let last = w.last, trailing.contains(last) { w = w.dropLast() }
        while let first = w.first, "(\"'[".contains(first) { w = w.dropFirst() }
        return String(w)
    }
}
