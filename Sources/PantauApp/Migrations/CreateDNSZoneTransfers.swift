import FluentKit
import SQLKit

// The last transfer of each DNS secondary, per zone: the blocklist can be
// served as one zone or as a base and a recent zone, and a secondary
// follows each on its own. Replaces `dns_transfers` (one row per
// secondary), whose rows are dropped: a secondary's next transfer, within
// its SOA refresh, writes its row again. Never edited once landed.
struct CreateDNSZoneTransfers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dns_zone_transfers")
            .field("client", .string, .required)
            // The zone's name as configured, without the trailing dot.
            .field("zone", .string, .required)
            .field("key_name", .string)
            .field("serial", .int64, .required)
            // AXFR or IXFR
            .field("kind", .string, .required)
            .field("bytes", .int64, .required)
            .field("transferred_at", .datetime, .required)
            .unique(on: "client", "zone")
            .create()
        try await database.schema("dns_transfers").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dns_zone_transfers").delete()
        try await CreateDNSTransfers().prepare(on: database)
    }
}
