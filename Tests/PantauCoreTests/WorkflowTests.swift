import Foundation
import Testing
@testable import PantauCore

@Suite struct CaseWorkflowTests {
    /// The allowed (status, transition) pairs, written out by hand: the table
    /// in PantauCore must say exactly this, and everything else is refused.
    static let expected: [CaseTransition: Set<CaseStatus>] = [
        .assign: [.new, .inReview, .needsInfo, .reopened],
        .unassign: [.inReview],
        .escalate: [.new, .inReview, .needsInfo, .reopened],
        .decide: [.new, .inReview, .needsInfo, .reopened, .escalated],
        .proposeDecision: [.new, .inReview, .needsInfo, .reopened, .escalated],
        .requestInformation: [.new, .inReview, .reopened],
        .approve: [.pendingApproval],
        .reject: [.pendingApproval],
        .markDuplicate: [.new, .inReview, .needsInfo, .reopened, .escalated],
        .reopen: [.decided, .closed],
    ]

    @Test(arguments: CaseTransition.allCases)
    func everyStatusIsAllowedOrRefusedAsListed(transition: CaseTransition) throws {
        let allowed = try #require(Self.expected[transition])
        for status in CaseStatus.allCases {
            if allowed.contains(status) {
                let next = try CaseWorkflow.apply(transition, to: status)
                #expect(next == CaseWorkflow.table[transition]!.to)
            } else {
                #expect(throws: CaseTransitionError(transition: transition, status: status)) { try CaseWorkflow.apply(transition, to: status) }
            }
        }
    }

    @Test func escalatedCasesOnlyEndAndTargetsAreRight() throws {
        let fromEscalated = CaseTransition.allCases.filter { CaseWorkflow.allows($0, from: .escalated) }
        #expect(Set(fromEscalated) == [.decide, .proposeDecision, .markDuplicate])
        #expect(try CaseWorkflow.apply(.approve, to: .pendingApproval) == .decided)
        #expect(try CaseWorkflow.apply(.reject, to: .pendingApproval) == .inReview)
        #expect(try CaseWorkflow.apply(.reopen, to: .decided) == .reopened)
        #expect(try CaseWorkflow.apply(.markDuplicate, to: .new) == .closed)
        let first = Date(timeIntervalSince1970: 1_000_000)
        #expect(Deadlines.caseDue(categoryDeadlineHours: 4, firstReportAt: first, appealDueAt: nil) == first.addingTimeInterval(4 * 3600))
        #expect(Deadlines.caseDue(categoryDeadlineHours: 4, firstReportAt: first, appealDueAt: first.addingTimeInterval(60)) == first.addingTimeInterval(60))
        let defaults = OrderDeadlines()
        #expect(OrderRules.deadlineHours(urgent: true, category: "terorisme", overrides: [:], defaults: defaults) == 4)
        #expect(OrderRules.deadlineHours(urgent: false, category: "perjudian", overrides: [:], defaults: defaults) == 24)
        #expect(OrderRules.deadlineHours(urgent: false, category: "perjudian", overrides: ["perjudian": 12], defaults: defaults) == 12)
        let error = CaseTransitionError(transition: .approve, status: .new)
        #expect(error.description.contains("pending_approval"))
    }
}

@Suite struct DecisionRulesTests {
    let categories: Set<String> = ["pornografi", "hoaks"]
    let bases: Set<String> = ["uu-ite-27-1", "uu-44-2008"]
    let statement = "Video menampilkan adegan seksual eksplisit yang dapat diakses publik tanpa batas umur."

    @Test func violatingNeedsCategoryBasisStatementAndAction() {
        let input = DecisionInput(verdict: .violating, category: nil, legalBases: [], statement: "terlalu pendek", action: nil)
        guard case .failure(let problems) = DecisionRules.check(input, knownCategories: categories, knownLegalBases: bases, highImpact: false) else {
            Issue.record("an incomplete decision was accepted"); return
        }
        #expect(Set(problems.fields) == ["category", "legal_basis", "statement", "action"])
    }

    @Test func unknownBasisIsRefusedAndNotViolatingHasNoAction() {
        let unknown = DecisionInput(verdict: .violating, category: "hoaks", legalBases: ["made-up"], statement: statement, action: .takedownOrder)
        guard case .failure(let problems) = DecisionRules.check(unknown, knownCategories: categories, knownLegalBases: bases, highImpact: false) else {
            Issue.record("an unknown legal basis was accepted"); return
        }
        #expect(problems.fields == ["legal_basis"])
        let withAction = DecisionInput(verdict: .notViolating, category: nil, legalBases: [], statement: statement, action: .takedownOrder)
        guard case .failure = DecisionRules.check(withAction, knownCategories: categories, knownLegalBases: bases, highImpact: false) else {
            Issue.record("not violating with a takedown was accepted"); return
        }
    }

    @Test(arguments: [
        (ProposedAction.takedownOrder, false, false),
        (.takedownOrder, true, true),
        (.networkBlock, false, true),
        (.noAction, true, true),
    ])
    func fourEyesForNetworkBlocksAndHighImpact(action: ProposedAction, highImpact: Bool, needsApproval: Bool) throws {
        let input = DecisionInput(verdict: .violating, category: "pornografi", legalBases: ["uu-44-2008"], statement: statement, action: action)
        let checked = try DecisionRules.check(input, knownCategories: categories, knownLegalBases: bases, highImpact: highImpact).get()
        #expect(checked.needsApproval == needsApproval)
        #expect(DecisionRules.transition(for: checked) == (needsApproval ? .proposeDecision : .decide))
    }

    @Test func needMoreInformationNeverWaitsForApproval() throws {
        let input = DecisionInput(verdict: .needMoreInformation, category: nil, legalBases: [], statement: "Tautan mati, perlu tangkapan layar.", action: nil)
        let checked = try DecisionRules.check(input, knownCategories: categories, knownLegalBases: bases, highImpact: true).get()
        #expect(!checked.needsApproval)
        #expect(DecisionRules.transition(for: checked) == .requestInformation)
        #expect(DecisionRules.isHighImpact(kind: .account, marked: false))
        #expect(DecisionRules.isHighImpact(kind: .domain, marked: false))
        #expect(!DecisionRules.isHighImpact(kind: .video, marked: false))
        #expect(DecisionRules.isHighImpact(kind: .video, marked: true))
    }

    @Test func publicOutcomeFollowsStatusAndDecision() {
        #expect(PublicOutcome.of(status: .new, verdict: nil, action: nil) == .received)
        #expect(PublicOutcome.of(status: .pendingApproval, verdict: nil, action: nil) == .beingVerified)
        #expect(PublicOutcome.of(status: .decided, verdict: .violating, action: .takedownOrder) == .violatingOrderSent)
        #expect(PublicOutcome.of(status: .decided, verdict: .notViolating, action: .noAction) == .notViolating)
        #expect(PublicOutcome.of(status: .reopened, verdict: .violating, action: .takedownOrder) == .reviewedAgain)
    }
}

@Suite struct QueueFilterTests {
    let categories: Set<String> = ["pornografi", "hoaks"]

    @Test func parsesAndWritesBackTheSameParameters() throws {
        let parameters = [("status", "new,in_review"), ("category", "hoaks"), ("platform", "tiktok"), ("channel", "mention"),
                          ("priority", "high"), ("assignee", "unassigned"), ("deadline", "overdue"), ("from", "2026-11-01"),
                          ("to", "2026-11-24"), ("q", "judi slot"), ("sort", "most_reported")]
        let filter = try QueueFilter.parse(parameters, categories: categories).get()
        #expect(filter.statuses == [.new, .inReview])
        #expect(filter.platform == .tiktok)
        #expect(filter.from == Date(timeIntervalSince1970: 1_793_466_000)) // 2026-11-01 00:00 WIB
        #expect(filter.parameters.map { "\($0.0)=\($0.1)" } == parameters.map { "\($0.0)=\($0.1)" })
    }

    @Test(arguments: [("status", "opened"), ("category", "Spam!"), ("platform", "myspace"), ("priority", "urgent"),
                      ("assignee", "someone"), ("from", "2026-02-30"), ("after", "x_y"), ("sort", "random")])
    func refusesUnknownValuesNamingTheParameter(name: String, value: String) {
        guard case .failure(let error) = QueueFilter.parse([(name, value)], categories: categories) else {
            Issue.record("\(name)=\(value) was accepted"); return
        }
        #expect(error.parameter == name)
    }

    @Test func defaultIsTheActiveStatusesByPriorityAndCursorRoundTrips() throws {
        let filter = try QueueFilter.parse([], categories: categories).get()
        #expect(filter.effectiveStatuses == CaseStatus.active)
        #expect(filter.sort == .priority)
        let cursor = QueueCursor(value: 7.25, id: UUID())
        #expect(QueueCursor(cursor.text) == cursor)
    }

    @Test func relatedSubjectsOfWebAndPostURLs() throws {
        let page = try SubjectCanonicalizer.canonicalize("https://judi-slot.example/daftar?ref=1")
        let lookups = RelatedSubjects.lookups(for: page)
        #expect(lookups.keys.contains("web:domain:judi-slot.example"))
        #expect(lookups.keyPrefixes == ["web:url:judi-slot.example/"])
        let video = Subject(platform: .tiktok, kind: .video, id: "7301234567890123456", url: "https://www.tiktok.com/@Bokep/video/7301234567890123456")
        #expect(RelatedSubjects.lookups(for: video).keys.contains("tiktok:account:bokep"))
    }
}
