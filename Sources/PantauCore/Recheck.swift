import Foundation

/// What monitoring re-visits on a schedule: the address of an order item
/// the platform said it took down, and the home page of a blocked site.
public enum RecheckKind: String, Sendable, Codable, CaseIterable {
    case orderItem = "order_item"
    case blockedSite = "blocked_site"
}

/// What the last conclusive re-check saw.
public enum RecheckState: String, Sendable, Codable, CaseIterable {
    /// Taken down, gone, or (for a blocked site) nothing negative left on it.
    case down
    /// The content is there (again).
    case online
    /// Not yet known: no conclusive re-check so far.
    case unknown

    public var label: (id: String, en: String) {
        switch self {
        case .down: ("turun", "down")
        case .online: ("daring", "online")
        case .unknown: ("belum diketahui", "not known yet")
        }
    }
}

/// One visit, as the re-check saw it.
public struct RecheckObservation: Sendable, Equatable {
    /// The final answer's HTTP status (after redirects); nil when there was none.
    public var status: Int?
    /// The address that was asked for, and the one that answered last.
    public var requestedURL: String
    public var finalURL: String
    /// The host's name does not resolve (any more).
    public var unresolvable: Bool
    /// The page's title and text (empty when it was not read).
    public var text: String
    /// The page's text reaches an active watchlist's threshold.
    public var reachesWatchlist: Bool
    /// The answer was a page (HTML or text) and was read; an image, a
    /// download or a media file at the address tells nothing either way.
    public var isPage: Bool

    public init(status: Int?, requestedURL: String, finalURL: String, unresolvable: Bool = false, text: String = "", reachesWatchlist: Bool = false,
                isPage: Bool = true) {
        self.isPage = isPage
        self.status = status
        self.requestedURL = requestedURL
        self.finalURL = finalURL
        self.unresolvable = unresolvable
        self.text = text
        self.reachesWatchlist = reachesWatchlist
    }
}

/// Why a re-check concluded what it did (shown to staff beside the state).
public enum RecheckReason: String, Sendable, Codable, CaseIterable {
    case gone
    case removalNotice = "removal_notice"
    case redirectedHome = "redirected_home"
    case unresolvable
    case contentOnline = "content_online"
    case negativeContent = "negative_content"
    case nothingNegative = "nothing_negative"
    case signInRequired = "sign_in_required"
    case noAnswer = "no_answer"
    case otherStatus = "other_status"
    case notAPage = "not_a_page"

    public var label: (id: String, en: String) {
        switch self {
        case .gone: ("alamat tidak ada (404/410/451)", "address gone (404/410/451)")
        case .removalNotice: ("halaman pemberitahuan konten dihapus", "a content-removed notice")
        case .redirectedHome: ("dialihkan ke beranda", "redirected to the home page")
        case .unresolvable: ("nama domain tidak dapat di-resolve", "the domain name does not resolve")
        case .contentOnline: ("konten terlihat lagi", "the content is visible again")
        case .negativeContent: ("halaman memenuhi ambang daftar pantau", "the page reaches a watchlist's threshold")
        case .nothingNegative: ("halaman tidak memenuhi daftar pantau mana pun", "the page reaches no watchlist")
        case .signInRequired: ("perlu masuk akun untuk melihat", "sign-in needed to see it")
        case .noAnswer: ("tidak ada jawaban", "no answer")
        case .otherStatus: ("jawaban HTTP lain", "another HTTP answer")
        case .notAPage: ("jawaban bukan halaman HTML atau teks", "the answer is not an HTML or text page")
        }
    }
}

/// The rules of re-checking. Monitoring finds, people decide: a re-check
/// only observes; content back online is a `reappeared` event for staff
/// to act on (the order page's "still online" reopens the item).
public enum RecheckRules {
    /// What the platforms show at the address of content they removed,
    /// in the language Pantau's visitors see them in (lower case).
    public static let removalNotices: [String] = [
        "video currently unavailable", "this video is unavailable", "video unavailable", "this video isn't available",
        "this post is unavailable", "this page doesn't exist", "this post was deleted", "account suspended",
        "this content isn't available", "sorry, this page isn't available", "this page isn't available",
        "content not available", "konten ini tidak tersedia", "video tidak tersedia", "video ini tidak tersedia",
        "halaman ini tidak tersedia", "maaf, halaman ini tidak tersedia", "postingan ini tidak tersedia", "akun ditangguhkan",
        "konten tidak tersedia",
    ]

    /// Address paths platforms send visitors to when they must sign in first.
    static let signInPaths = ["/login", "/accounts/login", "/i/flow/login", "/signin", "/checkpoint"]

    /// What the state was before the first re-check: an item the platform
    /// says it removed is down; a blocked site is not known until seen.
    public static func initialState(_ kind: RecheckKind) -> RecheckState {
        kind == .orderItem ? .down : .unknown
    }

    /// The state one visit shows, and why. A visit that shows nothing
    /// conclusive (no answer, a server error, a sign-in wall, an answer
    /// that is not a page) is `.unknown` and leaves the last conclusive
    /// state as it was. A name that does not resolve is down only when the
    /// visit before (`lastReason`) found it unresolvable too: one resolver
    /// blip must not turn an online site down, or its next visit would
    /// count as a reappearance.
    public static func conclude(_ kind: RecheckKind, _ seen: RecheckObservation,
                                lastReason: RecheckReason? = nil) -> (state: RecheckState, reason: RecheckReason) {
        if seen.unresolvable { return (lastReason == .unresolvable ? .down : .unknown, .unresolvable) }
        guard let status = seen.status else { return (.unknown, .noAnswer) }
        if [404, 410, 451].contains(status) { return (.down, .gone) }
        guard (200..<300).contains(status) else { return (.unknown, .otherStatus) }
        let finalPath = URLComponents(string: seen.finalURL)?.path.lowercased() ?? ""
        if signInPaths.contains(where: { finalPath.hasPrefix($0) }) { return (.unknown, .signInRequired) }
        guard seen.isPage else { return (.unknown, .notAPage) }
        switch kind {
        case .orderItem:
            let requestedPath = URLComponents(string: seen.requestedURL)?.path ?? ""
            if (finalPath.isEmpty || finalPath == "/"), !(requestedPath.isEmpty || requestedPath == "/") { return (.down, .redirectedHome) }
            let text = seen.text.lowercased()
            if removalNotices.contains(where: { text.contains($0) }) { return (.down, .removalNotice) }
            return (.online, .contentOnline)
        case .blockedSite:
            // A blocked site stays reachable outside the ISPs' resolvers; what
            // matters is whether negative content is on it (a parked or emptied
            // domain is not "back").
            return seen.reachesWatchlist ? (.online, .negativeContent) : (.down, .nothingNegative)
        }
    }

    /// Content back online: a conclusive `online` after a conclusive `down`.
    public static func isReappearance(from previous: RecheckState, to next: RecheckState) -> Bool {
        previous == .down && next == .online
    }

    /// The state a re-check starts from. An order item the platform answered
    /// (again) after the last re-check is down by its word, whatever was seen before.
    public static func previousState(kind: RecheckKind, recorded: RecheckState, recordedSince: Date?, platformAnsweredAt: Date?) -> RecheckState {
        if kind == .orderItem, let answered = platformAnsweredAt, answered > (recordedSince ?? .distantPast) { return .down }
        return recorded
    }
}
