import FluentKit
import SQLKit

// Network blocking: block entries (domains, domains with subdomains, IPs),
// apps (named sets of entries blocked and lifted together), proposals and
// their four-eyes review, the allow-list, publication serials with their
// changes, and the history of every entry. Never edited once landed.

struct CreateBlocklist: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("block_apps")
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.schema("block_proposals")
            .id()
            .field("number", .string, .required)
            // block: new entries; lift: normalisation of active entries
            .field("kind", .string, .required)
            // pending → approved | rejected
            .field("state", .string, .required)
            .field("app_id", .uuid)
            .field("reason", .string, .required)
            .field("legal_bases", .string, .required)
            .field("case_ids", .string, .required)
            .field("sanction_id", .uuid)
            .field("conditions", .string)
            .field("effective_at", .datetime, .required)
            .field("until_at", .datetime)
            .field("proposed_by", .uuid, .required)
            .field("proposed_by_email", .string, .required)
            .field("proposed_at", .datetime, .required)
            .field("reviewed_by_email", .string)
            .field("reviewed_at", .datetime)
            .field("review_reason", .string)
            .unique(on: "number")
            .create()
        try await database.schema("block_entries")
            .id()
            // domain | subdomains | ip
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("sort_key", .string, .required)
            .field("action", .string, .required)
            // proposed → scheduled | active → lifted; rejected
            .field("state", .string, .required)
            .field("app_id", .uuid)
            .field("proposal_id", .uuid)
            .field("lift_proposal_id", .uuid)
            .field("reason", .string, .required)
            .field("legal_bases", .string, .required)
            .field("source", .string, .required)
            .field("effective_from", .datetime, .required)
            .field("effective_until", .datetime)
            .field("created_at", .datetime, .required)
            .field("activated_at", .datetime)
            .field("lifted_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        // One live entry per name and kind (lifted and rejected ones stay as
        // history); it also answers "is this name blocked?" by name. The list
        // holds millions of rows, so the other indexes are partial: they
        // cover only the rows that need them.
        try await sql.raw("CREATE UNIQUE INDEX block_entries_live ON block_entries (name, kind) WHERE state IN ('proposed', 'scheduled', 'active')").run()
        try await sql.raw("CREATE INDEX block_entries_app ON block_entries (app_id) WHERE app_id IS NOT NULL").run()
        try await sql.raw("CREATE INDEX block_entries_proposal ON block_entries (proposal_id) WHERE proposal_id IS NOT NULL").run()
        try await sql.raw("CREATE INDEX block_entries_lift ON block_entries (lift_proposal_id) WHERE lift_proposal_id IS NOT NULL").run()
        try await sql.raw("CREATE INDEX block_entries_history ON block_entries (name) WHERE state IN ('lifted', 'rejected')").run()
        try await sql.raw("CREATE INDEX block_entries_scheduled ON block_entries (effective_from) WHERE state = 'scheduled'").run()
        try await sql.raw("CREATE INDEX block_entries_until ON block_entries (effective_until) WHERE effective_until IS NOT NULL").run()
        // The exports read active entries in sort-key order (bytewise on PostgreSQL too).
        let collate = database is any SQLDatabase && (database as! any SQLDatabase).dialect.name == "postgresql" ? " COLLATE \"C\"" : ""
        try await sql.raw("CREATE INDEX block_entries_export ON block_entries (sort_key\(unsafeRaw: collate), id) WHERE state = 'active'").run()
        try await database.schema("allow_entries")
            .id()
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("sort_key", .string, .required)
            .field("reason", .string, .required)
            .field("added_by_email", .string, .required)
            .field("added_at", .datetime, .required)
            .field("removed_at", .datetime)
            .create()
        try await sql.raw("CREATE UNIQUE INDEX allow_entries_live ON allow_entries (kind, name) WHERE removed_at IS NULL").run()
        try await database.schema("blocklist_serials")
            .field("serial", .int64, .identifier(auto: false))
            .field("published_at", .datetime, .required)
            .field("actor", .string, .required)
            .field("note", .string, .required)
            .field("added", .int, .required)
            .field("removed", .int, .required)
            // A bulk import is published without per-name changes: a
            // client older than it reloads the whole list.
            .field("full_reload", .bool, .required)
            .create()
        try await database.schema("blocklist_changes")
            .id()
            .field("serial", .int64, .required)
            .field("op", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("action", .string, .required)
            .field("allow", .bool, .required)
            .create()
        try await createIndex("blocklist_changes_serial", on: "blocklist_changes", columns: ["serial"], database)
        try await database.schema("block_events")
            .id()
            .field("entry_id", .uuid)
            .field("app_id", .uuid)
            .field("proposal_id", .uuid)
            .field("kind", .string, .required)
            .field("actor", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("payload", .string, .required)
            .create()
        try await createIndex("block_events_entry", on: "block_events", columns: ["entry_id"], database)
        try await createIndex("block_events_app", on: "block_events", columns: ["app_id"], database)
        try await createIndex("block_events_proposal", on: "block_events", columns: ["proposal_id"], database)
    }

    func revert(on database: any Database) async throws {
        for table in ["block_events", "blocklist_changes", "blocklist_serials", "allow_entries", "block_entries", "block_proposals", "block_apps"] {
            try await database.schema(table).delete()
        }
    }
}
