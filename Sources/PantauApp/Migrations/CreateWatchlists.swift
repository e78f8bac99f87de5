import FluentKit

// The monitoring's watchlists and their terms (one row a term, in the
// order given). Never edited once landed.
struct CreateWatchlists: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("watchlists")
            .id()
            .field("name", .string, .required)
            .field("category_id", .string, .required)
            .field("threshold", .double, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .create()
        try await database.schema("watch_terms")
            .id()
            .field("watchlist_id", .uuid, .required, .references("watchlists", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("text", .string, .required)
            .field("weight", .double, .required)
            .field("exclusions", .string, .required)
            .create()
        try await createIndex("watch_terms_watchlist", on: "watch_terms", columns: ["watchlist_id", "position"], database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("watch_terms").delete()
        try await database.schema("watchlists").delete()
    }
}
