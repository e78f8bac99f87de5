import Foundation

/// What is known of one delivered order item, for compliance figures.
public struct ComplianceItem: Sendable, Equatable {
    public var status: OrderItemStatus
    public var sentAt: Date
    public var dueAt: Date
    public var answeredAt: Date?
    /// Times a re-check found it still online after the platform said it complied.
    public var stillOnlineCount: Int
    /// The platform objected to it once (an objection later dismissed still
    /// counts in the objection share).
    public var everObjected: Bool
    /// Times monitoring's re-check saw it back online after it was taken down
    /// (an observation: only staff reopening it counts in `stillOnlineCount`).
    public var reappearedCount: Int

    public init(status: OrderItemStatus, sentAt: Date, dueAt: Date, answeredAt: Date? = nil, stillOnlineCount: Int = 0, everObjected: Bool = false,
                reappearedCount: Int = 0) {
        self.status = status
        self.sentAt = sentAt
        self.dueAt = dueAt
        self.answeredAt = answeredAt
        self.stillOnlineCount = stillOnlineCount
        self.everObjected = everObjected || status == .objected
        self.reappearedCount = reappearedCount
    }

    /// Taken down by the deadline, and not found online again afterwards.
    public var compliedOnTime: Bool {
        status == .complied && stillOnlineCount == 0 && (answeredAt.map { $0 <= dueAt } ?? false)
    }

    /// The same rule in SQL both databases run, over the columns of an item
    /// (the transparency counters' triggers file each item by it):
    /// `'on_time'`, `'late'` (complied after the deadline or found online
    /// again) or `''` (not complied).
    public static func complianceSQL(status: String, stillOnlineCount: String, answeredAt: String, dueAt: String) -> String {
        let complied = "\(status) = '\(OrderItemStatus.complied.rawValue)'"
        return """
            CASE WHEN \(complied) AND COALESCE(\(stillOnlineCount), 0) = 0 AND \(answeredAt) <= \(dueAt) THEN 'on_time' \
            WHEN \(complied) THEN 'late' ELSE '' END
            """
    }
}

/// A platform's compliance over a period: the figures of the compliance page.
public struct ComplianceFigures: Sendable, Equatable {
    public var items = 0
    public var byStatus: [OrderItemStatus: Int] = [:]
    /// Items whose outcome is known: answered, or past the deadline.
    public var settled = 0
    public var compliedOnTime = 0
    public var stillOnline = 0
    /// Items monitoring's re-checks saw back online after they were taken down.
    public var reappeared = 0
    /// Items complied on time ÷ settled items (nil when nothing is settled).
    public var onTimeRate: Double?
    /// Median seconds from delivery to removal, over complied items.
    public var medianSecondsToComply: Double?
    /// Refused ÷ answered, objected ÷ answered (an item objected to once
    /// counts as answered).
    public var rejectedShare: Double?
    public var objectedShare: Double?
    public var overdueNow = 0

    public init() {}

    public static func of(_ items: [ComplianceItem], now: Date) -> ComplianceFigures {
        var figures = ComplianceFigures()
        var durations: [Double] = []
        var answered = 0, rejected = 0, objected = 0
        for item in items where item.status != .withdrawn {
            figures.items += 1
            figures.byStatus[item.status, default: 0] += 1
            if !item.status.isOpen || item.dueAt <= now { figures.settled += 1 }
            if item.compliedOnTime { figures.compliedOnTime += 1 }
            if item.stillOnlineCount > 0 { figures.stillOnline += 1 }
            if item.reappearedCount > 0 { figures.reappeared += 1 }
            if item.status == .overdue { figures.overdueNow += 1 }
            if !item.status.isOpen || item.everObjected {
                answered += 1
                if item.status == .rejected { rejected += 1 }
                if item.everObjected { objected += 1 }
            }
            if item.status == .complied, let at = item.answeredAt { durations.append(at.timeIntervalSince(item.sentAt)) }
        }
        if figures.settled > 0 { figures.onTimeRate = Double(figures.compliedOnTime) / Double(figures.settled) }
        if answered > 0 {
            figures.rejectedShare = Double(rejected) / Double(answered)
            figures.objectedShare = Double(objected) / Double(answered)
        }
        figures.medianSecondsToComply = median(durations)
        return figures
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// On-time rate per week (Monday 00:00 WIB), by the week each item was
    /// due in; weeks without settled items are left out.
    public static func weekly(_ items: [ComplianceItem], now: Date) -> [(weekStart: Date, figures: ComplianceFigures)] {
        var byWeek: [Date: [ComplianceItem]] = [:]
        for item in items { byWeek[weekStart(item.dueAt), default: []].append(item) }
        return byWeek.keys.sorted().compactMap { week in
            let figures = of(byWeek[week]!, now: now)
            return figures.settled > 0 ? (week, figures) : nil
        }
    }

    /// The Monday 00:00 WIB at or before `date`.
    public static func weekStart(_ date: Date) -> Date {
        let wibOffset = 7.0 * 3600
        let localDays = ((date.timeIntervalSince1970 + wibOffset) / 86_400).rounded(.down)
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
        let weekday = (Int(localDays) % 7 + 7 + 3) % 7
        return Date(timeIntervalSince1970: (localDays - Double(weekday)) * 86_400 - wibOffset)
    }
}

/// The sanctions ladder for platforms that do not comply (the practice of
/// Permenkominfo 5/2020): warning letters ST1, ST2 (the platform must commit
/// to pay an administrative fine), ST3, then a recommended network block.
public enum SanctionLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case st1, st2, st3
    case blockRecommended = "block_recommended"

    public static func < (a: SanctionLevel, b: SanctionLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The step after the platform's highest issued sanction (ST1 first);
    /// nil once a block is recommended.
    public static func next(after issued: SanctionLevel?) -> SanctionLevel? {
        guard let issued else { return .st1 }
        let index = allCases.firstIndex(of: issued)!
        return index + 1 < allCases.count ? allCases[index + 1] : nil
    }

    public var carriesFine: Bool { self == .st2 }

    public var label: (id: String, en: String) {
        switch self {
        case .st1: ("Surat Teguran 1 (ST1)", "Warning letter 1 (ST1)")
        case .st2: ("Surat Teguran 2 (ST2) — denda administratif", "Warning letter 2 (ST2) — administrative fine")
        case .st3: ("Surat Teguran 3 (ST3)", "Warning letter 3 (ST3)")
        case .blockRecommended: ("Rekomendasi pemutusan akses", "Network block recommended")
        }
    }
}

/// How an ST2's administrative fine is computed: an amount per item, times
/// a multiplier for urgent categories (terrorism, CSAM, public order).
public struct FineFormula: Sendable, Equatable {
    public var perItem: Int64
    public var urgentMultiplier: Int64

    public init(perItem: Int64 = 100_000_000, urgentMultiplier: Int64 = 5) {
        self.perItem = perItem
        self.urgentMultiplier = urgentMultiplier
    }

    public func amount(items: Int, urgentItems: Int) -> Int64 {
        perItem * Int64(items - urgentItems) + perItem * urgentMultiplier * Int64(urgentItems)
    }

    /// "Rp 1.250.000.000" (Indonesian thousands separators).
    public static func rupiah(_ amount: Int64) -> String {
        let digits = Array(String(amount.magnitude))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(".") }
            out.append(digit)
        }
        return (amount < 0 ? "-Rp " : "Rp ") + out
    }
}

/// Which items a sanction may cite: overdue or refused ones.
public enum SanctionRules {
    public static let citable: [OrderItemStatus] = [.overdue, .rejected]
    public static func mayCite(_ status: OrderItemStatus) -> Bool { citable.contains(status) }
    public static let minimumReasonLength = 20
}

/// Where a sanction stands: proposed until a second person issues or rejects it.
public enum SanctionState: String, CaseIterable, Codable, Sendable, ReviewedState {
    case proposed, issued, rejected

    public static var awaitingReview: Self { .proposed }
    public static var approved: Self { .issued }

    public var label: (id: String, en: String) {
        switch self {
        case .proposed: ("Menunggu persetujuan", "Awaiting approval")
        case .issued: ("Diterbitkan", "Issued")
        case .rejected: ("Ditolak", "Rejected")
        }
    }
}

/// The period compliance figures cover: the last 30, 91 or 365 days up to
/// now (`month`, `quarter`, `year`), or custom days `from`–`to` (WIB,
/// both included).
public struct CompliancePeriod: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable { case month, quarter, year, custom }
    public let kind: Kind
    public let from: Date
    public let to: Date

    public struct Problem: Error, Equatable, Sendable {
        public let id: String
        public let en: String
        /// The parameter the problem is about: `period`, `from` or `to`.
        public let field: String

        public init(id: String, en: String, field: String = "period") {
            self.id = id
            self.en = en
            self.field = field
        }
    }

    /// `period` (empty: the quarter, or custom when a day is given) and the
    /// days `from` and `to`, each checked whenever given. A custom period
    /// without `to` ends today; without `from` it spans 91 days.
    public static func parse(_ kind: String?, from: String?, to: String?, now: Date) -> Result<CompliancePeriod, Problem> {
        func day(_ text: String?, _ name: String) -> Result<Date?, Problem> {
            guard let text, !text.isEmpty else { return .success(nil) }
            guard let parsed = QueueFilter.parseDay(text) else {
                return .failure(Problem(id: "Tanggal \(name == "from" ? "dari" : "sampai") harus tanggal yang sah (TTTT-BB-HH).", en: "'\(name)' must be a day (YYYY-MM-DD).", field: name))
            }
            return .success(parsed)
        }
        let start: Date?, end: Date?
        switch (day(from, "from"), day(to, "to")) {
        case (.failure(let problem), _), (_, .failure(let problem)): return .failure(problem)
        case (.success(let first), .success(let last)): (start, end) = (first, last)
        }
        let chosen = kind.flatMap { $0.isEmpty ? nil : $0 } ?? (start == nil && end == nil ? "quarter" : "custom")
        guard let parsed = Kind(rawValue: chosen) else {
            return .failure(Problem(id: "Periode harus month, quarter, year atau custom.", en: "'period' must be month, quarter, year or custom."))
        }
        switch parsed {
        case .month: return .success(CompliancePeriod(kind: parsed, from: now.addingTimeInterval(-30 * 86_400), to: now))
        case .quarter: return .success(CompliancePeriod(kind: parsed, from: now.addingTimeInterval(-91 * 86_400), to: now))
        case .year: return .success(CompliancePeriod(kind: parsed, from: now.addingTimeInterval(-365 * 86_400), to: now))
        case .custom:
            let last = end ?? QueueFilter.parseDay(QueueFilter.formatDay(now)) ?? now
            let first = start ?? last.addingTimeInterval(-90 * 86_400)
            guard first <= last, last.timeIntervalSince(first) <= 3 * 366 * 86_400 else {
                return .failure(Problem(id: "Tanggal dari harus sebelum tanggal sampai, paling lama 3 tahun.",
                                        en: "'from' must not be after 'to', and a period spans at most 3 years.", field: "from"))
            }
            return .success(CompliancePeriod(kind: parsed, from: first, to: last.addingTimeInterval(86_400)))
        }
    }
}
