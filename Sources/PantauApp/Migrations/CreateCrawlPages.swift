import FluentKit
import SQLKit

// The crawler's frontier and what it saw: one row per page address, queued
// until fetched, kept in the database so a restart goes on where it
// stopped. Never edited once landed.
struct CreateCrawlPages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("crawl_pages")
            .id()
            .field("url", .string, .required)
            .field("host", .string, .required)
            .field("depth", .int, .required)
            // watchlist, blocklist or link: why the page is in the frontier
            .field("seed", .string, .required)
            // queued, fetched, failed or skipped
            .field("state", .string, .required)
            .field("http_status", .int)
            .field("final_url", .string)
            // Every hop of the redirects followed, as JSON: [{url, status}].
            .field("redirects", .string, .required)
            .field("content_type", .string)
            .field("title", .string)
            .field("score", .double, .required)
            .field("found", .bool, .required)
            .field("error", .string)
            .field("discovered_from", .string)
            .field("queued_at", .datetime, .required)
            .field("fetched_at", .datetime)
            .unique(on: "url")
            .create()
        try await createIndex("crawl_pages_state_queued", on: "crawl_pages", columns: ["state", "queued_at"], database)
        try await createIndex("crawl_pages_host", on: "crawl_pages", columns: ["host"], database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("crawl_pages").delete()
    }
}
