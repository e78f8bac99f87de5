import Foundation

/// What the triage queue shows: filters, sort and page position, read from
/// (and written back to) query parameters, so a filter is a link that can be
/// saved, shared and used by the API alike.
public struct QueueFilter: Sendable, Equatable {
    public enum Assignee: Sendable, Equatable {
        case anyone, mine, unassigned
        case user(UUID)
    }

    public enum Sort: String, CaseIterable, Sendable {
        case priority, newest, oldest
        case mostReported = "most_reported"
    }

    /// Where a case stands against its deadline: the category's deadline
    /// from the first report, or an appeal's deadline once reopened.
    public enum DeadlineState: String, CaseIterable, Sendable {
        case overdue
        case dueSoon = "due_soon"
        case onTrack = "on_track"

        /// "Due soon" means within this many seconds.
        public static let soonWindow: Double = 4 * 3600
    }

    /// Bands of the priority score (see `CasePriority`).
    public enum PriorityBand: String, CaseIterable, Sendable {
        case high, medium, low

        /// Scores in [lower, upper).
        public var range: (lower: Double?, upper: Double?) {
            switch self {
            case .high: (6, nil)
            case .medium: (3, 6)
            case .low: (nil, 3)
            }
        }
    }

    /// Empty means the active statuses (work still to do).
    public var statuses: [CaseStatus] = []
    /// `status=all`: every status, closed ones too.
    public var allStatuses = false
    public var category: String?
    public var platform: Platform?
    public var channel: ReportChannel?
    /// `reappeared=1`: cases monitoring saw come back (a post, a page or a
    /// re-check after the decision) — decided cases included unless a status is chosen.
    public var reappeared = false
    public var priorityBand: PriorityBand?
    public var assignee: Assignee = .anyone
    public var deadline: DeadlineState?
    /// First report on or after this day (WIB), and on or before `to`.
    public var from: Date?
    public var to: Date?
    public var text: String?
    public var sort: Sort = .priority
    public var cursor: QueueCursor?

    public init() {}

    /// The statuses the filter selects.
    public var effectiveStatuses: [CaseStatus] {
        if allStatuses || (reappeared && statuses.isEmpty) { return CaseStatus.allCases }
        return statuses.isEmpty ? CaseStatus.active : statuses
    }

    public static let maximumTextLength = 200

    /// Reads query parameters; unknown values are errors naming the parameter.
    public static func parse(_ parameters: [(String, String)], categories: Set<String>) -> Result<QueueFilter, QueueFilterError> {
        var filter = QueueFilter()
        for (name, value) in parameters {
            // An empty value is no filter (a form's "any" choice); others are taken exactly.
            if value.isEmpty { continue }
            switch name {
            case "status":
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    if part == "all" { filter.allStatuses = true; continue }
                    if part == "active" { continue }
                    guard let status = CaseStatus(rawValue: String(part)) else { return .failure(.init(parameter: name, value: value)) }
                    if !filter.statuses.contains(status) { filter.statuses.append(status) }
                }
            case "category":
                // A well-formed slug that is no category simply matches nothing.
                guard categories.contains(value) || isSlug(value) else { return .failure(.init(parameter: name, value: value)) }
                filter.category = value
            case "platform":
                guard let platform = Platform(rawValue: value) else { return .failure(.init(parameter: name, value: value)) }
                filter.platform = platform
            case "channel":
                guard let channel = ReportChannel(rawValue: value) else { return .failure(.init(parameter: name, value: value)) }
                filter.channel = channel
            case "reappeared":
                guard value == "1" || value == "0" else { return .failure(.init(parameter: name, value: value)) }
                filter.reappeared = value == "1"
            case "priority":
                guard let band = PriorityBand(rawValue: value) else { return .failure(.init(parameter: name, value: value)) }
                filter.priorityBand = band
            case "assignee":
                switch value {
                case "any": filter.assignee = .anyone
                case "mine": filter.assignee = .mine
                case "unassigned": filter.assignee = .unassigned
                default:
                    guard let id = UUIDText.parse(value) else { return .failure(.init(parameter: name, value: value)) }
                    filter.assignee = .user(id)
                }
            case "deadline":
                guard let state = DeadlineState(rawValue: value) else { return .failure(.init(parameter: name, value: value)) }
                filter.deadline = state
            case "from", "to":
                guard let day = Self.parseDay(value) else { return .failure(.init(parameter: name, value: value)) }
                if name == "from" { filter.from = day } else { filter.to = day.addingTimeInterval(86_400) }
            case "q":
                guard value.unicodeScalars.count <= maximumTextLength else { return .failure(.init(parameter: name, value: String(value.prefix(40)) + "…")) }
                // Spaces around typed words are not part of the search.
                let words = value.trimmingCharacters(in: .whitespaces)
                if !words.isEmpty { filter.text = words }
            case "sort":
                guard let sort = Sort(rawValue: value) else { return .failure(.init(parameter: name, value: value)) }
                filter.sort = sort
            case "after":
                guard let cursor = QueueCursor(value) else { return .failure(.init(parameter: name, value: value)) }
                filter.cursor = cursor
            default:
                continue // lang, page chrome and the like
            }
        }
        // `to` before `from` is an empty range: no cases, not an error.
        return .success(filter)
    }

    /// A category slug's shape: lower-case letters, digits and underscores.
    public static func isSlug(_ text: String) -> Bool {
        (1...40).contains(text.count) && text.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
    }

    /// The OpenAPI pattern of `status`: comma-separated statuses, `all` or `active`.
    public static var statusPattern: String {
        let words = (["all", "active"] + CaseStatus.allCases.map(\.rawValue)).joined(separator: "|")
        return "^((\(words))(,(\(words)))*)?$"
    }

    /// The filter as query parameters (without the page position), in a
    /// fixed order: what saved filters store and links carry.
    public var parameters: [(String, String)] {
        var items: [(String, String)] = []
        if allStatuses { items.append(("status", "all")) } else if !statuses.isEmpty {
            items.append(("status", statuses.map(\.rawValue).joined(separator: ",")))
        }
        if let category { items.append(("category", category)) }
        if let platform { items.append(("platform", platform.rawValue)) }
        if let channel { items.append(("channel", channel.rawValue)) }
        if reappeared { items.append(("reappeared", "1")) }
        if let priorityBand { items.append(("priority", priorityBand.rawValue)) }
        switch assignee {
        case .anyone: break
        case .mine: items.append(("assignee", "mine"))
        case .unassigned: items.append(("assignee", "unassigned"))
        case .user(let id): items.append(("assignee", UUIDText.lower(id)))
        }
        if let deadline { items.append(("deadline", deadline.rawValue)) }
        if let from { items.append(("from", Self.formatDay(from))) }
        if let to { items.append(("to", Self.formatDay(to.addingTimeInterval(-86_400)))) }
        if let text { items.append(("q", text)) }
        if sort != .priority { items.append(("sort", sort.rawValue)) }
        return items
    }

    /// `YYYY-MM-DD` as the start of that day in WIB (UTC+7).
    public static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (0...9999).contains(year), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        return Date(timeIntervalSince1970: Double(daysFromCivil(year: year, month: month, day: day)) * 86_400 - 7 * 3600)
    }

    /// `YYYY-MM-DDTHH:MM` (or with a space) as that minute in WIB.
    public static func parseMinute(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let day = parseDay(String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ":")
        guard clock.count == 2, let hours = Int(clock[0]), let minutes = Int(clock[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return day.addingTimeInterval(Double(hours * 3600 + minutes * 60))
    }

    public static func formatDay(_ date: Date) -> String {
        let stamp = TicketNumber.dayStamp(date)
        return "\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.suffix(2))"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// A query parameter the queue does not understand.
public struct QueueFilterError: Error, Sendable, Equatable, CustomStringConvertible {
    public let parameter: String
    public let value: String
    public var description: String { "The queue filter '\(parameter)' has an invalid value '\(value)'." }
}

/// The page position of keyset pagination: the sort value and id of the last
/// case shown (`after=<value>_<id>`), so the next page starts right after it
/// without counting the rows before.
public struct QueueCursor: Sendable, Equatable {
    public let value: Double
    public let id: UUID

    public init(value: Double, id: UUID) {
        self.value = value
        self.id = id
    }

    /// The cursor's shape (unanchored), for the API description: a plain
    /// decimal number (as `text` writes it), `_`, a UUID.
    public static let pattern = "-?[0-9]{1,20}(\\.[0-9]{1,20})?(e[-+]?[0-9]{1,2})?_[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    public init?(_ text: String) {
        guard let underscore = text.lastIndex(of: "_"), Self.isPlainDecimal(text[..<underscore]),
              let value = Double(text[..<underscore]), value.isFinite,
              let id = UUIDText.parse(String(text[text.index(after: underscore)...]))
        else { return nil }
        self.init(value: value, id: id)
    }

    public var text: String { "\(value)_\(UUIDText.lower(id))" }

    /// `-?D{1,20}(.D{1,20})?(e[-+]?D{1,2})?`: what `text` writes, nothing else
    /// `Double` would read (hex, `inf`, a leading `+`).
    public static func isPlainDecimal(_ text: Substring) -> Bool {
        var rest = text[...]
        func digits(_ range: ClosedRange<Int>) -> Bool {
            let run = rest.prefix { $0.isASCII && $0.isNumber }
            guard range.contains(run.count) else { return false }
            rest = rest.dropFirst(run.count)
            return true
        }
        if rest.first == "-" { rest = rest.dropFirst() }
        guard digits(1...20) else { return false }
        if rest.first == "." { rest = rest.dropFirst(); guard digits(1...20) else { return false } }
        if rest.first == "e" {
            rest = rest.dropFirst()
            if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
            guard digits(1...2) else { return false }
        }
        return rest.isEmpty
    }
}
