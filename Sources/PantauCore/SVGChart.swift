import Foundation

/// Charts drawn on the server as SVG text: no script, readable by screen
/// readers (a title and a description per chart, a title per bar), and the
/// same figures as the table printed beside each chart.
public enum SVGChart {
    /// Colours that stay apart for the common colour-vision deficiencies
    /// (Okabe–Ito), then greys.
    /// Eight of them, so a chart shows at most eight series (`topSeries`).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#8c8c8c"]
    public static let maximumSeries = 8

    public struct Series: Sendable {
        public let label: String
        /// One value a week, in the order of the weeks; nil where the value
        /// is withheld (a small count that could point at a person).
        public let values: [Double?]

        public init(label: String, values: [Double?]) {
            self.label = label
            self.values = values
        }
    }

    /// At most `limit` series: the largest by total, then one "others" series summing the rest
    /// (a withheld value stays withheld in the sum only when nothing else is known that week).
    public static func topSeries(_ series: [Series], limit: Int, othersLabel: String) -> [Series] {
        guard series.count > limit else { return series }
        let ranked = series.sorted { total($0) > total($1) }
        let kept = Array(ranked.prefix(limit - 1)), rest = ranked.dropFirst(limit - 1)
        let weeks = series.map(\.values.count).max() ?? 0
        let others = (0..<weeks).map { w -> Double? in
            let known = rest.compactMap { w < $0.values.count ? $0.values[w] : 0 }
            let withheld = rest.contains { w < $0.values.count && $0.values[w] == nil }
            return known.isEmpty && withheld ? nil : known.reduce(0, +)
        }
        return kept + [Series(label: othersLabel, values: others)]
    }

    private static func total(_ series: Series) -> Double { series.values.reduce(0) { $0 + ($1 ?? 0) } }

    /// The largest value a withheld cell could have (it is 1 to 4).
    static let withheldCeiling = 4.0

    /// Weekly stacked bars. A withheld value is drawn as a dashed outline
    /// standing for "1–4", never as zero; the legend is `legend(_:)`, in
    /// HTML beside the chart, so it wraps and stays readable on a phone.
    public static func stackedWeeks(id: String, title: String, weeks: [String], series: [Series], emptyText: String) -> String {
        let width = 720.0, height = 180.0
        let anything = series.contains { $0.values.contains { $0 == nil || ($0 ?? 0) > 0 } }
        guard !weeks.isEmpty, !series.isEmpty, anything else { return empty(id: id, title: title, text: emptyText) }
        let totals = weeks.indices.map { w in series.reduce(0) { $0 + (w < $1.values.count ? ($1.values[w] ?? withheldCeiling) : 0) } }
        let top = niceCeiling(totals.max() ?? 0)
        var svg = open(id: id, title: title, width: width, height: height + 20,
                       description: "\(weeks.first!) – \(weeks.last!), max \(format(top))")
        svg += axis(width: width, height: height, top: top)
        let slot = width / Double(weeks.count)
        for (w, week) in weeks.enumerated() {
            var y = height
            for (s, item) in series.enumerated() where w < item.values.count {
                let x = format(Double(w) * slot + 1), barWidth = format(max(1, slot - 2))
                guard let value = item.values[w] else {
                    let h = withheldCeiling / top * height
                    y -= h
                    svg += "<rect x=\"\(x)\" y=\"\(format(y))\" width=\"\(barWidth)\" height=\"\(format(h))\" fill=\"none\" "
                        + "stroke=\"\(palette[s % palette.count])\" stroke-dasharray=\"3 2\"><title>\(escape(week)) · \(escape(item.label)): 1–4</title></rect>"
                    continue
                }
                guard value > 0 else { continue }
                let h = value / top * height
                y -= h
                svg += "<rect x=\"\(x)\" y=\"\(format(y))\" width=\"\(barWidth)\" height=\"\(format(h))\" "
                    + "fill=\"\(palette[s % palette.count])\"><title>\(escape(week)) · \(escape(item.label)): \(format(value))</title></rect>"
            }
        }
        svg += "<text x=\"0\" y=\"\(format(height + 14))\" font-size=\"12\">\(escape(weeks.first!))</text>"
        svg += "<text x=\"\(format(width))\" y=\"\(format(height + 14))\" font-size=\"12\" text-anchor=\"end\">\(escape(weeks.last!))</text>"
        return svg + "</svg>"
    }

    /// A share with its 95 % interval, for `intervals`.
    public struct Estimate: Sendable, Equatable {
        public let share: Double
        public let lower: Double
        public let upper: Double
        /// What the point's tooltip says ("12 of 200").
        public let note: String

        public init(share: Double, lower: Double, upper: Double, note: String) {
            self.share = share
            self.lower = lower
            self.upper = upper
            self.note = note
        }
    }

    /// Shares per week with their intervals: a dot at the estimate and a
    /// vertical line from the lower to the upper bound, one colour a series
    /// (series side by side within a week). The y axis is in per cent and
    /// covers the widest interval, so a small sample's wide interval shows
    /// as it is. A week without an estimate is left empty.
    public static func intervals(id: String, title: String, weeks: [String], series: [(label: String, points: [Estimate?])], emptyText: String) -> String {
        let width = 720.0, height = 180.0
        let highest = series.flatMap { $0.points.compactMap { $0?.upper } }.max()
        guard !weeks.isEmpty, let highest else { return empty(id: id, title: title, text: emptyText) }
        let top = niceCeiling(max(highest * 100, 1))
        var svg = open(id: id, title: title, width: width, height: height + 20,
                       description: "\(weeks.first!) – \(weeks.last!), 0–\(format(top)) %")
        svg += axis(width: width, height: height, top: top).replacingOccurrences(of: ">\(format(top))</text>", with: ">\(format(top)) %</text>")
        let slot = width / Double(weeks.count)
        let step = slot / Double(series.count + 1)
        for (s, item) in series.enumerated() {
            let colour = palette[s % palette.count]
            for (w, point) in item.points.enumerated() where w < weeks.count {
                guard let point else { continue }
                let x = format(Double(w) * slot + step * Double(s + 1))
                func y(_ share: Double) -> String { format(height - share * 100 / top * height) }
                let label = "\(escape(weeks[w])) · \(escape(item.label)): \(format(point.share * 100)) % (\(format(point.lower * 100))–\(format(point.upper * 100)) %), \(escape(point.note))"
                svg += "<g><title>\(label)</title>"
                    + "<line x1=\"\(x)\" y1=\"\(y(point.lower))\" x2=\"\(x)\" y2=\"\(y(point.upper))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                    + "<circle cx=\"\(x)\" cy=\"\(y(point.share))\" r=\"4\" fill=\"\(colour)\"/></g>"
            }
        }
        svg += "<text x=\"0\" y=\"\(format(height + 14))\" font-size=\"12\">\(escape(weeks.first!))</text>"
        svg += "<text x=\"\(format(width))\" y=\"\(format(height + 14))\" font-size=\"12\" text-anchor=\"end\">\(escape(weeks.last!))</text>"
        return svg + "</svg>"
    }

    /// The legend of a chart as an HTML list: a colour swatch (a tiny SVG,
    /// as the site's policy allows no inline style) and the label. With
    /// `withheldNote`, a last item explains the dashed outline.
    public static func legend(_ series: [Series], withheldNote: String?) -> String {
        var html = "<ul class=\"legend\">"
        for (s, item) in series.enumerated() {
            html += "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"\(palette[s % palette.count])\"/></svg> "
                + escape(item.label) + "</li>"
        }
        if let withheldNote, series.contains(where: { $0.values.contains(nil) }) {
            html += "<li class=\"withheld\"><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect x=\"0.5\" y=\"0.5\" width=\"11\" height=\"11\" "
                + "fill=\"none\" stroke=\"#4d4d4d\" stroke-dasharray=\"3 2\"/></svg> " + escape(withheldNote) + "</li>"
        }
        return html + "</ul>"
    }

    /// Horizontal bars, one a row, the value written at the end of each.
    public static func bars(id: String, title: String, rows: [(label: String, value: Double, text: String)], emptyText: String) -> String {
        guard !rows.isEmpty else { return empty(id: id, title: title, text: emptyText) }
        let width = 720.0, labelWidth = 200.0, row = 20.0
        let top = max(rows.map(\.value).max() ?? 0, 0)
        var svg = open(id: id, title: title, width: width, height: Double(rows.count) * row, description: "\(rows.count) rows")
        for (i, item) in rows.enumerated() {
            let y = Double(i) * row
            let w = top > 0 ? item.value / top * (width - labelWidth - 80) : 0
            svg += "<text x=\"\(format(labelWidth - 6))\" y=\"\(format(y + 14))\" font-size=\"12\" text-anchor=\"end\">\(escape(item.label))</text>"
            svg += "<rect x=\"\(format(labelWidth))\" y=\"\(format(y + 3))\" width=\"\(format(max(w, 0)))\" height=\"\(format(row - 6))\" fill=\"\(palette[0])\">"
                + "<title>\(escape(item.label)): \(escape(item.text))</title></rect>"
            svg += "<text x=\"\(format(labelWidth + max(w, 0) + 4))\" y=\"\(format(y + 14))\" font-size=\"12\">\(escape(item.text))</text>"
        }
        return svg + "</svg>"
    }

    /// Text for XML content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    public static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    private static func open(id: String, title: String, width: Double, height: Double, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(format(width)) \(format(height))\" width=\"100%\" role=\"img\" "
            + "aria-labelledby=\"\(escape(id))-title \(escape(id))-desc\"><title id=\"\(escape(id))-title\">\(escape(title))</title>"
            + "<desc id=\"\(escape(id))-desc\">\(escape(description))</desc>"
    }

    private static func axis(width: Double, height: Double, top: Double) -> String {
        "<line x1=\"0\" y1=\"\(format(height))\" x2=\"\(format(width))\" y2=\"\(format(height))\" stroke=\"#9aa5b1\"/>"
            + "<line x1=\"0\" y1=\"0\" x2=\"\(format(width))\" y2=\"0\" stroke=\"#d6dbe1\" stroke-dasharray=\"4 3\"/>"
            + "<text x=\"\(format(width))\" y=\"12\" font-size=\"12\" text-anchor=\"end\">\(format(top))</text>"
    }

    private static func empty(id: String, title: String, text: String) -> String {
        open(id: id, title: title, width: 720, height: 30, description: text)
            + "<text x=\"0\" y=\"18\" font-size=\"12\">\(escape(text))</text></svg>"
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
