import Foundation
import PantauCore
import Plot

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
        switch campaign.status {
        case .scheduled, .cancelled: return l.t(campaign.status.label.id, campaign.status.label.en)
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
    let activeAccounts: [OfficialAccountRow]
    let csrfToken: String?
    /// The new-campaign form as typed, with its errors.
    var form = FormState()

    private var campaignForm: Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        let platforms = activeAccounts.compactMap { Platform(rawValue: $0.platform) }
        let strictest = Set(platforms).sorted { CampaignInput.messageLimit($0) < CampaignInput.messageLimit($1) }.first
        var state = form
        if state.values["late_after_minutes"] == nil { state.values["late_after_minutes"] = String(CampaignInput.defaultLateAfterMinutes) }
        let messageHint = strictest.map {
            l.t("Paling banyak \(l.number(CampaignInput.messageLimit($0))) karakter, batas \($0.displayName).",
                "At most \(l.number(CampaignInput.messageLimit($0))) characters, the limit of \($0.displayName).")
        }
        return .form(.method(.post), .action(l.link(SitePath.Comms.campaigns)), .class("card"), .id("campaign-form"), FormUI.serverChecked,
            .h2(.text(l.t("Kampanye baru", "New campaign"))),
            .p(.text(l.t("Satu pesan untuk semua \(activeAccounts.count) akun resmi yang aktif — tidak ada platform yang dilewati.",
                         "One message for all \(activeAccounts.count) active official accounts — no platform is left out."))),
            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
            FormUI.input("title", l.t("Judul", "Title"), state),
            FormUI.textarea("message", l.t("Pesan", "Message"), hint: messageHint, state),
            FormUI.textarea("media_urls", l.t("Media (satu alamat per baris)", "Media (one address a line)"), state),
            FormUI.input("scheduled_at", l.t("Waktu tayang (WIB; kosong = sekarang)", "Time (WIB; empty = now)"),
                         hint: l.t("Mis. 8 Desember 2026 09.00 atau 2026-12-08 09:00.", "E.g. 8 December 2026 09.00 or 2026-12-08 09:00."), state,
                         placeholder: "8 Desember 2026 09.00"),
            FormUI.input("late_after_minutes", l.t("Terlambat setelah (menit)", "Late after (minutes)"), state,
                         inputMode: "numeric"),
            .button(.type(.submit), .text(l.t("Jadwalkan di semua akun", "Schedule on every account"))))
    }

    func render() -> String {
        let l = language
        let rows: Node<HTML.TableContext> = .tbody(.forEach(campaigns) { d in
            let c = d.campaign
            let problems = d.flags.filter(\.isProblem).count
            return .tr(.td(.a(.href(l.link(SitePath.Comms.campaign(c.id))), .text(c.title))), .td(.text(l.minute(c.scheduledAt))),
                       .td(.class("num"), .text(String(d.posts.filter { $0.post.status == .published }.count) + " / " + String(d.posts.filter { $0.flag != .notApplicable }.count + d.leftOut.count))),
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
            FormUI.summary(form, l),
            campaignForm
        )).render()
    }
}

struct CampaignView {
    let language: Language
    let identity: Identity?
    let detail: CampaignService.Detail
    let csrfToken: String?
    /// A refused hand-recorded publication: its post, and the form as typed.
    var record: (post: UUID, form: FormState)? = nil

    private func recordForm(_ view: CampaignService.PostView) -> Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken, [.manual, .failed, .queued].contains(view.post.status) else { return .empty }
        let c = detail.campaign
        let state = record?.post == view.post.id ? record!.form : FormState()
        func error(_ name: String) -> Node<HTML.FormContext> {
            .unwrap(state.error(name)) { .p(.class("error"), .id(name + "-error"), .text($0)) }
        }
        return .form(.method(.post), .action(l.link(SitePath.Comms.recordPost(c.id, view.post.id))), .class("record-post"),
                     .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                     error("url"),
                     .input(.type(.url), .name("url"), .id(state.isValid ? "url-" + UUIDText.lower(view.post.id) : "url"), .value(state["url"]),
                            .placeholder(l.t("Tautan unggahan (https://…)", "Link of the post (https://…)")),
                            .attribute(named: "aria-label", value: l.t("Tautan unggahan", "Link of the post")), FormUI.invalid("url", state), FormUI.described("url", state)),
                     error("published_at"),
                     .input(.type(.text), .name("published_at"), .id(state.isValid ? "published_at-" + UUIDText.lower(view.post.id) : "published_at"),
                            .value(state["published_at"]), .placeholder(l.t("Waktu tayang, mis. 5 Des 2026 09.00", "Published, e.g. 5 Dec 2026 09.00")),
                            .attribute(named: "aria-label", value: l.t("Waktu tayang (WIB; kosong = sekarang)", "Published at (WIB; empty = now)")),
                            FormUI.invalid("published_at", state), FormUI.described("published_at", state)),
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
                           .td(.text(StaffUI.platformName(p.platform, l))),
                           .td(.unwrap(view.account) { .a(.href($0.url), .text("@" + $0.handle)) }),
                           .td(.text(l.minute(c.scheduledAt))),
                           .td(.text(p.publishedAt.map(l.minute) ?? "—"), .unwrap(delay) { .if($0 > 0, .text(l.t(" (+\($0) menit)", " (+\($0) min)"))) }),
                           .td(.unwrap(p.postURL, { .a(.href($0), .text(l.t("Lihat", "View"))) }, else: .text("—"))),
                           .td(.class(view.flag.isProblem ? "flag-problem" : ""), .text(view.flag.label(l)),
                               .if(staff && p.lastError != nil, .span(.class("muted"), .text(" — " + (p.lastError ?? ""))))),
                           .td(.if(staff, recordForm(view))))
            },
            .forEach(detail.leftOut) { account in
                .tr(.class("post-left_out"), .attribute(named: "data-platform", value: account.platform),
                    .td(.text(StaffUI.platformName(account.platform, l))),
                    .td(.a(.href(account.url), .text("@" + account.handle))), .td(.text(l.minute(c.scheduledAt))), .td(.text("—")), .td(.text("—")),
                    .td(.class("flag-problem"), .text(CampaignFlag.leftOut.label(l))), .td())
            })
        let cancel: Node<HTML.BodyContext> = (staff && c.status == .scheduled) ? .form(
            .method(.post), .action(SitePath.Comms.cancelCampaign(c.id)), .class("inline"),
            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken ?? "")),
            .button(.type(.submit), .text(l.t("Batalkan kampanye", "Cancel the campaign")))) : .empty
        return PageLayout(title: c.title, language: l, path: SitePath.Comms.campaign(c.id), identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Comms.campaigns)), .text(l.t("← Semua kampanye", "← All campaigns")))),
            .h1(.text(c.title)),
            .p(.id("campaign-status"), .class(detail.flags.contains(where: \.isProblem) ? "flag-problem" : "ok"), .text(detail.statusLabel(l))),
            .section(.class("card"), .h2(.text(l.t("Pesan", "Message"))), .p(.class("campaign-message"), .text(c.message)),
                     .if(!c.mediaURLs.isEmpty, .ul(.forEach(c.mediaURLs) { .li(.a(.href($0), .text($0))) })),
                     .p(.text(l.t("Dijadwalkan ", "Scheduled for ") + l.minute(c.scheduledAt) +
                              l.t("; terlambat bila tayang lebih dari \(c.lateAfterMinutes) menit sesudahnya.", "; late when published more than \(c.lateAfterMinutes) minutes after.")))),
            .section(.class("card"), .id("posts"), .h2(.text(l.t("Per platform", "Per platform"))),
                     .table(.class("data"), .thead(.tr(.th(.text("Platform")), .th(.text(l.t("Akun", "Account"))), .th(.text(l.t("Jadwal", "Scheduled"))),
                                                         .th(.text(l.t("Tayang", "Published"))), .th(.text(l.t("Tautan", "Link"))),
                                                         .th(.text(l.t("Tanda", "Flag"))), .th())), rows)),
            cancel
        )).render()
    }
}
