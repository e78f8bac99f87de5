import Foundation

/// What a block proposal asks for: blocking names, or lifting blocks again
/// (*normalisasi*).
public enum BlockProposalKind: String, CaseIterable, Codable, Sendable {
    case block, lift

    /// The prefix of the proposal's public number (`BLK-…`, `NRM-…`).
    public var numberPrefix: String {
        switch self {
        case .block: "BLK"
        case .lift: "NRM"
        }
    }

    public var label: (id: String, en: String) {
        switch self {
        case .block: ("Pemblokiran", "Block")
        case .lift: ("Normalisasi", "Lift (normalisation)")
        }
    }
}

/// Where a block or lift proposal stands: pending until a second person
/// approves or rejects it.
public enum BlockProposalState: String, CaseIterable, Codable, Sendable, ReviewedState {
    case pending, approved, rejected
    /// Withdrawn before review: the decision that made it was changed.
    case withdrawn

    public static var awaitingReview: Self { .pending }

    public var label: (id: String, en: String) {
        switch self {
        case .pending: ("Menunggu persetujuan", "Awaiting approval")
        case .approved: ("Disetujui", "Approved")
        case .rejected: ("Ditolak", "Rejected")
        case .withdrawn: ("Ditarik", "Withdrawn")
        }
    }

    /// What a case's new decision in force does to a proposal made for that
    /// case alone: a pending one is withdrawn unless the new decision blocks
    /// again. An approved block stays: lifting it is a normalisation, under
    /// four eyes like any other.
    public static func afterNewDecision(_ state: BlockProposalState, blocksAgain: Bool) -> BlockProposalState? {
        state == .pending && !blocksAgain ? .withdrawn : nil
    }
}

/// What a blocklist entry names: a domain alone, a domain with all its
/// subdomains (`*.name`), or an IP address or prefix.
public enum BlockEntryKind: String, CaseIterable, Codable, Sendable {
    case domain, subdomains, ip

    public init(_ target: BlockTarget) {
        switch target {
        case .domain(_, let subdomains): self = subdomains ? .subdomains : .domain
        case .ip: self = .ip
        }
    }

    public var label: (id: String, en: String) {
        switch self {
        case .domain: ("Domain", "Domain")
        case .subdomains: ("Domain dan subdomainnya", "Domain and its subdomains")
        case .ip: ("Alamat IP", "IP address")
        }
    }

    /// The name as people write it: `*.name` for a domain with its subdomains.
    public func written(_ name: String) -> String { self == .subdomains ? "*." + name : name }
}

/// Where one name of the blocklist stands.
public enum BlockEntryState: String, CaseIterable, Codable, Sendable {
    /// Named in a proposal that awaits review.
    case proposed
    /// Approved, takes effect at its time.
    case scheduled
    /// On the published list.
    case active
    /// Its proposal was rejected; it never took effect.
    case rejected
    /// Lifted: by a normalisation, or at the end of its period.
    case lifted

    /// An entry that holds its name: no second proposal may name it.
    public static let live: [BlockEntryState] = [.proposed, .scheduled, .active]
    public var isLive: Bool { Self.live.contains(self) }
    /// What a normalisation can lift.
    public static let liftable: [BlockEntryState] = [.active, .scheduled]

    public var label: (id: String, en: String) {
        switch self {
        case .proposed: ("Diusulkan", "Proposed")
        case .scheduled: ("Terjadwal", "Scheduled")
        case .active: ("Diblokir", "Blocked")
        case .rejected: ("Ditolak", "Rejected")
        case .lifted: ("Dinormalisasi", "Lifted")
        }
    }
}

/// Something done to a blocklist entry.
public enum BlockEntryTransition: String, CaseIterable, Sendable {
    /// Its proposal is approved and its time has come.
    case approveNow = "approve_now"
    /// Its proposal is approved for a later time.
    case approveForLater = "approve_for_later"
    /// Its proposal is rejected.
    case reject
    /// Its time has come (the schedule).
    case activate
    /// A normalisation, or the end of its period.
    case lift
}

/// A transition the entry's state does not allow.
public struct BlockEntryTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let transition: BlockEntryTransition
    public let state: BlockEntryState
    public var description: String { "A blocklist entry that is '\(state.rawValue)' cannot be changed by '\(transition.rawValue)'." }
}

/// The blocklist entry's state machine: every allowed (state, transition)
/// pair and where it leads. Anything not listed is refused.
public enum BlockEntryLifecycle {
    public static let table: [BlockEntryTransition: (from: Set<BlockEntryState>, to: BlockEntryState)] = [
        .approveNow: ([.proposed], .active),
        .approveForLater: ([.proposed], .scheduled),
        .reject: ([.proposed], .rejected),
        .activate: ([.scheduled], .active),
        .lift: (Set(BlockEntryState.liftable), .lifted),
    ]

    public static func apply(_ transition: BlockEntryTransition, to state: BlockEntryState) throws(BlockEntryTransitionError) -> BlockEntryState {
        guard let rule = table[transition], rule.from.contains(state) else {
            throw BlockEntryTransitionError(transition: transition, state: state)
        }
        return rule.to
    }

    /// How an approved proposal's entry moves: at once when its time has come.
    public static func approval(effectiveFrom: Date, now: Date) -> BlockEntryTransition {
        effectiveFrom <= now ? .approveNow : .approveForLater
    }
}

/// What a "violating → network block" decision asks to block: the site of
/// a website subject, or the app of a platform subject. The names are a
/// proposal's: they still go through four eyes and the allow-list.
public enum NetworkBlockTarget: Equatable, Sendable {
    /// A website's name, with its subdomains (a leading `www.` dropped: the
    /// site is blocked, not one of its host names).
    case domain(String)
    /// A website reached by its IP address.
    case address(String)
    /// A platform's app: the named set of domains it runs on.
    case app(slug: String, name: String, domains: [String])

    /// The target of a subject, or nil when a subject cannot be blocked at
    /// network level (a short link, whose host is shared by everyone).
    public static func of(_ subject: Subject) -> NetworkBlockTarget? {
        switch (subject.platform, subject.kind) {
        case (.web, .domain), (.web, .url):
            return site(host: hostPart(of: subject.id))
        case (.web, _):
            return nil
        case (let platform, _):
            return .app(slug: platform.rawValue, name: platform.displayName, domains: PlatformApps.domains(of: platform))
        }
    }

    /// The host of a web subject's id (`host[:port]/path…`, `[v6]:port/…`).
    private static func hostPart(of id: String) -> String {
        let authority = id.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.hasPrefix("[") { return String(authority.dropFirst().prefix { $0 != "]" }) }
        return String(authority.prefix { $0 != ":" })
    }

    private static func site(host: String) -> NetworkBlockTarget? {
        let host = host.lowercased()
        guard !host.isEmpty else { return nil }
        if case .some(.some(let address)) = IPLiteral.parse(Array(host.utf8)) { return .address(address) }
        let labels = host.split(separator: ".")
        return .domain(labels.count > 2 && labels.first == "www" ? labels.dropFirst().joined(separator: ".") : host)
    }

    /// The names to propose, as the block form takes them.
    public var names: [String] {
        switch self {
        case .domain(let name): ["*." + name]
        case .address(let address): [address]
        case .app(_, _, let domains): domains.map { "*." + $0 }
        }
    }

    /// The blocklist entries it asks for, as the normaliser writes them
    /// (names it refuses are left out).
    public func entries(normalizer: BlockNameNormalizer) -> [(kind: BlockEntryKind, name: String)] {
        names.compactMap { raw in
            switch normalizer.normalize(raw) {
            case .success(let target):
                switch target {
                case .domain(let name, _): (BlockEntryKind(target), name)
                case .ip(let address): (BlockEntryKind(target), address)
                }
            case .failure: nil
            }
        }
    }
}

/// The domains each platform's app runs on (the names a whole-app block
/// lists, as the 2018 block of a video app listed its eight).
public enum PlatformApps {
    public static func domains(of platform: Platform) -> [String] {
        switch platform {
        case .tiktok: ["tiktok.com", "tiktokv.com", "tiktokcdn.com", "tiktokcdn-us.com", "musical.ly", "byteoversea.com", "ibytedtos.com", "muscdn.com"]
        case .x: ["x.com", "twitter.com", "t.co", "twimg.com"]
        case .facebook: ["facebook.com", "fb.com", "fb.watch", "fbcdn.net", "facebook.net"]
        case .instagram: ["instagram.com", "instagr.am", "cdninstagram.com"]
        case .youtube: ["youtube.com", "youtu.be", "youtube-nocookie.com", "ytimg.com", "googlevideo.com"]
        case .line: ["line.me", "line-apps.com", "line-scdn.net"]
        case .web: []
        }
    }
}
