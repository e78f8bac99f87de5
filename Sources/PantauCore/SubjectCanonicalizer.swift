import Foundation

/// Maps whatever a reporter typed or pasted — a URL in any of its real-world
/// spellings, or a handle with its platform — to one canonical `Subject`.
///
/// Rules (see the README's "Canonical subjects" section for the full table):
/// - scheme optional (https assumed), host lower-cased and punycoded, default
///   ports, fragments, user-info, dot segments and trailing slashes dropped;
/// - platform hosts recognised with their mobile, regional and short-link
///   forms (`m.`, `mobile.`, `vm.`/`vt.`, `twitter.com` = `x.com`, `youtu.be`…);
/// - tracking parameters removed (`trackingParameters`, and
///   `platformTrackingParameters` on platform hosts);
/// - a web address whose path is `/` or empty (after that clean-up) is the
///   domain subject; other web addresses are `web:url:` with the scheme left
///   out of the key, so http and https spellings are one subject.
public enum SubjectCanonicalizer {
    /// Longest input accepted, in characters.
    public static let maximumInputLength = 2048

    /// Query parameters removed from every URL: they track people, not content.
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
        "igshid", "igsh", "_ga", "_gl", "mibextid", "twclid", "ttclid",
    ]
    /// Prefixes of tracking parameters removed from every URL (`utm_source`…).
    public static let trackingParameterPrefixes: [String] = ["utm_"]
    /// Further parameters removed on platform hosts only, where they never
    /// name content (on an arbitrary website `s` or `t` may well do).
    public static let platformTrackingParameters: Set<String> = [
        "si", "s", "t", "feature", "is_from_webapp", "sender_device", "sender_web_id", "is_copy_url",
        "share_app_id", "share_link_id", "share_item_id", "tt_from", "u_code", "_r", "_t", "ref", "ref_src",
        "ref_url", "refer", "app", "lang", "rdid", "sfnsn", "__cft__", "__tn__", "pp", "ab_channel", "hl",
        "utm_medium", "checkpoint", "web_id", "source", "enter_method", "embed_source", "is_video",
    ]

    // MARK: Entry points

    /// Canonicalises a URL, or a handle when `platform` is given (a bare
    /// `@name` or `name`).
    public static func canonicalize(_ rawInput: String, platform: Platform? = nil) throws(SubjectError) -> Subject {
        let input = trimmedWhitespace(rawInput)
        guard !input.isEmpty else { throw SubjectError(.empty, "Nothing was given: enter a link (URL) or an account name.") }
        // Nearly every input is ASCII: check its bytes instead of walking
        // Characters (grapheme breaking and Unicode property lookups).
        let isASCII = input.utf8.allSatisfy { $0 < 0x80 }
        guard (isASCII ? input.utf8.count : input.count) <= maximumInputLength else {
            throw SubjectError(.tooLong, "The link is longer than \(maximumInputLength) characters.")
        }
        let hasControl = isASCII ? input.utf8.contains { $0 < 0x20 || $0 == 0x7F } : input.unicodeScalars.contains(where: isControlOrFormat)
        guard !hasControl else {
            throw SubjectError(.controlCharacters, "The text contains control characters.")
        }
        // (ASCII white space other than the space is a control character, refused above.)
        let hasSpace = isASCII ? input.utf8.contains(UInt8(ascii: " ")) : input.contains(where: { $0.isWhitespace })
        guard !hasSpace else {
            throw SubjectError(.notAURL, "A link or account name cannot contain spaces.")
        }
        if let colon = input.firstIndex(of: ":"), input[..<colon].allSatisfy({ $0.isLetter }) {
            let scheme = input[..<colon].lowercased()
            guard scheme == "http" || scheme == "https" || input[input.index(after: colon)...].first?.isNumber == true else {
                throw SubjectError(.unsupportedScheme, "Only http and https addresses can be reported (got \(scheme):).")
            }
        }
        if let platform, platform != .web, isHandleShaped(input) {
            return try handle(input, platform: platform)
        }
        if isHandleShaped(input) && !input.containsASCII(".") || input.hasPrefix("@") {
            throw SubjectError(.handleNeedsPlatform, "'\(input)' looks like an account name: say which platform it is on, or paste the full link.")
        }
        guard input.containsASCII(".") || input.lowercased().hasPrefix("http") else {
            throw SubjectError(.notAURL, "'\(input)' is neither a link (URL) nor an account name.")
        }
        let url = try ParsedURL.parse(input)
        return try subject(for: url)
    }

    /// Canonicalises an account name on `platform`.
    public static func handle(_ rawHandle: String, platform: Platform) throws(SubjectError) -> Subject {
        var name = rawHandle.trimmingCharacters(in: .whitespaces)
        while name.hasPrefix("@") { name.removeFirst() }
        name = name.lowercased()
        switch platform {
        case .web:
            return try canonicalize(name)
        case .youtube where name.hasPrefix("uc") && rawHandle.count >= 24 && !rawHandle.hasPrefix("@"):
            let original = rawHandle.trimmingCharacters(in: .whitespaces)
            guard isYouTubeChannelID(original) else { break }
            return make(.youtube, .channel, original)
        case .facebook:
            guard isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789.", maxLength: 50) else { break }
            return make(.facebook, .account, name)
        default:
            let allowed = platform == .x ? "abcdefghijklmnopqrstuvwxyz0123456789_" : "abcdefghijklmnopqrstuvwxyz0123456789._-"
            let maxLength = platform == .x ? 15 : 50
            guard isValidHandle(name, allowed: allowed, maxLength: maxLength) else { break }
            return make(platform, .account, name)
        }
        throw SubjectError(.invalidHandle, "'\(rawHandle)' is not a valid \(platform.displayName) account name.")
    }

    /// The URL that stands for a subject: canonicalising it gives the same key.
    public static func canonicalURL(platform: Platform, kind: SubjectKind, id: String) -> String {
        switch (platform, kind) {
        case (.tiktok, .video): "https://m.tiktok.com/v/\(id).html"
        case (.tiktok, .account): "https://www.tiktok.com/@\(id)"
        case (.tiktok, .shortlink): "https://vm.tiktok.com/\(id)/"
        case (.x, .post): "https://x.com/i/status/\(id)"
        case (.x, .account): "https://x.com/\(id)"
        case (.x, .shortlink): "https://t.co/\(id)"
        case (.instagram, .post): "https://www.instagram.com/p/\(id)/"
        case (.instagram, .account): "https://www.instagram.com/\(id)/"
        case (.facebook, .video): "https://www.facebook.com/watch/?v=\(id)"
        case (.facebook, .account):
            id.allSatisfy(\.isNumber) ? "https://www.facebook.com/profile.php?id=\(id)" : "https://www.facebook.com/\(id)"
        case (.facebook, .shortlink): "https://fb.watch/\(id)/"
        case (.facebook, .post): "https://www.facebook.com/permalink.php?story_fbid=\(id)"
        case (.youtube, .video): "https://www.youtube.com/watch?v=\(id)"
        case (.youtube, .account): "https://www.youtube.com/@\(id)"
        case (.youtube, .channel): "https://www.youtube.com/channel/\(id)"
        case (.line, .account): "https://line.me/R/ti/p/@\(id)"
        case (.web, .domain): "https://\(id)/"
        case (.web, .url): "https://\(id)"
        default: "https://\(id)"
        }
    }

    // MARK: Platform rules

    private static func subject(for url: ParsedURL) throws(SubjectError) -> Subject {
        var url = url
        url.query.removeAll { isTrackingParameter($0.name) }
        let host = url.host
        func on(_ domains: String...) -> Bool {
            domains.contains { host == $0 || host.hasSuffix("." + $0) }
        }
        if on("tiktok.com"), let s = tiktok(url) { return s }
        if on("x.com", "twitter.com", "t.co"), let s = x(url) { return s }
        if on("instagram.com", "instagr.am"), let s = instagram(url) { return s }
        if on("facebook.com", "fb.com", "fb.watch"), let s = facebook(url) { return s }
        if on("youtube.com", "youtu.be", "youtube-nocookie.com"), let s = youtube(url) { return s }
        if on("line.me"), let s = line(url) { return s }
        return web(url, onPlatformHost: on("tiktok.com", "x.com", "twitter.com", "instagram.com", "facebook.com", "youtube.com", "line.me"))
    }

    private static func tiktok(_ url: ParsedURL) -> Subject? {
        let p = url.pathSegments
        if url.host == "vm.tiktok.com" || url.host == "vt.tiktok.com", p.count == 1, isToken(p[0]) {
            return make(.tiktok, .shortlink, p[0])
        }
        if p.count == 2, p[0] == "t", isToken(p[1]) { return make(.tiktok, .shortlink, p[1]) }
        if p.count >= 3, p[0].hasPrefix("@"), ["video", "photo"].contains(p[1]), isDigits(p[2]) {
            return make(.tiktok, .video, p[2])
        }
        if p.count == 2, p[0] == "v", p[1].hasSuffix(".html"), isDigits(String(p[1].dropLast(5))) {
            return make(.tiktok, .video, String(p[1].dropLast(5)))
        }
        if p.count == 2, ["video", "v"].contains(p[0]), isDigits(p[1]) { return make(.tiktok, .video, p[1]) }
        if p.count >= 2, p[0] == "embed" {
            if let id = p.last, isDigits(id) { return make(.tiktok, .video, id) }
        }
        if p.count >= 1, p[0].hasPrefix("@"), p.count == 1 || p[1] == "live" {
            let name = String(p[0].dropFirst()).lowercased()
            if isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789._", maxLength: 50) {
                return make(.tiktok, .account, name)
            }
        }
        if p.isEmpty, let id = url.queryValue("share_item_id") ?? url.queryValue("item_id"), isDigits(id) {
            return make(.tiktok, .video, id)
        }
        return nil
    }

    private static let xReserved: Set<String> = [
        "home", "explore", "search", "i", "settings", "messages", "notifications", "hashtag", "intent",
        "share", "login", "logout", "signup", "tos", "privacy", "compose", "about", "jobs", "download",
    ]

    private static func x(_ url: ParsedURL) -> Subject? {
        let p = url.pathSegments
        if url.host == "t.co", p.count == 1, isToken(p[0]) { return make(.x, .shortlink, p[0]) }
        if let i = p.firstIndex(where: { $0 == "status" || $0 == "statuses" }), i + 1 < p.count, isDigits(p[i + 1]) {
            return make(.x, .post, p[i + 1])
        }
        if p.count >= 2, p[0] == "intent", p[1] == "user" || p[1] == "follow",
           let name = url.queryValue("screen_name")?.lowercased(), isValidHandle(name, allowed: xHandleCharacters, maxLength: 15) {
            return make(.x, .account, name)
        }
        if p.count >= 1, p.count <= 2, !xReserved.contains(p[0].lowercased()) {
            let name = p[0].lowercased().replacingOccurrences(of: "@", with: "")
            if p.count == 2, !["with_replies", "media", "likes", "highlights", "photo", "header_photo"].contains(p[1]) { return nil }
            if isValidHandle(name, allowed: xHandleCharacters, maxLength: 15) { return make(.x, .account, name) }
        }
        return nil
    }
    private static let xHandleCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_"

    private static let instagramReserved: Set<String> = [
        "explore", "accounts", "direct", "about", "legal", "developer", "stories", "reels", "p", "reel", "tv", "web", "emails",
    ]

    private static func instagram(_ url: ParsedURL) -> Subject? {
        let p = url.pathSegments
        for (i, segment) in p.enumerated() where ["p", "reel", "reels", "tv"].contains(segment) && i <= 1 {
            if i + 1 < p.count, isShortcode(p[i + 1]) { return make(.instagram, .post, p[i + 1]) }
        }
        if p.count >= 2, p[0] == "stories", p[1] != "highlights" {
            let name = p[1].lowercased()
            if isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789._", maxLength: 30) { return make(.instagram, .account, name) }
        }
        if p.count == 1 || (p.count == 2 && ["reels", "tagged", "guide"].contains(p[1])), !instagramReserved.contains(p[0].lowercased()) {
            let name = p[0].lowercased().replacingOccurrences(of: "@", with: "")
            if isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789._", maxLength: 30) { return make(.instagram, .account, name) }
        }
        return nil
    }

    private static let facebookReserved: Set<String> = [
        "watch", "groups", "pages", "events", "marketplace", "login", "login.php", "share", "sharer", "sharer.php",
        "story.php", "permalink.php", "photo.php", "photo", "photos", "video.php", "reel", "reels", "home.php",
        "gaming", "help", "policies", "privacy", "settings", "hashtag", "search", "l.php", "dialog", "plugins", "profile.php", "people",
    ]

    private static func facebook(_ url: ParsedURL) -> Subject? {
        let p = url.pathSegments
        if url.host == "fb.watch" || url.host.hasSuffix(".fb.watch"), p.count == 1, isToken(p[0]) {
            return make(.facebook, .shortlink, p[0])
        }
        if p.first == "watch" || p.first == "video.php", let v = url.queryValue("v"), isDigits(v) { return make(.facebook, .video, v) }
        if p.count >= 2, p[0] == "reel" || p[0] == "watch", isDigits(p[1]) { return make(.facebook, .video, p[1]) }
        if p.count >= 2, p[1] == "videos", let id = p.dropFirst(2).last(where: isDigits) { return make(.facebook, .video, id) }
        if p.first == "profile.php", let id = url.queryValue("id"), isDigits(id) { return make(.facebook, .account, id) }
        if p.first == "permalink.php" || p.first == "story.php", let id = url.queryValue("story_fbid"), isDigits(id) { return make(.facebook, .post, id) }
        if p.count >= 3, p[0] == "people", isDigits(p[2]) { return make(.facebook, .account, p[2]) }
        if p.count == 1 || (p.count == 2 && ["about", "photos", "videos", "reels", "friends", "posts"].contains(p[1])),
           !facebookReserved.contains(p[0].lowercased()) {
            let name = p[0].lowercased()
            if isDigits(name) { return make(.facebook, .account, name) }
            if isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789.", maxLength: 50) { return make(.facebook, .account, name) }
        }
        return nil
    }

    private static func youtube(_ url: ParsedURL) -> Subject? {
        let p = url.pathSegments
        if url.host == "youtu.be" || url.host.hasSuffix(".youtu.be") {
            if let first = p.first, isYouTubeVideoID(first) { return make(.youtube, .video, first) }
            return nil
        }
        if p.first == "watch", let v = url.queryValue("v"), isYouTubeVideoID(v) { return make(.youtube, .video, v) }
        if p.count >= 2, ["shorts", "embed", "live", "v", "e"].contains(p[0]), isYouTubeVideoID(p[1]) {
            return make(.youtube, .video, p[1])
        }
        if let first = p.first, first.hasPrefix("@"), first.count > 1 {
            let name = String(first.dropFirst()).lowercased()
            if isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789._-", maxLength: 100) { return make(.youtube, .account, name) }
        }
        if p.count >= 2, p[0] == "channel", isYouTubeChannelID(p[1]) { return make(.youtube, .channel, p[1]) }
        if p.count >= 2, p[0] == "c" || p[0] == "user" {
            let name = p[1].lowercased()
            if isValidHandle(name, allowed: "abcdefghijklmnopqrstuvwxyz0123456789._-", maxLength: 100) { return make(.youtube, .account, name) }
        }
        return nil
    }

    private static func line(_ url: ParsedURL) -> Subject? {
        let p = url.pathSegments
        var candidate: String?
        if let ti = p.firstIndex(of: "ti"), ti + 2 < p.count, p[ti + 1] == "p" { candidate = p[ti + 2] }
        if url.host == "page.line.me", let first = p.first { candidate = first }
        guard var id = candidate.map({ ParsedURL.percentDecode($0) ?? $0 }) else { return nil }
        while id.hasPrefix("@") { id.removeFirst() }
        id = id.lowercased()
        return isValidHandle(id, allowed: "abcdefghijklmnopqrstuvwxyz0123456789._-", maxLength: 50) ? make(.line, .account, id) : nil
    }

    private static func web(_ url: ParsedURL, onPlatformHost: Bool) -> Subject {
        var url = url
        if onPlatformHost { url.query.removeAll { platformTrackingParameters.contains($0.name.lowercased()) } }
        url.query.sort { ($0.name, $0.value ?? "") < ($1.name, $1.value ?? "") }
        if url.pathSegments.isEmpty, url.query.isEmpty, url.port == nil {
            return Subject(platform: .web, kind: .domain, id: url.host, url: "\(url.scheme)://\(url.host)/")
        }
        var idPart = url.authority + url.pathString
        if !url.query.isEmpty { idPart += "?" + url.queryString }
        return Subject(platform: .web, kind: .url, id: idPart, url: "\(url.scheme)://\(idPart)")
    }

    // MARK: Helpers

    private static func isControlOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value < 0x20 || scalar.value == 0x7F }
        let category = scalar.properties.generalCategory
        return category == .control || (category == .format && scalar != "\u{200D}")
    }

    static func isTrackingParameter(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return trackingParameters.contains(lowered) || trackingParameterPrefixes.contains { lowered.hasPrefix($0) }
    }

    private static func make(_ platform: Platform, _ kind: SubjectKind, _ id: String) -> Subject {
        Subject(platform: platform, kind: kind, id: id, url: canonicalURL(platform: platform, kind: kind, id: id))
    }

    private static func isDigits(_ s: String) -> Bool { !s.isEmpty && s.count <= 25 && s.allSatisfy { $0.isASCII && $0.isNumber } }

    private static func isToken(_ s: String) -> Bool {
        (1...32).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private static func isShortcode(_ s: String) -> Bool {
        (5...64).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private static func isYouTubeVideoID(_ s: String) -> Bool {
        s.count == 11 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private static func isYouTubeChannelID(_ s: String) -> Bool {
        s.count == 24 && s.hasPrefix("UC") && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    static func isValidHandle(_ name: String, allowed: String, maxLength: Int) -> Bool {
        !name.isEmpty && name.count <= maxLength && name.allSatisfy { allowed.contains($0) }
            && name.contains { $0.isLetter || $0.isNumber }
    }

    private static func isHandleShaped(_ input: String) -> Bool {
        var name = Substring(input)
        while name.hasPrefix("@") { name = name.dropFirst() }
        return !name.isEmpty && name.count <= 100 && !name.containsASCII("/") && !name.containsASCII(":")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
