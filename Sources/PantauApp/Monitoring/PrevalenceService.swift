import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PantauCore
import SQLKit

/// How a sample was drawn.
enum SampleMethod: String, Sendable, CaseIterable {
    /// Every post of the week equally likely: the share of *posts* that violate.
    case uniform
    /// Each post as likely as its views: the share of *what people saw* that violated.
    case views

    func title(_ l: Language) -> String {
        switch self {
        case .uniform: l.t("acak merata (setiap unggahan berpeluang sama)", "uniform (every post equally likely)")
        case .views: l.t("berbobot tayangan (peluang sebanding tayangan)", "views-weighted (as likely as its views)")
        }
    }
}

/// Prevalence over time: each week Pantau draws a random sample of the
/// posts it monitored on each platform (uniform; and weighted by views
/// where the platform gives views), analysts label the sampled posts, and
/// the share that violates is published per platform and week with its
/// 95 % Wilson interval — the prevalence metric platforms publish in their
/// enforcement reports, measured here from outside.
struct PrevalenceService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    /// Posts per sample (PANTAU_PREVALENCE_SAMPLE_SIZE).
    var sampleSize = 200
    /// When the worker last looked for a week to sample (it looks every few minutes, not every pass).
    private let lastCheck = NIOLockedValueBox<Date?>(nil)

    init(database: PantauDatabase, clock: any PantauClock, sampleSize: Int = 200) {
        self.database = database
        self.clock = clock
        self.sampleSize = sampleSize
    }

    // MARK: Drawing

    /// The worker's job: once the week is over, draws its samples (every few minutes it looks).
    func drawDue() async throws -> Int {
        let now = clock.now()
        let due = lastCheck.withLockedValue { last -> Bool in
            guard last.map({ now.timeIntervalSince($0) >= 600 || now < $0 }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return 0 }
        return try await draw(week: ComplianceFigures.weekStart(now).addingTimeInterval(-7 * 86_400))
    }

    /// Draws the samples of the week starting `week` (Monday 00:00 WIB) for
    /// every platform with posts that week and no sample yet; returns how many.
    @discardableResult
    func draw(week: Date) async throws -> Int {
        let end = week.addingTimeInterval(7 * 86_400)
        let sql = database.sql
        let platforms = try await sql.raw("""
            SELECT DISTINCT platform FROM monitored_posts WHERE received_at >= \(bind: week) AND received_at < \(bind: end)
            """).all().map { try $0.decode(column: "platform", as: String.self) }
        var drawn = 0
        for platform in platforms.sorted() {
            let existing = Set(try await sql.raw("SELECT method FROM samples WHERE platform = \(bind: platform) AND week_start = \(bind: week)").all()
                .map { try $0.decode(column: "method", as: String.self) })
            if existing.count == SampleMethod.allCases.count { continue }
            // The week's posts: their row ids, and views where the platform gives them.
            var ids: [UUID] = []
            var views: [Double] = []
            for row in try await sql.raw("""
                SELECT id, views FROM monitored_posts WHERE platform = \(bind: platform) AND received_at >= \(bind: week) AND received_at < \(bind: end) ORDER BY id
                """).all() {
                ids.append(try row.decode(column: "id", as: UUID.self))
                views.append(Double(try row.decode(column: "views", as: Int64?.self) ?? 0))
            }
            var generator = SystemRandomNumberGenerator()
            var picks: [(SampleMethod, [Int], Int)] = []
            if !existing.contains(SampleMethod.uniform.rawValue) {
                picks.append((.uniform, PrevalenceSample.uniform(population: ids.count, count: sampleSize, using: &generator), ids.count))
            }
            let withViews = views.filter { $0 > 0 }.count
            if !existing.contains(SampleMethod.views.rawValue), withViews > 0 {
                picks.append((.views, PrevalenceSample.weighted(weights: views, count: sampleSize, using: &generator), withViews))
            }
            let now = clock.now()
            for (method, indices, population) in picks where !indices.isEmpty {
                let sampleID = OrderedID.make(at: now)
                let items = indices.enumerated().map { position, index in (OrderedID.make(at: now), ids[index], position) }
                try await database.writeTransaction { db in
                    let sql = db as! any SQLDatabase
                    try await sql.insert(into: "samples").columns("id", "platform", "week_start", "method", "size", "population", "drawn_at")
                        .values(SQLBind(sampleID), SQLBind(platform), SQLBind(week), SQLBind(method.rawValue), SQLBind(indices.count), SQLBind(population), SQLBind(now))
                        .ignoringConflicts(with: ["platform", "week_start", "method"]).run()
                    for chunk in items.chunked(300) {
                        var insert = sql.insert(into: "sample_items").columns("id", "sample_id", "post_row_id", "position")
                        for item in chunk { insert = insert.values(SQLBind(item.0), SQLBind(sampleID), SQLBind(item.1), SQLBind(item.2)) }
                        try await insert.run()
                    }
                }
                drawn += 1
            }
        }
        return drawn
    }

    // MARK: The review queue

    struct QueueItem: Sendable {
        let id: UUID
        let sampleID: UUID
        let platform: String
        let weekStart: Date
        let method: SampleMethod
        let position: Int
        let postID: String
        let author: String?
        let text: String
        let urls: [String]
        let views: Int64?
    }

    /// The next unlabelled posts, oldest sample first.
    func queue(limit: Int = 1) async throws -> [QueueItem] {
        try await database.sql.raw("""
            SELECT i.id, i.sample_id, i.position, s.platform, s.week_start, s.method, p.post_id, p.author, p.text, p.urls, p.views
            FROM sample_items i JOIN samples s ON s.id = i.sample_id JOIN monitored_posts p ON p.id = i.post_row_id
            WHERE i.label IS NULL ORDER BY s.week_start, s.platform, s.method, i.position LIMIT \(unsafeRaw: String(limit))
            """).all().map { row in
            QueueItem(id: try row.decode(column: "id", as: UUID.self), sampleID: try row.decode(column: "sample_id", as: UUID.self),
                      platform: try row.decode(column: "platform", as: String.self), weekStart: try row.decode(column: "week_start", as: Date.self),
                      method: SampleMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .uniform,
                      position: try row.decode(column: "position", as: Int.self), postID: try row.decode(column: "post_id", as: String.self),
                      author: try row.decode(column: "author", as: String?.self), text: try row.decode(column: "text", as: String.self),
                      urls: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "urls", as: String.self).utf8))) ?? [],
                      views: try row.decode(column: "views", as: Int64?.self))
        }
    }

    /// How many sampled posts wait for a label.
    func waiting() async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM sample_items WHERE label IS NULL").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    struct LabelProblem: Error, Sendable {
        let field: String
        let id: String
        let en: String
    }

    /// Labels one sampled post (a later label replaces an earlier one); an audit event says who.
    func label(_ itemID: UUID, violating: Bool?, category: String?, actor: String) async throws {
        guard let violating else {
            throw LabelProblem(field: "label", id: "Pilih: melanggar atau tidak melanggar.", en: "Choose: violating or not violating.")
        }
        if violating {
            guard let category, !category.isEmpty, try await CategoryModel.find(category, on: database.db) != nil else {
                throw LabelProblem(field: "category", id: "Pilih kategori pelanggarannya.", en: "Choose the category of the violation.")
            }
        }
        let categoryID = violating ? category : nil
        let now = clock.now()
        try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            let updated = try await sql.raw("""
                UPDATE sample_items SET label = \(bind: violating ? "violating" : "not_violating"), category_id = \(bind: categoryID),
                labelled_by = \(bind: actor), labelled_at = \(bind: now) WHERE id = \(bind: itemID) RETURNING id
                """).all()
            guard !updated.isEmpty else { throw LabelProblem(field: "item", id: "Butir sampel tidak ditemukan.", en: "No such sample item.") }
            try await AccountService.audit("sample_labelled", actor: actor, target: "sample_item:" + UUIDText.lower(itemID),
                                           payload: ["label": violating ? "violating" : "not_violating", "category": categoryID ?? ""], at: now, on: db)
        }
    }

    // MARK: Figures

    /// One week's prevalence on one platform by one method, from the posts labelled so far.
    struct Figure: Sendable {
        let platform: String
        let weekStart: Date
        let method: SampleMethod
        let size: Int
        let population: Int
        let labelled: Int
        let prevalence: Prevalence
        /// Violating posts per category (their share with the labelled posts as denominator).
        let byCategory: [(category: String, prevalence: Prevalence)]
    }

    /// Every sample's figures, weeks in order (optionally one platform, weeks from `from`).
    func figures(platform: String? = nil, from: Date? = nil) async throws -> [Figure] {
        var query: SQLQueryString = "SELECT s.id, s.platform, s.week_start, s.method, s.size, s.population, i.label, i.category_id, COUNT(i.id) AS n "
        query.appendLiteral("FROM samples s LEFT JOIN sample_items i ON i.sample_id = s.id AND i.label IS NOT NULL WHERE 1 = 1")
        if let platform { query.appendLiteral(" AND s.platform = "); query.appendInterpolation(bind: platform) }
        if let from { query.appendLiteral(" AND s.week_start >= "); query.appendInterpolation(bind: from) }
        query.appendLiteral(" GROUP BY s.id, s.platform, s.week_start, s.method, s.size, s.population, i.label, i.category_id")
        let sql = database.sql
        struct Tally { var platform = "", week = Date(), method = SampleMethod.uniform, size = 0, population = 0, labelled = 0, violating = 0
            var categories: [String: Int] = [:] }
        var tallies: [UUID: Tally] = [:]
        for row in try await sql.raw(query).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            var tally: Tally
            if let known = tallies[id] {
                tally = known
            } else {
                tally = Tally(platform: try row.decode(column: "platform", as: String.self), week: try row.decode(column: "week_start", as: Date.self),
                              method: SampleMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .uniform,
                              size: try row.decode(column: "size", as: Int.self), population: try row.decode(column: "population", as: Int.self))
            }
            let count = try row.decode(column: "n", as: Int.self)
            if let label = try row.decode(column: "label", as: String?.self) {
                tally.labelled += count
                if label == "violating" {
                    tally.violating += count
                    tally.categories[try row.decode(column: "category_id", as: String?.self) ?? "", default: 0] += count
                }
            }
            tallies[id] = tally
        }
        return tallies.values.map { t in
            Figure(platform: t.platform, weekStart: t.week, method: t.method, size: t.size, population: t.population, labelled: t.labelled,
                   prevalence: Prevalence(violating: t.violating, sampled: t.labelled),
                   byCategory: t.categories.sorted { $0.key < $1.key }.map { ($0.key, Prevalence(violating: $0.value, sampled: t.labelled)) })
        }.sorted { ($0.weekStart, $0.platform, $0.method.rawValue) < ($1.weekStart, $1.platform, $1.method.rawValue) }
    }
}
