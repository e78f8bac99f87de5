import FluentKit
import Foundation
import PantauCore
import SQLKit

/// The regulator's official accounts on each platform and their figures
/// over time. Seeded with the platforms' official handles (TikTok's
/// `kemkominfo`), unverified until comms staff record the verification.
struct CreateOfficialAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("official_accounts")
            .id()
            .field("platform", .string, .required)
            .field("handle", .string, .required)
            .field("url", .string, .required)
            .field("verified", .bool, .required)
            .field("verified_at", .datetime)
            .field("since", .datetime)
            .field("owner_unit", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "platform", "handle")
            .create()
        try await database.schema("account_snapshots")
            .id()
            .field("account_id", .uuid, .required, .references("official_accounts", "id"))
            .field("taken_at", .datetime, .required)
            .field("followers", .int64, .required)
            .field("posts", .int64)
            .field("likes", .int64)
            .field("views", .int64)
            .field("source", .string, .required)
            .field("recorded_by", .string, .required)
            .unique(on: "account_id", "taken_at")
            .create()
        let now = Date()
        for platform in try await PlatformModel.query(on: database).all() {
            guard let id = platform.id, let p = Platform(rawValue: id), p != .web, let handle = platform.officialHandle, !handle.isEmpty else { continue }
            let account = OfficialAccountModel()
            account.id = OrderedID.make(at: now)
            account.platform = id
            account.handle = handle.lowercased()
            account.url = OfficialAccountModel.profileURL(p, handle.lowercased())
            account.verified = false
            account.ownerUnit = "Biro Humas"
            account.active = true
            account.createdAt = now
            try await account.create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("account_snapshots").delete()
        try await database.schema("official_accounts").delete()
    }
}
