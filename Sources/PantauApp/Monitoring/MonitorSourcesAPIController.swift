import Foundation
import Hummingbird
import PantauCore

/// Monitoring's sources in the API: every source's health (staff), and
/// the feeds the worker pulls (admin: add, change, delete). A feed's token
/// is never shown back.
struct MonitorSourcesAPIController: Sendable {
    let service: MonitorSourceService

    struct Body: Decodable {
        let platform: String?
        let name: String?
        let url: String?
        let token: String?
        let intervalSeconds: Int?
        let enabled: Bool?
        enum CodingKeys: String, CodingKey { case platform, name, url, token, intervalSeconds = "interval_seconds", enabled }

        var input: MonitorSourceService.Input {
            .init(platform: platform, name: name, url: url, token: token, intervalSeconds: intervalSeconds, enabled: enabled)
        }
    }

    func register(on routes: Routes) {
        routes.get(SitePath.API.monitorSources, .staff(.viewCases)) { _, _ in
            var object = JSONObjectText()
            object.add("sources", objects: try await service.health().map(Self.json))
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.monitorSources, .staff(.manageMonitorSources)) { request, context in
            let body = try await decodeJSONBody(Body.self, request, limit: 64 * 1024)
            let feed = try await answeringRefusals { try await service.addFeed(body.input, actor: context.identity!.actor) }
            return jsonResponse(Self.json(feed), status: .created)
        }
        routes.post(SitePath.API.monitorSource, .staff(.manageMonitorSources)) { request, context in
            let id = try apiPathID(context)
            let body = try await decodeJSONBody(Body.self, request, limit: 64 * 1024)
            if body.platform != nil {
                throw APIError(.unprocessableContent, code: "platform_fixed", message: "A feed's platform cannot change; add another feed.", field: "platform")
            }
            let feed = try await answeringRefusals { try await service.change(id, body.input, actor: context.identity!.actor) }
            return jsonResponse(Self.json(feed), status: .ok)
        }
        routes.post(SitePath.API.monitorSourceDelete, .staff(.manageMonitorSources)) { _, context in
            let id = try apiPathID(context)
            try await answeringRefusals { try await service.delete(id, actor: context.identity!.actor) }
            var object = JSONObjectText()
            object.add("deleted", UUIDText.lower(id))
            return jsonResponse(object, status: .ok)
        }
    }

    static func json(_ feed: MonitorSourceModel) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("consecutive_errors", feed.consecutiveErrors)
        o.add("enabled", feed.enabled)
        o.add("has_token", feed.token != nil)
        o.add("id", UUIDText.lower(feed.id!))
        o.add("interval_seconds", feed.intervalSeconds)
        o.add("kind", feed.kind)
        if let error = feed.lastError { o.add("last_error", error) }
        if let at = feed.lastFetchAt { o.add("last_fetch_at", isoTimestamp(at)) }
        if let at = feed.lastSuccessAt { o.add("last_success_at", isoTimestamp(at)) }
        o.add("name", feed.name)
        o.add("platform", feed.platform)
        o.add("posts_received", Int(feed.postsReceived))
        o.add("url", feed.url ?? "")
        return o
    }

    static func json(_ health: MonitorSourceService.Health) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("consecutive_errors", health.consecutiveErrors)
        o.add("enabled", health.enabled)
        o.add("findings_last_day", health.findingsLastDay)
        if let id = health.id { o.add("id", UUIDText.lower(id)) }
        o.add("kind", health.kind)
        if let error = health.lastError { o.add("last_error", error) }
        if let at = health.lastFetchAt { o.add("last_fetch_at", isoTimestamp(at)) }
        if let at = health.lastSuccessAt { o.add("last_success_at", isoTimestamp(at)) }
        o.add("name", health.name)
        o.add("platform", health.platform)
        o.add("posts_last_day", health.postsLastDay)
        return o
    }
}
