import FluentKit
import SQLKit

// Monitoring's re-checks: one row per order item the platform said it took
// down and per blocked site, with what the last visit saw and when the
// next is due. Never edited once landed.
struct CreateRechecks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rechecks")
            .id()
            // order_item or blocked_site
            .field("kind", .string, .required)
            // "item:<uuid>" or "site:<name>": one row per thing re-checked.
            .field("target_key", .string, .required)
            .field("url", .string, .required)
            .field("platform", .string, .required)
            .field("order_item_id", .uuid)
            .field("block_entry_id", .uuid)
            // The case its reappearance is written on (nil for a block no case asked for).
            .field("case_id", .uuid)
            .field("subject_key", .string, .required)
            // down, online or unknown: the last conclusive state, and since when.
            .field("state", .string, .required)
            .field("state_since", .datetime)
            .field("checks", .int, .required)
            .field("reappearances", .int, .required)
            .field("consecutive_failures", .int, .required)
            .field("last_checked_at", .datetime)
            .field("last_status", .int)
            .field("last_reason", .string)
            .field("last_error", .string)
            .field("last_reappeared_at", .datetime)
            .field("enrolled_at", .datetime, .required)
            .field("next_check_at", .datetime, .required)
            .unique(on: "target_key")
            .create()
        try await createIndex("rechecks_next_check", on: "rechecks", columns: ["next_check_at"], database)
        try await createIndex("rechecks_order_item", on: "rechecks", columns: ["order_item_id"], database)
        try await createIndex("rechecks_last_checked", on: "rechecks", columns: ["last_checked_at"], database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rechecks").delete()
    }
}
