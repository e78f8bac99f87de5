import FluentKit
import Foundation
import PantauCore

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "role") var role: String
    @OptionalField(key: "platform_id") var platformID: String?
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @Field(key: "disabled") var disabled: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "address") var address: String

    init() {}
}

final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "token_prefix") var tokenPrefix: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

final class LoginFailureModel: Model, @unchecked Sendable {
    static let schema = "login_failures"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "address") var address: String
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}
}

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "actor") var actor: String
    @Field(key: "kind") var kind: String
    @Field(key: "target") var target: String
    @Field(key: "address") var address: String
    @Field(key: "payload") var payload: String

    init() {}
}

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
