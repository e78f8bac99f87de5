import Foundation
import PantauCore
import Testing

@Suite struct RecheckRulesTests {
    static let video = "https://www.tiktok.com/@x/video/7301234567890123456"

    @Test(arguments: [
        // (kind, status, final URL, text, reaches a watchlist, unresolvable) → state, reason
        (RecheckKind.orderItem, 404, video, "", false, false, RecheckState.down, RecheckReason.gone),
        (.orderItem, 410, video, "", false, false, .down, .gone),
        (.orderItem, 451, video, "", false, false, .down, .gone),
        (.orderItem, 200, video, "TikTok · Video currently unavailable", false, false, .down, .removalNotice),
        (.orderItem, 200, video, "Maaf, halaman ini tidak tersedia.", false, false, .down, .removalNotice),
        (.orderItem, 200, "https://www.tiktok.com/", "Beranda TikTok", false, false, .down, .redirectedHome),
        (.orderItem, 200, "https://www.tiktok.com/login?redirect=x", "Masuk", false, false, .unknown, .signInRequired),
        (.orderItem, 200, video, "Video lucu kucing menari", false, false, .online, .contentOnline),
        (.orderItem, 500, video, "", false, false, .unknown, .otherStatus),
        (.orderItem, 403, video, "", false, false, .unknown, .otherStatus),
        (.blockedSite, 200, "https://judi.example/", "slot gacor deposit pulsa", true, false, .online, .negativeContent),
        (.blockedSite, 200, "https://judi.example/", "This domain is for sale", false, false, .down, .nothingNegative),
        (.blockedSite, 404, "https://judi.example/", "", false, false, .down, .gone),
        (.blockedSite, 503, "https://judi.example/", "", false, false, .unknown, .otherStatus),
    ] as [(RecheckKind, Int, String, String, Bool, Bool, RecheckState, RecheckReason)])
    func oneVisitConcludesAStateAndSaysWhy(kind: RecheckKind, status: Int, final: String, text: String, reaches: Bool, unresolvable: Bool,
                                           state: RecheckState, reason: RecheckReason) {
        let requested = kind == .orderItem ? Self.video : "https://judi.example/"
        let seen = RecheckObservation(status: status, requestedURL: requested, finalURL: final, unresolvable: unresolvable, text: text, reachesWatchlist: reaches)
        let concluded = RecheckRules.conclude(kind, seen)
        #expect(concluded.state == state && concluded.reason == reason, "\(kind) \(status) \(final) → \(concluded)")
    }

    @Test func noAnswerIsNotConclusiveAndANameGoneTwiceIsDown() {
        let none = RecheckObservation(status: nil, requestedURL: Self.video, finalURL: Self.video)
        #expect(RecheckRules.conclude(.orderItem, none) == (.unknown, .noAnswer))
        let gone = RecheckObservation(status: nil, requestedURL: "https://judi.example/", finalURL: "https://judi.example/", unresolvable: true)
        // One failed lookup may be the resolver's blip; the second in a row is the name gone.
        #expect(RecheckRules.conclude(.blockedSite, gone) == (.unknown, .unresolvable))
        #expect(RecheckRules.conclude(.blockedSite, gone, lastReason: .negativeContent) == (.unknown, .unresolvable))
        #expect(RecheckRules.conclude(.blockedSite, gone, lastReason: .unresolvable) == (.down, .unresolvable))
        #expect(RecheckRules.conclude(.orderItem, gone, lastReason: .unresolvable) == (.down, .unresolvable))
    }

    @Test func anAnswerThatIsNotAPageTellsNothing() {
        let image = RecheckObservation(status: 200, requestedURL: Self.video, finalURL: Self.video, isPage: false)
        #expect(RecheckRules.conclude(.orderItem, image) == (.unknown, .notAPage), "not `online`: nothing was read")
        #expect(RecheckRules.conclude(.blockedSite, image) == (.unknown, .notAPage), "not `down`: nothing was read")
    }

    @Test func onlyDownThenOnlineIsAReappearance() {
        #expect(RecheckRules.isReappearance(from: .down, to: .online))
        for (from, to) in [(RecheckState.unknown, RecheckState.online), (.online, .online), (.down, .down), (.down, .unknown), (.online, .down)] {
            #expect(!RecheckRules.isReappearance(from: from, to: to), "\(from) → \(to)")
        }
        #expect(RecheckRules.initialState(.orderItem) == .down, "the platform said it took the item down")
        #expect(RecheckRules.initialState(.blockedSite) == .unknown, "a blocked site's first visit is its baseline")
    }

    @Test func theQueueFilterForReappearedCasesIncludesDecidedOnes() throws {
        let filter = try QueueFilter.parse([("reappeared", "1")], categories: []).get()
        #expect(filter.reappeared && filter.effectiveStatuses == CaseStatus.allCases, "decided cases are the point")
        #expect(filter.parameters.contains { $0 == ("reappeared", "1") })
        let chosen = try QueueFilter.parse([("reappeared", "1"), ("status", "decided")], categories: []).get()
        #expect(chosen.effectiveStatuses == [.decided])
        guard case .failure(let error) = QueueFilter.parse([("reappeared", "ya")], categories: []) else {
            Issue.record("a value other than 0 or 1 is refused")
            return
        }
        #expect(error.parameter == "reappeared")
    }

    @Test func aPlatformsNewerAnswerMakesAnItemDownAgain() {
        let seen = Date(timeIntervalSince1970: 1_000_000)
        #expect(RecheckRules.previousState(kind: .orderItem, recorded: .online, recordedSince: seen, platformAnsweredAt: seen.addingTimeInterval(60)) == .down)
        #expect(RecheckRules.previousState(kind: .orderItem, recorded: .online, recordedSince: seen, platformAnsweredAt: seen.addingTimeInterval(-60)) == .online)
        #expect(RecheckRules.previousState(kind: .blockedSite, recorded: .online, recordedSince: seen, platformAnsweredAt: seen.addingTimeInterval(60)) == .online)
    }
}
