import Foundation

/// A figure of an official account at one moment (followers, posts or
/// videos, likes, views), as comms staff enter it, a CSV brings it or a
/// connector pushes it.
public struct AccountSnapshotInput: Sendable, Equatable {
    public var takenAt: Date
    public var followers: Int64
    public var posts: Int64?
    public var likes: Int64?
    public var views: Int64?

    public init(takenAt: Date, followers: Int64, posts: Int64? = nil, likes: Int64? = nil, views: Int64? = nil) {
        self.takenAt = takenAt
        self.followers = followers
        self.posts = posts
        self.likes = likes
        self.views = views
    }

    /// Why the figures cannot be stored, or nil.
    public func problem(now: Date) -> (id: String, en: String, field: String)? {
        if takenAt > now.addingTimeInterval(300) { return ("Waktu pengambilan tidak boleh di masa depan.", "'taken_at' must not be in the future.", "taken_at") }
        for (field, value) in [("followers", followers), ("posts", posts ?? 0), ("likes", likes ?? 0), ("views", views ?? 0)] where value < 0 {
            return ("Angka tidak boleh negatif.", "Figures must not be negative.", field)
        }
        return nil
    }

    /// The CSV columns of a snapshot import: `platform,handle,taken_at,followers,posts,likes,views`
    /// (`taken_at` a day `YYYY-MM-DD` in WIB or an ISO 8601 time; the last three may be empty).
    public static let csvHeader = ["platform", "handle", "taken_at", "followers", "posts", "likes", "views"]

    public struct CSVLine: Sendable, Equatable {
        public let line: Int
        public let platform: Platform
        public let handle: String
        public let snapshot: AccountSnapshotInput
    }

    public struct CSVProblem: Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public struct CSVProblems: Error, Sendable, Equatable {
        public let problems: [CSVProblem]

        public init(problems: [CSVProblem]) { self.problems = problems }
    }

    /// The good lines and every problem with its line number (the caller
    /// imports nothing from a file with a problem).
    public static func parseCSV(_ text: String, now: Date, parseTime: (String) -> Date?) -> (lines: [CSVLine], problems: [CSVProblem]) {
        let records: [CSVReader.Record]
        do { records = try CSVReader.parse(text) } catch { return ([], [CSVProblem(line: error.line, message: error.message)]) }
        guard let header = records.first else { return ([], [CSVProblem(line: 1, message: "the file is empty")]) }
        guard header.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == csvHeader else {
            return ([], [CSVProblem(line: header.line, message: "the header must be " + csvHeader.joined(separator: ","))])
        }
        var lines: [CSVLine] = [], problems: [CSVProblem] = []
        for record in records.dropFirst() {
            let f = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == csvHeader.count else {
                problems.append(CSVProblem(line: record.line, message: "expected \(csvHeader.count) fields, found \(f.count)"))
                continue
            }
            guard let platform = Platform(rawValue: f[0].lowercased()) else {
                problems.append(CSVProblem(line: record.line, message: "unknown platform '\(f[0])'"))
                continue
            }
            let handle = f[1].hasPrefix("@") ? String(f[1].dropFirst()).lowercased() : f[1].lowercased()
            guard !handle.isEmpty else { problems.append(CSVProblem(line: record.line, message: "the handle is empty")); continue }
            guard let takenAt = parseTime(f[2]) else {
                problems.append(CSVProblem(line: record.line, message: "taken_at must be YYYY-MM-DD or an ISO 8601 time, got '\(f[2])'"))
                continue
            }
            func number(_ text: String, _ name: String, required: Bool) -> Int64?? {
                if text.isEmpty { return required ? nil : .some(nil) }
                guard let value = Int64(text.replacingOccurrences(of: "_", with: "")) else { return nil }
                return .some(value)
            }
            guard let followers = number(f[3], "followers", required: true), let posts = number(f[4], "posts", required: false),
                  let likes = number(f[5], "likes", required: false), let views = number(f[6], "views", required: false) else {
                problems.append(CSVProblem(line: record.line, message: "followers must be a whole number; posts, likes and views whole numbers or empty"))
                continue
            }
            let snapshot = AccountSnapshotInput(takenAt: takenAt, followers: followers ?? 0, posts: posts, likes: likes, views: views)
            if let problem = snapshot.problem(now: now) {
                problems.append(CSVProblem(line: record.line, message: problem.en))
                continue
            }
            lines.append(CSVLine(line: record.line, platform: platform, handle: handle, snapshot: snapshot))
        }
        return (lines, problems)
    }
}

/// A line chart of several series over shared dates (growth of accounts side by side).
extension SVGChart {
    public struct Line: Sendable {
        public let label: String
        /// (seconds since 1970, value), any order.
        public let points: [(Double, Double)]

        public init(label: String, points: [(Double, Double)]) {
            self.label = label
            self.points = points
        }
    }

    public static func lines(id: String, title: String, lines: [Line], emptyText: String, dateText: (Double) -> String) -> String {
        let all = lines.flatMap(\.points)
        guard let minX = all.map(\.0).min(), let maxX = all.map(\.0).max() else {
            return bars(id: id, title: title, rows: [], emptyText: emptyText)
        }
        let width = 720.0, height = 200.0, legendLine = 16.0
        let top = niceCeiling(all.map(\.1).max() ?? 0)
        let span = max(maxX - minX, 1)
        let legendRows = Double((lines.count + 3) / 4)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(format(width)) \(format(height + 20 + legendRows * legendLine))\" width=\"100%\" role=\"img\" "
            + "aria-labelledby=\"\(escape(id))-title\"><title id=\"\(escape(id))-title\">\(escape(title))</title>"
        svg += "<line x1=\"0\" y1=\"\(format(height))\" x2=\"\(format(width))\" y2=\"\(format(height))\" stroke=\"#9aa5b1\"/>"
        svg += "<text x=\"\(format(width))\" y=\"10\" font-size=\"10\" text-anchor=\"end\">\(format(top))</text>"
        for (i, line) in lines.enumerated() {
            let points = line.points.sorted { $0.0 < $1.0 }
            let path = points.map { "\(format(($0.0 - minX) / span * (width - 8) + 4)),\(format(height - $0.1 / top * (height - 12)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"\(palette[i % palette.count])\" points=\"\(path)\"><title>\(escape(line.label))</title></polyline>"
            for point in points {
                svg += "<circle r=\"3\" cx=\"\(format((point.0 - minX) / span * (width - 8) + 4))\" cy=\"\(format(height - point.1 / top * (height - 12)))\" "
                    + "fill=\"\(palette[i % palette.count])\"><title>\(escape(line.label)) · \(escape(dateText(point.0))): \(format(point.1))</title></circle>"
            }
            let x = Double(i % 4) * (width / 4), y = height + 20 + Double(i / 4) * legendLine
            svg += "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"10\" height=\"10\" fill=\"\(palette[i % palette.count])\"/>"
            svg += "<text x=\"\(format(x + 14))\" y=\"\(format(y + 9))\" font-size=\"11\">\(escape(line.label))</text>"
        }
        svg += "<text x=\"0\" y=\"\(format(height + 13))\" font-size=\"10\">\(escape(dateText(minX)))</text>"
        svg += "<text x=\"\(format(width))\" y=\"\(format(height + 13))\" font-size=\"10\" text-anchor=\"end\">\(escape(dateText(maxX)))</text>"
        return svg + "</svg>"
    }
}
