import Foundation

/// Days as the public figures count them: calendar days in WIB (UTC+7, no
/// daylight saving), numbered from 1970-01-01, and weeks starting on Monday.
public enum WIBDay {
    public static let offsetSeconds = 7 * 3600

    public static func of(_ date: Date) -> Int {
        Int(((date.timeIntervalSince1970 + Double(offsetSeconds)) / 86_400).rounded(.down))
    }

    /// The instant the day starts.
    public static func start(_ day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400 - Double(offsetSeconds))
    }

    /// The Monday of the day's week (1970-01-01, day 0, was a Thursday).
    public static func week(_ day: Int) -> Int { day - ((day + 3) % 7 + 7) % 7 }

    /// `YYYY-MM-DD` of the day.
    public static func text(_ day: Int) -> String { QueueFilter.formatDay(start(day)) }
}

/// Counts small enough to point at a person (a reporter, an appellant) are
/// never published: a cell of 1 to 4 is shown as "< 5". Zero is shown — it
/// points at nobody.
public enum SmallCells {
    public static let threshold = 5

    public static func isSuppressed(_ count: Int) -> Bool { count > 0 && count < threshold }
}

/// Time from an order's delivery to the platform's removal, kept as a
/// histogram so the median over any period is a sum of counters: one
/// bucket a minute in the first hour, a quarter of an hour up to a day, an
/// hour up to a week, then a day. The SQL form (`sqlExpression`) is what
/// the database's triggers file each item under.
public enum ComplyTimeBucket {
    private static let hour = 3_600, day = 86_400, week = 604_800
    private static let quarterStart = 60, hourStart = quarterStart + (day - hour) / 900, dayStart = hourStart + (week - day) / hour

    public static func of(seconds: Double) -> Int {
        let s = max(0, Int(seconds))
        if s < hour { return s / 60 }
        if s < day { return quarterStart + (s - hour) / 900 }
        if s < week { return hourStart + (s - day) / hour }
        return dayStart + (s - week) / day
    }

    /// The bucket's seconds, lower bound included, upper excluded.
    public static func range(_ bucket: Int) -> (lower: Double, upper: Double) {
        let (start, width): (Int, Int) =
            bucket < quarterStart ? (bucket * 60, 60)
            : bucket < hourStart ? (hour + (bucket - quarterStart) * 900, 900)
            : bucket < dayStart ? (day + (bucket - hourStart) * hour, hour)
            : (week + (bucket - dayStart) * day, day)
        return (Double(start), Double(start + width))
    }

    /// The bucket of `seconds` (an SQL expression) in SQL both databases
    /// run; integer division of non-negative numbers.
    public static func sqlExpression(seconds: String) -> String {
        let s = "CAST(\(seconds) AS BIGINT)"
        return """
            CAST(CASE WHEN \(s) < 0 THEN 0 WHEN \(s) < \(hour) THEN \(s) / 60 \
            WHEN \(s) < \(day) THEN \(quarterStart) + (\(s) - \(hour)) / 900 \
            WHEN \(s) < \(week) THEN \(hourStart) + (\(s) - \(day)) / \(hour) \
            ELSE \(dayStart) + (\(s) - \(week)) / \(day) END AS TEXT)
            """
    }

    /// The median of a histogram (bucket → items), as the middle of the
    /// bucket the median item falls in; nil when it is empty.
    public static func median(_ histogram: [Int: Int]) -> Double? {
        let total = histogram.values.reduce(0, +)
        guard total > 0 else { return nil }
        var seen = 0
        for bucket in histogram.keys.sorted() {
            seen += histogram[bucket]!
            if seen * 2 >= total {
                let r = range(bucket)
                return (r.lower + r.upper) / 2
            }
        }
        return nil
    }
}

/// One figure of the public transparency page and its open data: which
/// table it belongs to, its week (for series), its keys and its value —
/// nil when suppressed (`SmallCells`).
public struct TransparencyCell: Sendable, Equatable {
    public let table: String
    /// Monday of the week (`YYYY-MM-DD`), for weekly series.
    public let week: String?
    public let key: String
    public let subkey: String
    public let value: Double?
    public let suppressed: Bool

    public init(table: String, week: String? = nil, key: String, subkey: String = "", value: Double?, suppressed: Bool = false) {
        self.table = table
        self.week = week
        self.key = key
        self.subkey = subkey
        self.value = value
        self.suppressed = suppressed
    }

    /// A count, suppressed when it could point at a person.
    public static func count(_ table: String, week: String? = nil, key: String, subkey: String = "", _ n: Int, protect: Bool) -> TransparencyCell {
        let hidden = protect && SmallCells.isSuppressed(n)
        return TransparencyCell(table: table, week: week, key: key, subkey: subkey, value: hidden ? nil : Double(n), suppressed: hidden)
    }
}

/// Rows the database sums for a period, in the shape the triggers keep
/// them (`transparency_counts`): a metric, the Monday of the week (or nil
/// when summed over the period), up to three keys and a count.
public struct TransparencyRow: Sendable, Equatable {
    public let metric: String
    public let week: Int?
    public let a: String, b: String, c: String
    public let count: Int

    public init(metric: String, week: Int? = nil, a: String, b: String = "", c: String = "", count: Int) {
        self.metric = metric
        self.week = week
        self.a = a
        self.b = b
        self.c = c
        self.count = count
    }
}

/// Blocklist activity on one day: entries a serial added and removed, or
/// a block decision or normalisation approved.
public struct BlocklistActivity: Sendable, Equatable {
    public let day: Int
    public var added = 0
    public var removed = 0
    public var blockDecisions = 0
    public var normalisations = 0

    public init(day: Int, added: Int = 0, removed: Int = 0, blockDecisions: Int = 0, normalisations: Int = 0) {
        self.day = day
        self.added = added
        self.removed = removed
        self.blockDecisions = blockDecisions
        self.normalisations = normalisations
    }
}

/// Every figure of the public page for one period, built from the summed
/// rows. The tables and their keys are the open-data contract (README,
/// "Open data").
public struct TransparencyFigures: Sendable, Equatable {
    public let fromDay: Int
    /// Exclusive.
    public let toDay: Int
    public let cells: [TransparencyCell]

    public static let tables: [(name: String, key: String, subkey: String, weekly: Bool)] = [
        ("reports_by_category", "category", "", true),
        ("reports_by_channel", "channel", "", true),
        ("decisions", "verdict", "category", false),
        ("decisions_by_week", "verdict", "", true),
        ("orders", "platform", "measure", false),
        ("sanctions", "platform", "level", false),
        ("blocklist_by_week", "measure", "", true),
        ("blocklist_size", "measure", "", false),
        ("appeals", "source", "outcome", false),
    ]

    /// Measures of the `orders` table, per platform.
    public static let orderMeasures = ["items", "settled", "complied_on_time", "complied_late", "rejected", "objected", "open", "overdue",
                                       "on_time_rate", "rejected_share", "objected_share", "median_hours_to_comply"]

    public init(fromDay: Int, toDay: Int, cells: [TransparencyCell]) {
        self.fromDay = fromDay
        self.toDay = toDay
        self.cells = cells
    }

    public func cells(_ table: String) -> [TransparencyCell] { cells.filter { $0.table == table } }

    /// Verdicts whose decisions are public one by one, so their counts are never withheld.
    public static func publishedSingly(verdict: String) -> Bool { verdict == Verdict.violating.rawValue }

    public func value(_ table: String, key: String, subkey: String = "") -> Double? {
        cells.first { $0.table == table && $0.key == key && $0.subkey == subkey && $0.week == nil }?.value
    }

    /// - Parameters:
    ///   - rows: the period's sums: `reports` (week, category),
    ///     `reports_channel` (week, channel), `decisions` (verdict, category),
    ///     `decisions_week` (week, verdict), `order_items` (platform,
    ///     status, on_time/late), `comply_time` (platform, bucket),
    ///     `sanctions` (platform, level), `appeals` (source, state).
    ///   - blocklist: the period's publications and approved proposals;
    ///     `listSize` the active entries now.
    public static func build(fromDay: Int, toDay: Int, rows: [TransparencyRow], blocklist: [BlocklistActivity], listSize: Int) -> TransparencyFigures {
        var cells: [TransparencyCell] = []
        func sums(_ metric: String, _ key: (TransparencyRow) -> String) -> [String: Int] {
            rows.filter { $0.metric == metric }.reduce(into: [:]) { $0[key($1), default: 0] += $1.count }
        }
        func weekly(_ metric: String, table: String, key: (TransparencyRow) -> String, protect: (String) -> Bool) {
            var byWeek: [Int: [String: Int]] = [:]
            for row in rows where row.metric == metric { byWeek[row.week ?? fromDay, default: [:]][key(row), default: 0] += row.count }
            for week in byWeek.keys.sorted() {
                for (k, n) in byWeek[week]!.sorted(by: { $0.key < $1.key }) {
                    cells.append(.count(table, week: WIBDay.text(week), key: k, n, protect: protect(k)))
                }
            }
        }
        // Reports concern people who reported: small cells hidden.
        weekly("reports", table: "reports_by_category", key: { $0.a }, protect: { _ in true })
        weekly("reports_channel", table: "reports_by_channel", key: { $0.a }, protect: { _ in true })
        // A decision that finds a violation is published one by one (the
        // statements of reasons and the register name its category and day),
        // so hiding its count would hide nothing: shown as it is. Other
        // verdicts are not published singly and may point at a reporter.
        for (k, n) in sums("decisions", { $0.a + "\u{1}" + $0.b }).sorted(by: { $0.key < $1.key }) {
            let parts = k.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            cells.append(.count("decisions", key: parts[0], subkey: parts[1], n, protect: !Self.publishedSingly(verdict: parts[0])))
        }
        weekly("decisions_week", table: "decisions_by_week", key: { $0.a }, protect: { !Self.publishedSingly(verdict: $0) })

        // Orders concern platforms, not people: shown as they are.
        let platforms = Set(rows.filter { $0.metric == "order_items" || $0.metric == "comply_time" }.map(\.a)).sorted()
        for platform in platforms {
            var byStatus: [String: Int] = [:]
            var onTime = 0, late = 0
            for row in rows where row.metric == "order_items" && row.a == platform {
                byStatus[row.b, default: 0] += row.count
                if row.c == "on_time" { onTime += row.count } else if row.c == "late" { late += row.count }
            }
            let items = byStatus.values.reduce(0, +)
            let open = (byStatus["pending"] ?? 0) + (byStatus["overdue"] ?? 0)
            // Settled: answered, or past the deadline without an answer.
            let settled = items - (byStatus["pending"] ?? 0)
            let answered = (byStatus["complied"] ?? 0) + (byStatus["rejected"] ?? 0) + (byStatus["objected"] ?? 0)
            var histogram: [Int: Int] = [:]
            for row in rows where row.metric == "comply_time" && row.a == platform { histogram[Int(row.b) ?? 0, default: 0] += row.count }
            let values: [String: Double?] = [
                "items": Double(items), "settled": Double(settled), "complied_on_time": Double(onTime), "complied_late": Double(late),
                "rejected": Double(byStatus["rejected"] ?? 0), "objected": Double(byStatus["objected"] ?? 0), "open": Double(open),
                "overdue": Double(byStatus["overdue"] ?? 0),
                "on_time_rate": settled > 0 ? Double(onTime) / Double(settled) : nil,
                "rejected_share": answered > 0 ? Double(byStatus["rejected"] ?? 0) / Double(answered) : nil,
                "objected_share": answered > 0 ? Double(byStatus["objected"] ?? 0) / Double(answered) : nil,
                "median_hours_to_comply": ComplyTimeBucket.median(histogram).map { $0 / 3_600 },
            ]
            for measure in orderMeasures { cells.append(TransparencyCell(table: "orders", key: platform, subkey: measure, value: values[measure] ?? nil)) }
        }
        for (k, n) in sums("sanctions", { $0.a + "\u{1}" + $0.b }).sorted(by: { $0.key < $1.key }) {
            let parts = k.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            cells.append(.count("sanctions", key: parts[0], subkey: parts[1], n, protect: false))
        }

        var blockWeeks: [Int: BlocklistActivity] = [:]
        for activity in blocklist {
            let week = WIBDay.week(activity.day)
            blockWeeks[week, default: BlocklistActivity(day: week)].added += activity.added
            blockWeeks[week, default: BlocklistActivity(day: week)].removed += activity.removed
            blockWeeks[week, default: BlocklistActivity(day: week)].blockDecisions += activity.blockDecisions
            blockWeeks[week, default: BlocklistActivity(day: week)].normalisations += activity.normalisations
        }
        for week in blockWeeks.keys.sorted() {
            let w = blockWeeks[week]!
            for (measure, n) in [("added", w.added), ("removed", w.removed), ("block_decisions", w.blockDecisions), ("normalisations", w.normalisations)] {
                cells.append(.count("blocklist_by_week", week: WIBDay.text(week), key: measure, n, protect: false))
            }
        }
        cells.append(.count("blocklist_size", key: "active", listSize, protect: false))

        // Appeals are filed by people: small cells hidden.
        for (k, n) in sums("appeals", { $0.a + "\u{1}" + $0.b }).sorted(by: { $0.key < $1.key }) {
            let parts = k.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            cells.append(.count("appeals", key: parts[0], subkey: parts[1], n, protect: true))
        }
        return TransparencyFigures(fromDay: fromDay, toDay: toDay, cells: cells)
    }

    /// The open data as CSV: one line a cell (RFC 4180 quoting).
    public func csv() -> String {
        var out = "table,week,key,subkey,value,suppressed\r\n"
        for cell in cells {
            out += CSVWriter.line([cell.table, cell.week ?? "", cell.key, cell.subkey, cell.value.map(Self.number) ?? "", cell.suppressed ? "true" : "false"])
        }
        return out
    }

    /// A value as open data writes it: integers without a fraction, rates to four places.
    public static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4f", value)
    }
}

/// "Is negative content on platform X going down?": reports and verified
/// violations per platform and per category in a period, against the
/// period of the same length just before it.
public struct TrendFigures: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public let key: String
        public var reports = 0
        public var previousReports = 0
        public var violations = 0
        public var previousViolations = 0
        /// Per week of the period, oldest first.
        public var weeklyReports: [Int]
        public var weeklyViolations: [Int]

        /// Current ÷ previous − 1; nil when there was nothing before.
        public static func change(_ now: Int, _ before: Int) -> Double? {
            before > 0 ? Double(now) / Double(before) - 1 : nil
        }

        public var reportsChange: Double? { Self.change(reports, previousReports) }
        public var violationsChange: Double? { Self.change(violations, previousViolations) }
    }

    public let fromDay: Int
    public let toDay: Int
    /// Mondays of the period's weeks.
    public let weeks: [Int]
    public let byPlatform: [Line]
    public let byCategory: [Line]

    /// A row of the daily sums: `reports` (day, platform, category) or
    /// `violations` (day, platform, category).
    public struct Row: Sendable, Equatable {
        public let metric: String
        public let day: Int
        public let platform: String
        public let category: String
        public let count: Int

        public init(metric: String, day: Int, platform: String, category: String, count: Int) {
            self.metric = metric
            self.day = day
            self.platform = platform
            self.category = category
            self.count = count
        }
    }

    /// - Parameters: rows from `fromDay - (toDay - fromDay)` to `toDay`;
    ///   `platform`/`category` keep only that one when given.
    public static func build(fromDay: Int, toDay: Int, rows: [Row], platform: String? = nil, category: String? = nil) -> TrendFigures {
        let length = toDay - fromDay
        let weeks = Array(Set((fromDay..<toDay).map(WIBDay.week))).sorted()
        let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
        var platforms: [String: Line] = [:], categories: [String: Line] = [:]
        func add(_ lines: inout [String: Line], _ key: String, _ row: Row) {
            var line = lines[key] ?? Line(key: key, weeklyReports: Array(repeating: 0, count: weeks.count), weeklyViolations: Array(repeating: 0, count: weeks.count))
            let current = row.day >= fromDay && row.day < toDay
            let previous = row.day >= fromDay - length && row.day < fromDay
            guard current || previous else { return }
            if row.metric == "reports" {
                if current { line.reports += row.count; line.weeklyReports[weekIndex[WIBDay.week(row.day)]!] += row.count } else { line.previousReports += row.count }
            } else {
                if current { line.violations += row.count; line.weeklyViolations[weekIndex[WIBDay.week(row.day)]!] += row.count } else { line.previousViolations += row.count }
            }
            lines[key] = line
        }
        for row in rows where (platform == nil || row.platform == platform) && (category == nil || row.category == category) {
            add(&platforms, row.platform, row)
            add(&categories, row.category, row)
        }
        let order: (Line, Line) -> Bool = { $0.reports + $0.violations == $1.reports + $1.violations ? $0.key < $1.key : $0.reports + $0.violations > $1.reports + $1.violations }
        return TrendFigures(fromDay: fromDay, toDay: toDay, weeks: weeks, byPlatform: platforms.values.sorted(by: order), byCategory: categories.values.sorted(by: order))
    }
}
