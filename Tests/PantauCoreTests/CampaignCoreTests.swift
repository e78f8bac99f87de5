import Foundation
import Testing
@testable import PantauCore

@Suite struct CampaignCoreTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func oneMessageMustFitTheStrictestActivePlatform() {
        let x = String(repeating: "a", count: 281)
        let input = CampaignInput(title: "Pekan Anti-Hoaks", message: x, mediaURLs: [], scheduledAt: now)
        #expect(input.problem(now: now, platforms: [.tiktok, .youtube]) == nil, "281 characters fit TikTok and YouTube")
        let problem = input.problem(now: now, platforms: [.tiktok, .x])
        #expect(problem?.field == "message" && problem?.en.contains("X (Twitter) takes at most 280") == true)
        #expect(CampaignInput(title: "T", message: String(repeating: "a", count: 280), mediaURLs: [], scheduledAt: now).problem(now: now, platforms: [.x]) == nil)
    }

    @Test func badCampaignsNameTheirField() {
        func field(_ input: CampaignInput) -> String? { input.problem(now: now, platforms: [.tiktok])?.field }
        #expect(field(CampaignInput(title: "  ", message: "m", mediaURLs: [], scheduledAt: now)) == "title")
        #expect(field(CampaignInput(title: String(repeating: "t", count: 201), message: "m", mediaURLs: [], scheduledAt: now)) == "title")
        #expect(field(CampaignInput(title: "t", message: "\n", mediaURLs: [], scheduledAt: now)) == "message")
        #expect(field(CampaignInput(title: "t", message: "m", mediaURLs: ["javascript:alert(1)"], scheduledAt: now)) == "media_urls")
        #expect(field(CampaignInput(title: "t", message: "m", mediaURLs: Array(repeating: "https://a.example/x.png", count: 5), scheduledAt: now)) == "media_urls")
        #expect(field(CampaignInput(title: "t", message: "m", mediaURLs: [], scheduledAt: now, lateAfterMinutes: -1)) == "late_after_minutes")
        #expect(field(CampaignInput(title: "t", message: "m", mediaURLs: [], scheduledAt: now.addingTimeInterval(-301))) == "scheduled_at")
        #expect(field(CampaignInput(title: "t", message: "m", mediaURLs: [" https://a.example/x.png ", ""], scheduledAt: now.addingTimeInterval(-60))) == nil,
                "a minute of clock skew is fine; blank media lines are dropped")
    }

    @Test func flagsMeasureEachPostAgainstTheScheduleAndTolerance() {
        let scheduled = now
        func flag(_ status: CampaignPostStatus, published minutes: Double? = nil, at nowMinutes: Double = 0) -> CampaignFlag {
            CampaignFairness.flag(status: status, publishedAt: minutes.map { scheduled.addingTimeInterval($0 * 60) }, scheduledAt: scheduled,
                                  lateAfterMinutes: 30, now: scheduled.addingTimeInterval(nowMinutes * 60))
        }
        #expect(flag(.published, published: 30) == .onTime)
        #expect(flag(.published, published: 30.5) == .late)
        #expect(flag(.queued, at: 29) == .waiting && flag(.manual, at: 31) == .overdue && flag(.scheduled, at: -600) == .waiting)
        #expect(flag(.failed) == .leftOut && flag(.skipped) == .notApplicable && flag(.cancelled) == .notApplicable)
        #expect(CampaignFairness.isFair([.onTime, .notApplicable]))
        #expect(!CampaignFairness.isFair([.onTime, .waiting]) && !CampaignFairness.isFair([.onTime, .late]) && !CampaignFairness.isFair([.leftOut]))
        #expect(CampaignFairness.delayMinutes(scheduledAt: scheduled, publishedAt: scheduled.addingTimeInterval(125)) == 2)
    }

    @Test func inboxMentionsAreSortedIntoQuestionsThanksAndTheRest() {
        #expect(MentionKind.classify("@kemkominfo bagaimana cara melapor akun penipu") == .question)
        #expect(MentionKind.classify("@kemkominfo terima kasih, ini sudah hilang?") == .question, "a question mark wins")
        #expect(MentionKind.classify("Terima kasih @kemkominfo!") == .thanks)
        #expect(MentionKind.classify("@kemkominfo makasih min") == .thanks)
        #expect(MentionKind.classify("selamat pagi @kemkominfo") == .other)
        #expect(MentionKind.classify("thanksgiving sale") == .other, "whole words only")
    }

    @Test func repliesNeedTextAndAnHTTPLink() {
        #expect(MentionReplyInput(handling: .answered, text: " ", replyURL: nil).problem?.field == "text")
        #expect(MentionReplyInput(handling: .closed, text: "", replyURL: nil).problem?.en.contains("why no reply") == true)
        #expect(MentionReplyInput(handling: .answered, text: "Baik", replyURL: "ftp://x").problem?.field == "reply_url")
        #expect(MentionReplyInput(handling: .answered, text: "Baik", replyURL: "  ").problem == nil, "a blank link is no link")
        #expect(MentionReplyInput(handling: .answered, text: String(repeating: "a", count: 2_001), replyURL: nil).problem?.field == "text")
    }
}
