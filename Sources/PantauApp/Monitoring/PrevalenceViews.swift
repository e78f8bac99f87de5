import Foundation
import PantauCore
import Plot

/// Prevalence as pages show it: a chart of the share with its interval per
/// week (one per method), the table of the same figures, and the open data.
enum PrevalenceUI {
    static func percent(_ share: Double?) -> String {
        guard let share else { return "—" }
        return String(format: "%.1f", share * 100).replacingOccurrences(of: ".", with: ",") + " %"
    }

    static func interval(_ p: Prevalence, _ l: Language) -> String {
        guard let lower = p.lower, let upper = p.upper else { return "—" }
        return percent(lower) + " – " + percent(upper)
    }

    /// The section for the transparency page (every platform) or one platform's compliance page.
    static func section(_ figures: [PrevalenceService.Figure], platform: String?, _ l: Language) -> Node<HTML.BodyContext> {
        let labelled = figures.filter { $0.labelled > 0 }
        let weeks = Array(Set(labelled.map(\.weekStart))).sorted()
        let weekLabels = weeks.map { WIBDay.text(WIBDay.of($0)) }
        let platforms = Array(Set(labelled.map(\.platform))).sorted()
        func chart(_ method: SampleMethod) -> Node<HTML.BodyContext> {
            let series = platforms.map { p -> (label: String, points: [SVGChart.Estimate?]) in
                (Platform(rawValue: p)?.name(english: l == .en) ?? p, weeks.map { week in
                    labelled.first { $0.platform == p && $0.weekStart == week && $0.method == method }.flatMap { f in
                        guard let share = f.prevalence.share, let lower = f.prevalence.lower, let upper = f.prevalence.upper else { return nil }
                        return SVGChart.Estimate(share: share, lower: lower, upper: upper,
                                                 note: l.t("\(f.prevalence.violating) dari \(f.labelled) sampel", "\(f.prevalence.violating) of \(f.labelled) sampled"))
                    }
                })
            }.filter { $0.points.contains { $0 != nil } }
            guard !series.isEmpty else { return .empty }
            let id = "prevalence-" + method.rawValue + (platform.map { "-" + $0 } ?? "")
            return .div(.class("chart"),
                .h3(.text(method == .uniform ? l.t("Bagian unggahan yang melanggar", "Share of posts that violate")
                                             : l.t("Bagian tayangan yang melanggar", "Share of views that violated"))),
                .p(.class("hint"), .text(l.t("Sampel ", "Sample: ") + method.title(l) + ".")),
                .div(.class("scroll"), .raw(SVGChart.intervals(id: id, title: l.t("Prevalensi per minggu, dengan interval kepercayaan 95 %", "Prevalence per week, with 95 % confidence interval"),
                                                                weeks: weekLabels, series: series, emptyText: ""))),
                .raw(SVGChart.legend(series.map { SVGChart.Series(label: $0.label, values: []) }, withheldNote: nil)))
        }
        return .section(.class("card"), .id(platform == nil ? "prevalence" : "prevalence-platform"),
            .h2(.text(l.t("Prevalensi konten melanggar", "Prevalence of violating content"))),
            .p(.text(l.t("Setiap minggu Pantau menarik sampel acak dari unggahan yang dipantaunya di tiap platform, dan analis memberi label pada tiap unggahan sampel (melanggar atau tidak). Prevalensi adalah bagian sampel yang melanggar, dengan interval kepercayaan 95 % (Wilson): sampel kecil memberi interval lebar, dan itu ditampilkan apa adanya.",
                         "Each week Pantau draws a random sample of the posts it monitored on each platform, and analysts label each sampled post (violating or not). Prevalence is the share of the sample that violates, with its 95 % confidence interval (Wilson): a small sample gives a wide interval, shown as it is."))),
            labelled.isEmpty ? .p(.id("prevalence-empty"), .text(l.t("Belum ada sampel berlabel.", "No labelled samples yet."))) : .group(
                chart(.uniform), chart(.views),
                .div(.class("scroll"), .table(.class("data"), .id(platform == nil ? "prevalence-table" : "prevalence-platform-table"),
                    .thead(.tr(.th(.text(l.t("Minggu", "Week"))), .th(.text("Platform")), .th(.text(l.t("Sampel", "Sample"))),
                               .th(.text(l.t("Berlabel", "Labelled"))), .th(.text(l.t("Melanggar", "Violating"))), .th(.text(l.t("Prevalensi", "Prevalence"))),
                               .th(.text(l.t("Interval 95 %", "95 % interval"))))),
                    .tbody(.forEach(labelled.reversed()) { f in
                        .tr(.td(.text(WIBDay.text(WIBDay.of(f.weekStart)))), .td(.text(Platform(rawValue: f.platform)?.name(english: l == .en) ?? f.platform)),
                            .td(.text(f.method.title(l))), .td(.class("num"), .text("\(l.number(f.labelled)) / \(l.number(f.size))")),
                            .td(.class("num"), .text(l.number(f.prevalence.violating))), .td(.class("num"), .text(percent(f.prevalence.share))),
                            .td(.class("num"), .text(interval(f.prevalence, l))))
                    })))),
            .p(.text(l.t("Data terbuka: ", "Open data: ")),
               .a(.href(SitePath.API.prevalence + (platform.map { "?platform=" + $0 } ?? "")), .text("JSON")), .text(" · "),
               .a(.href(SitePath.API.prevalence + "?format=csv" + (platform.map { "&platform=" + $0 } ?? "")), .text("CSV"))))
    }

    /// The open data: every sample's figures, per platform, week and method, and per category.
    static func csv(_ figures: [PrevalenceService.Figure], categories: CategoryIndex) -> String {
        var out = CSVWriter.line(["week", "platform", "method", "category", "sample_size", "population", "labelled", "violating", "prevalence", "lower_95", "upper_95"])
        func line(_ f: PrevalenceService.Figure, _ category: String, _ p: Prevalence) -> String {
            CSVWriter.line([WIBDay.text(WIBDay.of(f.weekStart)), f.platform, f.method.rawValue, category, String(f.size), String(f.population), String(f.labelled),
                            String(p.violating), p.share.map(TransparencyFigures.number) ?? "", p.lower.map(TransparencyFigures.number) ?? "",
                            p.upper.map(TransparencyFigures.number) ?? ""])
        }
        for f in figures {
            out += line(f, "", f.prevalence)
            for (category, p) in f.byCategory { out += line(f, category, p) }
        }
        return out
    }

    static func json(_ figures: [PrevalenceService.Figure]) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("confidence", number: 0.95)
        o.add("interval", "wilson")
        o.add("samples", objects: figures.map { f in
            var s = JSONObjectText()
            s.add("categories", objects: f.byCategory.map { category, p in
                var c = JSONObjectText()
                c.add("category", category)
                add(p, to: &c)
                return c
            })
            s.add("labelled", f.labelled)
            s.add("method", f.method.rawValue)
            s.add("platform", f.platform)
            s.add("population", f.population)
            add(f.prevalence, to: &s)
            s.add("sample_size", f.size)
            s.add("week", WIBDay.text(WIBDay.of(f.weekStart)))
            return s
        })
        return o
    }

    private static func add(_ p: Prevalence, to o: inout JSONObjectText) {
        if let lower = p.lower { o.add("lower_95", number: lower) }
        if let share = p.share { o.add("prevalence", number: share) }
        if let upper = p.upper { o.add("upper_95", number: upper) }
        o.add("violating", p.violating)
    }
}

/// `/pantau/sampel`: the sample-review queue — the next sampled post to
/// label, what is left, and the samples with their figures so far.
struct SampleReviewView {
    let language: Language
    let identity: Identity
    let next: PrevalenceService.QueueItem?
    let waiting: Int
    let figures: [PrevalenceService.Figure]
    let categories: [ContentCategory]
    let form: FormState
    let notice: String?

    private func labelForm(_ item: PrevalenceService.QueueItem) -> Node<HTML.BodyContext> {
        let l = language
        let context = l.t("Minggu ", "Week ") + WIBDay.text(WIBDay.of(item.weekStart)) + " · " + item.method.title(l)
            + " · " + l.t("urutan ", "position ") + String(item.position + 1)
            + (item.author.map { " · @" + $0 } ?? "") + (item.views.map { " · " + l.number(Int($0)) + l.t(" tayangan", " views") } ?? "")
        let choices: Node<HTML.FormContext> = .fieldset(.element(named: "legend", nodes: [.text(l.t("Label", "Label"))]),
            .unwrap(form.error("label")) { .p(.class("error"), .id("label-error"), .text($0)) },
            StaffUI.option(.radio, "label", "violating", checked: form["label"] == "violating", l.t("Melanggar", "Violating")),
            StaffUI.option(.radio, "label", "not_violating", checked: form["label"] == "not_violating", l.t("Tidak melanggar", "Not violating")))
        return .group(
            FormUI.summary(form, l),
            .form(.method(.post), .action(l.link(SitePath.Monitoring.sampleItem(item.id))), .class("card"), .id("label-form"), FormUI.serverChecked,
                  StaffUI.csrfField(identity),
                  .h2(.text(MonitoringUI.sourceTitle(.post, platform: item.platform, ref: item.platform + ":" + item.postID, l))),
                  .p(.class("hint"), .text(context)),
                  .blockquote(.class("sample-text"), .text(item.text.isEmpty ? l.t("(tanpa teks)", "(no text)") : item.text)),
                  .if(!item.urls.isEmpty, .ul(.forEach(item.urls) { .li(.code(.text($0))) })),
                  choices,
                  FormUI.select("category", l.t("Kategori (jika melanggar)", "Category (if violating)"), form, MonitoringUI.categoryChoices(categories, l)),
                  .button(.type(.submit), .text(l.t("Simpan label dan lanjut", "Save the label and go on")))))
    }

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Sampel prevalensi", "Prevalence samples"), language: l, path: SitePath.Monitoring.samples, identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Monitoring.home)), .text(l.t("← Pemantauan", "← Monitoring")))),
            .h1(.text(l.t("Antrean label sampel", "Sample-review queue"))),
            .p(.text(l.t("Unggahan sampel mingguan menunggu label: melanggar atau tidak, dan kategorinya. Label ini menjadi angka prevalensi yang diterbitkan; tidak ada tindakan terhadap unggahan.",
                         "Posts of the weekly samples wait for a label: violating or not, and the category. The labels become the published prevalence; nothing is done to the posts."))),
            .if(notice == "labelled", .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Label tersimpan.", "Label saved.")))),
            .p(.id("samples-waiting"), .strong(.text(l.t("Menunggu label: ", "Waiting for a label: ") + l.number(waiting)))),
            .unwrap(next) { labelForm($0) },
            .if(next == nil, .p(.class("card"), .id("samples-done"), .text(l.t("Semua sampel sudah berlabel.", "Every sample is labelled.")))),
            PrevalenceUI.section(figures, platform: nil, l)
        )).render()
    }
}
