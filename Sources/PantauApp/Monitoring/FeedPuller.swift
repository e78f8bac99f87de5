import AsyncHTTPClient
import FluentKit
import Foundation
import NIOCore
import NIOHTTP1
import PantauCore
import SQLKit

/// The pull connector: for a platform that offers a JSON feed of public
/// posts with a cursor, the worker asks for what came after the cursor it
/// kept, hands the posts to `PostIngestService`, and only then moves the
/// cursor on (it lives in the database, so a restart goes on where it
/// stopped; a page fetched twice is harmless, since posts are idempotent).
///
/// The feed: `GET url?cursor=…` (no `cursor` the first time) with
/// `Authorization: Bearer token` when a token is set, answering
/// `{"posts": [post…], "next_cursor": "…" | null}` — posts as the push API
/// takes them. A page with posts and a `next_cursor` is followed by the next
/// at once (up to `pagesPerRun`); otherwise the feed is asked again after
/// its interval. A failure — no answer within `timeout`, an HTTP error, an
/// answer over `maximumBytes`, JSON that is not a feed, a post that is not
/// valid — is recorded on the source with nothing of the page kept, and the
/// feed is tried again after a backoff that doubles up to an hour.
struct FeedPuller: Sendable {
    let database: PantauDatabase
    let posts: PostIngestService
    let clock: any PantauClock
    var timeout: TimeAmount = .seconds(20)
    var maximumBytes = 32 * 1024 * 1024
    var pagesPerRun = 5
    /// How long a claimed feed is left alone by other workers.
    var lease: TimeInterval = 300

    struct Page: Decodable {
        let posts: [PostBody]
        let nextCursor: String?
        enum CodingKeys: String, CodingKey { case posts, nextCursor = "next_cursor" }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Pulls every enabled feed that is due; returns how many pages were fetched.
    func runDue(client: OutboundHTTP) async throws -> Int {
        let now = clock.now()
        let due = try await MonitorSourceModel.query(on: database.db).filter(\.$kind == "feed").filter(\.$enabled == true).all()
            .filter { ($0.nextFetchAt ?? .distantPast) <= now }
        var claimed: [MonitorSourceModel] = []
        for feed in due where try await claim(feed, now: now) { claimed.append(feed) }
        guard !claimed.isEmpty else { return 0 }
        // Feeds are pulled side by side: a slow one holds up none of the others.
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for feed in claimed { group.addTask { try await pull(feed, client: client) } }
            return try await group.reduce(0, +)
        }
    }

    /// Takes the feed for this worker: the update moves its next fetch past
    /// now, so another worker that saw it due finds the condition false.
    private func claim(_ feed: MonitorSourceModel, now: Date) async throws -> Bool {
        let rows = try await database.sql.raw("""
            UPDATE monitor_sources SET next_fetch_at = \(bind: now.addingTimeInterval(lease))
            WHERE id = \(bind: feed.id!) AND enabled = \(bind: true) AND (next_fetch_at IS NULL OR next_fetch_at <= \(bind: now)) RETURNING id
            """).all()
        return rows.count == 1
    }

    /// Fetches pages of one feed until it is caught up (or `pagesPerRun`).
    private func pull(_ feed: MonitorSourceModel, client: OutboundHTTP) async throws -> Int {
        guard let id = feed.id, let platform = Platform(rawValue: feed.platform), let base = feed.url else { return 0 }
        var cursor = feed.cursor
        var pages = 0
        var received: Int64 = 0
        while pages < pagesPerRun {
            let page: Page
            do {
                page = try await fetch(base, cursor: cursor, token: feed.token, platform: platform, client: client)
            } catch {
                try await recordFailure(id, error: "\(error)", previousErrors: feed.consecutiveErrors, interval: feed.intervalSeconds)
                return pages
            }
            pages += 1
            let checked: [IncomingPost]
            do {
                checked = try Self.check(page.posts, platform: platform)
            } catch {
                try await recordFailure(id, error: "\(error)", previousErrors: feed.consecutiveErrors, interval: feed.intervalSeconds)
                return pages
            }
            let result = try await posts.ingest(checked, platform: platform, sourceID: id)
            received += Int64(result.accepted)
            let more = !page.posts.isEmpty && page.nextCursor != nil && page.nextCursor != cursor
            if let next = page.nextCursor { cursor = next }
            // More to read: within this run the lease is kept; past `pagesPerRun`, the next pass goes on at once.
            let now = clock.now()
            let next = !more ? now.addingTimeInterval(Double(feed.intervalSeconds)) : pages < pagesPerRun ? now.addingTimeInterval(lease) : now
            try await recordSuccess(id, url: base, cursor: cursor, received: Int64(result.accepted), nextFetch: next)
            if !more { break }
        }
        return pages
    }

    private func fetch(_ base: String, cursor: String?, token: String?, platform: Platform, client: OutboundHTTP) async throws -> Page {
        var address = base
        if let cursor {
            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? cursor
            address += (base.contains("?") ? "&" : "?") + "cursor=" + encoded
        }
        var request = HTTPClientRequest(url: address)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Pantau-monitoring/1")
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        let limit = maximumBytes
        let deadline = timeout
        let prepared = request
        // The whole exchange, body included, has one deadline: a feed that
        // sends its answer a byte a minute fails like one that never answers.
        let bytes: ByteBuffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                let response: HTTPClientResponse
                do {
                    response = try await client.execute(prepared, timeout: deadline)
                } catch let failure {
                    throw Failure(description: "\(failure)")
                }
                guard (200..<300).contains(Int(response.status.code)) else { throw Failure(description: "HTTP \(response.status.code)") }
                do {
                    return try await response.body.collect(upTo: limit)
                } catch is NIOTooManyBytesError {
                    throw Failure(description: "the answer is larger than \(limit / 1024 / 1024) MiB")
                } catch {
                    throw Failure(description: "the answer was cut off")
                }
            }
            group.addTask {
                try await Task.sleep(for: .nanoseconds(deadline.nanoseconds))
                return nil
            }
            guard let first = try await group.next(), let body = first else {
                group.cancelAll()
                throw Failure(description: "timed out")
            }
            group.cancelAll()
            return body
        }
        do {
            return try decodeJSON(Page.self, from: Array(buffer: bytes))
        } catch let error as APIError {
            throw Failure(description: "not a feed: " + error.message)
        }
    }

    /// Every post of a page checked, before any is kept.
    static func check(_ bodies: [PostBody], platform: Platform) throws -> [IncomingPost] {
        guard bodies.count <= PostsAPIController.maxPostsPerBatch else {
            throw Failure(description: "a page holds at most \(PostsAPIController.maxPostsPerBatch) posts")
        }
        var seen = Set<String>()
        var checked: [IncomingPost] = []
        for (i, body) in bodies.enumerated() {
            switch body.checked(on: platform) {
            case .failure(let problem): throw Failure(description: "posts[\(i)].\(problem.field): \(problem.message)")
            case .success(let post): if seen.insert(post.id).inserted { checked.append(post) }
            }
        }
        return checked
    }

    private func recordSuccess(_ id: UUID, url: String, cursor: String?, received: Int64, nextFetch: Date) async throws {
        let now = clock.now()
        try await database.writeTransaction { db in
            // An address changed by the admin meanwhile starts from its own beginning: this feed's cursor is not its.
            guard let model = try await MonitorSourceModel.find(id, on: db), model.url == url else { return }
            model.cursor = cursor
            model.lastFetchAt = now
            model.lastSuccessAt = now
            model.lastError = nil
            model.consecutiveErrors = 0
            model.postsReceived += received
            model.nextFetchAt = nextFetch
            model.updatedAt = now
            try await model.save(on: db)
        }
    }

    private func recordFailure(_ id: UUID, error: String, previousErrors: Int, interval: Int) async throws {
        let now = clock.now()
        let errors = previousErrors + 1
        try await database.writeTransaction { db in
            guard let model = try await MonitorSourceModel.find(id, on: db) else { return }
            model.lastFetchAt = now
            model.lastError = String(error.prefix(500))
            model.consecutiveErrors = errors
            model.nextFetchAt = now.addingTimeInterval(Self.backoff(interval: interval, errors: errors))
            model.updatedAt = now
            try await model.save(on: db)
        }
    }

    /// The wait after `errors` failures in a row: the interval, doubled each time, at most an hour.
    static func backoff(interval: Int, errors: Int) -> TimeInterval {
        min(3600, Double(max(interval, 1)) * pow(2, Double(max(0, errors - 1))))
    }
}
