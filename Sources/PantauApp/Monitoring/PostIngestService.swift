import FluentKit
import Foundation
import PantauCore
import SQLKit

/// A public post as a platform's connector (push or feed) gives it, checked.
struct IncomingPost: Sendable {
    struct Media: Sendable, Codable {
        let url: String
        let sha256: String?
    }
    let id: String
    let subject: Subject
    let author: String?
    let text: String
    let urls: [String]
    let postedAt: Date?
    let views: Int64?
    let likes: Int64?
    let media: [Media]
}

/// Posts into monitoring: each post is kept once per (platform, post id),
/// matched against every active watchlist as it arrives, and a post whose
/// score reaches a watchlist's threshold becomes a finding (`FindingService`).
/// The finding is filed before the post is recorded, so a batch cut short
/// is simply sent again: its posts are new again, and the finding's key
/// keeps its report from being filed twice.
struct PostIngestService: Sendable {
    let database: PantauDatabase
    let watchlists: WatchlistService
    let findings: FindingService
    let clock: any PantauClock
    /// The posts of requests arriving together are kept in one transaction (one commit, one fsync).
    private let recorder: PostRecorder

    init(database: PantauDatabase, watchlists: WatchlistService, findings: FindingService, clock: any PantauClock) {
        self.database = database
        self.watchlists = watchlists
        self.findings = findings
        self.clock = clock
        recorder = PostRecorder(database: database)
    }

    struct FoundPost: Sendable {
        let postID: String
        let watchlistID: String
        let score: Double
        let outcome: FindingOutcome
    }

    struct Result: Sendable {
        /// Posts seen for the first time.
        let accepted: Int
        /// Posts already received earlier (kept as they were).
        let known: [String]
        let found: [FoundPost]
    }

    func ingest(_ posts: [IncomingPost], platform: Platform, sourceID: UUID?) async throws -> Result {
        guard !posts.isEmpty else { return Result(accepted: 0, known: [], found: []) }
        var knownIDs = Set<String>()
        for chunk in posts.map(\.id).chunked(300) {
            let list = SQLList(chunk.map { SQLBind($0) })
            for row in try await database.sql.raw("SELECT post_id FROM monitored_posts WHERE platform = \(bind: platform.rawValue) AND post_id IN (\(list))").all() {
                knownIDs.insert(try row.decode(column: "post_id", as: String.self))
            }
        }
        let fresh = posts.filter { !knownIDs.contains($0.id) }
        let now = clock.now()
        let matcher = try await watchlists.matchers.current()

        var scores: [Double] = []
        var candidates: [FindingCandidate] = []
        var candidateWatchlists: [String] = []
        for post in fresh {
            let result = matcher.match(text: post.text, author: post.author, urls: post.urls)
            scores.append(result.score)
            // One finding per post: under the watchlist that scored highest among those it reached.
            guard let top = matcher.topFinding(result) else { continue }
            candidates.append(FindingCandidate(
                source: .post, platform: platform, sourceRef: "\(platform.rawValue):\(post.id)", subject: post.subject,
                related: MonitoredPost.relatedSubjects(platform: platform, author: post.author, urls: post.urls),
                watchlistID: top.id, watchlistName: top.name, category: top.category, score: result.scores[top.id] ?? 0,
                text: post.text, matches: result.matches, findingKey: "post:\(platform.rawValue):\(post.id)", seenAt: now))
            candidateWatchlists.append(top.id)
        }
        let outcomes = try await findings.file(candidates)

        let foundIDs = Set(candidates.map { String($0.sourceRef.dropFirst(platform.rawValue.count + 1)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rows: [[any Encodable & Sendable]] = []
        for (post, score) in zip(fresh, scores) {
            rows.append([OrderedID.make(at: now), platform.rawValue, post.id, sourceID, post.author, post.text,
                         String(decoding: try encoder.encode(post.urls), as: UTF8.self), String(decoding: try encoder.encode(post.media), as: UTF8.self),
                         post.postedAt, post.views, post.likes, now, score, foundIDs.contains(post.id)])
        }
        try await recorder.record(rows)
        let found = zip(zip(candidates, candidateWatchlists), outcomes).map { pair, outcome in
            FoundPost(postID: String(pair.0.sourceRef.dropFirst(platform.rawValue.count + 1)), watchlistID: pair.1, score: pair.0.score, outcome: outcome)
        }
        return Result(accepted: fresh.count, known: posts.map(\.id).filter(knownIDs.contains), found: found)
    }
}

/// Group commit for monitored posts: the rows of every request that
/// arrives while a transaction is being written wait and go together in
/// the next one. A request returns only once its rows are committed (or
/// with the error of the transaction that carried them), so nothing is
/// acknowledged unkept; a connector pushing one post a request no longer
/// pays one commit per post.
actor PostRecorder {
    typealias Row = [any Encodable & Sendable]
    let database: PantauDatabase
    /// Requests waiting for the next transaction, each with its rows.
    private var pending: [(rows: [Row], waiter: CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    /// One transaction takes whole requests up to about this many rows, so a
    /// burst is not one long write lock that holds every other writer back.
    static let rowsPerTransaction = 5_000

    init(database: PantauDatabase) {
        self.database = database
    }

    func record(_ rows: [Row]) async throws {
        guard !rows.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append((rows, continuation))
            if !writing {
                writing = true
                Task { await self.writeWhilePending() }
            }
        }
    }

    private func writeWhilePending() async {
        while !pending.isEmpty {
            var taken = 0, rows: [Row] = []
            while taken < pending.count, rows.isEmpty || rows.count + pending[taken].rows.count <= Self.rowsPerTransaction {
                rows += pending[taken].rows
                taken += 1
            }
            let waiters = pending.prefix(taken).map(\.waiter)
            pending.removeFirst(taken)
            do {
                try await Self.insert(rows, into: database)
                for waiter in waiters { waiter.resume() }
            } catch {
                for waiter in waiters { waiter.resume(throwing: error) }
            }
        }
        writing = false
    }

    private static func insert(_ rows: [Row], into database: PantauDatabase) async throws {
        try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            for chunk in rows.chunked(100) {
                var insert = sql.insert(into: "monitored_posts")
                    .columns("id", "platform", "post_id", "source_id", "author", "text", "urls", "media", "posted_at", "views", "likes",
                             "received_at", "score", "found")
                for row in chunk { insert = insert.values(row.map { SQLBind($0) }) }
                try await insert.ignoringConflicts(with: ["platform", "post_id"]).run()
            }
        }
    }
}
