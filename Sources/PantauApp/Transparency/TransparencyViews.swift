import Foundation
import PantauCore
import Plot

struct TransparencyPageView {
    let language: Language
    let period: CompliancePeriod
    let figures: TransparencyFigures
    let categories: CategoryIndex
    /// A period that could not be read, as typed.
    var form = FormState()
    /// Monitoring's prevalence in the weeks of the period.
    var prevalence: [PrevalenceService.Figure] = []

    private func categoryName(_ slug: String) -> String {
        categories[slug].map { language.t($0.nameID, $0.nameEN) } ?? slug
    }

    private func channelName(_ channel: String) -> String { language.channel(channel) }

    private func platformName(_ id: String) -> String { Platform(rawValue: id)?.displayName ?? id }

    /// A count as shown: "< 5" when suppressed.
    private func shown(_ cell: TransparencyCell?) -> String {
        guard let cell else { return "0" }
        if cell.suppressed { return "< \(SmallCells.threshold)" }
        return cell.value.map { TransparencyFigures.number($0) } ?? "—"
    }

    /// Every week (its Monday) the period touches: the axis covers the period asked, not only the weeks with data.
    private var periodWeeks: [String] {
        let first = WIBDay.week(figures.fromDay), last = WIBDay.week(max(figures.fromDay, figures.toDay - 1))
        return stride(from: first, through: last, by: 7).map(WIBDay.text)
    }

    /// A weekly chart (one unit: the keys given) and its table from one table of cells.
    private func weekly(_ table: String, id: String? = nil, keys only: [String]? = nil, title: String, label: (String) -> String) -> Node<HTML.BodyContext> {
        let l = language
        let cells = figures.cells(table).filter { only == nil || only!.contains($0.key) }
        let weeks = periodWeeks
        let keys = only ?? Array(Set(cells.map(\.key))).sorted()
        var byWeekKey: [String: TransparencyCell] = [:]
        for cell in cells { byWeekKey[(cell.week ?? "") + " " + cell.key] = cell }
        // A withheld cell stays withheld in the chart (a dashed "1–4"), never drawn as zero.
        let all = keys.map { key in
            SVGChart.Series(label: label(key), values: weeks.map { week -> Double? in
                guard let cell = byWeekKey[week + " " + key] else { return 0 }
                return cell.suppressed ? nil : (cell.value ?? 0)
            })
        }
        let series = SVGChart.topSeries(all, limit: SVGChart.maximumSeries, othersLabel: l.t("Lainnya", "Others"))
        let sectionID = id ?? table
        return .section(.class("card"), .id(sectionID),
            .h2(.text(title)),
            .div(.class("chart"), .raw(SVGChart.stackedWeeks(id: "chart-" + sectionID, title: title, weeks: weeks, series: series,
                                                             emptyText: l.t("Belum ada data pada periode ini.", "No data in this period.")))),
            .raw(SVGChart.legend(series, withheldNote: l.t("1–4: angka kecil disembunyikan", "1–4: small count withheld"))),
            .details(.summary(.text(l.t("Tabel angka", "Table of figures"))),
                .div(.class("scroll"), .table(.class("data"),
                    .thead(.tr(.th(.text(l.t("Minggu (Senin)", "Week (Monday)"))), .forEach(keys) { .th(.text(label($0))) })),
                    .tbody(.forEach(weeks) { week in .tr(.td(.text(week)), .forEach(keys) { key in .td(.class("num"), .text(shown(byWeekKey[week + " " + key]))) }) }))))
        )
    }

    private func order(_ platform: String, _ measure: String) -> Double? { figures.value("orders", key: platform, subkey: measure) }

    private func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", $0 * 100) } ?? "—" }

    private func verdictName(_ v: String) -> String { Verdict(rawValue: v).map { language.t($0.label.id, $0.label.en) } ?? v }

    private func decisionsSection() -> Node<HTML.BodyContext> {
        let l = language
        let decisions = figures.cells("decisions")
        let verdicts = Array(Set(decisions.map(\.key))).sorted()
        let decisionCategories = Array(Set(decisions.map(\.subkey))).sorted()
        let header: Node<HTML.TableContext> = .thead(.tr(.th(.text(l.t("Kategori", "Category"))), .forEach(verdicts) { v in .th(.text(verdictName(v))) }))
        let body: Node<HTML.TableContext> = .tbody(.forEach(decisionCategories) { category in
            .tr(.td(.text(categoryName(category))), .forEach(verdicts) { v in
                .td(.class("num"), .text(shown(decisions.first { $0.key == v && $0.subkey == category })))
            })
        })
        return .section(.class("card"), .id("decisions"), .h2(.text(l.t("Putusan menurut kategori", "Decisions by category"))), .table(.class("data"), header, body))
    }

    private func ordersSection() -> Node<HTML.BodyContext> {
        let l = language
        let platforms = Array(Set(figures.cells("orders").map(\.key))).sorted()
        let rows: [(label: String, value: Double, text: String)] = platforms.map { (platformName($0), (order($0, "on_time_rate") ?? 0) * 100, percent(order($0, "on_time_rate"))) }
        let chart = SVGChart.bars(id: "chart-on-time", title: l.t("Kepatuhan tepat waktu per platform", "On-time compliance per platform"), rows: rows,
                                  emptyText: l.t("Belum ada perintah pada periode ini.", "No orders in this period."))
        let header: Node<HTML.TableContext> = .thead(.tr(
            .th(.text("Platform")), .th(.text(l.t("Butir", "Items"))), .th(.text(l.t("Tepat waktu", "On time"))),
            .th(.text(l.t("Median waktu turun", "Median time to comply"))), .th(.text(l.t("Ditolak", "Refused"))),
            .th(.text(l.t("Disanggah", "Objected"))), .th(.text(l.t("Lewat tenggat kini", "Overdue now")))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(platforms) { p in platformRow(p) })
        return .section(.class("card"), .id("orders"),
            .h2(.text(l.t("Perintah takedown dan kepatuhan platform", "Takedown orders and platforms' compliance"))),
            .p(.text(l.t("Butir perintah yang diterbitkan pada periode ini dan nasibnya kini. Tepat waktu: diturunkan sebelum tenggat dan tidak ditemukan lagi.",
                         "Order items issued in this period and what became of them. On time: taken down by the deadline and not found online again."))),
            .div(.class("chart"), .raw(chart)), .table(.class("data"), header, body))
    }

    private func platformRow(_ p: String) -> Node<HTML.TableContext> {
        let median = order(p, "median_hours_to_comply").map { String(format: "%.1f ", $0) + language.t("jam", "h") } ?? "—"
        return .tr(.td(.text(platformName(p))), .td(.class("num"), .text(TransparencyFigures.number(order(p, "items") ?? 0))),
                   .td(.class("num"), .text(percent(order(p, "on_time_rate")))), .td(.class("num"), .text(median)),
                   .td(.class("num"), .text(percent(order(p, "rejected_share")))), .td(.class("num"), .text(percent(order(p, "objected_share")))),
                   .td(.class("num"), .text(TransparencyFigures.number(order(p, "overdue") ?? 0))))
    }

    private func sanctionsSection() -> Node<HTML.BodyContext> {
        let l = language
        let sanctions = figures.cells("sanctions")
        return .section(.class("card"), .id("sanctions"),
            .h2(.text(l.t("Sanksi yang dijatuhkan", "Sanctions issued"))),
            .if(sanctions.isEmpty, .p(.text(l.t("Tidak ada sanksi pada periode ini.", "No sanctions in this period.")))),
            .ul(.forEach(sanctions) { s in
                let level = SanctionLevel(rawValue: s.subkey).map { l.t($0.label.id, $0.label.en) } ?? s.subkey
                return .li(.text(platformName(s.key) + " · " + level + ": " + shown(s)))
            }))
    }

    private func appealsSection() -> Node<HTML.BodyContext> {
        let l = language
        let appeals = figures.cells("appeals")
        return .section(.class("card"), .id("appeals"),
            .h2(.text(l.t("Banding dan sanggahan", "Appeals and objections"))),
            .if(appeals.isEmpty, .p(.text(l.t("Tidak ada banding pada periode ini.", "No appeals in this period.")))),
            .ul(.forEach(appeals) { a in
                let source = a.key == "platform_objection" ? l.t("Sanggahan platform", "Platform objection") : l.t("Banding pihak terdampak", "Appeal by an affected person")
                return .li(.text(source + " · " + Self.appealOutcome(a.subkey, l) + ": " + shown(a)))
            }))
    }

    private func periodForm(query: String) -> Node<HTML.BodyContext> {
        let l = language
        let custom = period.kind == .custom
        let choices = [("month", l.t("30 hari", "30 days")), ("quarter", l.t("Kuartal (91 hari)", "Quarter (91 days)")),
                       ("year", l.t("Setahun", "A year")), ("custom", l.t("Pilih tanggal", "Custom"))]
        var state = self.form
        if state.isValid {
            state.values["period"] = period.kind.rawValue
            state.values["from"] = custom ? WIBDay.text(figures.fromDay) : ""
            state.values["to"] = custom ? WIBDay.text(figures.toDay - 1) : ""
        }
        let form: Node<HTML.BodyContext> = .form(.method(.get), .action(SitePath.Transparency.page), .class("card bar"), .id("period-form"),
            .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
            FormUI.select("period", l.t("Periode", "Period"), state, choices.map { (value: $0.0, text: $0.1) }),
            FormUI.input("from", l.t("Dari (untuk pilih tanggal)", "From (custom)"), type: "date", state),
            FormUI.input("to", l.t("Sampai", "To"), type: "date", state),
            .button(.type(.submit), .text(l.t("Tampilkan", "Show"))))
        let downloads: Node<HTML.BodyContext> = .p(.class("downloads"), .id("open-data"),
            .text(l.t("Data terbuka: ", "Open data: ")),
            .a(.href(SitePath.API.transparency + "?" + query + "&format=csv"), .text("CSV")), .text(" · "),
            .a(.href(SitePath.API.transparency + "?" + query), .text("JSON")), .text(" · "),
            .a(.href(SitePath.API.statements + "?format=csv"), .text(l.t("Pernyataan alasan (CSV)", "Statements of reasons (CSV)"))), .text(" · "),
            .a(.href(SitePath.API.statements), .text(l.t("Pernyataan alasan (JSON Lines)", "Statements of reasons (JSON Lines)"))), .text(" · "),
            .a(.href(l.link(SitePath.Transparency.register)), .text(l.t("Register pemblokiran", "Register of blocks"))))
        return .group(form, downloads)
    }

    private func blocklistMeasure(_ m: String) -> String {
        let l = language
        switch m {
        case "added": return l.t("Entri ditambahkan", "Entries added")
        case "removed": return l.t("Entri dicabut", "Entries removed")
        case "block_decisions": return l.t("Keputusan blokir", "Block decisions")
        case "normalisations": return l.t("Normalisasi", "Normalisations")
        default: return m
        }
    }

    func render() -> String {
        let l = language
        let sizeText = l.t("Entri aktif di daftar blokir kini: ", "Active entries on the blocklist now: ")
            + TransparencyFigures.number(figures.value("blocklist_size", key: "active") ?? 0)
        let periodText = WIBDay.text(figures.fromDay) + " – " + WIBDay.text(figures.toDay - 1)
        let query = "period=\(period.kind.rawValue)" + (period.kind == .custom ? "&from=\(WIBDay.text(figures.fromDay))&to=\(WIBDay.text(figures.toDay - 1))" : "")
        return PageLayout(title: l.t("Transparansi", "Transparency"), language: l, path: SitePath.Transparency.page + "?" + query, wide: true, content: .div(
            .h1(.text(l.t("Transparansi penanganan konten negatif", "Transparency of negative-content handling"))),
            .p(.text(l.t("Angka aduan, putusan, perintah takedown, kepatuhan platform, sanksi, pemblokiran dan banding. Periode: ",
                         "Reports, decisions, takedown orders, platforms' compliance, sanctions, blocks and appeals. Period: ") + periodText)),
            .p(.class("hint"), .id("small-counts"), .text(l.t(
                "Angka 1–4 yang dapat menunjuk seseorang (aduan, banding, putusan tidak melanggar) ditampilkan sebagai “< 5” dan di grafik sebagai kotak bergaris putus-putus. Putusan melanggar ditampilkan apa adanya: setiap putusan itu sudah terbit satu per satu dalam pernyataan alasan.",
                "Counts of 1–4 that could point at a person (reports, appeals, decisions finding no violation) are shown as '< 5', and in charts as a dashed box. Decisions finding a violation are shown as they are: each is published one by one in the statements of reasons."))),
            periodForm(query: query),
            weekly("reports_by_category", title: l.t("Aduan per minggu menurut kategori", "Reports per week by category"), label: categoryName),
            weekly("reports_by_channel", title: l.t("Aduan per minggu menurut saluran", "Reports per week by channel"), label: channelName),
            weekly("decisions_by_week", title: l.t("Putusan per minggu menurut hasil", "Decisions per week by verdict"), label: verdictName),
            decisionsSection(),
            ordersSection(),
            sanctionsSection(),
            weekly("blocklist_by_week", id: "blocklist_decisions", keys: ["block_decisions", "normalisations"],
                   title: l.t("Keputusan pemblokiran dan normalisasi per minggu", "Block and normalisation decisions per week"), label: blocklistMeasure),
            weekly("blocklist_by_week", id: "blocklist_by_week", keys: ["added", "removed"],
                   title: l.t("Entri daftar blokir ditambahkan dan dicabut per minggu", "Blocklist entries added and removed per week"), label: blocklistMeasure),
            .p(.id("blocklist-size"), .text(sizeText)),
            appealsSection(),
            PrevalenceUI.section(prevalence, platform: nil, l)
        )).render()
    }

    static func appealOutcome(_ state: String, _ l: Language) -> String {
        guard let known = AppealState(rawValue: state) else { return state }
        return l.t(known.label.id.lowercased(), known.label.en.lowercased())
    }
}

struct RegisterPageView {
    let language: Language
    let query: String
    let page: BlockRegister.Page
    var names = Vocabulary()

    func render() -> String {
        let l = language
        func kind(_ k: String) -> String {
            switch k {
            case "block": l.t("Pemblokiran", "Block")
            case "lift": l.t("Normalisasi", "Normalisation")
            default: l.t("Impor daftar", "List import")
            }
        }
        let base = SitePath.Transparency.register + "?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return PageLayout(title: l.t("Register pemblokiran", "Register of blocks"), language: l, path: base, wide: true, content: .div(
            .h1(.text(l.t("Register pemblokiran dan normalisasi", "Register of blocks and normalisations"))),
            .form(.method(.get), .action(SitePath.Transparency.register), .class("card"),
                  .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
                  StaffUI.field("q", l.t("Cari nomor, alasan, aplikasi atau nama domain", "Search a number, reason, app or domain name"),
                                .input(.type(.search), .name("q"), .id("q"), .value(query)), error: nil),
                  .button(.type(.submit), .text(l.t("Cari", "Search")))),
            .if(page.entries.isEmpty, .p(.id("register-empty"), .text(l.t("Tidak ada entri yang cocok.", "No matching entries.")))),
            .table(.class("data"), .id("register"),
                .thead(.tr(.th(.text(l.t("Nomor", "Number"))), .th(.text(l.t("Jenis", "Kind"))), .th(.text(l.t("Aplikasi", "App"))),
                           .th(.text(l.t("Nama", "Names"))), .th(.text(l.t("Berlaku", "In effect"))), .th(.text(l.t("Alasan", "Reason"))),
                           .th(.text(l.t("Dasar hukum", "Legal basis"))), .th(.text(l.t("Syarat / dicabut oleh", "Conditions / lifted by"))))),
                .tbody(.forEach(page.entries) { e in
                    .tr(.td(.text(e.number)), .td(.text(kind(e.kind))), .td(.text(e.app ?? "—")), .td(.class("num"), .text(String(e.names))),
                        .td(.text(l.minute(e.effectiveAt) + (e.until.map { " – " + l.minute($0) } ?? ""))), .td(.text(e.reason)),
                        .td(.text(names.bases(e.legalBases))),
                        .td(.text(e.kind == BlockProposalKind.lift.rawValue ? (e.conditions ?? "") : e.liftedBy.isEmpty ? "—" : l.t("dinormalisasi oleh ", "normalised by ") + e.liftedBy.joined(separator: ", "))))
                })),
            .p(.if(page.page > 1, .a(.href(l.link(base + "&halaman=\(page.page - 1)")), .text(l.t("← Sebelumnya", "← Previous")))),
               .if(page.hasMore, .a(.href(l.link(base + "&halaman=\(page.page + 1)")), .text(l.t("Berikutnya →", "Next →")))))
        )).render()
    }
}
