import FluentKit
import Foundation
import PantauCore

final class OfficialAccountModel: Model, @unchecked Sendable {
    static let schema = "official_accounts"
    @ID(key: .id) var id: UUID?
    @Field(key: "platform") var platform: String
    @Field(key: "handle") var handle: String
    @Field(key: "url") var url: String
    @Field(key: "verified") var verified: Bool
    @OptionalField(key: "verified_at") var verifiedAt: Date?
    @OptionalField(key: "since") var since: Date?
    @Field(key: "owner_unit") var ownerUnit: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}

    /// The account's public profile address on its platform.
    static func profileURL(_ platform: Platform, _ handle: String) -> String {
        switch platform {
        case .tiktok: "https://www.tiktok.com/@\(handle)"
        case .x: "https://x.com/\(handle)"
        case .facebook: "https://www.facebook.com/\(handle)"
        case .instagram: "https://www.instagram.com/\(handle)/"
        case .youtube: "https://www.youtube.com/@\(handle)"
        case .line: "https://page.line.me/\(handle)"
        case .web: "https://\(handle)/"
        }
    }
}

final class AccountSnapshotModel: Model, @unchecked Sendable {
    static let schema = "account_snapshots"
    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "taken_at") var takenAt: Date
    @Field(key: "followers") var followers: Int64
    @OptionalField(key: "posts") var posts: Int64?
    @OptionalField(key: "likes") var likes: Int64?
    @OptionalField(key: "views") var views: Int64?
    @Field(key: "source") var source: String
    @Field(key: "recorded_by") var recordedBy: String
    init() {}
}

/// An official account's publishing connector: the same `official_accounts`
/// rows, a model of its own so the seed migration's model keeps the columns
/// it was written for.
final class AccountConnectorModel: Model, @unchecked Sendable {
    static let schema = "official_accounts"
    @ID(key: .id) var id: UUID?
    /// The connector's name (nil: the built-in `webhook`).
    @OptionalField(key: "connector") var connector: String?
    @OptionalField(key: "publish_webhook_url") var publishWebhookURL: String?
    @OptionalField(key: "publish_webhook_secret") var publishWebhookSecret: String?
    init() {}

    var isReady: Bool { publishWebhookURL != nil && publishWebhookSecret != nil }
}

final class CampaignModel: Model, @unchecked Sendable {
    static let schema = "campaigns"
    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "message") var message: String
    @Field(key: "media_urls") var mediaURLsText: String
    @Field(key: "scheduled_at") var scheduledAt: Date
    @Field(key: "late_after_minutes") var lateAfterMinutes: Int
    @Field(key: "status") var status: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "released_at") var releasedAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    init() {}

    var campaignStatus: CampaignStatus { CampaignStatus(rawValue: status) ?? .scheduled }

    var mediaURLs: [String] { mediaURLsText.split(separator: "\n").map(String.init) }
}

final class CampaignPostModel: Model, @unchecked Sendable {
    static let schema = "campaign_posts"
    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "platform") var platform: String
    @Field(key: "status") var status: String
    @OptionalField(key: "connector") var connector: String?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalField(key: "post_url") var postURL: String?
    @OptionalField(key: "external_id") var externalID: String?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "recorded_by") var recordedBy: String?
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var postStatus: CampaignPostStatus { CampaignPostStatus(rawValue: status) ?? .scheduled }
}

final class MentionInboxModel: Model, @unchecked Sendable {
    static let schema = "mentions"
    @ID(key: .id) var id: UUID?
    @Field(key: "platform") var platform: String
    @Field(key: "mention_id") var mentionID: String
    @Field(key: "text") var text: String
    @OptionalField(key: "mentioned_at") var mentionedAt: Date?
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "reason") var reason: String?
    init() {}
}

final class MentionReplyModel: Model, @unchecked Sendable {
    static let schema = "mention_replies"
    @ID(key: .id) var id: UUID?
    @Field(key: "mention_id") var mentionID: UUID
    @Field(key: "handling") var handling: String
    @Field(key: "text") var text: String
    @OptionalField(key: "reply_url") var replyURL: String?
    @Field(key: "actor") var actor: String
    @Field(key: "handled_at") var handledAt: Date
    init() {}
}
