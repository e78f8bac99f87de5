import FluentKit
import SQLKit

// Takedown orders: platform delivery settings, orders and their items, the
// transactional outbox, delivery attempts, per-day order numbers.
// Never edited once landed.

struct AddPlatformDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds one at a time.
        for column in ["webhook_url", "webhook_secret", "liaison_name", "liaison_email"] {
            try await database.schema("platforms").field(.definition(name: .key(.string(column)), dataType: .string, constraints: [])).update()
        }
    }
    func revert(on database: any Database) async throws {
        for column in ["webhook_url", "webhook_secret", "liaison_name", "liaison_email"] {
            try await database.schema("platforms").deleteField(.string(column)).update()
        }
    }
}

struct CreateOrders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("order_sequences")
            .field("day", .string, .identifier(auto: false))
            .field("last", .int, .required)
            .create()
        try await database.schema("orders")
            .id()
            .field("number", .string, .required)
            .field("platform_id", .string, .required)
            .field("urgent", .bool, .required)
            // queued (collecting items) → dispatching (in the outbox) → sent
            // (delivered) → acknowledged; answered/overdue derive from items.
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("batch_closes_at", .datetime, .required)
            .field("dispatched_at", .datetime)
            .field("sent_at", .datetime)
            .field("deadline_at", .datetime)
            .field("acknowledged_at", .datetime)
            .unique(on: "number")
            .create()
        try await createIndex("orders_status_batch", on: "orders", columns: ["status", "batch_closes_at"], database)
        try await createIndex("orders_platform", on: "orders", columns: ["platform_id", "created_at"], database)
        try await database.schema("order_items")
            .id()
            .field("order_id", .uuid, .required, .references("orders", "id"))
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("decision_id", .uuid, .required)
            .field("subject_key", .string, .required)
            .field("subject_url", .string, .required)
            .field("category_id", .string, .required)
            .field("legal_bases", .string, .required)
            .field("public_reason", .string, .required)
            // pending, complied, rejected, objected, overdue
            .field("status", .string, .required)
            .field("answered_at", .datetime)
            .field("answer_reason", .string)
            .unique(on: "decision_id")
            .create()
        try await createIndex("order_items_order", on: "order_items", columns: ["order_id"], database)
        try await createIndex("order_items_case", on: "order_items", columns: ["case_id"], database)
        try await database.schema("outbox")
            .id()
            .field("order_id", .uuid, .required, .references("orders", "id"))
            .field("platform_id", .string, .required)
            .field("idempotency_key", .string, .required)
            .field("body", .string, .required)
            // pending, delivered, dead
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("leased_by", .string)
            .field("last_error", .string)
            .field("delivered_at", .datetime)
            .unique(on: "idempotency_key")
            .create()
        try await createIndex("outbox_due", on: "outbox", columns: ["status", "next_attempt_at"], database)
        try await database.schema("delivery_attempts")
            .id()
            .field("outbox_id", .uuid, .required, .references("outbox", "id"))
            .field("attempt", .int, .required)
            .field("worker", .string, .required)
            .field("started_at", .datetime, .required)
            .field("duration_ms", .int, .required)
            .field("http_status", .int)
            .field("error", .string)
            .create()
        try await createIndex("delivery_attempts_outbox", on: "delivery_attempts", columns: ["outbox_id"], database)
    }
    func revert(on database: any Database) async throws {
        for table in ["delivery_attempts", "outbox", "order_items", "orders", "order_sequences"] {
            try await database.schema(table).delete()
        }
    }
}
