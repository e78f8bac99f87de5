import FluentKit
import SQLKit

// Monitoring's weekly samples for prevalence: one sample per platform, week
// and method (uniform over posts, or weighted by views), its posts, and
// each post's label once an analyst has looked at it. Never edited once landed.
struct CreatePrevalenceSamples: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("samples")
            .id()
            .field("platform", .string, .required)
            // Monday 00:00 WIB of the week sampled.
            .field("week_start", .datetime, .required)
            // uniform or views
            .field("method", .string, .required)
            .field("size", .int, .required)
            // Posts of that week the sample was drawn from.
            .field("population", .int, .required)
            .field("drawn_at", .datetime, .required)
            .unique(on: "platform", "week_start", "method")
            .create()
        try await database.schema("sample_items")
            .id()
            .field("sample_id", .uuid, .required, .references("samples", "id", onDelete: .cascade))
            .field("post_row_id", .uuid, .required)
            .field("position", .int, .required)
            // violating or not_violating; null until labelled
            .field("label", .string)
            .field("category_id", .string)
            .field("labelled_by", .string)
            .field("labelled_at", .datetime)
            .create()
        try await createIndex("sample_items_sample", on: "sample_items", columns: ["sample_id", "position"], database)
        try await createIndex("sample_items_label", on: "sample_items", columns: ["label", "sample_id"], database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sample_items").delete()
        try await database.schema("samples").delete()
    }
}
