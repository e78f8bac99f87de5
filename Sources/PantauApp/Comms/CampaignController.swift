import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore

/// Campaigns in the API and on the site: released campaigns are public (the
/// fair principle is shown to everyone), scheduled and cancelled ones are
/// for comms staff.
struct CampaignController: Sendable {
    let service: CampaignService

    struct CampaignBody: Decodable {
        let title: String
        let message: String
        let mediaURLs: [String]?
        let scheduledAt: String?
        let lateAfterMinutes: Int?
        enum CodingKeys: String, CodingKey {
            case title, message, mediaURLs = "media_urls", scheduledAt = "scheduled_at", lateAfterMinutes = "late_after_minutes"
        }
    }

    struct PublishedBody: Decodable {
        let url: String
        let publishedAt: String?
        enum CodingKeys: String, CodingKey { case url, publishedAt = "published_at" }
    }

    /// An ISO 8601 time, or `YYYY-MM-DDTHH:MM` in WIB (what a form sends).
    static func parseTime(_ text: String) -> Date? {
        QueueFilter.parseMinute(text) ?? RFC3339.parse(text)
    }

    func register(on routes: Routes) {
        routes.get(SitePath.API.campaigns, .everyone) { _, context in
            let staff = context.identity?.may(.runCampaigns) ?? false
            var object = JSONObjectText()
            object.add("campaigns", objects: try await service.details(of: service.campaigns(includeUnreleased: staff)).map { Self.json($0, staff: staff) })
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.campaigns, .staff(.runCampaigns)) { request, context in
            let body = try await decodeJSONBody(CampaignBody.self, request, limit: 64 * 1024)
            let scheduledAt = try body.scheduledAt.map { text -> Date in
                try Self.parseTime(text).orThrow(APIError(.unprocessableContent, code: "invalid_scheduled_at",
                                                          message: "'scheduled_at' must be an ISO 8601 time or YYYY-MM-DDTHH:MM (WIB).", field: "scheduled_at"))
            } ?? service.clock.now()
            let input = CampaignInput(title: body.title, message: body.message, mediaURLs: body.mediaURLs ?? [], scheduledAt: scheduledAt,
                                      lateAfterMinutes: body.lateAfterMinutes ?? CampaignInput.defaultLateAfterMinutes)
            let campaign = try await answeringAPI { try await service.create(input, actor: context.identity!.actor) }
            return jsonResponse(Self.json(try await service.detail(of: campaign), staff: true), status: .created)
        }
        routes.get(SitePath.API.campaign, .everyone) { _, context in
            let staff = context.identity?.may(.runCampaigns) ?? false
            guard let detail = try await service.detail(try apiPathID(context)), staff || detail.campaign.status == .released else {
                throw APIError(.notFound, code: "not_found", message: "No such campaign.")
            }
            return jsonResponse(Self.json(detail, staff: staff), status: .ok)
        }
        routes.post(SitePath.API.campaignCancel, .staff(.runCampaigns)) { _, context in
            let campaign = try await answeringAPI { try await service.cancel(try apiPathID(context), actor: context.identity!.actor) }
            return jsonResponse(Self.json(try await service.detail(of: campaign), staff: true), status: .ok)
        }
        routes.post(SitePath.API.campaignPostPublished, .staff(.runCampaigns)) { request, context in
            let campaignID = try apiPathID(context), postID = try apiPathID(context, "post")
            let body = try await decodeJSONBody(PublishedBody.self, request, limit: 16 * 1024)
            let publishedAt = try body.publishedAt.map { text -> Date in
                try Self.parseTime(text).orThrow(APIError(.unprocessableContent, code: "invalid_published_at",
                                                          message: "'published_at' must be an ISO 8601 time.", field: "published_at"))
            }
            _ = try await answeringAPI {
                try await service.recordManualPublication(campaign: campaignID, post: postID, url: body.url, publishedAt: publishedAt,
                                                          actor: context.identity!.actor)
            }
            return jsonResponse(Self.json(try await service.detail(campaignID)!, staff: true), status: .ok)
        }

        // The site.
        routes.get(SitePath.Comms.campaigns, .everyone) { request, context in
            try await listPage(Language(request: request), context, form: FormState(), status: .ok)
        }
        routes.post(SitePath.Comms.campaigns, .staff(.runCampaigns)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language))
            let scheduledAt = form.minute("scheduled_at", language, label: language.t("Waktu tayang", "The time"))
            let late = form.wholeNumber("late_after_minutes", required: false, language, label: language.t("Batas terlambat", "Late after"))
            let media = form["media_urls"].split(whereSeparator: \.isNewline).map(String.init)
            let input = CampaignInput(title: form["title"], message: form["message"], mediaURLs: media, scheduledAt: scheduledAt ?? service.clock.now(),
                                      lateAfterMinutes: late.map { Int(clamping: $0) } ?? CampaignInput.defaultLateAfterMinutes)
            for problem in try await service.problems(of: input) { form.fail(problem.field, language.t(problem.id, problem.en)) }
            guard form.isValid else { return try await listPage(language, context, form: form, status: .unprocessableContent) }
            let campaign = try await answeringPage(language) { try await service.create(input, actor: context.identity!.actor) }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.campaign(campaign.id!))])
        }
        routes.get(SitePath.Comms.campaign, .everyone) { request, context in
            try await campaignPage(Language(request: request), context, record: nil, status: .ok)
        }
        routes.post(SitePath.Comms.cancelCampaign, .staff(.runCampaigns)) { request, context in
            let language = Language(request: request)
            _ = try await parseStaffForm(request, context, language: language)
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            _ = try await answeringPage(language) { try await service.cancel(id, actor: context.identity!.actor) }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.campaign(id))])
        }
        routes.post(SitePath.Comms.recordPost, .staff(.runCampaigns)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language))
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse), let post = context.parameters.get("post").flatMap(UUIDText.parse) else {
                throw WebErrorPage(status: .notFound, language: language)
            }
            let when = form.minute("published_at", language, label: language.t("Waktu tayang", "The time"))
            if form.isValid {
                do {
                    _ = try await service.recordManualPublication(campaign: id, post: post, url: form["url"], publishedAt: when, actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.campaign(id))])
                } catch let problem as CommsProblem where problem.field != nil {
                    form.fail(problem.field!, language.t(problem.id, problem.en))
                }
            }
            return try await campaignPage(language, context, record: (post, form), status: .unprocessableContent)
        }
    }

    /// The list of campaigns, with the new-campaign form as typed (and its errors).
    private func listPage(_ language: Language, _ context: AppRequestContext, form: FormState, status: HTTPResponse.Status) async throws -> Response {
        let staff = context.identity?.may(.runCampaigns) ?? false
        let details = try await service.details(of: service.campaigns(includeUnreleased: staff))
        let accounts = try await service.activeAccounts(on: service.database.db)
        return htmlResponse(CampaignListView(language: language, identity: context.identity, campaigns: details, activeAccounts: accounts.map(OfficialAccountRow.init),
                                             csrfToken: staff ? Self.csrfToken(context) : nil, form: form).render(), status: status)
    }

    /// One campaign; `record` is a refused hand-recorded publication, shown again beside its post.
    private func campaignPage(_ language: Language, _ context: AppRequestContext, record: (post: UUID, form: FormState)?,
                              status: HTTPResponse.Status) async throws -> Response {
        let staff = context.identity?.may(.runCampaigns) ?? false
        guard let id = context.parameters.get("id").flatMap(UUIDText.parse), let detail = try await service.detail(id),
              staff || detail.campaign.status == .released else {
            throw WebErrorPage(status: .notFound, language: language)
        }
        return htmlResponse(CampaignView(language: language, identity: context.identity, detail: detail,
                                         csrfToken: staff ? Self.csrfToken(context) : nil, record: record).render(), status: status)
    }

    static func csrfToken(_ context: AppRequestContext) -> String? {
        if case .session(_, let csrf) = context.identity?.credential { return csrf }
        return nil
    }

    static func json(_ detail: CampaignService.Detail, staff: Bool) -> JSONObjectText {
        let c = detail.campaign
        var o = JSONObjectText()
        o.add("created_at", isoTimestamp(c.createdAt))
        if c.status == .released { o.add("fair", detail.isFair) } else { o.addNull("fair") }
        o.add("id", UUIDText.lower(c.id))
        o.add("late_after_minutes", c.lateAfterMinutes)
        o.add("left_out", objects: detail.leftOut.map { account in
            var a = JSONObjectText()
            a.add("account_handle", account.handle)
            a.add("platform", account.platform)
            return a
        })
        o.add("media_urls", list: c.mediaURLs)
        o.add("message", c.message)
        o.add("posts", objects: detail.posts.map { view in
            let p = view.post
            var item = JSONObjectText()
            item.add("account_handle", view.account?.handle ?? "")
            item.add("account_url", view.account?.url ?? "")
            if let published = p.publishedAt {
                item.add("delay_minutes", CampaignFairness.delayMinutes(scheduledAt: c.scheduledAt, publishedAt: published))
            } else { item.addNull("delay_minutes") }
            item.add("flag", view.flag.rawValue)
            item.add("id", UUIDText.lower(p.id))
            if staff { if let error = p.lastError { item.add("last_error", error) } else { item.addNull("last_error") } }
            item.add("platform", p.platform)
            if let published = p.publishedAt { item.add("published_at", isoTimestamp(published)) } else { item.addNull("published_at") }
            item.add("status", p.status.rawValue)
            if let url = p.postURL { item.add("url", url) } else { item.addNull("url") }
            return item
        })
        if let released = c.releasedAt { o.add("released_at", isoTimestamp(released)) } else { o.addNull("released_at") }
        o.add("scheduled_at", isoTimestamp(c.scheduledAt))
        o.add("status", c.status.rawValue)
        o.add("title", c.title)
        return o
    }
}

/// A time as WIB, to the minute, the Indonesian way: `1 Des 2026 10.00 WIB`.
func formatWIBMinute(_ date: Date) -> String { HumanFormat.minute(date, english: false) }
