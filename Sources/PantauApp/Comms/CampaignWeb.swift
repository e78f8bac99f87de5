import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import Plot

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
        QueueFilter.parseMinute(text) ?? (try? Date(text, strategy: .iso8601))
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
            guard let detail = try await service.detail(try apiPathID(context)), staff || detail.campaign.campaignStatus == .released else {
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
            return htmlResponse(CampaignListView(language: language, identity: context.identity, campaigns: details, activeAccounts: accounts,
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
                  staff || detail.campaign.campaignStatus == .released else {
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
        if c.campaignStatus == .released { o.add("fair", detail.isFair) } else { o.addNull("fair") }
        o.add("id", UUIDText.lower(c.id!))
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
            item.add("id", UUIDText.lower(p.id!))
            if staff { if let error = p.lastError { item.add("last_error", error) } else { item.addNull("last_error") } }
            item.add("platform", p.platform)
            if let published = p.publishedAt { item.add("published_at", isoTimestamp(published)) } else { item.addNull("published_at") }
            item.add("status", p.status)
            if let url = p.postURL { item.add("url", url) } else { item.addNull("url") }
            return item
        })
        if let released = c.releasedAt { o.add("released_at", isoTimestamp(released)) } else { o.addNull("released_at") }
        o.add("scheduled_at", isoTimestamp(c.scheduledAt))
        o.add("status", c.status)
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

extension CampaignFlag {
    func label(_ l: Language) -> String {
        switch self {
        case .onTime: l.t("Tepat waktu", "On time")
        case .late: l.t("Terlambat", "Late")
        case .waiting: l.t("Menunggu", "Waiting")
        case .overdue: l.t("Terlambat, belum tayang", "Late, not yet published")
        case .leftOut: l.t("Terlewat", "Left out")
        case .notApplicable: l.t("Tidak berlaku", "Not applicable")
        }
    }
}

extension CampaignService.Detail {
    func statusLabel(_ l: Language) -> String {
        switch campaign.campaignStatus {
        case .scheduled, .cancelled: return l.t(campaign.campaignStatus.label.id, campaign.campaignStatus.label.en)
        case .released:
            if flags.contains(where: \.isProblem) { return l.t("Tidak adil: ada platform terlewat atau terlambat", "Not fair: a platform left out or late") }
            if flags.contains(.waiting) { return l.t("Sedang tayang", "Publishing") }
            return l.t("Tayang di semua akun tepat waktu", "Published on every account on time")
        }
    }
}

struct CampaignListView {
    let language: Language
    let identity: Identity?
    let campaigns: [CampaignService.Detail]
    let activeAccounts: [OfficialAccountModel]
    let csrfToken: String?

    private var form: Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        let platforms = activeAccounts.compactMap { Platform(rawValue: $0.platform) }
        let strictest = Set(platforms).sorted { CampaignInput.messageLimit($0) < CampaignInput.messageLimit($1) }.first
        return .form(.method(.post), .action(SitePath.Comms.campaigns), .class("card"), .id("campaign-form"),
            .h2(.text(l.t("Kampanye baru", "New campaign"))),
            .p(.text(l.t("Satu pesan untuk semua \(activeAccounts.count) akun resmi yang aktif — tidak ada platform yang dilewati.",
                         "One message for all \(activeAccounts.count) active official accounts — no platform is left out."))),
            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
            .div(.class("field"), .label(.for("title"), .text(l.t("Judul", "Title"))), .input(.type(.text), .name("title"), .id("title"))),
            .div(.class("field"), .label(.for("message"), .text(l.t("Pesan", "Message") + (strictest.map { " (≤ \(CampaignInput.messageLimit($0))" + l.t(" karakter, batas ", " characters, the limit of ") + $0.displayName + ")" } ?? ""))),
                 .textarea(.name("message"), .id("message"))),
            .div(.class("field"), .label(.for("media_urls"), .text(l.t("Media (satu alamat per baris)", "Media (one address a line)"))),
                 .textarea(.name("media_urls"), .id("media_urls"))),
            .div(.class("field"), .label(.for("scheduled_at"), .text(l.t("Waktu tayang (WIB; kosong = sekarang)", "Time (WIB; empty = now)"))),
                 .input(.type(.text), .name("scheduled_at"), .id("scheduled_at"), .placeholder("2026-12-08 09:00"))),
            .div(.class("field"), .label(.for("late_after_minutes"), .text(l.t("Terlambat setelah (menit)", "Late after (minutes)"))),
                 .input(.type(.text), .name("late_after_minutes"), .id("late_after_minutes"), .value(String(CampaignInput.defaultLateAfterMinutes)))),
            .button(.type(.submit), .text(l.t("Jadwalkan di semua akun", "Schedule on every account"))))
    }

    func render() -> String {
        let l = language
        let rows: Node<HTML.TableContext> = .tbody(.forEach(campaigns) { d in
            let c = d.campaign
            let problems = d.flags.filter(\.isProblem).count
            return .tr(.td(.a(.href(l.link(SitePath.Comms.campaign(c.id!))), .text(c.title))), .td(.text(formatWIBMinute(c.scheduledAt))),
                       .td(.class("num"), .text(String(d.posts.filter { $0.post.postStatus == .published }.count) + " / " + String(d.posts.filter { $0.flag != .notApplicable }.count + d.leftOut.count))),
                       .td(.class(problems > 0 ? "flag-problem" : ""), .text(d.statusLabel(l))))
        })
        return PageLayout(title: l.t("Kampanye", "Campaigns"), language: l, path: SitePath.Comms.campaigns, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Kampanye di semua akun resmi", "Campaigns on every official account"))),
            .p(.text(l.t("Prinsip adil: setiap kampanye tayang di setiap akun resmi yang aktif, pada waktu yang sama. Platform yang terlewat atau terlambat ditandai.",
                         "The fair principle: every campaign goes to every active official account at the same time. A platform left out or late is flagged."))),
            .section(.class("card"), .id("campaigns"),
                     campaigns.isEmpty ? .p(.text(l.t("Belum ada kampanye.", "No campaigns yet."))) :
                        .table(.class("data"), .thead(.tr(.th(.text(l.t("Kampanye", "Campaign"))), .th(.text(l.t("Jadwal", "Scheduled"))),
                                                          .th(.text(l.t("Tayang", "Published"))), .th(.text(l.t("Keadilan", "Fairness"))))), rows)),
            form
        )).render()
    }
}

struct CampaignView {
    let language: Language
    let identity: Identity?
    let detail: CampaignService.Detail
    let csrfToken: String?

    private func recordForm(_ view: CampaignService.PostView) -> Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken, [.manual, .failed, .queued].contains(view.post.postStatus) else { return .empty }
        let c = detail.campaign
        return .form(.method(.post), .action(SitePath.Comms.recordPost(c.id!, view.post.id!)), .class("inline record-post"),
                     .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                     .input(.type(.text), .name("url"), .placeholder(l.t("Tautan unggahan", "Link of the post")),
                            .attribute(named: "aria-label", value: l.t("Tautan unggahan", "Link of the post"))),
                     .input(.type(.text), .name("published_at"), .placeholder(l.t("Waktu tayang (WIB)", "Published (WIB)")),
                            .attribute(named: "aria-label", value: l.t("Waktu tayang", "Published at"))),
                     .button(.type(.submit), .text(l.t("Catat tayang manual", "Record as published by hand"))))
    }

    func render() -> String {
        let l = language
        let c = detail.campaign
        let staff = csrfToken != nil
        let rows: Node<HTML.TableContext> = .tbody(
            .forEach(detail.posts) { view in
                let p = view.post
                let delay = p.publishedAt.map { CampaignFairness.delayMinutes(scheduledAt: c.scheduledAt, publishedAt: $0) }
                return .tr(.class("post-\(view.flag.rawValue)"), .attribute(named: "data-platform", value: p.platform),
                           .td(.text(Platform(rawValue: p.platform)?.displayName ?? p.platform)),
                           .td(.unwrap(view.account) { .a(.href($0.url), .text("@" + $0.handle)) }),
                           .td(.text(formatWIBMinute(c.scheduledAt))),
                           .td(.text(p.publishedAt.map(formatWIBMinute) ?? "—"), .unwrap(delay) { .if($0 > 0, .text(l.t(" (+\($0) menit)", " (+\($0) min)"))) }),
                           .td(.unwrap(p.postURL, { .a(.href($0), .text(l.t("Lihat", "View"))) }, else: .text("—"))),
                           .td(.class(view.flag.isProblem ? "flag-problem" : ""), .text(view.flag.label(l)),
                               .if(staff && p.lastError != nil, .span(.class("muted"), .text(" — " + (p.lastError ?? ""))))),
                           .td(.if(staff, recordForm(view))))
            },
            .forEach(detail.leftOut) { account in
                .tr(.class("post-left_out"), .attribute(named: "data-platform", value: account.platform),
                    .td(.text(Platform(rawValue: account.platform)?.displayName ?? account.platform)),
                    .td(.a(.href(account.url), .text("@" + account.handle))), .td(.text(formatWIBMinute(c.scheduledAt))), .td(.text("—")), .td(.text("—")),
                    .td(.class("flag-problem"), .text(CampaignFlag.leftOut.label(l))), .td())
            })
        let cancel: Node<HTML.BodyContext> = (staff && c.campaignStatus == .scheduled) ? .form(
            .method(.post), .action(SitePath.Comms.cancelCampaign(c.id!)), .class("inline"),
            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken ?? "")),
            .button(.type(.submit), .text(l.t("Batalkan kampanye", "Cancel the campaign")))) : .empty
        return PageLayout(title: c.title, language: l, path: SitePath.Comms.campaign(c.id!), identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Comms.campaigns)), .text(l.t("← Semua kampanye", "← All campaigns")))),
            .h1(.text(c.title)),
            .p(.id("campaign-status"), .class(detail.flags.contains(where: \.isProblem) ? "flag-problem" : "ok"), .text(detail.statusLabel(l))),
            .section(.class("card"), .h2(.text(l.t("Pesan", "Message"))), .p(.class("campaign-message"), .text(c.message)),
                     .if(!c.mediaURLs.isEmpty, .ul(.forEach(c.mediaURLs) { .li(.a(.href($0), .text($0))) })),
                     .p(.text(l.t("Dijadwalkan ", "Scheduled for ") + formatWIBMinute(c.scheduledAt) +
                              l.t("; terlambat bila tayang lebih dari \(c.lateAfterMinutes) menit sesudahnya.", "; late when published more than \(c.lateAfterMinutes) minutes after.")))),
            .section(.class("card"), .id("posts"), .h2(.text(l.t("Per platform", "Per platform"))),
                     .table(.class("data"), .thead(.tr(.th(.text("Platform")), .th(.text(l.t("Akun", "Account"))), .th(.text(l.t("Jadwal", "Scheduled"))),
                                                         .th(.text(l.t("Tayang", "Published"))), .th(.text(l.t("Tautan", "Link"))),
                                                         .th(.text(l.t("Tanda", "Flag"))), .th())), rows)),
            cancel
        )).render()
    }
}
