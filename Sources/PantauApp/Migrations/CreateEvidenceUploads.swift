import FluentKit
import SQLKit

// When each evidence file was uploaded, for the janitor that removes files
// no report names after a grace period; and an index to find whether a
// report names a file. Never edited once landed.
struct CreateEvidenceUploads: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("evidence_uploads")
            .field("sha256", .string, .identifier(auto: false))
            .field("uploaded_at_ms", .int64, .required)
            .create()
        try await createIndex("evidence_uploads_uploaded_at", on: "evidence_uploads", columns: ["uploaded_at_ms"], database)
        try await createIndex("report_evidence_sha256", on: "report_evidence", columns: ["sha256"], database)
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX report_evidence_sha256").run()
        try await database.schema("evidence_uploads").delete()
    }
}
