import FluentKit
import Foundation

/// The last zone transfer of each DNS secondary (ISP resolver), by its TSIG
/// key name or its address. Never edited once landed.
struct CreateDNSTransfers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dns_transfers")
            .field("client", .string, .identifier(auto: false))
            .field("key_name", .string)
            .field("serial", .int64, .required)
            // AXFR or IXFR
            .field("kind", .string, .required)
            .field("bytes", .int64, .required)
            .field("transferred_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dns_transfers").delete()
    }
}
