import Foundation
import PantauCore
import Plot

enum MonitoringUI {
    /// The text with each match marked (`<mark>`, its term in the title), from the matches' UTF-16 offsets.
    static func highlighted(_ text: String, _ matches: [WatchlistMatcher.Match]) -> Node<HTML.BodyContext> {
        let units = Array(text.utf16)
        var nodes: [Node<HTML.BodyContext>] = []
        var cursor = 0
        for match in matches.sorted(by: { ($0.start, -$0.end) < ($1.start, -$1.end) }) where match.field == .text && match.start >= cursor && match.end <= units.count {
            if match.start > cursor { nodes.append(.text(String(decoding: units[cursor..<match.start], as: UTF16.self))) }
            nodes.append(.element(named: "mark", nodes: [.attribute(named: "title", value: match.term + " · " + match.watchlistName),
                                                        .text(String(decoding: units[match.start..<match.end], as: UTF16.self))]))
            cursor = match.end
        }
        if cursor < units.count { nodes.append(.text(String(decoding: units[cursor...], as: UTF16.self))) }
        return .p(.class("highlighted"), .id("highlighted"), .group(nodes))
    }

    /// Where a finding was seen: "Unggahan TikTok 7301…", "Halaman web https://…".
    static func sourceTitle(_ source: FindingSource, platform: String, ref: String, _ l: Language) -> String {
        switch source {
        case .post:
            let name = Platform(rawValue: platform)?.name(english: l == .en) ?? platform
            let id = ref.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ref
            return l.t("Unggahan \(name) \(id)", "\(name) post \(id)")
        case .page: return l.t("Halaman web ", "Web page ") + ref
        case .recheck: return l.t("Cek ulang ", "Re-check ") + ref
        }
    }

    static func outcomeTitle(_ outcome: String, _ l: Language) -> String {
        switch outcome {
        case "reported": l.t("menjadi aduan", "became a report")
        case "reappeared": l.t("muncul kembali pada kasus yang sudah diputus", "reappeared on a decided case")
        case "rate_limited": l.t("tidak diadukan lagi (batas per subjek)", "not reported again (per-subject limit)")
        default: outcome
        }
    }

    static func categoryChoices(_ categories: [ContentCategory], _ l: Language) -> [(value: String, text: String)] {
        [(value: "", text: l.t("— pilih —", "— choose —"))] + categories.map { (value: $0.slug, text: l.t($0.nameID, $0.nameEN)) }
    }

    static let termsHint = (id: "Satu istilah per baris: istilah | bobot | pengecualian; pengecualian | mati. Bobot, pengecualian dan \"mati\" (istilah disimpan tetapi tidak dicocokkan) boleh kosong (bobot 1). @akun juga mencocokkan unggahan akun itu; domain (slot-gacor.example) juga mencocokkan tautan ke situs itu. Contoh: slot | 1 | slot waktu; slot iklan",
                            en: "One term a line: term | weight | exclusion; exclusion | off. Weight, exclusions and \"off\" (kept but not matched) may be left out (weight 1). An @account also matches that account's posts; a domain (slot-gacor.example) also matches links to that site. E.g. slot | 1 | slot waktu; slot iklan")

    /// The fields of a watchlist's form.
    static func fields(_ state: FormState, categories: [ContentCategory], _ l: Language) -> Node<HTML.FormContext> {
        .group(
            .div(.class("bar"),
                 FormUI.input("name", l.t("Nama", "Name"), state),
                 FormUI.select("category", l.t("Kategori temuan", "Category of findings"), state, categoryChoices(categories, l)),
                 FormUI.input("threshold", l.t("Ambang skor", "Score threshold"), state, inputMode: "decimal")),
            FormUI.textarea("terms", l.t("Istilah", "Terms"), hint: l.t(termsHint.id, termsHint.en), state),
            .div(.class("field"), StaffUI.option(.checkbox, "active", "1", checked: state["active"] == "1", l.t("Aktif", "Active"))))
    }
}

/// `/pantau`: the watchlists, a new one, and the test box.
struct MonitoringView {
    let language: Language
    let identity: Identity
    let watchlists: [WatchlistRow]
    let categories: [ContentCategory]
    let form: FormState
    let test: (form: FormState, result: (WatchlistMatcher.Result, [WatchlistDefinition])?)?
    let notice: String?
    let overview: MonitoringOverview

    func render() -> String {
        let l = language
        var create = form
        if create.values.isEmpty { create.values = ["threshold": "1", "active": "1"] }
        let testForm = test?.form ?? FormState()
        return PageLayout(title: l.t("Pemantauan", "Monitoring"), language: l, path: SitePath.Monitoring.home, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Pemantauan: daftar pantau", "Monitoring: watchlists"))),
            .p(.text(l.t("Istilah, akun dan domain yang dicari di unggahan platform dan di web. Pemantauan hanya menemukan; petugas yang memutus.",
                         "Terms, accounts and domains looked for in platform posts and on the web. Monitoring only finds; people decide."))),
            .if(notice == "deleted", .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Daftar pantau dihapus.", "Watchlist deleted.")))),
            MonitoringUI.sourcesTable(overview.sources, l, manage: identity.may(.manageMonitorSources)),
            findingsChart,
            .section(.class("card"), .id("watchlists"),
                .h2(.text(l.t("Daftar pantau", "Watchlists"))),
                watchlists.isEmpty ? .p(.text(l.t("Belum ada daftar pantau.", "No watchlists yet."))) :
                    .div(.class("scroll"), .table(.class("data"),
                        .thead(.tr(.th(.text(l.t("Nama", "Name"))), .th(.text(l.t("Kategori", "Category"))), .th(.text(l.t("Istilah", "Terms"))),
                                   .th(.text(l.t("Ambang", "Threshold"))), .th(.text(l.t("Keadaan", "State"))), .th(.text(l.t("Diubah", "Changed"))))),
                        .tbody(.forEach(watchlists) { row in
                            .tr(.class(row.definition.active ? "" : "inactive"),
                                .td(.a(.href(l.link(SitePath.Monitoring.watchlist(row.id))), .text(row.definition.name))),
                                .td(.text(categories.first { $0.slug == row.definition.category }.map { l.t($0.nameID, $0.nameEN) } ?? row.definition.category)),
                                .td(.class("num"), .text(l.number(row.definition.terms.count))), .td(.class("num"), .text(SVGChart.format(row.definition.threshold))),
                                .td(.text(row.definition.active ? l.t("Aktif", "Active") : l.t("Nonaktif", "Off"))),
                                .td(.text(l.minute(row.updatedAt) + " · " + row.updatedBy)))
                        })))),
            .section(.class("card"), .id("test-box"),
                .h2(.text(l.t("Uji teks", "Test a text"))),
                .p(.class("hint"), .text(l.t("Tempel teks unggahan atau halaman: terlihat istilah mana yang cocok, di mana, dan skornya per daftar pantau.",
                                             "Paste a post's or a page's text: see which terms match, where, and the score per watchlist."))),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.test)), FormUI.serverChecked, StaffUI.csrfField(identity),
                      FormUI.textarea("text", l.t("Teks", "Text"), testForm),
                      .button(.type(.submit), .text(l.t("Uji", "Test")))),
                .unwrap(test?.result) { result, findings in
                    .div(.id("test-result"),
                         MonitoringUI.highlighted(testForm["text"], result.matches),
                         .p(.strong(.text(l.t("Skor: ", "Score: ") + SVGChart.format(result.score))),
                            .text(findings.isEmpty ? l.t(" — tidak ada daftar yang ambangnya tercapai.", " — no watchlist reaches its threshold.")
                                  : l.t(" — temuan untuk: ", " — a finding for: ") + findings.map(\.name).joined(separator: ", "))),
                         .ul(.forEach(result.matches) { m in
                             .li(.text("“" + String(decoding: Array(testForm["text"].utf16)[m.start..<m.end], as: UTF16.self) + "” → " + m.term
                                       + " (" + m.watchlistName + ", " + l.t("bobot ", "weight ") + SVGChart.format(m.weight) + ")"))
                         }))
                }),
            .if(identity.may(.manageWatchlists), .group(
                FormUI.summary(form, l),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.home)), .class("card"), .id("watchlist-form"), FormUI.serverChecked,
                      StaffUI.csrfField(identity),
                      .h2(.text(l.t("Daftar pantau baru", "New watchlist"))),
                      MonitoringUI.fields(create, categories: categories, l),
                      .button(.type(.submit), .text(l.t("Simpan daftar pantau", "Save the watchlist"))))))
        )).render()
    }
}

extension MonitoringView {
    /// Findings per day of the last 30 days, by what became of them; links to the queue of monitoring's cases.
    private var findingsChart: Node<HTML.BodyContext> {
        let l = language
        let outcomes = ["reported", "reappeared", "rate_limited"]
        let series = outcomes.map { SVGChart.Series(label: MonitoringUI.outcomeTitle($0, l), values: (overview.findings[$0] ?? []).map(Double.init)) }
            .filter { !$0.values.isEmpty }
        return .section(.class("card"), .id("findings"),
            .h2(.text(l.t("Temuan per hari", "Findings per day"))),
            .p(.text(l.t("\(l.number(overview.findingsTotal)) temuan dalam \(MonitoringOverview.chartDays) hari. ",
                         "\(l.number(overview.findingsTotal)) findings in \(MonitoringOverview.chartDays) days. ")),
               .a(.href(l.link(SitePath.Cases.queue + "?channel=monitoring")), .text(l.t("Kasus dari pemantauan di antrean →", "Cases from monitoring in the queue →"))),
               .text(" · "),
               .a(.href(l.link(SitePath.Cases.queue + "?reappeared=1")), .id("reappeared-link"),
                  .text(l.t("Kasus yang kontennya muncul kembali →", "Cases whose content reappeared →")))),
            .div(.class("scroll"), .raw(SVGChart.stackedWeeks(id: "findings-chart", title: l.t("Temuan per hari", "Findings per day"), weeks: overview.days,
                                                             series: series, emptyText: l.t("Belum ada temuan.", "No findings yet.")))),
            .raw(SVGChart.legend(series, withheldNote: nil)))
    }
}

extension MonitoringUI {
    /// Every source's health: when it last delivered, its errors, its posts and findings of the day.
    static func sourcesTable(_ sources: [MonitorSourceService.Health], _ l: Language, manage: Bool) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("sources"),
            .h2(.text(l.t("Sumber", "Sources"))),
            sources.isEmpty
                ? .p(.text(l.t("Belum ada sumber: konektor platform mengirim unggahan ke API, atau admin menambah feed.",
                               "No sources yet: a platform's connector sends posts to the API, or an admin adds a feed.")))
                : .div(.class("scroll"), .table(.class("data"),
                    .thead(.tr(.th(.text(l.t("Sumber", "Source"))), .th(.text(l.t("Keadaan", "State"))), .th(.text(l.t("Terakhir berhasil", "Last success"))),
                               .th(.text(l.t("Galat", "Errors"))), .th(.text(l.t("Unggahan 24 jam", "Posts, 24 h"))), .th(.text(l.t("Temuan 24 jam", "Findings, 24 h"))))),
                    .tbody(.forEach(sources) { s in
                        let platform = Platform(rawValue: s.platform)?.name(english: l == .en) ?? s.platform
                        let title = s.kind == "push" ? l.t("Kiriman konektor \(platform)", "\(platform) connector pushes")
                            : s.kind == "crawler" ? l.t("Perayap web (halaman 24 jam; galat = gagal 24 jam)", "Web crawler (pages in 24 h; errors = failures in 24 h)")
                            : s.kind == "recheck" ? l.t("Cek ulang butir yang diturunkan dan situs yang diblokir (alamat dicek 24 jam; temuan = muncul kembali)",
                                                        "Re-checks of taken-down items and blocked sites (addresses checked in 24 h; findings = reappeared)")
                            : "\(s.name) (\(platform), feed)"
                        return .tr(.class(s.consecutiveErrors > 0 ? "failing" : ""),
                            .td(s.id.map { id in .a(.href(l.link(SitePath.Monitoring.source(id))), .text(title)) } ?? .text(title)),
                            .td(.text(!s.enabled ? l.t("Nonaktif", "Off") : s.consecutiveErrors > 0 ? l.t("Gagal", "Failing") : l.t("Berjalan", "Running"))),
                            .td(.text(s.lastSuccessAt.map { l.minute($0) } ?? "—")),
                            .td(.text(s.consecutiveErrors == 0 ? "—" : "\(s.consecutiveErrors)× · " + (s.lastError ?? ""))),
                            .td(.class("num"), .text(l.number(s.postsLastDay))), .td(.class("num"), .text(l.number(s.findingsLastDay))))
                    }))),
            .if(manage, .p(.a(.href(l.link(SitePath.Monitoring.sources)), .text(l.t("Kelola feed platform →", "Manage platform feeds →"))))))
    }
}

/// `/pantau/sumber`: the feeds the worker pulls (admin adds, switches off,
/// deletes; staff see them), and `/pantau/sumber/:id`: one feed.
struct MonitorSourcesView {
    let language: Language
    let identity: Identity
    let feeds: [MonitorSourceModel]
    let form: FormState
    let notice: String?

    static func platformChoices(_ l: Language) -> [(value: String, text: String)] {
        [(value: "", text: l.t("— pilih —", "— choose —"))]
            + Platform.allCases.filter { MonitoredPost.subjectKind(on: $0) != nil }.map { (value: $0.rawValue, text: $0.displayName) }
    }

    func render() -> String {
        let l = language
        var create = form
        if create.values.isEmpty { create.values = ["interval_seconds": "60"] }
        return PageLayout(title: l.t("Feed platform", "Platform feeds"), language: l, path: SitePath.Monitoring.sources, identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Monitoring.home)), .text(l.t("← Pemantauan", "← Monitoring")))),
            .h1(.text(l.t("Feed platform", "Platform feeds"))),
            .p(.text(l.t("Pekerja latar mengambil unggahan publik dari feed JSON platform: GET alamat?cursor=…, jawaban {\"posts\": […], \"next_cursor\": …}. Kursor disimpan di basis data; kegagalan dicatat dan dicoba lagi makin jarang, paling lama sejam sekali.",
                         "The background worker pulls public posts from a platform's JSON feed: GET address?cursor=…, answered {\"posts\": […], \"next_cursor\": …}. The cursor is kept in the database; failures are recorded and retried less and less often, at most an hour apart."))),
            .if(notice == "deleted", .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Feed dihapus.", "Feed deleted.")))),
            .section(.class("card"),
                feeds.isEmpty ? .p(.text(l.t("Belum ada feed.", "No feeds yet."))) :
                .div(.class("scroll"), .table(.class("data"),
                    .thead(.tr(.th(.text(l.t("Nama", "Name"))), .th(.text("Platform")), .th(.text(l.t("Alamat", "Address"))), .th(.text(l.t("Selang", "Interval"))),
                               .th(.text(l.t("Keadaan", "State"))), .th(.text(l.t("Unggahan diterima", "Posts received"))))),
                    .tbody(.forEach(feeds) { f in
                        .tr(.td(.a(.href(l.link(SitePath.Monitoring.source(f.id!))), .text(f.name))),
                            .td(.text(Platform(rawValue: f.platform)?.displayName ?? f.platform)),
                            .td(.code(.text(f.url ?? ""))), .td(.class("num"), .text(l.t("\(f.intervalSeconds) detik", "\(f.intervalSeconds) s"))),
                            .td(.text(!f.enabled ? l.t("Nonaktif", "Off") : f.consecutiveErrors > 0 ? l.t("Gagal: ", "Failing: ") + (f.lastError ?? "") : l.t("Berjalan", "Running"))),
                            .td(.class("num"), .text(l.number(Int(f.postsReceived)))))
                    })))),
            .if(identity.may(.manageMonitorSources), .group(
                FormUI.summary(create, l),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.sources)), .class("card"), .id("feed-form"), FormUI.serverChecked,
                      StaffUI.csrfField(identity),
                      .h2(.text(l.t("Feed baru", "New feed"))),
                      MonitoringUI.feedFields(create, l, creating: true),
                      .button(.type(.submit), .text(l.t("Tambah feed", "Add the feed"))))))
        )).render()
    }
}

/// `/pantau/sumber/:id`: one feed, its health, and (admin) its settings.
struct MonitorSourceView {
    let language: Language
    let identity: Identity
    let feed: MonitorSourceModel
    let form: FormState?
    let notice: String?

    func render() -> String {
        let l = language
        var state = form ?? FormState()
        if form == nil {
            state.values = ["name": feed.name, "url": feed.url ?? "", "interval_seconds": String(feed.intervalSeconds), "enabled": feed.enabled ? "1" : ""]
        }
        return PageLayout(title: feed.name, language: l, path: SitePath.Monitoring.source(feed.id!), identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Monitoring.sources)), .text(l.t("← Feed platform", "← Platform feeds")))),
            .h1(.text(feed.name)),
            .if(notice == "saved", .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Tersimpan.", "Saved.")))),
            .section(.class("card"), .dl(.class("status"),
                .dt(.text("Platform")), .dd(.text(Platform(rawValue: feed.platform)?.displayName ?? feed.platform)),
                .dt(.text(l.t("Terakhir diambil", "Last fetched"))), .dd(.text(feed.lastFetchAt.map { l.minute($0) } ?? "—")),
                .dt(.text(l.t("Terakhir berhasil", "Last success"))), .dd(.text(feed.lastSuccessAt.map { l.minute($0) } ?? "—")),
                .dt(.text(l.t("Galat berturut-turut", "Errors in a row"))), .dd(.id("feed-errors"), .text(String(feed.consecutiveErrors) + (feed.lastError.map { " · " + $0 } ?? ""))),
                .dt(.text(l.t("Pengambilan berikutnya", "Next fetch"))), .dd(.text(feed.nextFetchAt.map { l.minute($0) } ?? l.t("segera", "soon"))),
                .dt(.text(l.t("Kursor", "Cursor"))), .dd(.code(.text(feed.cursor ?? "—"))),
                .dt(.text(l.t("Unggahan diterima", "Posts received"))), .dd(.text(l.number(Int(feed.postsReceived)))),
                .dt(.text("Token")), .dd(.text(feed.token == nil ? l.t("tidak ada", "none") : l.t("tersimpan (tidak ditampilkan)", "kept (never shown)"))))),
            .if(identity.may(.manageMonitorSources), .group(
                FormUI.summary(state, l),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.source(feed.id!))), .class("card"), .id("feed-form"), FormUI.serverChecked,
                      StaffUI.csrfField(identity),
                      MonitoringUI.feedFields(state, l, creating: false),
                      .button(.type(.submit), .text(l.t("Simpan", "Save")))),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.deleteSource(feed.id!))), .class("card"), StaffUI.csrfField(identity),
                      .button(.type(.submit), .class("secondary"), .text(l.t("Hapus feed ini", "Delete this feed"))))))
        )).render()
    }
}

extension MonitoringUI {
    static func feedFields(_ state: FormState, _ l: Language, creating: Bool) -> Node<HTML.FormContext> {
        .group(
            .if(creating, FormUI.select("platform", "Platform", state, MonitorSourcesView.platformChoices(l))),
            FormUI.input("name", l.t("Nama", "Name"), state),
            FormUI.input("url", l.t("Alamat feed", "Feed address"), hint: l.t("http:// atau https://; alamat jaringan internal ditolak.", "http:// or https://; internal network addresses are refused."), type: "url", state),
            FormUI.input("token", l.t("Token (Bearer)", "Token (Bearer)"),
                         hint: creating ? l.t("Boleh kosong.", "May be left empty.") : l.t("Kosongkan agar token yang tersimpan tetap dipakai.", "Leave empty to keep the stored token."),
                         type: "password", state),
            FormUI.input("interval_seconds", l.t("Selang (detik)", "Interval (seconds)"), hint: l.t("10 sampai 86.400.", "10 to 86,400."), state, inputMode: "numeric"),
            .if(!creating, .div(.class("field"), StaffUI.option(.checkbox, "enabled", "1", checked: state["enabled"] == "1", l.t("Aktif", "Enabled")))))
    }
}

/// `/pantau/daftar/:id`: one watchlist, to change, switch off or delete.
struct WatchlistView {
    let language: Language
    let identity: Identity
    let row: WatchlistRow
    let categories: [ContentCategory]
    let form: FormState?
    let notice: String?

    func render() -> String {
        let l = language
        let d = row.definition
        var state = form ?? FormState()
        if form == nil {
            state.values = ["name": d.name, "category": d.category, "threshold": SVGChart.format(d.threshold), "active": d.active ? "1" : "",
                            "terms": WatchlistDefinition.termLines(d.terms)]
        }
        let mayEdit = identity.may(.manageWatchlists)
        return PageLayout(title: d.name, language: l, path: SitePath.Monitoring.watchlist(row.id), identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Monitoring.home)), .text(l.t("← Semua daftar pantau", "← All watchlists")))),
            .h1(.text(d.name)),
            .if(notice == "saved", .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Tersimpan.", "Saved.")))),
            .if(notice == "created", .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Daftar pantau dibuat.", "Watchlist created.")))),
            .p(.class("hint"), .text(l.t("Diubah ", "Changed ") + l.minute(row.updatedAt) + " · " + row.updatedBy)),
            mayEdit ? .group(
                FormUI.summary(state, l),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.watchlist(row.id))), .class("card"), .id("watchlist-form"), FormUI.serverChecked,
                      StaffUI.csrfField(identity),
                      MonitoringUI.fields(state, categories: categories, l),
                      .button(.type(.submit), .text(l.t("Simpan", "Save")))),
                .form(.method(.post), .action(l.link(SitePath.Monitoring.deleteWatchlist(row.id))), .class("card"), StaffUI.csrfField(identity),
                      .button(.type(.submit), .class("secondary"), .text(l.t("Hapus daftar pantau ini", "Delete this watchlist"))))
            ) : .ul(.forEach(d.terms) { .li(.text($0.text + ($0.exclusions.isEmpty ? "" : " (" + l.t("kecuali ", "except ") + $0.exclusions.joined(separator: ", ") + ")"))) })
        )).render()
    }
}
