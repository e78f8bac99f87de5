import FluentKit
import Foundation
import PantauCore

final class WatchlistModel: Model, @unchecked Sendable {
    static let schema = "watchlists"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "threshold") var threshold: Double
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String
    init() {}
}

final class WatchTermModel: Model, @unchecked Sendable {
    static let schema = "watch_terms"
    @ID(key: .id) var id: UUID?
    @Field(key: "watchlist_id") var watchlistID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "text") var text: String
    @Field(key: "weight") var weight: Double
    /// The exclusions, one a line.
    @Field(key: "exclusions") var exclusions: String
    /// Off: kept in the list, not matched.
    @Field(key: "active") var active: Bool
    init() {}
}

/// A watchlist with its terms, as pages and the API show it.
struct WatchlistRow: Sendable {
    let id: UUID
    let definition: WatchlistDefinition
    let createdAt: Date
    let updatedAt: Date
    let updatedBy: String
}

/// The monitoring's watchlists: kept, changed and deleted with an audit
/// event each, and compiled into one matcher (`WatchlistMatcher`).
struct WatchlistService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    /// The compiled matcher, rebuilt when the watchlists change.
    let matchers: WatchlistMatchers

    init(database: PantauDatabase, clock: any PantauClock) {
        self.database = database
        self.clock = clock
        let db = database
        matchers = WatchlistMatchers(
            version: {
                let row = try await db.sql.raw("SELECT COUNT(*) AS n, MAX(updated_at) AS changed FROM watchlists").first()
                let count = try row?.decode(column: "n", as: Int.self) ?? 0
                let changed = try row?.decode(column: "changed", as: Date?.self)
                return "\(count)/\(changed?.timeIntervalSince1970 ?? 0)"
            },
            load: { try await WatchlistService.loadAll(on: db.db).map(\.definition) })
    }

    /// A refusal about one field, in both languages.
    struct Problem: Error, Sendable {
        let status: Int
        let code: String
        let field: String?
        let id: String
        let en: String
    }

    /// What a request asks for; absent fields stay as they are on a change.
    struct Input: Sendable {
        var name: String?
        var category: String?
        var threshold: Double?
        var active: Bool?
        var terms: [WatchTerm]?
    }

    func all() async throws -> [WatchlistRow] { try await Self.loadAll(on: database.db) }

    static func loadAll(on db: any Database) async throws -> [WatchlistRow] {
        let lists = try await WatchlistModel.query(on: db).sort(\.$name).sort(\.$id).all()
        let terms = try await WatchTermModel.query(on: db).sort(\.$position).all()
        let byList = Dictionary(grouping: terms, by: \.watchlistID)
        return lists.map { Self.row($0, terms: byList[$0.id!] ?? []) }
    }

    func find(_ id: UUID) async throws -> WatchlistRow? {
        guard let list = try await WatchlistModel.find(id, on: database.db) else { return nil }
        let terms = try await WatchTermModel.query(on: database.db).filter(\.$watchlistID == id).sort(\.$position).all()
        return Self.row(list, terms: terms)
    }

    private static func row(_ list: WatchlistModel, terms: [WatchTermModel]) -> WatchlistRow {
        let definition = WatchlistDefinition(
            id: UUIDText.lower(list.id!), name: list.name, category: list.categoryID, threshold: list.threshold,
            terms: terms.map { WatchTerm(text: $0.text, weight: $0.weight, exclusions: $0.exclusions.split(separator: "\n").map(String.init), active: $0.active) },
            active: list.active)
        return WatchlistRow(id: list.id!, definition: definition, createdAt: list.createdAt, updatedAt: list.updatedAt, updatedBy: list.updatedBy)
    }

    /// Every problem with a watchlist as it would be stored.
    func problems(_ definition: WatchlistDefinition) async throws -> [Problem] {
        var found = definition.problems().map { Problem(status: 422, code: "invalid_watchlist", field: $0.field, id: $0.id, en: $0.en) }
        if !definition.category.isEmpty, try await CategoryModel.find(definition.category, on: database.db) == nil, !found.contains(where: { $0.field == "category" }) {
            found.append(Problem(status: 422, code: "unknown_category", field: "category",
                                 id: "Kategori '\(definition.category.prefix(60))' tidak dikenal.", en: "Unknown category '\(definition.category.prefix(60))'."))
        }
        return found
    }

    func create(_ input: Input, actor: String) async throws -> WatchlistRow {
        let definition = WatchlistDefinition(id: "", name: (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines), category: input.category ?? "",
                                             threshold: input.threshold ?? 1, terms: input.terms ?? [], active: input.active ?? true)
        if let problem = try await problems(definition).first { throw problem }
        let now = clock.now()
        let id = OrderedID.make(at: now)
        try await database.writeTransaction { db in
            let list = WatchlistModel()
            list.id = id
            Self.apply(definition, to: list)
            list.createdAt = now
            list.updatedAt = now
            list.updatedBy = actor
            try await list.create(on: db)
            try await Self.storeTerms(definition.terms, of: id, at: now, on: db)
            try await AccountService.audit("watchlist_created", actor: actor, target: "watchlist:" + UUIDText.lower(id),
                                           payload: ["name": definition.name, "category": definition.category, "terms": String(definition.terms.count)],
                                           at: now, on: db)
        }
        await matchers.invalidate()
        return try await find(id)!
    }

    func update(_ id: UUID, _ input: Input, actor: String) async throws -> WatchlistRow {
        guard let current = try await find(id) else { throw Self.notFound }
        var definition = current.definition
        if let name = input.name { definition.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let category = input.category { definition.category = category }
        if let threshold = input.threshold { definition.threshold = threshold }
        if let active = input.active { definition.active = active }
        if let terms = input.terms { definition.terms = terms }
        if let problem = try await problems(definition).first { throw problem }
        let now = clock.now()
        let changed = definition
        try await database.writeTransaction { db in
            let definition = changed
            guard let list = try await WatchlistModel.find(id, on: db) else { throw Self.notFound }
            Self.apply(definition, to: list)
            list.updatedAt = now
            list.updatedBy = actor
            try await list.save(on: db)
            if input.terms != nil {
                try await WatchTermModel.query(on: db).filter(\.$watchlistID == id).delete()
                try await Self.storeTerms(definition.terms, of: id, at: now, on: db)
            }
            var payload = ["name": definition.name, "category": definition.category, "active": definition.active ? "true" : "false",
                           "threshold": String(definition.threshold)]
            if input.terms != nil { payload["terms"] = String(definition.terms.count) }
            try await AccountService.audit("watchlist_changed", actor: actor, target: "watchlist:" + UUIDText.lower(id), payload: payload, at: now, on: db)
        }
        await matchers.invalidate()
        return try await find(id)!
    }

    func delete(_ id: UUID, actor: String) async throws {
        let now = clock.now()
        try await database.writeTransaction { db in
            guard let list = try await WatchlistModel.find(id, on: db) else { throw Self.notFound }
            try await WatchTermModel.query(on: db).filter(\.$watchlistID == id).delete()
            try await list.delete(on: db)
            try await AccountService.audit("watchlist_deleted", actor: actor, target: "watchlist:" + UUIDText.lower(id),
                                           payload: ["name": list.name], at: now, on: db)
        }
        await matchers.invalidate()
    }

    static let notFound = Problem(status: 404, code: "not_found", field: nil, id: "Daftar pantau tidak ditemukan.", en: "No such watchlist.")

    private static func apply(_ definition: WatchlistDefinition, to list: WatchlistModel) {
        list.name = definition.name
        list.categoryID = definition.category
        list.threshold = definition.threshold
        list.active = definition.active
    }

    private static func storeTerms(_ terms: [WatchTerm], of id: UUID, at now: Date, on db: any Database) async throws {
        let models = terms.enumerated().map { position, term -> WatchTermModel in
            let model = WatchTermModel()
            model.id = OrderedID.make(at: now)
            model.watchlistID = id
            model.position = position
            model.text = term.text.trimmingCharacters(in: .whitespacesAndNewlines)
            model.weight = term.weight
            model.exclusions = term.exclusions.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: "\n")
            model.active = term.active
            return model
        }
        // In slices, so one statement never carries more values than a database takes.
        var start = 0
        while start < models.count {
            try await Array(models[start..<min(start + 500, models.count)]).create(on: db)
            start += 500
        }
    }
}

extension WatchlistDefinition {
    /// Terms written one a line as people type them: `istilah | bobot | pengecualian; pengecualian | mati`
    /// (weight, exclusions and "mati"/"off" — switched off — optional). A problem names its line.
    static func parseTerms(_ text: String) -> Result<[WatchTerm], WatchlistService.Problem> {
        var terms: [WatchTerm] = []
        for (index, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var weight = 1.0
            if parts.count > 1, !parts[1].isEmpty {
                guard let value = Double(parts[1].replacingOccurrences(of: ",", with: ".")), value > 0, value <= 1_000 else {
                    return .failure(WatchlistService.Problem(status: 422, code: "invalid_terms", field: "terms",
                                                             id: "Baris \(index + 1): bobot harus angka lebih dari 0, paling besar 1.000.",
                                                             en: "Line \(index + 1): the weight is a number above 0 and at most 1000."))
                }
                weight = value
            }
            let exclusions = parts.count > 2 ? parts[2].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : []
            var active = true
            if parts.count > 3, !parts[3].isEmpty {
                switch parts[3].lowercased() {
                case "mati", "off", "nonaktif": active = false
                case "aktif", "on", "hidup": active = true
                default:
                    return .failure(WatchlistService.Problem(status: 422, code: "invalid_terms", field: "terms",
                                                             id: "Baris \(index + 1): kolom keempat hanya \"mati\" (istilah tidak dicocokkan) atau \"aktif\".",
                                                             en: "Line \(index + 1): the fourth column is only \"off\" (the term is not matched) or \"on\"."))
                }
            }
            terms.append(WatchTerm(text: parts[0], weight: weight, exclusions: exclusions, active: active))
        }
        return .success(terms)
    }

    /// The terms as the form shows them again.
    static func termLines(_ terms: [WatchTerm]) -> String {
        terms.map { term in
            var line = term.text
            if term.weight != 1 || !term.exclusions.isEmpty || !term.active { line += " | " + SVGChart.format(term.weight) }
            if !term.exclusions.isEmpty || !term.active { line += " | " + term.exclusions.joined(separator: "; ") }
            if !term.active { line += " | mati" }
            return line
        }.joined(separator: "\n")
    }
}
