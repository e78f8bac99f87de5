import FluentKit
import SQLKit

// The live-entry index keyed by sort key instead of name: the sort key is a
// function of the name, so it enforces the same "one live entry per name and
// kind", and the exports walk it in order — one index instead of two on a
// ten-million-row table, and a bulk import sorted by sort key appends to it.
// Kinds descend within a name so "with subdomains" comes before "exact", the
// order the RPZ writer needs. IPs get a small index of their own for the IP
// list.
struct ReindexBlockEntries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let collate = sql.dialect.name == "postgresql" ? " COLLATE \"C\"" : ""
        try await sql.raw("DROP INDEX block_entries_live").run()
        try await sql.raw("DROP INDEX block_entries_export").run()
        try await sql.raw(SQLQueryString(Self.liveIndex(collate: collate))).run()
        try await sql.raw(SQLQueryString(Self.ipIndex(collate: collate))).run()
    }

    /// Also built again by a bulk import (`BlocklistImporter`).
    static func liveIndex(collate: String) -> String {
        "CREATE UNIQUE INDEX block_entries_live ON block_entries (sort_key\(collate), kind DESC) WHERE \(BlockEntryModel.liveCondition)"
    }

    static func ipIndex(collate: String) -> String {
        "CREATE INDEX block_entries_ips ON block_entries (sort_key\(collate)) WHERE \(BlockEntryModel.activeIPsCondition)"
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let collate = sql.dialect.name == "postgresql" ? " COLLATE \"C\"" : ""
        try await sql.raw("DROP INDEX block_entries_ips").run()
        try await sql.raw("DROP INDEX block_entries_live").run()
        try await sql.raw("CREATE UNIQUE INDEX block_entries_live ON block_entries (name, kind) WHERE state IN ('proposed', 'scheduled', 'active')").run()
        try await sql.raw("CREATE INDEX block_entries_export ON block_entries (sort_key\(unsafeRaw: collate), id) WHERE state = 'active'").run()
    }
}
