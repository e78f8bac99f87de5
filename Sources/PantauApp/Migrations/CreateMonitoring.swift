import FluentKit
import SQLKit

// What monitoring receives and finds: the posts platforms' connectors send
// (one row per platform and post id, so a post sent twice is kept once),
// the findings a watchlist made on them, the feeds the worker pulls, and
// an on/off switch per watch term. Never edited once landed.
struct CreateMonitoring: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("watch_terms")
            .field(.definition(name: .key("active"), dataType: .bool, constraints: [.required, .sql(.default(true))]))
            .update()

        try await database.schema("monitor_sources")
            .id()
            .field("kind", .string, .required)
            .field("platform", .string, .required)
            .field("name", .string, .required)
            .field("url", .string)
            // Kept as a webhook's signing secret is: used, never shown again.
            .field("token", .string)
            .field("interval_seconds", .int, .required)
            .field("cursor", .string)
            .field("enabled", .bool, .required)
            .field("last_fetch_at", .datetime)
            .field("last_success_at", .datetime)
            .field("last_error", .string)
            .field("consecutive_errors", .int, .required)
            .field("next_fetch_at", .datetime)
            .field("posts_received", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("monitored_posts")
            .id()
            .field("platform", .string, .required)
            .field("post_id", .string, .required)
            .field("source_id", .uuid)
            .field("author", .string)
            .field("text", .string, .required)
            .field("urls", .string, .required)
            .field("media", .string, .required)
            .field("posted_at", .datetime)
            .field("views", .int64)
            .field("likes", .int64)
            .field("received_at", .datetime, .required)
            .field("score", .double, .required)
            .field("found", .bool, .required)
            .unique(on: "platform", "post_id")
            .create()
        try await createIndex("monitored_posts_platform_received", on: "monitored_posts", columns: ["platform", "received_at"], database)
        try await createIndex("monitored_posts_source_received", on: "monitored_posts", columns: ["source_id", "received_at"], database)

        try await database.schema("findings")
            .id()
            // post, page or recheck
            .field("source", .string, .required)
            .field("platform", .string, .required)
            // What was seen: "tiktok:7301…" for a post, the URL for a page.
            .field("source_ref", .string, .required)
            .field("subject_key", .string, .required)
            .field("watchlist_id", .uuid)
            .field("watchlist_name", .string, .required)
            .field("category_id", .string, .required)
            .field("score", .double, .required)
            .field("text", .string, .required)
            // The matches as JSON, offsets in UTF-16 code units of `text`.
            .field("matches", .string, .required)
            .field("found_at", .datetime, .required)
            // reported, reappeared or rate_limited
            .field("outcome", .string, .required)
            // The report it became (its ticket), or the case it reappeared on.
            .field("report_ticket", .string)
            .field("case_id", .uuid)
            // One finding per (post, watchlist): a retried batch adds none.
            .field("finding_key", .string)
            .unique(on: "finding_key")
            .create()
        try await createIndex("findings_subject_found", on: "findings", columns: ["subject_key", "found_at"], database)
        try await createIndex("findings_found", on: "findings", columns: ["found_at"], database)
        try await createIndex("findings_case", on: "findings", columns: ["case_id"], database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("findings").delete()
        try await database.schema("monitored_posts").delete()
        try await database.schema("monitor_sources").delete()
        try await database.schema("watch_terms").deleteField("active").update()
    }
}
