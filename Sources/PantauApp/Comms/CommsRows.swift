import Foundation
import PantauCore

// What the comms pages (official accounts, campaigns, the mentions inbox)
// and the campaign API show: plain values read from the database rows, so
// views never hold a Fluent model.

/// One of the regulator's official accounts.
struct OfficialAccountRow: Sendable {
    let id: UUID
    let platform: String
    let handle: String
    let url: String
    let verified: Bool
    let verifiedAt: Date?
    let ownerUnit: String
    let active: Bool
    let createdAt: Date

    init(_ model: OfficialAccountModel) {
        id = model.id!
        platform = model.platform
        handle = model.handle
        url = model.url
        verified = model.verified
        verifiedAt = model.verifiedAt
        ownerUnit = model.ownerUnit
        active = model.active
        createdAt = model.createdAt
    }

    /// "TikTok @kemkominfo".
    var label: String { (Platform(rawValue: platform)?.displayName ?? platform) + " @" + handle }
}

/// An account's figures on one day.
struct AccountSnapshotRow: Sendable {
    let takenAt: Date
    let followers: Int64
    let posts: Int64?
    let likes: Int64?

    init(_ model: AccountSnapshotModel) {
        takenAt = model.takenAt
        followers = model.followers
        posts = model.posts
        likes = model.likes
    }
}

/// A campaign: one message for every active official account.
struct CampaignRow: Sendable {
    let id: UUID
    let title: String
    let message: String
    let mediaURLs: [String]
    let scheduledAt: Date
    let lateAfterMinutes: Int
    let status: CampaignStatus
    let createdAt: Date
    let releasedAt: Date?

    init(_ model: CampaignModel) {
        id = model.id!
        title = model.title
        message = model.message
        mediaURLs = model.mediaURLs
        scheduledAt = model.scheduledAt
        lateAfterMinutes = model.lateAfterMinutes
        status = model.campaignStatus
        createdAt = model.createdAt
        releasedAt = model.releasedAt
    }
}

/// A campaign's post on one account.
struct CampaignPostRow: Sendable {
    let id: UUID
    let platform: String
    let status: CampaignPostStatus
    let publishedAt: Date?
    let postURL: String?
    let lastError: String?

    init(_ model: CampaignPostModel) {
        id = model.id!
        platform = model.platform
        status = model.postStatus
        publishedAt = model.publishedAt
        postURL = model.postURL
        lastError = model.lastError
    }
}

/// How a mention of an official account was answered (or closed).
struct MentionReplyRow: Sendable {
    let handling: MentionHandling
    let text: String
    let replyURL: String?
    let actor: String
    let handledAt: Date

    init(_ model: MentionReplyModel) {
        handling = MentionHandling(rawValue: model.handling) ?? .closed
        text = model.text
        replyURL = model.replyURL
        actor = model.actor
        handledAt = model.handledAt
    }
}
