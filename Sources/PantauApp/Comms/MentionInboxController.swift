import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore

struct MentionInboxController: Sendable {
    let service: MentionInboxService

    struct ReplyBody: Decodable {
        let handling: String?
        let text: String
        let replyURL: String?
        enum CodingKeys: String, CodingKey { case handling, text, replyURL = "reply_url" }
    }

    func register(on routes: Routes) {
        routes.get(SitePath.API.mentionInbox, .staff(.answerMentions)) { request, _ in
            let (status, platform) = try Self.filters(request) { APIError(.badRequest, code: "invalid_\($0)", message: $1, field: $0) }
            let page = try await answeringAPI {
                try await service.page(status: status, platform: platform, cursor: request.uri.queryParameters.get("cursor").map { String($0) })
            }
            var object = JSONObjectText()
            object.add("mentions", objects: page.items.map(Self.json))
            if let next = page.next { object.add("next_cursor", next) } else { object.addNull("next_cursor") }
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.mentionReply, .staff(.answerMentions)) { request, context in
            let id = try apiPathID(context)
            let body = try await decodeJSONBody(ReplyBody.self, request, limit: 16 * 1024)
            guard let handling = MentionHandling(rawValue: body.handling ?? MentionHandling.answered.rawValue) else {
                throw APIError(.unprocessableContent, code: "invalid_handling", message: "'handling' is answered or closed.", field: "handling")
            }
            let reply = try await answeringAPI {
                try await service.handle(id, MentionReplyInput(handling: handling, text: body.text, replyURL: body.replyURL), actor: context.identity!.actor)
            }
            return jsonResponse(Self.json(reply), status: .created)
        }
        routes.get(SitePath.Comms.inbox, .staff(.answerMentions)) { request, context in
            try await inboxPage(request, context, refused: nil, status: .ok)
        }
        routes.post(SitePath.Comms.reply, .staff(.answerMentions)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language))
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            if let handling = MentionHandling(rawValue: form["handling"]) {
                do {
                    _ = try await service.handle(id, MentionReplyInput(handling: handling, text: form["text"], replyURL: form.values["reply_url"]),
                                                 actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.inbox + "?notice=" + handling.rawValue)])
                } catch let problem as CommsProblem {
                    guard let field = problem.field else {
                        throw WebErrorPage(status: HTTPResponse.Status(code: problem.status), language: language, detail: language.t(problem.id, problem.en))
                    }
                    form.fail(field, language.t(problem.id, problem.en))
                }
            } else {
                form.fail("handling", language.t("Pilih balas atau tutup.", "Choose reply or close."))
            }
            return try await inboxPage(request, context, refused: (id, form), status: .unprocessableContent)
        }
    }

    /// The inbox; `refused` is a reply the service refused, shown again beside its mention.
    private func inboxPage(_ request: Request, _ context: AppRequestContext, refused: (mention: UUID, form: FormState)?,
                           status: HTTPResponse.Status) async throws -> Response {
        let language = Language(request: request)
        let (filter, platform) = try Self.filters(request) { _, _ in
            WebErrorPage(status: .badRequest, language: language, detail: language.t("Saringan tidak dikenal.", "Unknown filter."))
        }
        let page = try await answeringPage(language) {
            try await service.page(status: filter, platform: platform, cursor: request.uri.queryParameters.get("cursor").map { String($0) })
        }
        return htmlResponse(MentionInboxView(language: language, identity: context.identity, status: filter, platform: platform, page: page,
                                             openCount: try await service.openCount(), csrfToken: CampaignController.csrfToken(context),
                                             notice: request.uri.queryParameters.get("notice").map { String($0) }, refused: refused).render(),
                            status: status)
    }

    static func filters<E: Error>(_ request: Request, error: (String, String) -> E) throws -> (MentionInboxService.Status, Platform?) {
        let statusText = request.uri.queryParameters.get("status").map { String($0) } ?? "open"
        guard let status = MentionInboxService.Status(rawValue: statusText) else {
            throw error("status", "'status' is open, answered, closed or all.")
        }
        var platform: Platform?
        if let text = request.uri.queryParameters.get("platform"), !text.isEmpty {
            guard let p = Platform(rawValue: String(text)) else { throw error("platform", "Unknown platform.") }
            platform = p
        }
        return (status, platform)
    }

    static func json(_ item: MentionInboxService.Item) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("id", UUIDText.lower(item.id))
        o.add("kind", item.kind.rawValue)
        o.add("mention_id", item.mentionID)
        if let at = item.mentionedAt { o.add("mentioned_at", isoTimestamp(at)) } else { o.addNull("mentioned_at") }
        o.add("platform", item.platform)
        o.add("received_at", isoTimestamp(item.receivedAt))
        if let reply = item.reply { o.add("reply", object: { $0 = json(reply) }) } else { o.addNull("reply") }
        o.add("text", item.text)
        return o
    }

    static func json(_ reply: MentionReplyRow) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("actor", reply.actor)
        o.add("handled_at", isoTimestamp(reply.handledAt))
        o.add("handling", reply.handling.rawValue)
        if let url = reply.replyURL { o.add("reply_url", url) } else { o.addNull("reply_url") }
        o.add("text", reply.text)
        return o
    }
}
