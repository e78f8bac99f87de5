import FluentKit
import Foundation
import SQLKit

// Campaigns of the comms office, their posts per official account, the
// accounts' publishing connectors, the outbox carrying campaign posts beside
// takedown orders, and the comms inbox of mentions that report nothing.
// Never edited once landed.

struct CreateCampaigns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("campaigns")
            .id()
            .field("title", .string, .required)
            .field("message", .string, .required)
            // One address a line.
            .field("media_urls", .string, .required)
            .field("scheduled_at", .datetime, .required)
            .field("late_after_minutes", .int, .required)
            // scheduled → released (posts in the outbox) | cancelled
            .field("status", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("released_at", .datetime)
            .field("cancelled_at", .datetime)
            .create()
        try await createIndex("campaigns_due", on: "campaigns", columns: ["status", "scheduled_at"], database)
        try await createIndex("campaigns_scheduled", on: "campaigns", columns: ["scheduled_at"], database)
        try await database.schema("campaign_posts")
            .id()
            .field("campaign_id", .uuid, .required, .references("campaigns", "id"))
            .field("account_id", .uuid, .required, .references("official_accounts", "id"))
            .field("platform", .string, .required)
            .field("status", .string, .required)
            .field("connector", .string)
            .field("published_at", .datetime)
            .field("post_url", .string)
            .field("external_id", .string)
            .field("last_error", .string)
            .field("recorded_by", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "campaign_id", "account_id")
            .create()
        // The publishing connector of each account: its name (the built-in
        // one is `webhook`) and, for the webhook, where and with what secret.
        for column in ["connector", "publish_webhook_url", "publish_webhook_secret"] {
            try await database.schema("official_accounts").field(.definition(name: .key(.string(column)), dataType: .string, constraints: [])).update()
        }
        try await allowCampaignPostsInOutbox(database)
        try await database.schema("mention_replies")
            .id()
            .field("mention_id", .uuid, .required, .references("mentions", "id"))
            .field("handling", .string, .required)
            .field("text", .string, .required)
            .field("reply_url", .string)
            .field("actor", .string, .required)
            .field("handled_at", .datetime, .required)
            .unique(on: "mention_id")
            .create()
        try await createIndex("mentions_inbox", on: "mentions", columns: ["outcome", "received_at"], database)
    }

    /// The outbox's `order_id` becomes optional and a message may carry a
    /// campaign post instead. PostgreSQL alters the column; SQLite cannot,
    /// so the table is rebuilt the way SQLite documents (foreign keys off on
    /// one connection, copy, drop, rename, indexes again).
    private func allowCampaignPostsInOutbox(_ database: any Database) async throws {
        let sql = database as! any SQLDatabase
        guard sql.dialect.name == "sqlite" else {
            try await sql.raw("ALTER TABLE outbox ALTER COLUMN order_id DROP NOT NULL").run()
            try await sql.raw("ALTER TABLE outbox ADD COLUMN campaign_post_id UUID REFERENCES campaign_posts (id)").run()
            return
        }
        let columns = "id, order_id, platform_id, idempotency_key, body, status, attempts, created_at, next_attempt_at, lease_until, leased_by, last_error, delivered_at"
        try await database.withConnection { connection in
            let db = connection as! any SQLDatabase
            try await db.raw("PRAGMA foreign_keys = OFF").run()
            do {
                try await connection.transaction { transaction in
                    let t = transaction as! any SQLDatabase
                    try await t.raw("""
                        CREATE TABLE "outbox_rebuilt" ("id" UUID PRIMARY KEY,
                        "order_id" UUID REFERENCES "orders" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
                        "platform_id" TEXT NOT NULL, "idempotency_key" TEXT NOT NULL, "body" TEXT NOT NULL, "status" TEXT NOT NULL,
                        "attempts" INTEGER NOT NULL, "created_at" REAL NOT NULL, "next_attempt_at" REAL NOT NULL, "lease_until" REAL,
                        "leased_by" TEXT, "last_error" TEXT, "delivered_at" REAL,
                        "campaign_post_id" UUID REFERENCES "campaign_posts" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
                        CONSTRAINT "uq:outbox.idempotency_key" UNIQUE ("idempotency_key"))
                        """).run()
                    try await t.raw("INSERT INTO outbox_rebuilt (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM outbox").run()
                    try await t.raw("DROP TABLE outbox").run()
                    try await t.raw("ALTER TABLE outbox_rebuilt RENAME TO outbox").run()
                    try await t.raw(#"CREATE INDEX "outbox_due" ON "outbox" ("status", "next_attempt_at")"#).run()
                    let broken = try await t.raw("PRAGMA foreign_key_check").all()
                    guard broken.isEmpty else { throw MigrationProblem(message: "outbox rebuild left \(broken.count) broken references") }
                }
            } catch {
                try? await db.raw("PRAGMA foreign_keys = ON").run()
                throw error
            }
            try await db.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mention_replies").delete()
        let sql = database as! any SQLDatabase
        try await sql.raw("DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE campaign_post_id IS NOT NULL)").run()
        try await sql.raw("DELETE FROM outbox WHERE campaign_post_id IS NOT NULL").run()
        try await database.schema("outbox").deleteField("campaign_post_id").update()
        for column in ["connector", "publish_webhook_url", "publish_webhook_secret"] {
            try await database.schema("official_accounts").deleteField(.string(column)).update()
        }
        try await database.schema("campaign_posts").delete()
        try await database.schema("campaigns").delete()
    }
}

struct MigrationProblem: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
