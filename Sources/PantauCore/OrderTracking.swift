import Foundation

/// Where one item of a takedown order stands. Raw values are stored and
/// appear in the platform API.
public enum OrderItemStatus: String, CaseIterable, Codable, Sendable {
    /// Waiting for the platform's answer, deadline not passed.
    case pending
    /// Deadline passed without an answer (the platform may still answer, late).
    case overdue
    /// The platform removed the content.
    case complied
    /// The platform refused, with a reason.
    case rejected
    /// The platform objected (*sanggah*): an appeal for a different analyst.
    case objected
    /// No longer asked for: a later decision found the content not violating.
    case withdrawn

    /// Still waiting for the platform.
    public var isOpen: Bool { self == .pending || self == .overdue }

    public var label: (id: String, en: String) {
        switch self {
        case .pending: ("Menunggu jawaban", "Awaiting answer")
        case .overdue: ("Lewat tenggat", "Overdue")
        case .complied: ("Diturunkan", "Taken down")
        case .rejected: ("Ditolak platform", "Refused by the platform")
        case .objected: ("Disanggah", "Objected")
        case .withdrawn: ("Dicabut", "Withdrawn")
        }
    }
}

/// A platform's answer to one item.
public enum OrderItemAnswer: String, CaseIterable, Sendable {
    case complied, rejected, objected

    public var status: OrderItemStatus {
        switch self {
        case .complied: .complied
        case .rejected: .rejected
        case .objected: .objected
        }
    }

    /// A refusal and an objection must say why.
    public var needsReason: Bool { self != .complied }
}

/// What an answer does to an item.
public enum OrderAnswerOutcome: Equatable, Sendable {
    /// The item changes; `late` when given after the deadline.
    case applied(late: Bool)
    /// The same answer again (a retry): nothing changes.
    case unchanged
    /// The item is answered differently already, or withdrawn.
    case refused(id: String, en: String)
}

/// The rules of takedown orders: answers, order status from its items,
/// deadlines, re-checks.
public enum OrderRules {
    public static let minimumReasonLength = 20
    public static let maximumReasonLength = 4000

    /// Whether (and how) `answer` applies to an item now in `status`.
    public static func apply(_ answer: OrderItemAnswer, to status: OrderItemStatus, dueAt: Date?, answeredAt: Date) -> OrderAnswerOutcome {
        if status == answer.status { return .unchanged }
        guard status.isOpen else {
            if status == .withdrawn {
                return .refused(id: "Butir ini sudah dicabut; tidak perlu dijawab.", en: "This item was withdrawn; it needs no answer.")
            }
            let label = status.label
            return .refused(id: "Butir ini sudah dijawab (\(label.id)); jawaban tidak dapat diganti.",
                            en: "This item is answered already (\(label.en)); the answer cannot be changed.")
        }
        return .applied(late: dueAt.map { answeredAt > $0 } ?? false)
    }

    /// The order's status, derived from how far delivery got and from its
    /// items: any overdue item makes the order overdue; once every item is
    /// answered it is `answered` (`complied` when every item was taken down
    /// or withdrawn).
    public static func orderStatus(delivered: Bool, dispatched: Bool, acknowledged: Bool, items: [OrderItemStatus]) -> OrderStatus {
        guard delivered else { return dispatched ? .dispatching : .queued }
        if items.contains(.overdue) { return .overdue }
        if !items.isEmpty && !items.contains(where: \.isOpen) {
            return items.allSatisfy { $0 == .complied || $0 == .withdrawn } ? .complied : .answered
        }
        return acknowledged ? .acknowledged : .sent
    }

    /// Hours a platform has for an item: the platform's override for the
    /// category when there is one, otherwise the configured hours for urgent
    /// or other categories.
    public static func deadlineHours(urgent: Bool, category: String, overrides: [String: Int], defaults: OrderDeadlines) -> Int {
        overrides[category] ?? (urgent ? defaults.urgentHours : defaults.otherHours)
    }

    /// A re-check may find a complied item still online: it opens again
    /// with a fresh deadline, and counts against the platform.
    public static func mayRecheck(_ status: OrderItemStatus) -> Bool { status == .complied }

    /// Items a new decision on their case concerns: open or objected ones.
    public static let standing: [OrderItemStatus] = [.pending, .overdue, .objected]

    /// What a case's new decision in force does to its standing item: a
    /// takedown decision puts an objected item back to the platform with a
    /// fresh deadline (an open one simply stands); any other decision
    /// withdraws it. Nil: nothing changes.
    public static func afterNewDecision(_ status: OrderItemStatus, takedown: Bool) -> ItemRedecision? {
        guard standing.contains(status) else { return nil }
        if takedown { return status == .objected ? .objectionDismissed : nil }
        return .withdrawn
    }

    public enum ItemRedecision: String, Sendable {
        /// Back to `pending` with a fresh deadline.
        case objectionDismissed = "objection_dismissed"
        /// `withdrawn`: the platform need not act.
        case withdrawn

        public var status: OrderItemStatus { self == .withdrawn ? .withdrawn : .pending }
    }
}

/// Hours a platform has to answer, from the order's delivery.
public struct OrderDeadlines: Sendable, Equatable {
    public var urgentHours: Int
    public var otherHours: Int
    public init(urgentHours: Int = 4, otherHours: Int = 24) {
        self.urgentHours = urgentHours
        self.otherHours = otherHours
    }
}

/// An order's status as shown and filtered on. Raw values are stored.
public enum OrderStatus: String, CaseIterable, Codable, Sendable {
    /// Collecting items within the batching window.
    case queued
    /// In the outbox, being delivered.
    case dispatching
    /// Delivered; the deadline runs.
    case sent
    /// The platform confirmed receipt.
    case acknowledged
    /// At least one item is past its deadline without an answer.
    case overdue
    /// Every item is answered, not all of them taken down.
    case answered
    /// Every item taken down (or withdrawn).
    case complied

    public var label: (id: String, en: String) {
        switch self {
        case .queued: ("Menghimpun butir", "Collecting items")
        case .dispatching: ("Sedang dikirim", "Being delivered")
        case .sent: ("Terkirim", "Sent")
        case .acknowledged: ("Diterima platform", "Acknowledged")
        case .overdue: ("Lewat tenggat", "Overdue")
        case .answered: ("Sudah dijawab", "Answered")
        case .complied: ("Dipatuhi", "Complied")
        }
    }

    /// Orders the platform still has to work on.
    public var isOpen: Bool { [.sent, .acknowledged, .overdue].contains(self) }
}
