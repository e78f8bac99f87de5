import Foundation

/// Where a case stands. Modelled on moderation tools' queues: a case waits
/// (`new`), is worked (`in_review`), may wait for more information or for a
/// supervisor, and ends decided or closed; an appeal reopens it. Raw values
/// are stored and appear in the API.
public enum CaseStatus: String, CaseIterable, Codable, Sendable {
    /// Reports arrived, nobody works it yet.
    case new
    /// Claimed by or assigned to an analyst.
    case inReview = "in_review"
    /// The analyst needs more information (verdict "need more information").
    case needsInfo = "needs_info"
    /// Sent up to a supervisor; only a decision or closing ends it.
    case escalated
    /// A decision waits for a second person's approval (four eyes).
    case pendingApproval = "pending_approval"
    /// Decided (violating or not). New reports still join it.
    case decided
    /// Closed without a decision of its own (duplicate of another case).
    case closed
    /// Reopened by an appeal, for a different analyst.
    case reopened

    /// Statuses that still need someone's work: the queue's default view.
    public static let active: [CaseStatus] = [.new, .inReview, .needsInfo, .escalated, .pendingApproval, .reopened]

    public var isActive: Bool { Self.active.contains(self) }

    public var label: (id: String, en: String) {
        switch self {
        case .new: ("Baru", "New")
        case .inReview: ("Sedang ditinjau", "In review")
        case .needsInfo: ("Perlu informasi", "Needs information")
        case .escalated: ("Dieskalasi", "Escalated")
        case .pendingApproval: ("Menunggu persetujuan", "Awaiting approval")
        case .decided: ("Diputus", "Decided")
        case .closed: ("Ditutup", "Closed")
        case .reopened: ("Dibuka kembali (banding)", "Reopened (appeal)")
        }
    }
}

/// Something done to a case that may change its status.
public enum CaseTransition: String, CaseIterable, Sendable {
    /// An analyst takes the case, or someone assigns it (also reassigns).
    case assign
    /// The assignee lets it go back to the queue.
    case unassign
    /// Sent up to a supervisor.
    case escalate
    /// A final decision that needs no approval.
    case decide
    /// A decision that needs a supervisor's approval (four eyes).
    case proposeDecision = "propose_decision"
    /// Verdict "need more information".
    case requestInformation = "request_information"
    /// The supervisor approves a pending decision.
    case approve
    /// The supervisor rejects a pending decision; the case is worked again.
    case reject
    /// The same content as another case.
    case markDuplicate = "mark_duplicate"
    /// An appeal against the decision.
    case reopen
}

/// A transition the case's status does not allow.
public struct CaseTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let transition: CaseTransition
    public let status: CaseStatus

    public var description: String {
        "A case that is '\(status.rawValue)' cannot be changed by '\(transition.rawValue)'; allowed from: "
            + CaseWorkflow.sources(of: transition).map(\.rawValue).joined(separator: ", ") + "."
    }

    public var message: (id: String, en: String) {
        (id: "Kasus berstatus “\(status.label.id)” tidak dapat diubah dengan tindakan “\(transition.rawValue)”.",
         en: description)
    }
}

/// The case state machine: every allowed (status, transition) pair and where
/// it leads. Anything not listed is refused.
public enum CaseWorkflow {
    private static let open: Set<CaseStatus> = [.new, .inReview, .needsInfo, .reopened]

    /// The table itself: transition → (from-statuses, to-status). An
    /// escalated case only ends: decided (directly or through approval) or
    /// closed as a duplicate.
    public static let table: [CaseTransition: (from: Set<CaseStatus>, to: CaseStatus)] = [
        .assign: (open, .inReview),
        .unassign: ([.inReview], .new),
        .escalate: (open, .escalated),
        .decide: (open.union([.escalated]), .decided),
        .proposeDecision: (open.union([.escalated]), .pendingApproval),
        .requestInformation: ([.new, .inReview, .reopened], .needsInfo),
        .approve: ([.pendingApproval], .decided),
        .reject: ([.pendingApproval], .inReview),
        .markDuplicate: (open.union([.escalated]), .closed),
        .reopen: ([.decided, .closed], .reopened),
    ]

    /// The status after `transition`, or an error naming why not.
    public static func apply(_ transition: CaseTransition, to status: CaseStatus) throws(CaseTransitionError) -> CaseStatus {
        guard let rule = table[transition], rule.from.contains(status) else {
            throw CaseTransitionError(transition: transition, status: status)
        }
        return rule.to
    }

    public static func allows(_ transition: CaseTransition, from status: CaseStatus) -> Bool {
        table[transition]?.from.contains(status) ?? false
    }

    public static func sources(of transition: CaseTransition) -> [CaseStatus] {
        CaseStatus.allCases.filter { allows(transition, from: $0) }
    }
}

/// Deadlines of cases and orders.
public enum Deadlines {
    /// When a case is due: an open appeal's deadline, otherwise its
    /// category's deadline counted from the first report.
    public static func caseDue(categoryDeadlineHours: Int, firstReportAt: Date, appealDueAt: Date?) -> Date {
        appealDueAt ?? firstReportAt.addingTimeInterval(Double(categoryDeadlineHours) * 3600)
    }
}

/// What staff do to many cases at once from the queue (and the API's bulk
/// endpoint). Each runs in one transaction: all selected cases change, or none.
public enum BulkCaseAction: String, CaseIterable, Sendable {
    case assign, unassign
    case setCategory = "set_category"
    case duplicate, escalate
    /// Closes the cases as "not violating", the reason as the statement.
    case dismiss

    /// What the role needs beyond the triage permission of the queue:
    /// dismissing is a decision.
    public var extraPermission: StaffAction? { self == .dismiss ? .decideCases : nil }

    public var done: (id: String, en: String) {
        switch self {
        case .assign: ("ditugaskan.", "assigned.")
        case .unassign: ("penugasan dilepas.", "unassigned.")
        case .setCategory: ("kategori diubah.", "category set.")
        case .duplicate: ("ditandai duplikat.", "marked duplicate.")
        case .escalate: ("dieskalasi.", "escalated.")
        case .dismiss: ("ditolak (tidak melanggar).", "dismissed (not violating).")
        }
    }
}

extension DecisionInput {
    /// A dismissal from the queue: not violating, no action, the reason as
    /// the statement of reasons and as the public reason.
    public static func dismissal(reason: String) -> DecisionInput {
        DecisionInput(verdict: .notViolating, category: nil, legalBases: [], statement: reason, publicReason: reason, action: .noAction)
    }
}
