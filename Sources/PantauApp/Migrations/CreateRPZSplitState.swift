import FluentKit
import SQLKit

// Where the two-zone RPZ stands: the base served, the base it replaces
// while a compaction is under way, and how many compactions have ended.
// One row (id 1), written when the two-zone mode first starts. Never
// edited once landed.
struct CreateRPZSplitState: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rpz_split_state")
            .field("id", .int, .identifier(auto: false))
            .field("base_serial", .int64, .required)
            // The base being replaced (some secondaries may still hold it); null between compactions.
            .field("retiring_serial", .int64)
            .field("generation", .int64, .required)
            .field("compaction_started_at", .datetime)
            .field("compacted_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rpz_split_state").delete()
    }
}
