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

    static let termsHint = (id: "Satu istilah per baris: istilah | bobot | pengecualian; pengecualian. Bobot dan pengecualian boleh kosong (bobot 1). Contoh: slot | 1 | slot waktu; slot iklan",
                            en: "One term a line: term | weight | exclusion; exclusion. Weight and exclusions may be left out (weight 1). E.g. slot | 1 | slot waktu; slot iklan")

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
            .section(.class("card"), .id("watchlists"),
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
