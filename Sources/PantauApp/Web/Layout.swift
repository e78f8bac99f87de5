import Foundation
import Hummingbird
import NIOCore
import PantauCore
import Plot

/// The shared page frame: header, language switch, main content, footer.
struct PageLayout {
    let title: String
    let language: Language
    /// Path of this page without `lang`, for the language switch.
    let path: String
    /// The signed-in staff member, if any (adds the staff links and sign-out).
    var identity: Identity? = nil
    /// Tables of cases need the whole width.
    var wide = false
    let content: Node<HTML.BodyContext>

    func render() -> String {
        // The choice is remembered in a cookie, so each switch names its language.
        let otherLanguage = path + (path.contains("?") ? "&" : "?") + (language == .en ? "lang=id" : "lang=en")
        return HTML(
            .lang(language == .en ? .english : .indonesian),
            .head(
                .encoding(.utf8),
                .title("\(title) · Pantau"),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .stylesheet(SitePath.style)
            ),
            .body(
                .a(.href("#main"), .class("skip"), .text(language.t("Langsung ke isi", "Skip to content"))),
                staffHeader(otherLanguage: otherLanguage) ?? publicHeader(otherLanguage: otherLanguage),
                .main(.class(wide ? "wide" : ""), .id("main"), content),
                .footer(.p(.text(language.t(
                    "Pantau — sistem aduan konten negatif. Identitas pelapor dirahasiakan.",
                    "Pantau — negative content reporting. Reporters' identities are kept confidential."))))
            )
        ).render()
    }
}

extension PageLayout {
    /// The public site's header: reporting, checking, transparency, the official accounts.
    private func publicHeader(otherLanguage: String) -> Node<HTML.BodyContext> {
        .header(
            .class("site"),
            .a(.href(language.link(SitePath.home)), .class("brand"), "Pantau"),
            .nav(
                .attribute(named: "aria-label", value: language.t("Navigasi utama", "Main navigation")),
                .a(.href(language.link(SitePath.reportForm)), .text(language.t("Laporkan konten", "Report content"))),
                .a(.href(language.link(SitePath.ticketLookup)), .text(language.t("Cek aduan", "Check a report"))),
                .a(.href(language.link(SitePath.Blocklist.check)), .text(language.t("Cek blokir", "Check a block"))),
                .a(.href(language.link(SitePath.Transparency.page)), .text(language.t("Transparansi", "Transparency"))),
                .a(.href(language.link(SitePath.Transparency.accounts)), .text(language.t("Akun resmi", "Official accounts"))),
                .a(.href(language.link(SitePath.Comms.campaigns)), .text(language.t("Kampanye", "Campaigns"))),
                languageSwitch(otherLanguage)
            )
        )
    }

    private func languageSwitch(_ otherLanguage: String) -> Node<HTML.BodyContext> {
        .a(.href(otherLanguage), .attribute(named: "hreflang", value: language == .en ? "id" : "en"),
           .text(language == .en ? "Bahasa Indonesia" : "English"))
    }

    /// The staff workspace's header: the work grouped by the stages of the
    /// loop, only what the role may open, then the person and sign-out.
    private func staffHeader(otherLanguage: String) -> Node<HTML.BodyContext>? {
        guard let identity, case .session(_, let csrf) = identity.credential else { return nil }
        let groups = StaffNavigation.groups(for: identity)
        return .header(
            .class("site staff"),
            .div(.class("staff-top"),
                 .a(.href(language.link(SitePath.Staff.home)), .class("brand"), .text(language.t("Pantau · Petugas", "Pantau · Staff"))),
                 .div(.class("staff-me"),
                      .span(.text(identity.email)),
                      .a(.href(language.link(SitePath.home)), .text(language.t("Situs publik", "Public site"))),
                      languageSwitch(otherLanguage),
                      .form(.method(.post), .action(SitePath.Staff.signOut), .class("inline"),
                            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrf)),
                            .button(.type(.submit), .class("link"), .text(language.t("Keluar", "Sign out")))))),
            .nav(.class("staff-nav"), .attribute(named: "aria-label", value: language.t("Navigasi petugas", "Staff navigation")),
                 .forEach(groups) { group in
                     .div(.class("group"),
                          .span(.class("group-title"), .text(language.t(group.title.id, group.title.en))),
                          .forEach(group.links) { link in
                              .a(.href(language.link(link.path)), .attribute(named: "aria-current", value: path.hasPrefix(link.path) && link.path != "/" ? "page" : nil),
                                 .text(language.t(link.title.id, link.title.en)))
                          })
                 })
        )
    }
}

/// The staff pages grouped by the stages of the loop; each link only for the roles that may open it.
enum StaffNavigation {
    struct Link: Sendable { let title: (id: String, en: String); let path: String }
    struct Group: Sendable { let title: (id: String, en: String); let links: [Link] }

    static func groups(for identity: Identity) -> [Group] {
        func link(_ action: StaffAction, _ id: String, _ en: String, _ path: String) -> Link? {
            identity.may(action) ? Link(title: (id, en), path: path) : nil
        }
        let all: [Group] = [
            Group(title: ("Aduan & kasus", "Reports & cases"), links: [
                link(.viewCases, "Antrean kasus", "Case queue", SitePath.Cases.queue),
                link(.approveDecisions, "Persetujuan", "Approvals", SitePath.Cases.approvals),
            ].compactMap { $0 }),
            Group(title: ("Perintah & kepatuhan", "Orders & compliance"), links: [
                link(.viewOrders, "Perintah takedown", "Takedown orders", SitePath.Orders.list),
                link(.viewOrders, "Kepatuhan", "Compliance", SitePath.Orders.compliance),
                link(.viewOrders, "Sanksi", "Sanctions", SitePath.Orders.sanctions),
                link(.answerOrders, "Portal platform", "Platform portal", SitePath.Portal.home),
            ].compactMap { $0 }),
            Group(title: ("Pemblokiran", "Blocking"), links: [
                link(.viewOrders, "Pemblokiran", "Network blocking", SitePath.Blocklist.staff),
            ].compactMap { $0 }),
            Group(title: ("Pemantauan", "Monitoring"), links: [
                link(.viewCases, "Daftar pantau", "Watchlists", SitePath.Monitoring.home),
                link(.labelSamples, "Sampel prevalensi", "Prevalence samples", SitePath.Monitoring.samples),
                link(.viewCases, "Tren", "Trends", SitePath.Transparency.trends),
            ].compactMap { $0 }),
            Group(title: ("Humas", "Comms"), links: [
                link(.answerMentions, "Sebutan masuk", "Mentions inbox", SitePath.Comms.inbox),
                link(.runCampaigns, "Kampanye", "Campaigns", SitePath.Comms.campaigns),
                link(.manageOfficialAccounts, "Akun resmi", "Official accounts", SitePath.Transparency.accounts),
            ].compactMap { $0 }),
            Group(title: ("Admin", "Admin"), links: [
                link(.manageUsers, "Pengguna", "Users", SitePath.Admin.users),
                link(.manageUsers, "Token API", "API tokens", SitePath.Admin.tokens),
                link(.manageUsers, "Platform", "Platforms", SitePath.Orders.platforms),
                link(.manageLegalBases, "Dasar hukum", "Legal bases", SitePath.Staff.legalBases),
                link(.viewAuditLog, "Log audit", "Audit log", SitePath.Staff.audit),
                link(.manageUsers, "Penanda tangan surat", "Letter signatory", SitePath.Admin.signatory),
            ].compactMap { $0 }),
        ]
        return all.filter { !$0.links.isEmpty }
    }
}

func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
    var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
    headers[.init("X-Content-Type-Options")!] = "nosniff"
    headers[.init("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
    headers.append(contentsOf: extra)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
}

/// A readable error page for people.
struct WebErrorPage: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let language: Language
    var detail: String?
    var kind: Kind = .general
    /// Seconds to wait before trying again (429, 503), sent as `Retry-After`.
    var retryAfter: Int?

    /// What went wrong, where the status alone does not say it.
    enum Kind: Sendable { case general, accessDenied }

    init(status: HTTPResponse.Status, language: Language, detail: String? = nil, kind: Kind = .general, retryAfter: Int? = nil) {
        self.status = status
        self.language = language
        self.detail = detail
        self.kind = kind
        self.retryAfter = retryAfter
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let l = language
        let (title, text): (String, String) = if kind == .accessDenied {
            (l.t("Akses ditolak", "Access denied"),
             l.t("Peran akun Anda tidak mengizinkan halaman ini.", "Your account's role does not allow this page."))
        } else {
            switch status {
        case .notFound: (l.t("Halaman tidak ditemukan", "Page not found"),
                         l.t("Alamat ini tidak ada. Periksa kembali tautannya.", "This address does not exist. Check the link."))
        case .contentTooLarge: (l.t("Berkas terlalu besar", "File too large"),
                                l.t("Kiriman Anda melebihi batas ukuran.", "What you sent is larger than allowed."))
        case .tooManyRequests: (l.t("Terlalu banyak kiriman", "Too many submissions"),
                                l.t("Dari alamat Anda sudah banyak berkas terkirim. Coba lagi nanti.", "Many files were sent from your address. Try again later."))
        case .serviceUnavailable: (l.t("Sedang sibuk", "Busy"),
                                   l.t("Banyak berkas sedang dikirim. Coba lagi sebentar lagi; isian Anda tidak tersimpan.",
                                       "Many files are being sent right now. Try again in a moment; nothing you sent was kept."))
        case .forbidden: (l.t("Formulir kedaluwarsa", "Form expired"),
                          l.t("Muat ulang formulir lalu kirim lagi.", "Reload the form and send it again."))
        case .internalServerError: (l.t("Terjadi kesalahan", "Something went wrong"),
                                    l.t("Kami tidak dapat memproses permintaan ini. Silakan coba lagi.", "We could not process this request. Please try again."))
        default: (l.t("Permintaan tidak dapat diproses", "Request could not be processed"),
                  l.t("Periksa kembali alamat atau isian, lalu coba lagi.", "Check the address or what you sent, then try again."))
            }
        }
        let page = PageLayout(title: title, language: l, path: request.uri.path, content: .div(
            .h1(.text(title)),
            .p(.text(detail ?? text)),
            .p(.a(.href(l.link(SitePath.home)), .text(l.t("Kembali ke beranda", "Back to the home page"))))
        ))
        var extra: HTTPFields = [:]
        if kind == .accessDenied { extra[accessDeniedHeader.name] = accessDeniedHeader.value }
        if let retryAfter { extra[.retryAfter] = String(retryAfter) }
        return htmlResponse(page.render(), status: status, headers: extra)
    }
}

let pantauStylesheet = """
form.inline { display:inline; margin:0; }
button.link { background:none; border:none; padding:0; color:var(--accent); text-decoration:underline; cursor:pointer; font:inherit; }
table { border-collapse: collapse; width:100%; font-size:.9rem; background:#fff; }
th, td { border-bottom:1px solid var(--line); padding:.4rem .5rem; text-align:left; vertical-align:top; }
input[type=password] { width:100%; padding:.55rem .6rem; border:1px solid #9aa4b0; border-radius:6px; font:inherit; background:#fff; }
:root { --ink:#1b1f24; --muted:#5b6470; --accent:#0b5cab; --bad:#b3261e; --line:#d6dbe1; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:#f7f8fa; }
header.site { display:flex; flex-wrap:wrap; gap:1rem; align-items:center; justify-content:space-between; padding:.75rem 1.25rem; background:#fff; border-bottom:1px solid var(--line); }
header.site .brand { font-weight:700; font-size:1.25rem; color:var(--accent); text-decoration:none; }
header.site nav { display:flex; gap:.25rem 1rem; flex-wrap:wrap; }
header.staff { display:block; }
header.staff .staff-top { display:flex; flex-wrap:wrap; justify-content:space-between; align-items:center; gap:.5rem 1rem; }
header.staff .staff-me { display:flex; flex-wrap:wrap; gap:.25rem 1rem; align-items:center; font-size:.875rem; color:var(--muted); }
nav.staff-nav { display:flex; flex-wrap:wrap; gap:.35rem 1.5rem; margin-top:.5rem; font-size:.9rem; }
nav.staff-nav .group { display:flex; flex-wrap:wrap; gap:.2rem .75rem; align-items:baseline; }
nav.staff-nav .group-title { font-size:.72rem; font-weight:700; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
nav.staff-nav a[aria-current] { font-weight:700; color:var(--ink); }
a.skip { position:absolute; left:-999px; } a.skip:focus { left:.5rem; top:.5rem; background:#fff; padding:.25rem .5rem; z-index:10; }
.counters { display:grid; grid-template-columns:repeat(auto-fill, minmax(13rem, 1fr)); gap:.75rem; margin:1rem 0; }
.counter { display:block; background:#fff; border:1px solid var(--line); border-radius:10px; padding:.75rem 1rem; text-decoration:none; color:var(--ink); }
.counter .n { display:block; font-size:2rem; font-weight:700; font-variant-numeric:tabular-nums; color:var(--accent); }
.counter.urgent .n { color:var(--bad); } .counter.zero .n { color:var(--muted); }
.error-summary ul { margin:.25rem 0 0; padding-left:1.25rem; }
main p, main li, main h1, main h2, main blockquote { overflow-wrap:anywhere; }
.chart { overflow-x:auto; } .chart svg { min-width:40rem; }
.scroll { overflow-x:auto; max-width:100%; }
ul.legend { list-style:none; display:flex; flex-wrap:wrap; gap:.25rem 1rem; padding:0; margin:.25rem 0 .75rem; font-size:.875rem; }
ul.legend svg { vertical-align:-1px; }
img, svg { max-width:none; } input, select, textarea { max-width:100%; }
@media (max-width: 40rem) {
  main, footer { padding:0 .75rem; } header.site { padding:.5rem .75rem; }
  table { display:block; overflow-x:auto; max-width:100%; }
  .bar { display:block; } .bar .field { min-width:0; }
  dl.status { grid-template-columns: 1fr; } dl.status dt { margin-top:.35rem; }
  .ticket { font-size:1.05rem; overflow-wrap:anywhere; }
}
mark { background:#ffe08a; padding:0 .1rem; border-radius:2px; } p.highlighted { white-space:pre-wrap; background:#fff; border:1px solid var(--line); padding:.5rem .75rem; border-radius:6px; }
code.key { font-size:.8rem; color:var(--muted); overflow-wrap:anywhere; }
main { max-width: 46rem; margin: 1.5rem auto; padding: 0 1.25rem; }
main.wide { max-width: 84rem; }
.bar { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:flex-end; }
.bar .field { margin:0; min-width: 9rem; }
.facets { display:flex; flex-wrap:wrap; gap:.25rem .75rem; font-size:.875rem; margin:.5rem 0; }
.facets a[aria-current] { font-weight:700; color:var(--ink); }
.badge { display:inline-block; padding:0 .45rem; border-radius:999px; background:#e8eef6; font-size:.8rem; white-space:nowrap; }
.badge.overdue { background:#fbe3e1; color:var(--bad); } .badge.soon { background:#fff1cc; }
.grid2 { display:grid; grid-template-columns: 2fr 1fr; gap:1rem; } @media (max-width: 60rem) { .grid2 { grid-template-columns: 1fr; } }
.timeline { list-style:none; padding:0; margin:0; font-size:.875rem; } .timeline li { border-left:3px solid var(--line); padding:.2rem .6rem; margin:.2rem 0; }
.thumb { max-width:120px; max-height:90px; border:1px solid var(--line); border-radius:4px; }
form button + button, form.inline + form.inline, .actions > * + * { margin-left:.5rem; }
button.secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); }
.ok { color:#1e6b32; font-weight:600; }
.flag-problem { color:var(--bad); font-weight:600; }
tr.inactive { color:var(--muted); }
ul.inbox { list-style:none; padding:0; }
ul.inbox li.mention { border-bottom:1px solid var(--line); padding:.75rem 0; }
ul.inbox blockquote { margin:.25rem 0 .5rem; padding-left:.75rem; border-left:3px solid var(--line); }
nav.tabs a { margin-right:1rem; }
nav.tabs a.current { font-weight:700; text-decoration:none; }
.pinned { border-left:4px solid var(--accent); }
footer { max-width: 46rem; margin: 2rem auto; padding: 0 1.25rem; color:var(--muted); font-size:.875rem; }
a { color: var(--accent); }
form .field { margin-bottom: 1.1rem; }
label { display:block; font-weight:600; margin-bottom:.25rem; }
.hint { color:var(--muted); font-size:.875rem; margin:.15rem 0 .35rem; }
fieldset label { font-weight:400; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
input[type=text], input[type=email], input[type=tel], input[type=date], input[type=search], select, textarea { width:100%; padding:.55rem .6rem; border:1px solid #9aa4b0; border-radius:6px; font:inherit; background:#fff; }
textarea { min-height: 8rem; }
input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #7fb0e8; outline-offset: 1px; }
.error { color: var(--bad); font-weight:600; margin:.25rem 0; }
.field.invalid input, .field.invalid select, .field.invalid textarea { border-color: var(--bad); }
fieldset { border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem; margin: 0 0 1.1rem; }
button { background: var(--accent); color:#fff; border:0; border-radius:6px; padding:.65rem 1.2rem; font:inherit; font-weight:600; cursor:pointer; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:1rem 1.25rem; margin-bottom:1rem; }
.ticket { font-family: ui-monospace, monospace; font-size:1.3rem; font-weight:700; letter-spacing:.03em; }
dl.status { display:grid; grid-template-columns: max-content 1fr; gap:.35rem 1rem; }
dl.status dt { color: var(--muted); }
dl.status dd { margin:0; overflow-wrap:anywhere; }
td.num { text-align:right; font-variant-numeric: tabular-nums; }
.card svg { display:block; margin:.5rem 0; max-height: 22rem; }
.letter { font-family: Georgia, "Times New Roman", serif; } .letter .letterhead { border-bottom:2px solid var(--ink); padding-bottom:.5rem; text-align:center; }
.signature { margin:2rem 0 0 auto; width:min(20rem, 100%); } .signature .sign-space { height:4.5rem; }
code.secret { font-size:1rem; user-select:all; overflow-wrap:anywhere; }
.actions form { margin-right:.75rem; }
@media print { header.site, footer, .no-print { display:none; } body { background:#fff; } .card { border:none; } main { max-width:none; margin:0; } }
"""
