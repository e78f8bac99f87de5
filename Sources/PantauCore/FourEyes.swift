import Foundation

/// What a four-eyes review is about; it names the refusal's code and words.
public enum ReviewedItem: String, Sendable, CaseIterable {
    case decision, proposal, sanction

    var noun: (id: String, en: String) {
        switch self {
        case .decision: ("Putusan", "decision")
        case .proposal: ("Usulan", "proposal")
        case .sanction: ("Sanksi", "sanction")
        }
    }
}

/// Why a four-eyes review cannot go ahead.
public struct FourEyesRefusal: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A rejection says why (at least `FourEyes.minimumRejectionReasonLength` characters).
        case reasonRequired
        /// Only what awaits review can be reviewed (once).
        case notPending
        /// Nobody reviews their own proposal.
        case ownProposal
    }

    public let reason: Reason
    public let item: ReviewedItem

    /// The stable code API clients see.
    public var code: String {
        switch reason {
        case .reasonRequired: "reason_required"
        case .notPending: "\(item.rawValue)_not_pending"
        case .ownProposal: "four_eyes"
        }
    }

    /// The form field the refusal is about, if any.
    public var field: String? { reason == .reasonRequired ? "reason" : nil }

    public var message: (id: String, en: String) {
        switch reason {
        case .reasonRequired:
            ("Alasan penolakan minimal \(FourEyes.minimumRejectionReasonLength) karakter.",
             "A rejection needs a reason of at least \(FourEyes.minimumRejectionReasonLength) characters.")
        case .notPending:
            ("\(item.noun.id) ini tidak menunggu persetujuan.", "This \(item.noun.en) is not awaiting approval.")
        case .ownProposal:
            item == .decision
                ? ("Empat mata: putusan Anda sendiri harus disetujui supervisor lain.",
                   "Four eyes: your own decision must be approved by another supervisor.")
                : ("Empat mata: usulan Anda sendiri harus disetujui supervisor lain.",
                   "Four eyes: your own proposal must be approved by another supervisor.")
        }
    }
}

/// The one four-eyes rule of every review (decisions, block proposals and
/// lifts, sanctions): a second person approves or rejects what awaits
/// review, never their own, and a rejection says why.
public enum FourEyes {
    public static let minimumRejectionReasonLength = 10

    /// The refusal of a review, or nil when it may go ahead. The reason is
    /// checked first, so a bad form is answered before anything is read.
    public static func check(_ item: ReviewedItem, approve: Bool, reason: String, awaitingReview: Bool,
                             proposedBy: UUID, reviewer: UUID) -> FourEyesRefusal? {
        if let refusal = checkReason(item, approve: approve, reason: reason) { return refusal }
        guard awaitingReview else { return FourEyesRefusal(reason: .notPending, item: item) }
        guard proposedBy != reviewer else { return FourEyesRefusal(reason: .ownProposal, item: item) }
        return nil
    }

    /// The part of the rule a form can be checked against before anything is read.
    public static func checkReason(_ item: ReviewedItem, approve: Bool, reason: String) -> FourEyesRefusal? {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard approve || trimmed.count >= minimumRejectionReasonLength else { return FourEyesRefusal(reason: .reasonRequired, item: item) }
        return nil
    }
}

/// A state that four eyes move: one state awaits review, the review leads
/// to one of two others.
public protocol ReviewedState: Sendable, Equatable {
    static var awaitingReview: Self { get }
    static var approved: Self { get }
    static var rejected: Self { get }
}

extension ReviewedState {
    public static func afterReview(approve: Bool) -> Self { approve ? approved : rejected }
    public var isAwaitingReview: Bool { self == Self.awaitingReview }
}

/// Where a decision record stands: `final` when no review was needed,
/// otherwise `pending` until a supervisor approves or rejects it.
public enum DecisionState: String, CaseIterable, Codable, Sendable, ReviewedState {
    case pending, approved, rejected, final

    public static var awaitingReview: Self { .pending }

    /// The states in which a decision stands (what the case's outcome follows).
    public static let inForce: [DecisionState] = [.final, .approved]

    public var label: (id: String, en: String) {
        switch self {
        case .pending: ("Menunggu persetujuan", "Awaiting approval")
        case .approved: ("Disetujui", "Approved")
        case .rejected: ("Ditolak", "Rejected")
        case .final: ("Final", "Final")
        }
    }
}
