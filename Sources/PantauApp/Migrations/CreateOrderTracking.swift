import FluentKit
import SQLKit

// Order tracking: per-item deadlines and answers, the platforms' history
// (events of orders, items and sanctions), sanctions, per-platform deadline
// overrides. Never edited once landed.

struct AddOrderItemTracking: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("due_at", .datetime), ("removed_at", .datetime), ("answered_late", .bool), ("answered_by", .string),
        ("still_online_count", .int), ("rechecked_at", .datetime), ("appeal_reference", .string),
    ]

    func prepare(on database: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds one at a time.
        for (name, type) in Self.columns {
            try await database.schema("order_items").field(.definition(name: .key(.string(name)), dataType: type, constraints: [])).update()
        }
        try await createIndex("order_items_status_due", on: "order_items", columns: ["status", "due_at"], database)
    }

    func revert(on database: any Database) async throws {
        for (name, _) in Self.columns { try await database.schema("order_items").deleteField(.string(name)).update() }
    }
}

struct CreatePlatformHistory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // Append-only: every change to an order, an item or a sanction.
        try await database.schema("platform_events")
            .id()
            .field("platform_id", .string, .required)
            .field("order_id", .uuid)
            .field("item_id", .uuid)
            .field("sanction_id", .uuid)
            .field("kind", .string, .required)
            .field("actor", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("payload", .string, .required)
            .create()
        try await createIndex("platform_events_platform", on: "platform_events", columns: ["platform_id", "occurred_at"], database)
        try await createIndex("platform_events_order", on: "platform_events", columns: ["order_id"], database)
        try await database.schema("sanctions")
            .id()
            .field("number", .string, .required)
            .field("platform_id", .string, .required)
            .field("level", .string, .required)
            // proposed → issued (approved by a second supervisor) | rejected
            .field("state", .string, .required)
            .field("reason", .string, .required)
            .field("item_ids", .string, .required)
            .field("fine_amount", .int64)
            .field("proposed_by", .uuid, .required)
            .field("proposed_by_email", .string, .required)
            .field("proposed_at", .datetime, .required)
            .field("reviewed_by_email", .string)
            .field("reviewed_at", .datetime)
            .field("review_reason", .string)
            .unique(on: "number")
            .create()
        try await createIndex("sanctions_platform", on: "sanctions", columns: ["platform_id", "proposed_at"], database)
        try await database.schema("platform_deadlines")
            .field("id", .string, .identifier(auto: false))
            .field("platform_id", .string, .required)
            .field("category_id", .string, .required)
            .field("hours", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["platform_deadlines", "sanctions", "platform_events"] { try await database.schema(table).delete() }
    }
}

/// Which channel an attempt used: webhook, email (SMTP), or manual (queued
/// for staff to send by hand, then marked sent).
struct AddDeliveryChannel: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("delivery_attempts").field("channel", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("delivery_attempts").deleteField("channel").update()
    }
}
