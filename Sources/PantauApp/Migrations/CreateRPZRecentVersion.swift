import FluentKit
import SQLKit

// The recent zone of the two-zone RPZ as last served, kept so that a
// restarted DNS primary serves it at once and still answers IXFR with
// increments (a secondary given the whole zone in answer to IXFR —
// PowerDNS Recursor 4.8 — keeps the records the new version lacks):
// its serial, its records, and the increments that led to it (the last
// 64). Never edited once landed.
struct CreateRPZRecentVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rpz_recent_version")
            .field("id", .int, .identifier(auto: false))
            .field("serial", .int64, .required)
            .field("saved_at", .datetime, .required)
            .create()
        try await database.schema("rpz_recent_records")
            .field("name", .string, .required)
            .field("wildcard", .bool, .required)
            .field("target", .string, .required)
            .unique(on: "name", "wildcard")
            .create()
        try await database.schema("rpz_recent_journal")
            .field("position", .int64, .identifier(auto: false))
            .field("from_serial", .int64, .required)
            .field("to_serial", .int64, .required)
            // One record per line: `*` or `-` (a wildcard or not), the owner, the target.
            .field("deleted", .string, .required)
            .field("added", .string, .required)
            .create()
        // Recent's records for the same list may differ from what the version before this one served
        // (it widens less): a new generation moves its serial on, so secondaries are sent the change.
        try await (database as! any SQLDatabase).raw("UPDATE rpz_split_state SET generation = generation + 1").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rpz_recent_journal").delete()
        try await database.schema("rpz_recent_records").delete()
        try await database.schema("rpz_recent_version").delete()
    }
}
