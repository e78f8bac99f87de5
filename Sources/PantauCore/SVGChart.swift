import Foundation

/// Charts drawn on the server as SVG text: no script, readable by screen
/// readers (a title and a description per chart, a title per bar), and the
/// same figures as the table printed beside each chart.
public enum SVGChart {
    /// Colours that stay apart for the common colour-vision deficiencies
    /// (Okabe–Ito), then greys.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
                                 "#7f7f7f", "#a6a6a6", "#4d4d4d", "#bfbfbf", "#8c8c8c", "#595959", "#d9d9d9"]

    public struct Series: Sendable {
        public let label: String
        /// One value a week, in the order of the weeks.
        public let values: [Double]

        public init(label: String, values: [Double]) {
            self.label = label
            self.values = values
        }
    }

    /// Weekly stacked bars with a legend under them.
    public static func stackedWeeks(id: String, title: String, weeks: [String], series: [Series], emptyText: String) -> String {
        let width = 720.0, height = 180.0, legendLine = 16.0
        guard !weeks.isEmpty, !series.isEmpty else { return empty(id: id, title: title, text: emptyText) }
        let totals = weeks.indices.map { w in series.reduce(0) { $0 + (w < $1.values.count ? $1.values[w] : 0) } }
        let top = niceCeiling(totals.max() ?? 0)
        let legendRows = Double((series.count + 3) / 4)
        let fullHeight = height + 20 + legendRows * legendLine
        var svg = open(id: id, title: title, width: width, height: fullHeight,
                       description: "\(weeks.first!) – \(weeks.last!), max \(format(top))")
        svg += axis(width: width, height: height, top: top)
        let slot = width / Double(weeks.count)
        for (w, week) in weeks.enumerated() {
            var y = height
            for (s, item) in series.enumerated() where w < item.values.count && item.values[w] > 0 {
                let h = top > 0 ? item.values[w] / top * height : 0
                y -= h
                svg += "<rect x=\"\(format(Double(w) * slot + 1))\" y=\"\(format(y))\" width=\"\(format(max(1, slot - 2)))\" height=\"\(format(h))\" "
                    + "fill=\"\(palette[s % palette.count])\"><title>\(escape(week)) · \(escape(item.label)): \(format(item.values[w]))</title></rect>"
            }
        }
        svg += "<text x=\"0\" y=\"\(format(height + 13))\" font-size=\"10\">\(escape(weeks.first!))</text>"
        svg += "<text x=\"\(format(width))\" y=\"\(format(height + 13))\" font-size=\"10\" text-anchor=\"end\">\(escape(weeks.last!))</text>"
        for (s, item) in series.enumerated() {
            let x = Double(s % 4) * (width / 4), y = height + 20 + Double(s / 4) * legendLine
            svg += "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"10\" height=\"10\" fill=\"\(palette[s % palette.count])\"/>"
            svg += "<text x=\"\(format(x + 14))\" y=\"\(format(y + 9))\" font-size=\"11\">\(escape(item.label))</text>"
        }
        return svg + "</svg>"
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
            svg += "<text x=\"\(format(labelWidth - 6))\" y=\"\(format(y + 14))\" font-size=\"11\" text-anchor=\"end\">\(escape(item.label))</text>"
            svg += "<rect x=\"\(format(labelWidth))\" y=\"\(format(y + 3))\" width=\"\(format(max(w, 0)))\" height=\"\(format(row - 6))\" fill=\"\(palette[0])\">"
                + "<title>\(escape(item.label)): \(escape(item.text))</title></rect>"
            svg += "<text x=\"\(format(labelWidth + max(w, 0) + 4))\" y=\"\(format(y + 14))\" font-size=\"11\">\(escape(item.text))</text>"
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
            + "<text x=\"\(format(width))\" y=\"10\" font-size=\"10\" text-anchor=\"end\">\(format(top))</text>"
    }

    private static func empty(id: String, title: String, text: String) -> String {
        open(id: id, title: title, width: 720, height: 30, description: text)
            + "<text x=\"0\" y=\"18\" font-size=\"12\">\(escape(text))</text></svg>"
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
