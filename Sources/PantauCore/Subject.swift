import Foundation

/// A platform on which reported content lives. `web` stands for any website.
public enum Platform: String, Sendable, CaseIterable, Codable, Hashable {
    case tiktok, x, facebook, instagram, youtube, line, web

    /// Human name used in pages and letters.
    public var displayName: String {
        switch self {
        case .tiktok: "TikTok"
        case .x: "X (Twitter)"
        case .facebook: "Facebook"
        case .instagram: "Instagram"
        case .youtube: "YouTube"
        case .line: "LINE"
        case .web: "Situs web"
        }
    }

    /// The platform's name in the page's language (only "Situs web" / "Website" differs).
    public func name(english: Bool) -> String { english && self == .web ? "Website" : displayName }
}

/// What kind of thing a subject is on its platform.
public enum SubjectKind: String, Sendable, CaseIterable, Codable, Hashable {
    case account, video, post, channel, shortlink, domain, url
}

/// The canonical form of a reported thing. Its `key` (`PLATFORM:KIND:ID`) is a
/// public contract: it appears in the API, in exports and in case pages.
public struct Subject: Sendable, Hashable, Codable {
    public let platform: Platform
    public let kind: SubjectKind
    public let id: String
    /// A URL that opens the subject; canonicalising it again gives the same key.
    public let url: String

    public init(platform: Platform, kind: SubjectKind, id: String, url: String) {
        self.platform = platform
        self.kind = kind
        self.id = id
        self.url = url
    }

    public var key: String { "\(platform.rawValue):\(kind.rawValue):\(id)" }

    /// What people read instead of the key: "Akun TikTok @judi.slot.gacor88",
    /// "Video TikTok 7301234567890", "Situs judi.example".
    public func title(english: Bool) -> String {
        let name = platform.name(english: english)
        switch kind {
        case .account:
            let handle = platform == .web ? id : "@" + id
            return english ? "\(name) account \(handle)" : "Akun \(name) \(handle)"
        case .channel: return english ? "\(name) channel \(id)" : "Kanal \(name) \(id)"
        case .video: return english ? "\(name) video \(id)" : "Video \(name) \(id)"
        case .post: return english ? "\(name) post \(id)" : "Unggahan \(name) \(id)"
        case .shortlink: return english ? "\(name) short link \(id)" : "Tautan pendek \(name) \(id)"
        case .domain: return english ? "Website \(id)" : "Situs \(id)"
        case .url: return english ? "Web page \(id)" : "Halaman web \(id)"
        }
    }

    /// The title of a stored key; a key that does not parse is shown as it is.
    public static func title(ofKey key: String, english: Bool) -> String {
        fromKey(key)?.title(english: english) ?? key
    }

    /// Parses a subject key back into its parts (the URL is rebuilt).
    public static func fromKey(_ key: String) -> Subject? {
        let parts = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3,
              let platform = Platform(rawValue: String(parts[0])),
              let kind = SubjectKind(rawValue: String(parts[1])),
              !parts[2].isEmpty
        else { return nil }
        let id = String(parts[2])
        return Subject(platform: platform, kind: kind, id: id, url: SubjectCanonicalizer.canonicalURL(platform: platform, kind: kind, id: id))
    }
}

/// Why an input could not be turned into a subject. The message is shown to
/// reporters, so it is plain and says what to do.
public struct SubjectError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case empty, tooLong = "too_long", controlCharacters = "control_characters"
        case unsupportedScheme = "unsupported_scheme", notAURL = "not_a_url"
        case invalidHost = "invalid_host", invalidHandle = "invalid_handle"
        case handleNeedsPlatform = "handle_needs_platform", unrecognised
    }
    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

/// Subjects related to another: the same subject in other cases, the
/// account a post's URL names, the domain of a web address and its pages.
public enum RelatedSubjects {
    public static func lookups(for subject: Subject) -> (keys: [String], keyPrefixes: [String]) {
        var keys = [subject.key]
        var prefixes: [String] = []
        switch (subject.platform, subject.kind) {
        case (.web, .domain):
            keys.append("web:url:\(subject.id)")
            prefixes.append("web:url:\(subject.id)/")
        case (.web, .url):
            let host = String(subject.id.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
            keys += ["web:domain:\(host)", "web:url:\(host)"]
            prefixes.append("web:url:\(host)/")
        case (_, .account), (_, .channel):
            break
        default:
            // Post URLs often name their account: …/@handle/video/123.
            if let at = subject.url.range(of: "/@") {
                let handle = subject.url[at.upperBound...].prefix { $0 != "/" && $0 != "?" }.lowercased()
                if !handle.isEmpty { keys.append("\(subject.platform.rawValue):account:\(handle)") }
            }
        }
        return (keys, prefixes)
    }
}
