import FluentKit
import Foundation
import PantauCore
import SQLKit

final class MonitorSourceModel: Model, @unchecked Sendable {
    static let schema = "monitor_sources"
    @ID(key: .id) var id: UUID?
    /// `feed` (pulled by the worker); pushes need no row.
    @Field(key: "kind") var kind: String
    @Field(key: "platform") var platform: String
    @Field(key: "name") var name: String
    @OptionalField(key: "url") var url: String?
    @OptionalField(key: "token") var token: String?
    @Field(key: "interval_seconds") var intervalSeconds: Int
    @OptionalField(key: "cursor") var cursor: String?
    @Field(key: "enabled") var enabled: Bool
    @OptionalField(key: "last_fetch_at") var lastFetchAt: Date?
    @OptionalField(key: "last_success_at") var lastSuccessAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "consecutive_errors") var consecutiveErrors: Int
    @OptionalField(key: "next_fetch_at") var nextFetchAt: Date?
    @Field(key: "posts_received") var postsReceived: Int64
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// Monitoring's sources: the feeds the worker pulls (kept, changed and
/// deleted with an audit event each), and every source's health — a
/// platform's pushes as one source, each feed as another.
struct MonitorSourceService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    /// Whether a feed may be on a loopback or private address (tests, a local set-up).
    let allowInternal: Bool

    struct Input: Sendable {
        var platform: String?
        var name: String?
        var url: String?
        var token: String?
        var intervalSeconds: Int?
        var enabled: Bool?
    }

    static let intervals = 10...86_400

    /// Every problem with a feed as it would be stored.
    func problems(platform: String, name: String, url: String, token: String?, interval: Int) -> [WatchlistService.Problem] {
        var found: [WatchlistService.Problem] = []
        func add(_ field: String, _ id: String, _ en: String) {
            found.append(.init(status: 422, code: "invalid_source", field: field, id: id, en: en))
        }
        if Platform(rawValue: platform).flatMap(MonitoredPost.subjectKind(on:)) == nil {
            add("platform", "Pilih platform yang dapat dipantau (TikTok, X, Facebook, Instagram, YouTube).",
                "Choose a platform that can be monitored (TikTok, X, Facebook, Instagram, YouTube).")
        }
        if name.isEmpty || name.count > 200 { add("name", "Nama sumber 1–200 karakter.", "'name' has 1–200 characters.") }
        if url.count > 2048 {
            add("url", "Alamat paling panjang 2.048 karakter.", "The address has at most 2,048 characters.")
        } else if case .failure(let refusal) = OutboundPolicy.check(url: url, allowInternal: allowInternal) {
            add("url", refusal.message.id, refusal.message.en)
        }
        if let token, token.count > 4096 || token.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7E }) {
            add("token", "Token paling panjang 4.096 karakter ASCII tanpa spasi.", "The token has at most 4,096 ASCII characters without spaces.")
        }
        if !Self.intervals.contains(interval) {
            add("interval_seconds", "Selang 10 detik sampai 1 hari.", "The interval is 10 seconds to one day.")
        }
        return found
    }

    func feeds() async throws -> [MonitorSourceModel] {
        try await MonitorSourceModel.query(on: database.db).filter(\.$kind == "feed").sort(\.$platform).sort(\.$name).all()
    }

    func find(_ id: UUID) async throws -> MonitorSourceModel? {
        try await MonitorSourceModel.query(on: database.db).filter(\.$id == id).filter(\.$kind == "feed").first()
    }

    func addFeed(_ input: Input, actor: String) async throws -> MonitorSourceModel {
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let url = (input.url ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let token = input.token.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        let interval = input.intervalSeconds ?? 60
        if let problem = problems(platform: input.platform ?? "", name: name, url: url, token: token, interval: interval).first { throw problem }
        let now = clock.now()
        let model = MonitorSourceModel()
        model.id = OrderedID.make(at: now)
        model.kind = "feed"
        model.platform = input.platform ?? ""
        model.name = name
        model.url = url
        model.token = token
        model.intervalSeconds = interval
        model.enabled = input.enabled ?? true
        model.consecutiveErrors = 0
        model.postsReceived = 0
        model.createdAt = now
        model.updatedAt = now
        try await database.writeTransaction { db in
            try await model.create(on: db)
            try await AccountService.audit("monitor_source_added", actor: actor, target: "monitor_source:" + UUIDText.lower(model.id!),
                                           payload: ["platform": model.platform, "name": name, "url": url, "interval_seconds": String(interval)],
                                           at: now, on: db)
        }
        return model
    }

    func change(_ id: UUID, _ input: Input, actor: String) async throws -> MonitorSourceModel {
        guard let current = try await find(id) else { throw Self.notFound }
        let name = input.name.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? current.name
        let url = input.url.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? current.url ?? ""
        let token = input.token.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.map { $0.isEmpty ? nil : $0 } ?? current.token
        let interval = input.intervalSeconds ?? current.intervalSeconds
        if let problem = problems(platform: current.platform, name: name, url: url, token: token, interval: interval).first { throw problem }
        let now = clock.now()
        return try await database.writeTransaction { db in
            guard let model = try await MonitorSourceModel.find(id, on: db) else { throw Self.notFound }
            // A new address starts from the feed's beginning.
            if url != model.url { model.cursor = nil }
            model.name = name
            model.url = url
            model.token = token
            model.intervalSeconds = interval
            if let enabled = input.enabled {
                model.enabled = enabled
                if enabled { model.consecutiveErrors = 0; model.nextFetchAt = nil }
            }
            model.updatedAt = now
            try await model.save(on: db)
            var payload = ["name": name, "url": url, "interval_seconds": String(interval), "enabled": model.enabled ? "true" : "false"]
            if input.token != nil { payload["token"] = "changed" }
            try await AccountService.audit("monitor_source_changed", actor: actor, target: "monitor_source:" + UUIDText.lower(id), payload: payload,
                                           at: now, on: db)
            return model
        }
    }

    func delete(_ id: UUID, actor: String) async throws {
        let now = clock.now()
        try await database.writeTransaction { db in
            guard let model = try await MonitorSourceModel.query(on: db).filter(\.$id == id).filter(\.$kind == "feed").first() else { throw Self.notFound }
            try await model.delete(on: db)
            try await AccountService.audit("monitor_source_deleted", actor: actor, target: "monitor_source:" + UUIDText.lower(id),
                                           payload: ["name": model.name, "platform": model.platform], at: now, on: db)
        }
    }

    static let notFound = WatchlistService.Problem(status: 404, code: "not_found", field: nil, id: "Sumber tidak ditemukan.", en: "No such source.")

    // MARK: Health

    /// One source's health: when it last delivered, its errors, its posts and findings of the last day.
    struct Health: Sendable {
        let id: UUID?
        let kind: String
        let platform: String
        let name: String
        let enabled: Bool
        let lastFetchAt: Date?
        let lastSuccessAt: Date?
        let lastError: String?
        let consecutiveErrors: Int
        let postsLastDay: Int
        let findingsLastDay: Int
    }

    /// Pushes per platform (from the posts themselves) and every feed.
    func health() async throws -> [Health] {
        let since = clock.now().addingTimeInterval(-86_400)
        let sql = database.sql
        var pushed: [Health] = []
        for row in try await sql.raw("""
            SELECT platform, MAX(received_at) AS last, COUNT(*) AS n, SUM(CASE WHEN found THEN 1 ELSE 0 END) AS found
            FROM monitored_posts WHERE source_id IS NULL AND received_at >= \(bind: since) GROUP BY platform
            """).all() {
            let platform = try row.decode(column: "platform", as: String.self)
            pushed.append(Health(id: nil, kind: "push", platform: platform, name: "", enabled: true,
                                 lastFetchAt: try row.decode(column: "last", as: Date?.self), lastSuccessAt: try row.decode(column: "last", as: Date?.self),
                                 lastError: nil, consecutiveErrors: 0, postsLastDay: try row.decode(column: "n", as: Int.self),
                                 findingsLastDay: try row.decode(column: "found", as: Int?.self) ?? 0))
        }
        // A platform that pushed before but not in the last day still shows, with its last push.
        for row in try await sql.raw("SELECT platform, MAX(received_at) AS last FROM monitored_posts WHERE source_id IS NULL GROUP BY platform").all() {
            let platform = try row.decode(column: "platform", as: String.self)
            if !pushed.contains(where: { $0.platform == platform }) {
                let last = try row.decode(column: "last", as: Date?.self)
                pushed.append(Health(id: nil, kind: "push", platform: platform, name: "", enabled: true, lastFetchAt: last, lastSuccessAt: last,
                                     lastError: nil, consecutiveErrors: 0, postsLastDay: 0, findingsLastDay: 0))
            }
        }
        var perFeed: [UUID: (posts: Int, found: Int)] = [:]
        for row in try await sql.raw("""
            SELECT source_id, COUNT(*) AS n, SUM(CASE WHEN found THEN 1 ELSE 0 END) AS found
            FROM monitored_posts WHERE source_id IS NOT NULL AND received_at >= \(bind: since) GROUP BY source_id
            """).all() {
            perFeed[try row.decode(column: "source_id", as: UUID.self)] = (try row.decode(column: "n", as: Int.self), try row.decode(column: "found", as: Int?.self) ?? 0)
        }
        let feeds = try await feeds().map { feed in
            Health(id: feed.id, kind: "feed", platform: feed.platform, name: feed.name, enabled: feed.enabled, lastFetchAt: feed.lastFetchAt,
                   lastSuccessAt: feed.lastSuccessAt, lastError: feed.lastError, consecutiveErrors: feed.consecutiveErrors,
                   postsLastDay: perFeed[feed.id!]?.posts ?? 0, findingsLastDay: perFeed[feed.id!]?.found ?? 0)
        }
        // The crawler, once it has fetched anything: its pages, failures and findings of the day.
        var crawler: [Health] = []
        if let row = try await sql.raw("""
            SELECT MAX(fetched_at) AS last, COUNT(*) AS n, SUM(CASE WHEN found THEN 1 ELSE 0 END) AS found,
            SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed FROM crawl_pages WHERE fetched_at >= \(bind: since)
            """).first(), let pages = try row.decode(column: "n", as: Int?.self), pages > 0 {
            let failed = try row.decode(column: "failed", as: Int?.self) ?? 0
            let lastError = failed == 0 ? nil : try await sql.raw("""
                SELECT error FROM crawl_pages WHERE state = 'failed' ORDER BY fetched_at DESC LIMIT 1
                """).first()?.decode(column: "error", as: String?.self)
            let last = try row.decode(column: "last", as: Date?.self)
            crawler.append(Health(id: nil, kind: "crawler", platform: Platform.web.rawValue, name: "", enabled: true, lastFetchAt: last, lastSuccessAt: last,
                                  lastError: lastError, consecutiveErrors: failed, postsLastDay: pages,
                                  findingsLastDay: try row.decode(column: "found", as: Int?.self) ?? 0))
        }
        // The re-checks, once anything is enrolled: addresses checked, failing and back online in the day.
        if let rechecks = try await RecheckHealth.load(since: since, on: sql) {
            crawler.append(Health(id: nil, kind: "recheck", platform: Platform.web.rawValue, name: "", enabled: true,
                                  lastFetchAt: rechecks.lastCheckAt, lastSuccessAt: rechecks.lastCheckAt, lastError: rechecks.lastError,
                                  consecutiveErrors: rechecks.failedLastDay, postsLastDay: rechecks.checkedLastDay,
                                  findingsLastDay: rechecks.reappearedLastDay))
        }
        return pushed.sorted { $0.platform < $1.platform } + feeds + crawler
    }
}
