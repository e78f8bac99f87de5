import Foundation
import PantauCore
import Plot

struct TrendPageView {
    let language: Language
    let identity: Identity?
    let period: CompliancePeriod
    let platform: String?
    let category: String?
    let trends: TrendFigures
    let categories: CategoryIndex

    private func change(_ value: Double?) -> String {
        guard let value else { return "—" }
        return (value > 0 ? "+" : value < 0 ? "−" : "±") + String(format: "%.0f %%", abs(value) * 100)
    }

    private func name(_ key: String, platform: Bool) -> String {
        platform ? (Platform(rawValue: key)?.displayName ?? key) : (categories[key].map { language.t($0.nameID, $0.nameEN) } ?? key)
    }

    private func table(_ lines: [TrendFigures.Line], platform: Bool, id: String) -> Node<HTML.BodyContext> {
        let l = language
        let header: Node<HTML.TableContext> = .thead(.tr(
            .th(.text(platform ? "Platform" : l.t("Kategori", "Category"))), .th(.text(l.t("Aduan", "Reports"))), .th(.text(l.t("Sebelumnya", "Before"))),
            .th(.text(l.t("Perubahan", "Change"))), .th(.text(l.t("Pelanggaran terverifikasi", "Verified violations"))), .th(.text(l.t("Sebelumnya", "Before"))),
            .th(.text(l.t("Perubahan", "Change")))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(lines) { line in
            .tr(.td(.text(name(line.key, platform: platform))), .td(.class("num"), .text(l.number(line.reports))), .td(.class("num"), .text(l.number(line.previousReports))),
                .td(.class("num"), .text(change(line.reportsChange))), .td(.class("num"), .text(l.number(line.violations))),
                .td(.class("num"), .text(l.number(line.previousViolations))), .td(.class("num"), .text(change(line.violationsChange))))
        })
        return .table(.class("data"), .id(id), header, body)
    }

    private func chart(_ lines: [TrendFigures.Line], violations: Bool, title: String, id: String) -> Node<HTML.BodyContext> {
        let all = lines.map { SVGChart.Series(label: name($0.key, platform: true), values: (violations ? $0.weeklyViolations : $0.weeklyReports).map(Double.init)) }
        let series = SVGChart.topSeries(all, limit: SVGChart.maximumSeries, othersLabel: language.t("Lainnya", "Others"))
        return .group(.div(.class("chart"), .raw(SVGChart.stackedWeeks(id: id, title: title, weeks: trends.weeks.map(WIBDay.text), series: series,
                                                                       emptyText: language.t("Belum ada data pada periode ini.", "No data in this period.")))),
                      .raw(SVGChart.legend(series, withheldNote: nil)))
    }

    /// One sentence answering the page's question for the chosen platform (or all).
    private var headline: String {
        let l = language
        let reports = trends.byPlatform.reduce(0) { $0 + $1.reports }, before = trends.byPlatform.reduce(0) { $0 + $1.previousReports }
        let violations = trends.byPlatform.reduce(0) { $0 + $1.violations }, violationsBefore = trends.byPlatform.reduce(0) { $0 + $1.previousViolations }
        let scope = platform.map { Platform(rawValue: $0)?.displayName ?? $0 } ?? l.t("semua platform", "all platforms")
        return l.t("\(scope): \(reports) aduan (\(change(TrendFigures.Line.change(reports, before))) dibanding periode sebelumnya), \(violations) pelanggaran terverifikasi (\(change(TrendFigures.Line.change(violations, violationsBefore)))).",
                   "\(scope): \(reports) reports (\(change(TrendFigures.Line.change(reports, before))) against the period before), \(violations) verified violations (\(change(TrendFigures.Line.change(violations, violationsBefore)))).")
    }

    private var filters: Node<HTML.BodyContext> {
        let l = language
        let periods = [("month", l.t("30 hari", "30 days")), ("quarter", l.t("Kuartal", "Quarter")), ("year", l.t("Setahun", "A year")), ("custom", l.t("Pilih tanggal", "Custom"))]
        let periodSelect: Node<HTML.FormContext> = .select(.attribute(named: "name", value: "period"), .id("trend-period"),
                                                           .forEach(periods) { .choice($0.0, $0.1, selected: period.kind.rawValue == $0.0) })
        let platformSelect: Node<HTML.FormContext> = .select(.attribute(named: "name", value: "platform"), .id("trend-platform"),
            .choice("", l.t("Semua", "All"), selected: platform == nil),
            .forEach(Platform.allCases) { .choice($0.rawValue, $0.displayName, selected: platform == $0.rawValue) })
        let categorySelect: Node<HTML.FormContext> = .select(.attribute(named: "name", value: "category"), .id("trend-category"),
            .choice("", l.t("Semua", "All"), selected: category == nil),
            .forEach(categories.all) { .choice($0.slug, l.t($0.nameID, $0.nameEN), selected: category == $0.slug) })
        let custom = period.kind == .custom
        let from: Node<HTML.FormContext> = .input(.type(.date), .name("from"), .id("trend-from"), .value(custom ? WIBDay.text(trends.fromDay) : ""))
        let to: Node<HTML.FormContext> = .input(.type(.date), .name("to"), .id("trend-to"), .value(custom ? WIBDay.text(trends.toDay - 1) : ""))
        return .form(.method(.get), .action(SitePath.Transparency.trends), .class("card bar"), .id("trend-filters"),
            .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
            .div(.class("field"), .label(.for("trend-period"), .text(l.t("Periode", "Period"))), periodSelect),
            .div(.class("field"), .label(.for("trend-from"), .text(l.t("Dari", "From"))), from),
            .div(.class("field"), .label(.for("trend-to"), .text(l.t("Sampai", "To"))), to),
            .div(.class("field"), .label(.for("trend-platform"), .text("Platform")), platformSelect),
            .div(.class("field"), .label(.for("trend-category"), .text(l.t("Kategori", "Category"))), categorySelect),
            .button(.type(.submit), .text(l.t("Tampilkan", "Show"))))
    }

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Tren konten negatif", "Negative content trends"), language: l, path: SitePath.Transparency.trends, identity: identity,
                          wide: true, content: .div(
            .h1(.text(l.t("Apakah konten negatif berkurang?", "Is negative content going down?"))),
            filters,
            .p(.id("trend-headline"), .strong(.text(headline))),
            .p(.class("hint"), .text(l.t("Periode \(WIBDay.text(trends.fromDay)) – \(WIBDay.text(trends.toDay - 1)) dibanding periode sepanjang itu tepat sebelumnya. Pelanggaran terverifikasi: putusan “melanggar” yang berlaku, menurut tanggal putusan.",
                                         "\(WIBDay.text(trends.fromDay)) – \(WIBDay.text(trends.toDay - 1)) against the period of the same length just before. Verified violations: 'violating' decisions in force, by decision day."))),
            .section(.class("card"), .h2(.text(l.t("Per platform", "By platform"))),
                     chart(trends.byPlatform, violations: false, title: l.t("Aduan per minggu per platform", "Reports per week by platform"), id: "trend-reports"),
                     chart(trends.byPlatform, violations: true, title: l.t("Pelanggaran terverifikasi per minggu per platform", "Verified violations per week by platform"), id: "trend-violations"),
                     table(trends.byPlatform, platform: true, id: "trend-platforms")),
            .section(.class("card"), .h2(.text(l.t("Per kategori", "By category"))), table(trends.byCategory, platform: false, id: "trend-categories"))
        )).render()
    }
}
