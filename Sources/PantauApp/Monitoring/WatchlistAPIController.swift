import Foundation
import Hummingbird
import PantauCore

/// The watchlists in the API: list, create, change, delete, and test a text.
struct WatchlistAPIController: Sendable {
    let service: WatchlistService

    struct TermBody: Decodable {
        let text: String
        let weight: Double?
        let exclusions: [String]?
        let active: Bool?
    }

    struct WatchlistBody: Decodable {
        let name: String?
        let category: String?
        let threshold: Double?
        let active: Bool?
        let terms: [TermBody]?

        var input: WatchlistService.Input {
            WatchlistService.Input(name: name, category: category, threshold: threshold, active: active,
                                   terms: terms?.map { WatchTerm(text: $0.text, weight: $0.weight ?? 1, exclusions: $0.exclusions ?? [], active: $0.active ?? true) })
        }
    }

    struct TestBody: Decodable {
        let text: String
        let author: String?
        let urls: [String]?
    }

    /// The largest text `test` reads (a post or a page's text).
    static let maximumTestText = 200_000

    func register(on routes: Routes) {
        routes.get(SitePath.API.watchlists, .staff(.viewCases)) { _, _ in
            var object = JSONObjectText()
            object.add("watchlists", objects: try await service.all().map(Self.json))
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.watchlists, .staff(.manageWatchlists)) { request, context in
            let body = try await decodeJSONBody(WatchlistBody.self, request, limit: 4 * 1024 * 1024)
            guard body.name != nil, body.category != nil, body.terms != nil else {
                throw APIError(.unprocessableContent, code: "missing_field", message: "'name', 'category' and 'terms' are required.",
                               field: body.name == nil ? "name" : body.category == nil ? "category" : "terms")
            }
            let row = try await answeringRefusals { try await service.create(body.input, actor: context.identity!.actor) }
            return jsonResponse(Self.json(row), status: .created)
        }
        routes.post(SitePath.API.watchlistTest, .staff(.viewCases)) { request, _ in
            let body = try await decodeJSONBody(TestBody.self, request, limit: 1024 * 1024)
            guard body.text.utf16.count <= Self.maximumTestText else {
                throw APIError(.unprocessableContent, code: "text_too_long", message: "'text' is at most \(Self.maximumTestText) UTF-16 code units.", field: "text")
            }
            guard (body.urls ?? []).count <= 100, (body.author ?? "").count <= 200 else {
                throw APIError(.unprocessableContent, code: "too_long", message: "At most 100 'urls' and an 'author' of 200 characters.", field: "urls")
            }
            let matcher = try await service.matchers.current()
            let result = matcher.match(text: body.text, author: body.author, urls: body.urls ?? [])
            return jsonResponse(Self.json(result, findings: matcher.findings(result)), status: .ok)
        }
        routes.get(SitePath.API.watchlist, .staff(.viewCases)) { _, context in
            guard let row = try await service.find(try apiPathID(context)) else { throw WatchlistService.notFound.apiError }
            return jsonResponse(Self.json(row), status: .ok)
        }
        routes.post(SitePath.API.watchlist, .staff(.manageWatchlists)) { request, context in
            let id = try apiPathID(context)
            let body = try await decodeJSONBody(WatchlistBody.self, request, limit: 4 * 1024 * 1024)
            let row = try await answeringRefusals { try await service.update(id, body.input, actor: context.identity!.actor) }
            return jsonResponse(Self.json(row), status: .ok)
        }
        routes.post(SitePath.API.watchlistDelete, .staff(.manageWatchlists)) { _, context in
            let id = try apiPathID(context)
            try await answeringRefusals { try await service.delete(id, actor: context.identity!.actor) }
            var object = JSONObjectText()
            object.add("deleted", UUIDText.lower(id))
            return jsonResponse(object, status: .ok)
        }
    }

    static func json(_ row: WatchlistRow) -> JSONObjectText {
        let d = row.definition
        var o = JSONObjectText()
        o.add("active", d.active)
        o.add("category", d.category)
        o.add("created_at", isoTimestamp(row.createdAt))
        o.add("id", UUIDText.lower(row.id))
        o.add("name", d.name)
        o.add("terms", objects: d.terms.map { term in
            var t = JSONObjectText()
            t.add("active", term.active)
            t.add("exclusions", list: term.exclusions)
            t.add("text", term.text)
            t.add("weight", number: term.weight)
            return t
        })
        o.add("threshold", number: d.threshold)
        o.add("updated_at", isoTimestamp(row.updatedAt))
        o.add("updated_by", row.updatedBy)
        return o
    }

    static func json(_ result: WatchlistMatcher.Result, findings: [WatchlistDefinition]) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("findings", list: findings.map(\.id))
        o.add("matches", objects: result.matches.map { m in
            var item = JSONObjectText()
            item.add("category", m.category)
            item.add("end", m.end)
            item.add("field", m.field.rawValue)
            item.add("start", m.start)
            item.add("term", m.term)
            if let value = m.value { item.add("value", value) }
            item.add("watchlist", m.watchlistID)
            item.add("watchlist_name", m.watchlistName)
            item.add("weight", number: m.weight)
            return item
        })
        o.add("offsets", "utf16")
        o.add("score", number: result.score)
        o.add("scores", object: { scores in
            for (id, score) in result.scores.sorted(by: { $0.key < $1.key }) { scores.add(id, number: score) }
        })
        return o
    }
}

/// Monitoring's refusals answer the API like every other service's.
extension WatchlistService.Problem: ServiceRefusal {
    var kind: RefusalKind { status == 404 ? .notFound : .invalid }
    var refusedField: String? { field }
}
