import Foundation

/// The rules for the posts monitoring receives from platforms: which
/// subject a post is (what a finding on it reports), and how often one
/// subject may become a report.
public enum MonitoredPost {
    /// The platforms whose public posts can be monitored, and the kind of
    /// subject a post is there (a TikTok or YouTube post is a video).
    public static func subjectKind(on platform: Platform) -> SubjectKind? {
        switch platform {
        case .tiktok, .youtube: .video
        case .x, .instagram, .facebook: .post
        case .line, .web: nil
        }
    }

    /// The subject a post is, or why its id cannot be one. The post's
    /// canonical URL must canonicalise back to the same subject, so an id
    /// the platform would never give (letters in a TikTok id) is refused.
    public static func subject(platform: Platform, postID: String) -> Result<Subject, PostIDProblem> {
        guard let kind = subjectKind(on: platform) else { return .failure(.platformNotMonitored) }
        let url = SubjectCanonicalizer.canonicalURL(platform: platform, kind: kind, id: postID)
        guard postID.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && !"/?#&=%:@".unicodeScalars.contains($0) }),
              let subject = try? SubjectCanonicalizer.canonicalize(url), subject.platform == platform, subject.kind == kind, subject.id == postID
        else { return .failure(.notAPostID(kind)) }
        return .success(subject)
    }

    /// Subjects a post stands for besides itself: its author's account and
    /// what its links name (the subject of each link, its site and the
    /// site's registered domain). When one of them was decided violating,
    /// a finding on the post is that subject showing up again.
    public static func relatedSubjects(platform: Platform, author: String?, urls: [String]) -> [Subject] {
        var found: [Subject] = []
        func add(_ subject: Subject?) {
            if let subject, !found.contains(where: { $0.key == subject.key }) { found.append(subject) }
        }
        if let author, let account = try? SubjectCanonicalizer.canonicalize(author, platform: platform), account.kind == .account {
            add(account)
        }
        for url in urls.prefix(20) {
            guard let linked = try? SubjectCanonicalizer.canonicalize(url) else { continue }
            add(linked)
            // A website's link also stands for the site; a platform's host does not.
            guard linked.platform == .web, let host = ParsedURL.host(of: url) else { continue }
            let site = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
            add(Subject.fromKey("web:domain:" + site))
            if let registered = PublicSuffix.registeredDomain(of: site), registered != site { add(Subject.fromKey("web:domain:" + registered)) }
        }
        return found
    }

    public enum PostIDProblem: Error, Equatable, Sendable {
        case platformNotMonitored
        case notAPostID(SubjectKind)

        public var message: String {
            switch self {
            case .platformNotMonitored: "posts of this platform are not monitored (TikTok, X, Facebook, Instagram and YouTube are)"
            case .notAPostID(let kind): "not an id of a \(kind == .video ? "video" : "post") on this platform"
            }
        }
    }
}

/// One subject found again and again (a viral post, a page the crawler
/// revisits) makes one monitoring report per window, not one per sighting.
public struct FindingRateLimit: Sendable, Equatable {
    public var window: TimeInterval

    public init(window: TimeInterval = 24 * 3600) { self.window = window }

    /// Whether a finding at `now` may become a report, given when the
    /// subject last became one (through monitoring).
    public func allows(lastReportedAt: Date?, now: Date) -> Bool {
        guard let lastReportedAt else { return true }
        return now.timeIntervalSince(lastReportedAt) >= window
    }
}
