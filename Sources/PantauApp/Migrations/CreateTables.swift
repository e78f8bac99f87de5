import FluentKit
import PantauCore
import SQLKit

/// Fluent's schema builder has no indexes; SQLKit's CREATE INDEX is the same
/// on SQLite and PostgreSQL.
func createIndex(_ name: String, on table: String, columns: [String], _ database: any Database) async throws {
    var builder = (database as! any SQLDatabase).create(index: name).on(table)
    for column in columns { builder = builder.column(column) }
    try await builder.run()
}

// Migrations are never edited once landed: a fix is a new migration.

struct CreateCategories: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("categories")
            .field("id", .string, .identifier(auto: false))
            .field("name_id", .string, .required)
            .field("name_en", .string, .required)
            .field("severity", .int, .required)
            .field("deadline_hours", .int, .required)
            .field("legal_basis", .string, .required)
            .field("position", .int, .required)
            .field("active", .bool, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("categories").delete() }
}

struct CreatePlatforms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("platforms")
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("official_handle", .string)
            .field("position", .int, .required)
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("platforms").delete() }
}

struct CreateCases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("cases")
            .id()
            .field("subject_key", .string, .required)
            .field("subject_platform", .string, .required)
            .field("subject_kind", .string, .required)
            .field("subject_id", .string, .required)
            .field("subject_url", .string, .required)
            // The subject key while the case is open, NULL once closed: the
            // unique constraint is what makes "one open case per subject" hold
            // across concurrent writers and processes.
            .field("open_key", .string)
            .field("status", .string, .required)
            .field("category_id", .string, .required)
            .field("report_count", .int, .required)
            .field("first_report_at", .datetime, .required)
            .field("last_report_at", .datetime, .required)
            .field("priority", .double, .required)
            .field("event_count", .int, .required)
            .field("last_event_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "open_key")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("cases").delete() }
}

struct CreateReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("reports")
            .id()
            .field("ticket", .string, .required)
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("channel", .string, .required)
            .field("subject_key", .string, .required)
            .field("target", .string, .required)
            .field("claimed_category", .string, .required)
            .field("description", .string, .required)
            // AES-GCM sealed box (base64) of the reporter's contact, or NULL.
            .field("reporter_contact", .string)
            // Where the report came from on its channel (e.g. the mention id).
            .field("source_ref", .string)
            .field("received_at", .datetime, .required)
            .unique(on: "ticket")
            .create()
        try await createIndex("reports_case_id", on: "reports", columns: ["case_id"], database)
        try await createIndex("reports_received_at", on: "reports", columns: ["received_at"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("reports").delete() }
}

struct CreateCaseEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("case_events")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("sequence", .int, .required)
            .field("kind", .string, .required)
            .field("actor", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("occurred_at_ms", .int64, .required)
            .field("payload", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "case_id", "sequence")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("case_events").delete() }
}

struct CreateReportEvidence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("report_evidence")
            .id()
            .field("report_id", .uuid, .required, .references("reports", "id"))
            .field("sha256", .string, .required)
            .field("media_type", .string, .required)
            .field("size", .int64, .required)
            .create()
        try await createIndex("report_evidence_report_id", on: "report_evidence", columns: ["report_id"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("report_evidence").delete() }
}

struct CreateIdempotencyKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .id()
            .field("scope", .string, .required)
            .field("key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("result", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "scope", "key")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("idempotency_keys").delete() }
}

struct CreateMentions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mentions")
            .id()
            .field("platform", .string, .required)
            .field("mention_id", .string, .required)
            .field("text", .string, .required)
            .field("mentioned_at", .datetime)
            .field("received_at", .datetime, .required)
            .field("outcome", .string, .required)
            .field("reason", .string)
            .field("report_count", .int, .required)
            .unique(on: "platform", "mention_id")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("mentions").delete() }
}

/// Seeds the category list and the platforms (data an admin may edit later).
struct SeedCategoriesAndPlatforms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for (position, c) in CategoryCatalog.defaults.enumerated() {
            try await CategoryModel(c, position: position).create(on: database)
        }
        for (position, p) in Platform.allCases.enumerated() {
            try await PlatformModel(id: p.rawValue, name: p.displayName,
                                    officialHandle: AppConfiguration.defaultOfficialHandles[p], position: position).create(on: database)
        }
    }
    func revert(on database: any Database) async throws {
        try await PlatformModel.query(on: database).delete()
        try await CategoryModel.query(on: database).delete()
    }
}
