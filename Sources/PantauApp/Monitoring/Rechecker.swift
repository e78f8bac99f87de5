import FluentKit
import Foundation
import NIOCore
import PantauCore
import SQLKit

/// The re-checks' schedule and size (PANTAU_RECHECK_*; fetching shares the crawler's limits).
struct RecheckSettings: Sendable {
    /// Off unless asked for (PANTAU_RECHECKS=1), like the crawler: it fetches from the internet.
    var enabled = false
    /// Time between two re-checks of one address.
    var interval: TimeInterval = 24 * 3600
    /// Addresses re-checked per pass of the worker.
    var batch = 32
    /// Addresses checked at once, over every host (one at a time per host).
    var concurrency = 4
    /// New addresses (complied items, blocked sites) taken on per enrolment, and how often one runs.
    var enrolPerPass = 1_000
    var enrolEvery: TimeInterval = 600
    /// A claimed address is this worker's for so long (another worker leaves it);
    /// `Services` sizes it from the batch and the fetch limits (`lease(crawler:)`).
    var lease: TimeInterval = 600

    /// Long enough for a whole batch at its worst: every address of it at one
    /// host, each fetch at its timeout on every hop, the pauses between them.
    func lease(crawler: CrawlerSettings) -> TimeInterval {
        let hop = Double(crawler.timeout.nanoseconds) / 1e9
        let pause = Double(crawler.delay.components.seconds) + Double(crawler.delay.components.attoseconds) / 1e18
        return max(600, Double(batch) * (Double(crawler.maximumRedirects + 1) * hop + pause) + 120)
    }
}

/// Monitoring's re-checks: the worker re-visits, on a schedule, the
/// address of every order item the platform said it took down and the
/// home page of every blocked site. Content back online — a conclusive
/// `online` after a conclusive `down` (`RecheckRules`) — is a `reappeared`
/// event on the case, an `item_reappeared` event in the platform's history
/// for an order item (counted per platform on the compliance page), and a
/// finding on `/pantau`. It only observes: staff reopen an item ("still
/// online") or act on a site themselves.
struct Rechecker: Sendable {
    let database: PantauDatabase
    let watchlists: WatchlistService
    let findings: FindingService
    let clock: any PantauClock
    let settings: RecheckSettings
    let fetcher: PageFetcher
    /// The address a target is fetched at: itself (tests send every address to a local site).
    var locate: @Sendable (String) -> String = { $0 }
    private let pacer = HostPacer()
    private let pacing: Duration
    private let enrolment = PeriodicGate()

    init(database: PantauDatabase, watchlists: WatchlistService, findings: FindingService, clock: any PantauClock,
         settings: RecheckSettings, crawler: CrawlerSettings) {
        self.database = database
        self.watchlists = watchlists
        self.findings = findings
        self.clock = clock
        self.settings = settings
        self.pacing = crawler.delay
        self.fetcher = PageFetcher(timeout: crawler.timeout, maximumBytes: crawler.maximumBytes, maximumRedirects: crawler.maximumRedirects,
                                   userAgent: "Pantau-recheck/1 (pemantauan konten negatif)")
    }

    /// A claimed address, with what was last concluded about it.
    struct Target: Sendable {
        let id: UUID
        let targetKey: String
        let kind: RecheckKind
        let url: String
        let platform: Platform
        let orderItemID: UUID?
        let blockEntryID: UUID?
        let caseID: UUID?
        let subjectKey: String
        let state: RecheckState
        let stateSince: Date?
        let checks: Int
        let failures: Int
        /// Why the visit before concluded what it did (nil before the first).
        let lastReason: RecheckReason?
    }

    /// Another worker took this address after the lease ran out and wrote its visit first.
    struct ClaimLost: Error {}

    /// A stored subject key this version cannot read: recorded as the address's failure.
    struct UnreadableSubject: Error, CustomStringConvertible {
        let key: String
        var description: String { "a re-check's subject key cannot be read: \(key)" }
    }

    /// One pass: takes on new addresses (every `enrolEvery`), then re-checks a batch of due ones.
    func runDue(client: OutboundHTTP) async throws -> Int {
        guard settings.enabled else { return 0 }
        let now = clock.now()
        if await enrolment.due(now: now, every: settings.enrolEvery) { try await enrol(now: now) }
        let claimed = try await claimDue(now: now)
        guard !claimed.isEmpty else { return 0 }
        let byHost = Dictionary(grouping: claimed) { URL(string: locate($0.url))?.host?.lowercased() ?? "" }.values.map { $0 }
        var done = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var running = 0
            for targets in byHost {
                if running >= settings.concurrency {
                    done += try await group.next() ?? 0
                    running -= 1
                }
                group.addTask {
                    for target in targets {
                        do {
                            try await check(target, client: client)
                        } catch is CancellationError {
                            throw CancellationError()
                        } catch is ClaimLost {
                            // The other worker's visit stands; this one wrote nothing.
                        } catch {
                            // One address that cannot be handled does not stop the others; it comes back at the next interval.
                            try await recordFailure(target, "\(error)")
                        }
                    }
                    return targets.count
                }
                running += 1
            }
            for try await count in group { done += count }
        }
        return done
    }

    // MARK: Enrolment

    /// Complied order items and blocked sites not yet re-checked.
    func enrol(now: Date) async throws {
        let sql = database.sql
        var rows: [[any Encodable & Sendable]] = []
        for row in try await sql.raw("""
            SELECT i.id, i.subject_url, i.subject_key, i.case_id, o.platform_id FROM order_items i JOIN orders o ON o.id = i.order_id
            WHERE i.status = 'complied' AND NOT EXISTS (SELECT 1 FROM rechecks r WHERE r.order_item_id = i.id)
            LIMIT \(unsafeRaw: String(settings.enrolPerPass))
            """).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            rows.append([OrderedID.make(at: now), RecheckKind.orderItem.rawValue, "item:" + UUIDText.lower(id),
                         try row.decode(column: "subject_url", as: String.self), try row.decode(column: "platform_id", as: String.self),
                         id, UUID?.none, try row.decode(column: "case_id", as: UUID.self), try row.decode(column: "subject_key", as: String.self),
                         RecheckRules.initialState(.orderItem).rawValue, now])
        }
        let sites = try await sql.raw("""
            SELECT e.id, e.name, e.proposal_id FROM block_entries e WHERE e.state = 'active' AND e.kind IN ('domain', 'subdomains')
            AND NOT EXISTS (SELECT 1 FROM rechecks r WHERE r.target_key = 'site:' || e.name)
            LIMIT \(unsafeRaw: String(settings.enrolPerPass))
            """).all()
        // The oldest case each site's block acts for: its reappearance is written there.
        let proposals = Array(Set(try sites.compactMap { try $0.decode(column: "proposal_id", as: UUID?.self) }))
        var caseOf: [UUID: UUID] = [:]
        for chunk in proposals.chunked(200) {
            for link in try await BlockProposalCaseModel.query(on: database.db).filter(\.$proposalID ~~ chunk).all().sorted(by: { $0.caseID.uuidString < $1.caseID.uuidString })
            where caseOf[link.proposalID] == nil {
                caseOf[link.proposalID] = link.caseID
            }
        }
        for row in sites {
            let name = try row.decode(column: "name", as: String.self)
            let proposal = try row.decode(column: "proposal_id", as: UUID?.self)
            rows.append([OrderedID.make(at: now), RecheckKind.blockedSite.rawValue, "site:" + name, "https://\(name)/", Platform.web.rawValue,
                         UUID?.none, try row.decode(column: "id", as: UUID.self), proposal.flatMap { caseOf[$0] }, "web:domain:" + name,
                         RecheckRules.initialState(.blockedSite).rawValue, now])
        }
        guard !rows.isEmpty else { return }
        let finished = rows
        try await database.writeTransaction { db in
            for chunk in finished.chunked(100) {
                var insert = (db as! any SQLDatabase).insert(into: "rechecks").columns(
                    "id", "kind", "target_key", "url", "platform", "order_item_id", "block_entry_id", "case_id", "subject_key", "state",
                    "enrolled_at", "checks", "reappearances", "consecutive_failures", "next_check_at")
                for row in chunk { insert = insert.values((row + [0, 0, 0, now] as [any Encodable & Sendable]).map { SQLBind($0) }) }
                try await insert.ignoringConflicts(with: "target_key").run()
            }
        }
    }

    // MARK: Claiming

    /// Takes a batch of due addresses for this worker: the update moves
    /// their next check past now, so another worker finds them not due.
    private func claimDue(now: Date) async throws -> [Target] {
        let rows = try await database.sql.raw("""
            UPDATE rechecks SET next_check_at = \(bind: now.addingTimeInterval(settings.lease))
            WHERE id IN (SELECT id FROM rechecks WHERE next_check_at <= \(bind: now) ORDER BY next_check_at LIMIT \(unsafeRaw: String(settings.batch)))
            AND next_check_at <= \(bind: now)
            RETURNING id, target_key, kind, url, platform, order_item_id, block_entry_id, case_id, subject_key, state, state_since, checks,
            consecutive_failures, last_reason
            """).all()
        return try rows.compactMap { row in
            guard let kind = RecheckKind(rawValue: try row.decode(column: "kind", as: String.self)),
                  let platform = Platform(rawValue: try row.decode(column: "platform", as: String.self)) else { return nil }
            return Target(id: try row.decode(column: "id", as: UUID.self), targetKey: try row.decode(column: "target_key", as: String.self), kind: kind, url: try row.decode(column: "url", as: String.self),
                          platform: platform, orderItemID: try row.decode(column: "order_item_id", as: UUID?.self),
                          blockEntryID: try row.decode(column: "block_entry_id", as: UUID?.self),
                          caseID: try row.decode(column: "case_id", as: UUID?.self), subjectKey: try row.decode(column: "subject_key", as: String.self),
                          state: RecheckState(rawValue: try row.decode(column: "state", as: String.self)) ?? .unknown,
                          stateSince: try row.decode(column: "state_since", as: Date?.self), checks: try row.decode(column: "checks", as: Int.self),
                          failures: try row.decode(column: "consecutive_failures", as: Int.self),
                          lastReason: try row.decode(column: "last_reason", as: String?.self).flatMap(RecheckReason.init(rawValue:)))
        }
    }

    // MARK: One address

    private func check(_ target: Target, client: OutboundHTTP) async throws {
        // Still what it was enrolled as? An item reopened or withdrawn, a lifted block: nothing to re-check now.
        var answeredAt: Date?
        var order: (id: UUID, number: String)?
        switch target.kind {
        case .orderItem:
            guard let itemID = target.orderItemID, let item = try await OrderItemModel.find(itemID, on: database.db),
                  item.itemStatus == .complied, let model = try await OrderModel.find(item.orderID, on: database.db) else {
                return try await postpone(target)
            }
            answeredAt = item.answeredAt
            order = (model.id!, model.number)
        case .blockedSite:
            // Blocked now, by whichever entry: a block lifted and decided again is a new entry for the same name.
            let name = String(target.targetKey.dropFirst("site:".count))
            let active = try await database.sql.raw("""
                SELECT id FROM block_entries WHERE name = \(bind: name) AND state = 'active' AND kind IN ('domain', 'subdomains') LIMIT 1
                """).first()
            guard active != nil else { return try await postpone(target) }
        }

        let address = locate(target.url)
        let host = URL(string: address)?.host?.lowercased() ?? ""
        await pacer.wait(host: host, delay: pacing)
        let fetched = await fetcher.fetch(address, client: client)
        await pacer.done(host: host, delay: pacing)
        let now = clock.now()

        var text = ""
        var result: WatchlistMatcher.Result?
        var top: WatchlistDefinition?
        if let body = fetched.body {
            let page = try await HTMLPage.read(body, contentType: fetched.contentType, url: fetched.finalURL)
            text = (page.title + " " + page.text).trimmingCharacters(in: .whitespaces)
            let matcher = try await watchlists.matchers.current()
            // A blocked site is judged by what its page says: its own name, on a
            // watchlist's domains, would match every visit and prove nothing.
            let matched = matcher.match(text: text, author: nil, urls: target.kind == .blockedSite ? [] : [fetched.finalURL])
            result = matched
            top = matcher.topFinding(matched)
        }
        let seen = RecheckObservation(status: fetched.status, requestedURL: address, finalURL: fetched.finalURL, unresolvable: fetched.unresolvable,
                                      text: text, reachesWatchlist: top != nil, isPage: fetched.skipped == nil)
        let (state, reason) = RecheckRules.conclude(target.kind, seen, lastReason: target.lastReason)
        let previous = RecheckRules.previousState(kind: target.kind, recorded: target.state, recordedSince: target.stateSince, platformAnsweredAt: answeredAt)
        let next = now.addingTimeInterval(settings.interval)
        let error = state == .unknown ? (fetched.failure ?? fetched.skipped ?? reason.rawValue) : nil

        guard RecheckRules.isReappearance(from: previous, to: state) else {
            let kept = state == .unknown ? previous : state
            let since = kept == target.state && previous == target.state ? target.stateSince : now
            try await database.writeTransaction { db in
                try await Self.update(target, state: kept, since: since, status: fetched.status, reason: reason, error: error,
                                      reappeared: false, at: now, next: next, on: db as! any SQLDatabase)
            }
            return
        }

        guard let subject = Subject.fromKey(target.subjectKey) else {
            throw UnreadableSubject(key: target.subjectKey)
        }
        let kindTitle = target.kind == .orderItem ? "Cek ulang: butir perintah yang sudah diturunkan" : "Cek ulang: situs yang diblokir"
        let candidate = FindingCandidate(
            source: .recheck, platform: target.platform, sourceRef: target.url, subject: subject, related: [],
            watchlistID: top?.id, watchlistName: top.map { "\(kindTitle) · \($0.name)" } ?? kindTitle,
            category: top?.category ?? CategoryCatalog.fallbackSlug, score: top.flatMap { result?.scores[$0.id] } ?? 0,
            text: String(text.prefix(FindingService.maximumText)), matches: result?.matches ?? [],
            findingKey: "recheck:\(UUIDText.lower(target.id)):\(target.checks + 1)", seenAt: now)
        var payload = ["url": target.url, "subject_key": target.subjectKey, "reason": reason.rawValue, "seen_at": isoTimestamp(now)]
        if let status = fetched.status { payload["http_status"] = String(status) }
        let itemPayload = payload
        let itemOrder = order
        try await findings.fileReappearance(candidate, caseID: target.caseID) { db in
            if let order = itemOrder, let itemID = target.orderItemID {
                var event = itemPayload
                event["order"] = order.number
                event["item_id"] = UUIDText.lower(itemID)
                try await OrderService.recordEvent(.itemReappeared, platform: target.platform.rawValue, order: order.id, item: itemID,
                                                   actor: FindingService.actor, payload: event, at: now, on: db)
            }
            try await Self.update(target, state: .online, since: now, status: fetched.status, reason: reason, error: nil,
                                  reappeared: true, at: now, next: next, on: db as! any SQLDatabase)
        }
    }

    /// Writes one visit — only if no other worker wrote one since this claim
    /// (`checks` is as claimed); otherwise throws `ClaimLost`, rolling back
    /// whatever the same transaction wrote (a reappearance's events and finding).
    private static func update(_ target: Target, state: RecheckState, since: Date?, status: Int?, reason: RecheckReason, error: String?,
                               reappeared: Bool, at now: Date, next: Date, on sql: any SQLDatabase) async throws {
        let failures = error == nil ? 0 : target.failures + 1
        let written = try await sql.raw("""
            UPDATE rechecks SET state = \(bind: state.rawValue), state_since = \(bind: since), checks = checks + 1,
            reappearances = reappearances + \(unsafeRaw: reappeared ? "1" : "0"),
            last_reappeared_at = COALESCE(\(bind: reappeared ? now : nil), last_reappeared_at),
            consecutive_failures = \(bind: failures), last_checked_at = \(bind: now), last_status = \(bind: status),
            last_reason = \(bind: reason.rawValue), last_error = \(bind: error.map { String($0.prefix(300)) }), next_check_at = \(bind: next)
            WHERE id = \(bind: target.id) AND checks = \(bind: target.checks) RETURNING id
            """).all()
        guard !written.isEmpty else { throw ClaimLost() }
    }

    /// Not re-checkable now (the item reopened, the block lifted): looked at again after the interval.
    private func postpone(_ target: Target) async throws {
        try await database.sql.raw("""
            UPDATE rechecks SET next_check_at = \(bind: clock.now().addingTimeInterval(settings.interval))
            WHERE id = \(bind: target.id) AND checks = \(bind: target.checks)
            """).run()
    }

    private func recordFailure(_ target: Target, _ error: String) async throws {
        let now = clock.now()
        try await database.sql.raw("""
            UPDATE rechecks SET consecutive_failures = consecutive_failures + 1, last_checked_at = \(bind: now), last_reason = 'no_answer',
            last_error = \(bind: String(error.prefix(300))), next_check_at = \(bind: now.addingTimeInterval(settings.interval))
            WHERE id = \(bind: target.id) AND checks = \(bind: target.checks)
            """).run()
    }
}
