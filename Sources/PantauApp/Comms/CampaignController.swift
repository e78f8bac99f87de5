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
            let language = Language(request: request)
            let staff = context.identity?.may(.runCampaigns) ?? false
            let details = try await service.details(of: service.campaigns(includeUnreleased: staff))
            let accounts = try await service.activeAccounts(on: service.database.db)
            return htmlResponse(CampaignListView(language: language, identity: context.identity, campaigns: details, activeAccounts: accounts.map(OfficialAccountRow.init),
                                                 csrfToken: staff ? Self.csrfToken(context) : nil).render())
        }
        routes.post(SitePath.Comms.campaigns, .staff(.runCampaigns)) { request, context in
            let language = Language(request: request)
            let form = try await parseStaffForm(request, context, language: language).fields
            let scheduledText = form["scheduled_at"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let scheduledAt: Date
            if scheduledText.isEmpty { scheduledAt = service.clock.now() } else {
                guard let parsed = Self.parseTime(scheduledText) else {
                    throw WebErrorPage(status: .unprocessableContent, language: language,
                                       detail: language.t("Waktu tayang tidak terbaca (YYYY-MM-DD JJ:MM, WIB).", "The time could not be read (YYYY-MM-DD HH:MM, WIB)."))
                }
                scheduledAt = parsed
            }
            let late = form["late_after_minutes"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? CampaignInput.defaultLateAfterMinutes
            let media = (form["media_urls"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
            let input = CampaignInput(title: form["title"] ?? "", message: form["message"] ?? "", mediaURLs: media, scheduledAt: scheduledAt,
                                      lateAfterMinutes: late)
            let campaign = try await answeringPage(language) { try await service.create(input, actor: context.identity!.actor) }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.campaign(campaign.id!))])
        }
        routes.get(SitePath.Comms.campaign, .everyone) { request, context in
            let language = Language(request: request)
            let staff = context.identity?.may(.runCampaigns) ?? false
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse), let detail = try await service.detail(id),
                  staff || detail.campaign.status == .released else {
                throw WebErrorPage(status: .notFound, language: language)
            }
            return htmlResponse(CampaignView(language: language, identity: context.identity, detail: detail,
                                             csrfToken: staff ? Self.csrfToken(context) : nil).render())
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
            let form = try await parseStaffForm(request, context, language: language).fields
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse), let post = context.parameters.get("post").flatMap(UUIDText.parse) else {
                throw WebErrorPage(status: .notFound, language: language)
            }
            let when = try form["published_at"].flatMap { text -> Date? in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { return nil }
                guard let parsed = Self.parseTime(trimmed) else {
                    throw WebErrorPage(status: .unprocessableContent, language: language,
                                       detail: language.t("Waktu tayang tidak terbaca (YYYY-MM-DD JJ:MM, WIB).", "The time could not be read (YYYY-MM-DD HH:MM, WIB)."))
                }
                return parsed
            }
            _ = try await answeringPage(language) {
                try await service.recordManualPublication(campaign: id, post: post, url: form["url"] ?? "", publishedAt: when, actor: context.identity!.actor)
            }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.campaign(id))])
        }
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

/// A time as WIB, to the minute: `2026-12-01 10:00 WIB`.
func formatWIBMinute(_ date: Date) -> String {
    let shifted = date.addingTimeInterval(7 * 3600).timeIntervalSince1970
    let minutes = Int((shifted.truncatingRemainder(dividingBy: 86_400) + 86_400).truncatingRemainder(dividingBy: 86_400)) / 60
    return QueueFilter.formatDay(date) + String(format: " %02d:%02d WIB", minutes / 60, minutes % 60)
}
