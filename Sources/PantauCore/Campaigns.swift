import Foundation

/// A campaign of the regulator's comms office (e.g. an anti-hoax week): one
/// message and its media, published at one time to **every** active official
/// account — the "fair" principle: no platform gets the regulator's voice
/// before, or instead of, another.
public struct CampaignInput: Sendable, Equatable {
    public var title: String
    public var message: String
    public var mediaURLs: [String]
    public var scheduledAt: Date
    /// A post published more than this after the scheduled time is late.
    public var lateAfterMinutes: Int

    public static let maximumTitleLength = 200
    public static let maximumMessageLength = 5_000
    public static let maximumMedia = 4
    public static let defaultLateAfterMinutes = 60

    public init(title: String, message: String, mediaURLs: [String], scheduledAt: Date, lateAfterMinutes: Int = defaultLateAfterMinutes) {
        self.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        self.message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        self.mediaURLs = mediaURLs.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        self.scheduledAt = scheduledAt
        self.lateAfterMinutes = lateAfterMinutes
    }

    public struct Problem: Error, Sendable, Equatable {
        public let field: String
        public let id: String
        public let en: String
    }

    /// What keeps the campaign from being scheduled, if anything: the first problem.
    public func problem(now: Date, platforms: Set<Platform>) -> Problem? { problems(now: now, platforms: platforms).first }

    /// Everything that keeps the campaign from being scheduled, at most one per field.
    /// `platforms` are those of the active official accounts: one message
    /// goes to all of them, so it must fit the strictest one's limit.
    public func problems(now: Date, platforms: Set<Platform>) -> [Problem] {
        var found: [Problem] = []
        if title.isEmpty {
            found.append(Problem(field: "title", id: "Judul kampanye wajib diisi.", en: "'title' is required."))
        } else if title.count > Self.maximumTitleLength {
            found.append(Problem(field: "title", id: "Judul paling panjang \(Self.maximumTitleLength) karakter (judul ini \(title.count)).",
                                 en: "'title' is at most \(Self.maximumTitleLength) characters (this one has \(title.count))."))
        }
        if message.isEmpty {
            found.append(Problem(field: "message", id: "Pesan kampanye wajib diisi.", en: "'message' is required."))
        } else if message.count > Self.maximumMessageLength {
            found.append(Problem(field: "message", id: "Pesan paling panjang \(HumanFormat.number(Self.maximumMessageLength, english: false)) karakter.",
                                 en: "'message' is at most \(HumanFormat.number(Self.maximumMessageLength, english: true)) characters."))
        } else if let strictest = platforms.sorted(by: { Self.messageLimit($0) < Self.messageLimit($1) }).first, message.count > Self.messageLimit(strictest) {
            let limit = Self.messageLimit(strictest)
            found.append(Problem(field: "message",
                                 id: "Pesan yang sama dikirim ke semua akun; \(strictest.displayName) menerima paling banyak \(limit) karakter (pesan ini \(message.count)).",
                                 en: "The same message goes to every account; \(strictest.displayName) takes at most \(limit) characters (this one has \(message.count))."))
        }
        if mediaURLs.count > Self.maximumMedia {
            found.append(Problem(field: "media_urls", id: "Paling banyak \(Self.maximumMedia) media.", en: "At most \(Self.maximumMedia) media."))
        } else if let bad = mediaURLs.first(where: { !Self.isWebAddress($0) }) {
            found.append(Problem(field: "media_urls", id: "Media harus alamat http(s): \(bad.prefix(80))", en: "Media must be http(s) addresses: \(bad.prefix(80))"))
        }
        if !(0...(7 * 24 * 60)).contains(lateAfterMinutes) {
            found.append(Problem(field: "late_after_minutes", id: "Batas terlambat 0 sampai 10080 menit.", en: "'late_after_minutes' is 0 to 10080."))
        }
        // A few minutes of clock skew between the form and the server is fine;
        // a schedule in the past is a mistake.
        if scheduledAt < now.addingTimeInterval(-5 * 60) {
            found.append(Problem(field: "scheduled_at", id: "Waktu tayang sudah lewat.", en: "'scheduled_at' is in the past."))
        }
        return found
    }

    /// An http(s) address with a host, at most 2,048 characters.
    public static func isWebAddress(_ url: String) -> Bool {
        guard url.count <= 2_048, let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty else { return false }
        return true
    }

    /// The longest text a post on the platform takes (X counts 280; the
    /// others' caption or message limits). Counted in characters.
    public static func messageLimit(_ platform: Platform) -> Int {
        switch platform {
        case .x: 280
        case .line: 500
        case .tiktok, .instagram: 2_200
        case .youtube: 5_000
        case .facebook, .web: 5_000
        }
    }
}

/// Where a campaign stands: scheduled until its time, then released into
/// the outbox (once, by one worker), or cancelled before its time.
public enum CampaignStatus: String, Sendable, CaseIterable {
    case scheduled, released, cancelled

    public var label: (id: String, en: String) {
        switch self {
        case .scheduled: ("Terjadwal", "Scheduled")
        case .released: ("Dirilis", "Released")
        case .cancelled: ("Dibatalkan", "Cancelled")
        }
    }
}

/// Where one post of a campaign stands.
public enum CampaignPostStatus: String, Sendable, CaseIterable {
    /// Waiting for the campaign's time.
    case scheduled
    /// In the outbox: the account's connector is publishing it.
    case queued
    case published
    /// The account has no connector: comms staff post it by hand and record the link.
    case manual
    /// The connector gave up (retries exhausted): the platform is left out.
    case failed
    /// The account was deactivated before the campaign's time.
    case skipped
    /// The campaign was cancelled before its time.
    case cancelled
}

/// How a post measures against the fair principle.
public enum CampaignFlag: String, Sendable, Equatable {
    case onTime = "on_time"
    /// Published, but after the scheduled time plus the tolerance.
    case late
    /// Not yet published, still within the tolerance (or not yet due).
    case waiting
    /// Not published and past the tolerance: late and counting.
    case overdue
    /// Not published at all: the connector gave up, or an active account got no post.
    case leftOut = "left_out"
    /// Not applicable (account deactivated, campaign cancelled).
    case notApplicable = "not_applicable"

    /// Whether the flag is a breach of the fair principle.
    public var isProblem: Bool { self == .late || self == .overdue || self == .leftOut }
}

public enum CampaignFairness {
    public static func flag(status: CampaignPostStatus, publishedAt: Date?, scheduledAt: Date, lateAfterMinutes: Int, now: Date) -> CampaignFlag {
        let limit = scheduledAt.addingTimeInterval(Double(lateAfterMinutes) * 60)
        switch status {
        case .published:
            guard let publishedAt else { return .onTime }
            return publishedAt <= limit ? .onTime : .late
        case .scheduled, .queued, .manual:
            return now <= limit ? .waiting : .overdue
        case .failed:
            return .leftOut
        case .skipped, .cancelled:
            return .notApplicable
        }
    }

    /// A campaign is fair when every post that applies was published on time
    /// and no active account was left without one.
    public static func isFair(_ flags: [CampaignFlag]) -> Bool {
        !flags.contains { $0.isProblem || $0 == .waiting }
    }

    /// Minutes between the scheduled and the published time (negative: early).
    public static func delayMinutes(scheduledAt: Date, publishedAt: Date) -> Int {
        Int((publishedAt.timeIntervalSince(scheduledAt) / 60).rounded(.down))
    }
}
