import Foundation
import Testing
@testable import PantauCore

/// The lifecycles beside the case workflow: four eyes, block entries and
/// proposals, sanctions, appeals, order items after a new decision, and the
/// reporter's outcome of a network block.
@Suite struct LifecycleTests {
    // MARK: Four eyes

    static let proposer = UUID()
    static let other = UUID()

    @Test(arguments: ReviewedItem.allCases)
    func fourEyesRefusesInOrderReasonPendingOwn(item: ReviewedItem) {
        // A rejection without a reason is refused first, whatever else.
        let noReason = FourEyes.check(item, approve: false, reason: "  too short ", awaitingReview: false, proposedBy: Self.proposer, reviewer: Self.proposer)
        #expect(noReason?.reason == .reasonRequired && noReason?.code == "reason_required" && noReason?.field == "reason")
        let notPending = FourEyes.check(item, approve: true, reason: "", awaitingReview: false, proposedBy: Self.proposer, reviewer: Self.proposer)
        #expect(notPending?.reason == .notPending && notPending?.code == "\(item.rawValue)_not_pending")
        let own = FourEyes.check(item, approve: true, reason: "", awaitingReview: true, proposedBy: Self.proposer, reviewer: Self.proposer)
        #expect(own?.reason == .ownProposal && own?.code == "four_eyes")
        #expect(FourEyes.check(item, approve: true, reason: "", awaitingReview: true, proposedBy: Self.proposer, reviewer: Self.other) == nil)
        #expect(FourEyes.check(item, approve: false, reason: "Bukti belum cukup.", awaitingReview: true, proposedBy: Self.proposer,
                               reviewer: Self.other) == nil)
        for refusal in [noReason, notPending, own].compactMap({ $0 }) {
            #expect(!refusal.message.id.isEmpty && !refusal.message.en.isEmpty && refusal.message.id != refusal.message.en)
        }
    }

    @Test func reviewedStatesMoveToTheirOutcome() {
        #expect(DecisionState.afterReview(approve: true) == .approved && DecisionState.afterReview(approve: false) == .rejected)
        #expect(BlockProposalState.afterReview(approve: true) == .approved && BlockProposalState.afterReview(approve: false) == .rejected)
        #expect(SanctionState.afterReview(approve: true) == .issued && SanctionState.afterReview(approve: false) == .rejected)
        #expect(DecisionState.pending.isAwaitingReview && !DecisionState.final.isAwaitingReview)
        #expect(SanctionState.proposed.isAwaitingReview && !SanctionState.issued.isAwaitingReview)
        #expect(DecisionState.inForce == [.final, .approved])
    }

    // MARK: Block entries

    /// The allowed (state, transition) pairs, written out by hand.
    static let expectedEntryMoves: [BlockEntryTransition: (from: Set<BlockEntryState>, to: BlockEntryState)] = [
        .approveNow: ([.proposed], .active),
        .approveForLater: ([.proposed], .scheduled),
        .reject: ([.proposed], .rejected),
        .activate: ([.scheduled], .active),
        .lift: ([.active, .scheduled], .lifted),
    ]

    @Test(arguments: BlockEntryTransition.allCases)
    func everyEntryStateIsAllowedOrRefusedAsListed(transition: BlockEntryTransition) throws {
        let rule = try #require(Self.expectedEntryMoves[transition])
        for state in BlockEntryState.allCases {
            if rule.from.contains(state) {
                #expect(try BlockEntryLifecycle.apply(transition, to: state) == rule.to)
            } else {
                #expect(throws: BlockEntryTransitionError(transition: transition, state: state)) { try BlockEntryLifecycle.apply(transition, to: state) }
            }
        }
    }

    @Test func approvalTakesEffectAtItsTimeAndLiveStatesHoldTheirName() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(BlockEntryLifecycle.approval(effectiveFrom: now, now: now) == .approveNow)
        #expect(BlockEntryLifecycle.approval(effectiveFrom: now.addingTimeInterval(60), now: now) == .approveForLater)
        #expect(BlockEntryState.allCases.filter(\.isLive) == [.proposed, .scheduled, .active])
        #expect(BlockEntryKind(.domain("judi.example", subdomains: true)) == .subdomains)
        #expect(BlockEntryKind(.ip("203.0.113.7")) == .ip)
        #expect(BlockEntryKind.subdomains.written("judi.example") == "*.judi.example")
        #expect(BlockProposalKind.block.numberPrefix == "BLK" && BlockProposalKind.lift.numberPrefix == "NRM")
    }

    // MARK: What a network-block decision blocks

    @Test func aWebsiteIsBlockedByItsDomainAPlatformByItsAppAShortLinkNot() throws {
        let domain = try SubjectCanonicalizer.canonicalize("https://judi-slot.example/")
        #expect(NetworkBlockTarget.of(domain) == .domain("judi-slot.example"))
        let page = Subject(platform: .web, kind: .url, id: "judi-slot.example/daftar?ref=1", url: "https://judi-slot.example/daftar?ref=1")
        #expect(NetworkBlockTarget.of(page)?.names == ["*.judi-slot.example"])
        let www = Subject(platform: .web, kind: .url, id: "www.judi-slot.example:8080/daftar", url: "https://www.judi-slot.example:8080/daftar")
        #expect(NetworkBlockTarget.of(www) == .domain("judi-slot.example"), "the site, not its www host; no port")
        let short = Subject(platform: .web, kind: .domain, id: "www.example", url: "https://www.example/")
        #expect(NetworkBlockTarget.of(short) == .domain("www.example"), "a two-label name keeps its www")
        let v4 = Subject(platform: .web, kind: .url, id: "203.0.113.7/slot", url: "http://203.0.113.7/slot")
        #expect(NetworkBlockTarget.of(v4) == .address("203.0.113.7"))
        let v6 = Subject(platform: .web, kind: .url, id: "[2001:db8::7]:8443/slot", url: "https://[2001:db8::7]:8443/slot")
        #expect(NetworkBlockTarget.of(v6) == .address("2001:db8::7"))
        let normalizer = BlockNameNormalizer(zoneName: "rpz.pantau")
        #expect(NetworkBlockTarget.of(v4)!.entries(normalizer: normalizer).map { "\($0.kind.rawValue) \($0.name)" } == ["ip 203.0.113.7"])
        #expect(NetworkBlockTarget.of(page)!.entries(normalizer: normalizer).map { "\($0.kind.rawValue) \($0.name)" } == ["subdomains judi-slot.example"])
        let account = try SubjectCanonicalizer.canonicalize("https://www.tiktok.com/@akun.judi")
        guard case .app(let slug, let name, let domains) = NetworkBlockTarget.of(account) else {
            Issue.record("a TikTok account is not blocked as the app"); return
        }
        #expect(slug == "tiktok" && name == "TikTok" && domains.contains("tiktok.com") && domains.count == 8)
        let shortLink = Subject(platform: .web, kind: .shortlink, id: "bit.ly/abc", url: "https://bit.ly/abc")
        #expect(NetworkBlockTarget.of(shortLink) == nil)
        for platform in Platform.allCases where platform != .web {
            #expect(!PlatformApps.domains(of: platform).isEmpty, "\(platform) has no app domains")
        }
    }

    @Test func aNetworkBlockOnAShortLinkIsRefusedAtTheDecision() {
        let input = DecisionInput(verdict: .violating, category: "perjudian", legalBases: ["uu-ite-27-2"],
                                  statement: String(repeating: "Situs judi daring yang menawarkan taruhan. ", count: 2), action: .networkBlock)
        let shortLink = Subject(platform: .web, kind: .shortlink, id: "bit.ly/abc", url: "https://bit.ly/abc")
        guard case .failure(let problems) = DecisionRules.check(input, knownCategories: ["perjudian"], knownLegalBases: ["uu-ite-27-2"],
                                                                 highImpact: false, subject: shortLink) else {
            Issue.record("a network block of a short link was accepted"); return
        }
        #expect(problems.fields == ["action"])
        let site = Subject(platform: .web, kind: .domain, id: "judi.example", url: "https://judi.example/")
        #expect((try? DecisionRules.check(input, knownCategories: ["perjudian"], knownLegalBases: ["uu-ite-27-2"], highImpact: false,
                                          subject: site).get())?.needsApproval == true)
    }

    // MARK: The reporter's outcome follows the block

    @Test(arguments: [
        ([BlockEntryState.proposed], NetworkBlockProgress.proposed),
        ([.scheduled], .proposed),
        ([.active, .lifted], .blocked),
        ([.rejected], .notBlocked),
        ([.lifted], .lifted),
        ([.lifted, .proposed], .proposed),
        ([.lifted, .rejected], .lifted),
        ([], .proposed),
    ])
    func blockProgressFromTheNewestEntryOfEachName(newest: [BlockEntryState], progress: NetworkBlockProgress) {
        #expect(NetworkBlockProgress.of(newestEntries: newest) == progress)
    }

    @Test func aProposalMadeForACaseIsWithdrawnWhenItsDecisionNoLongerBlocks() {
        #expect(BlockProposalState.afterNewDecision(.pending, blocksAgain: false) == .withdrawn)
        #expect(BlockProposalState.afterNewDecision(.pending, blocksAgain: true) == nil)
        for state in BlockProposalState.allCases where state != .pending {
            #expect(BlockProposalState.afterNewDecision(state, blocksAgain: false) == nil, "\(state) stays")
        }
    }

    @Test func theTicketSaysProposedBlockedNotBlockedOrLifted() {
        func outcome(_ block: NetworkBlockProgress?) -> PublicOutcome {
            PublicOutcome.of(status: .decided, verdict: .violating, action: .networkBlock, block: block)
        }
        #expect(outcome(nil) == .violatingBlockProposed)
        #expect(outcome(.proposed) == .violatingBlockProposed)
        #expect(outcome(.blocked) == .violatingBlocked)
        #expect(outcome(.notBlocked) == .violatingNotBlocked)
        #expect(outcome(.lifted) == .violatingBlockLifted)
        // A takedown case is not moved by block progress.
        #expect(PublicOutcome.of(status: .decided, verdict: .violating, action: .takedownOrder, orderItem: .complied, block: .blocked)
                == .violatingContentRemoved)
        for outcome in PublicOutcome.allCases {
            #expect(!outcome.label.id.isEmpty && outcome.label.id != outcome.label.en && !outcome.explanation.id.isEmpty)
        }
    }

    // MARK: Appeals, order items, sanctions

    @Test func appealsAreUpheldWhenTheVerdictStands() {
        #expect(AppealRules.outcome(appealedVerdict: .violating, newVerdict: .violating) == .upheld)
        #expect(AppealRules.outcome(appealedVerdict: .violating, newVerdict: .notViolating) == .overturned)
        #expect(AppealRules.outcome(appealedVerdict: nil, newVerdict: .violating) == .overturned)
    }

    @Test(arguments: OrderItemStatus.allCases)
    func aNewDecisionMovesOnlyStandingItems(status: OrderItemStatus) {
        let takedown = OrderRules.afterNewDecision(status, takedown: true)
        let other = OrderRules.afterNewDecision(status, takedown: false)
        switch status {
        case .pending, .overdue:
            #expect(takedown == nil && other == .withdrawn)
        case .objected:
            #expect(takedown == .objectionDismissed && takedown?.status == .pending && other == .withdrawn)
        case .complied, .rejected, .withdrawn:
            #expect(takedown == nil && other == nil)
        }
    }

    @Test func aReportSetsOrEscalatesTheCategoryOnlyWhileTheCaseIsNew() {
        let categories = CategoryIndex(CategoryCatalog.defaults)
        let gentle = try! #require(CategoryCatalog.defaults.min { $0.severity < $1.severity })
        let severe = try! #require(CategoryCatalog.defaults.max { $0.severity < $1.severity })
        #expect(categories.categoryAfterReport(current: "", claimed: gentle.slug, isFirstReport: true, status: .new) == gentle.slug)
        #expect(categories.categoryAfterReport(current: gentle.slug, claimed: severe.slug, isFirstReport: false, status: .new) == severe.slug)
        #expect(categories.categoryAfterReport(current: severe.slug, claimed: gentle.slug, isFirstReport: false, status: .new) == severe.slug)
        for status in CaseStatus.allCases where status != .new {
            #expect(categories.categoryAfterReport(current: gentle.slug, claimed: severe.slug, isFirstReport: false, status: status) == gentle.slug,
                    "a case that is \(status) keeps its category")
        }
    }

    @Test func sanctionsCiteOverdueOrRefusedItems() {
        #expect(OrderItemStatus.allCases.filter(SanctionRules.mayCite) == [.overdue, .rejected])
    }

    // MARK: Event kinds

    @Test func everyEventKindHasTwoTitlesAndAStableKey() {
        let caseTitles = CaseEventKind.allCases.map(\.title)
        let platformTitles = PlatformEventKind.allCases.map(\.title)
        let blockTitles = BlockEventKind.allCases.map(\.title)
        for title in caseTitles + platformTitles + blockTitles {
            #expect(!title.id.isEmpty && !title.en.isEmpty && title.id != title.en, "\(title)")
        }
        #expect(Set(caseTitles.map(\.id)).count == caseTitles.count, "two case events share an Indonesian title")
        #expect(CaseEventKind.orderItemAnswered(.objected).rawValue == "order_item_objected")
        #expect(CaseEventKind.orderItem(.objectionDismissed).rawValue == "order_item_objection_dismissed")
        #expect(PlatformEventKind.itemAnswered(.complied).rawValue == "item_complied")
        #expect(BlockEventKind.reviewed(.lift, approve: false).rawValue == "lift_rejected")
    }
}
