import Foundation

/// An analyst's verdict on a case.
public enum Verdict: String, CaseIterable, Codable, Sendable {
    case violating
    case notViolating = "not_violating"
    case needMoreInformation = "need_more_information"

    public var label: (id: String, en: String) {
        switch self {
        case .violating: ("Melanggar", "Violating")
        case .notViolating: ("Tidak melanggar", "Not violating")
        case .needMoreInformation: ("Perlu informasi tambahan", "Need more information")
        }
    }
}

/// What a violating verdict proposes to do next.
public enum ProposedAction: String, CaseIterable, Codable, Sendable {
    /// A takedown order to the subject's platform.
    case takedownOrder = "takedown_order"
    /// Blocking the domain or app at ISPs' resolvers (always four eyes).
    case networkBlock = "network_block"
    case noAction = "no_action"

    public var label: (id: String, en: String) {
        switch self {
        case .takedownOrder: ("Perintah takedown ke platform", "Takedown order to the platform")
        case .networkBlock: ("Usulan pemblokiran jaringan", "Network block proposal")
        case .noAction: ("Tanpa tindakan", "No action")
        }
    }
}

/// What the decision form sends, before it is checked.
public struct DecisionInput: Sendable, Equatable {
    public var verdict: Verdict?
    public var category: String?
    public var legalBases: [String]
    public var statement: String
    public var publicReason: String
    public var automatedDetection: Bool
    public var automatedDecision: Bool
    public var action: ProposedAction?

    public init(verdict: Verdict?, category: String?, legalBases: [String], statement: String, publicReason: String = "",
                automatedDetection: Bool = false, automatedDecision: Bool = false, action: ProposedAction?) {
        self.verdict = verdict
        self.category = category
        self.legalBases = legalBases
        self.statement = statement
        self.publicReason = publicReason
        self.automatedDetection = automatedDetection
        self.automatedDecision = automatedDecision
        self.action = action
    }
}

/// A checked decision, ready to record.
public struct CheckedDecision: Sendable, Equatable {
    public let verdict: Verdict
    public let category: String
    public let legalBases: [String]
    public let statement: String
    public let publicReason: String
    public let automatedDetection: Bool
    public let automatedDecision: Bool
    public let action: ProposedAction
    /// Whether a supervisor other than the decider must approve it.
    public let needsApproval: Bool
}

/// What is wrong with a decision, one problem per form field concerned.
public struct DecisionProblems: Error, Sendable, Equatable {
    public let all: [DecisionProblem]
    public var fields: [String] { all.map(\.field) }
}

/// One problem with a decision, tied to its form field.
public struct DecisionProblem: Sendable, Equatable {
    public let field: String
    public let id: String
    public let en: String

    public init(field: String, id: String, en: String) {
        self.field = field
        self.id = id
        self.en = en
    }
}

public enum DecisionRules {
    /// A statement of reasons states facts and reasoning: a few words do not.
    public static let minimumStatementLength = 50
    /// "Need more information" says what is missing.
    public static let minimumInformationRequestLength = 10
    public static let maximumTextLength = 10_000

    /// Subjects that are a whole account, channel or domain: acting on them
    /// reaches far beyond one post, so their decisions take four eyes.
    public static func isHighImpact(kind: SubjectKind, marked: Bool) -> Bool {
        marked || [.account, .channel, .domain].contains(kind)
    }

    /// Four eyes: a network block, or any final verdict on a high-impact case.
    public static func needsApproval(verdict: Verdict, action: ProposedAction, highImpact: Bool) -> Bool {
        guard verdict != .needMoreInformation else { return false }
        return action == .networkBlock || highImpact
    }

    /// Checks a decision against the rules: known category and legal bases,
    /// a statement long enough, an action that fits the verdict.
    /// `subject` is the case's subject: a network block needs one that names
    /// a domain or an app (`NetworkBlockTarget`).
    public static func check(_ input: DecisionInput, knownCategories: Set<String>, knownLegalBases: Set<String>,
                             highImpact: Bool, subject: Subject? = nil) -> Result<CheckedDecision, DecisionProblems> {
        var problems: [DecisionProblem] = []
        let statement = input.statement.trimmingCharacters(in: .whitespacesAndNewlines)
        let publicReason = input.publicReason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let verdict = input.verdict else {
            return .failure(DecisionProblems(all: [DecisionProblem(field: "verdict", id: "Pilih putusan.", en: "Choose a verdict.")]))
        }
        let category = input.category ?? ""
        if verdict == .violating {
            if !knownCategories.contains(category) {
                problems.append(.init(field: "category", id: "Pilih kategori yang terverifikasi.", en: "Choose the verified category."))
            }
            if input.legalBases.isEmpty {
                problems.append(.init(field: "legal_basis", id: "Pilih minimal satu dasar hukum.", en: "Choose at least one legal basis."))
            }
        } else if !category.isEmpty && !knownCategories.contains(category) {
            problems.append(.init(field: "category", id: "Kategori tidak dikenal.", en: "Unknown category."))
        }
        if let unknown = input.legalBases.first(where: { !knownLegalBases.contains($0) }) {
            problems.append(.init(field: "legal_basis", id: "Dasar hukum tidak dikenal: \(unknown).", en: "Unknown legal basis: \(unknown)."))
        }
        let minimum = verdict == .needMoreInformation ? minimumInformationRequestLength : minimumStatementLength
        if statement.count < minimum {
            problems.append(.init(field: "statement",
                                  id: "Alasan (fakta dan pertimbangan) minimal \(minimum) karakter; sekarang \(statement.count).",
                                  en: "The statement of reasons (facts and reasoning) needs at least \(minimum) characters; it has \(statement.count)."))
        }
        if statement.count > maximumTextLength || publicReason.count > maximumTextLength {
            problems.append(.init(field: "statement", id: "Teks terlalu panjang.", en: "The text is too long."))
        }
        let action: ProposedAction
        switch verdict {
        case .violating:
            guard let chosen = input.action else {
                problems.append(.init(field: "action", id: "Pilih tindakan yang diusulkan.", en: "Choose the proposed action."))
                return .failure(DecisionProblems(all: problems))
            }
            action = chosen
            if chosen == .networkBlock, let subject, NetworkBlockTarget.of(subject) == nil {
                problems.append(.init(field: "action", id: "Subjek ini tidak dapat diblokir di tingkat jaringan (tidak menunjuk domain atau aplikasi).",
                                      en: "This subject cannot be blocked at network level (it names no domain or app)."))
            }
        case .notViolating, .needMoreInformation:
            if let chosen = input.action, chosen != .noAction {
                problems.append(.init(field: "action", id: "Tanpa pelanggaran tidak ada tindakan.", en: "Without a violation there is no action."))
            }
            action = .noAction
        }
        guard problems.isEmpty else { return .failure(DecisionProblems(all: problems)) }
        return .success(CheckedDecision(
            verdict: verdict, category: category, legalBases: verdict == .violating ? input.legalBases : [],
            statement: statement, publicReason: publicReason,
            automatedDetection: input.automatedDetection, automatedDecision: input.automatedDecision, action: action,
            needsApproval: needsApproval(verdict: verdict, action: action, highImpact: highImpact)))
    }

    /// The transition a checked decision makes.
    public static func transition(for decision: CheckedDecision) -> CaseTransition {
        if decision.verdict == .needMoreInformation { return .requestInformation }
        return decision.needsApproval ? .proposeDecision : .decide
    }
}

/// Appeals (*banding*) and objections (*sanggahan*) against a decision.
public enum AppealRules {
    /// Days a reopened case has before its appeal must be answered.
    public static let defaultDeadlineDays = 14
    public static let minimumReasonLength = 20

    /// Who filed it: someone affected (web form) or the platform (its API).
    public enum Source: String, CaseIterable, Codable, Sendable {
        case affectedPerson = "affected_person"
        case platformObjection = "platform_objection"

        public var label: (id: String, en: String) {
            switch self {
            case .affectedPerson: ("Pihak terdampak", "Affected person")
            case .platformObjection: ("Sanggahan platform", "Platform objection")
            }
        }
    }

    /// How an open appeal is answered by the case's next decision in force:
    /// upheld when the verdict stands, overturned when it changed (an appeal
    /// against no decision is overturned by any verdict).
    public static func outcome(appealedVerdict: Verdict?, newVerdict: Verdict) -> AppealState {
        appealedVerdict == newVerdict ? .upheld : .overturned
    }
}

/// Where an appeal stands: open until a new decision answers it.
public enum AppealState: String, CaseIterable, Codable, Sendable {
    case open, upheld, overturned

    public var label: (id: String, en: String) {
        switch self {
        case .open: ("Sedang ditinjau", "Under review")
        case .upheld: ("Putusan dikuatkan", "Decision upheld")
        case .overturned: ("Putusan diubah", "Decision overturned")
        }
    }
}

/// A legal basis a decision may cite (seeded; an admin edits the table).
public struct LegalBasis: Sendable, Hashable {
    public let code: String
    public let title: String
    public let article: String

    public init(code: String, title: String, article: String) {
        self.code = code
        self.title = title
        self.article = article
    }

    public static let defaults: [LegalBasis] = [
        .init(code: "uu-ite-27-1", title: "UU ITE (UU 11/2008 jo. UU 19/2016 jo. UU 1/2024)", article: "Pasal 27 ayat (1) — kesusilaan"),
        .init(code: "uu-ite-27-2", title: "UU ITE (UU 11/2008 jo. UU 19/2016 jo. UU 1/2024)", article: "Pasal 27 ayat (2) — perjudian"),
        .init(code: "uu-ite-28-1", title: "UU ITE (UU 11/2008 jo. UU 19/2016 jo. UU 1/2024)", article: "Pasal 28 ayat (1) — berita bohong yang merugikan"),
        .init(code: "uu-ite-28-2", title: "UU ITE (UU 11/2008 jo. UU 19/2016 jo. UU 1/2024)", article: "Pasal 28 ayat (2) — kebencian berdasarkan SARA"),
        .init(code: "uu-ite-29", title: "UU ITE (UU 11/2008 jo. UU 19/2016 jo. UU 1/2024)", article: "Pasal 29 — ancaman kekerasan atau menakut-nakuti"),
        .init(code: "uu-44-2008", title: "UU 44/2008 tentang Pornografi", article: "Pasal 4"),
        .init(code: "uu-5-2018", title: "UU 5/2018 tentang Pemberantasan Tindak Pidana Terorisme", article: "Pasal 13A"),
        .init(code: "permenkominfo-5-2020", title: "Permenkominfo 5/2020 tentang PSE Lingkup Privat", article: "Pasal 9 dan Pasal 13–15"),
    ]
}
