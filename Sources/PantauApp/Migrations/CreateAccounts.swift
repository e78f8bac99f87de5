import FluentKit
import SQLKit

// Accounts, sessions, API tokens, sign-in failures and the audit log.
// Migrations are never edited once landed: a fix is a new migration.

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("platform_id", .string, .references("platforms", "id"))
            .field("password_hash", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("disabled", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "email")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("users").delete() }
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // The id is the SHA-256 of the cookie's token: a copy of the table
        // does not let anyone sign in.
        try await database.schema("sessions")
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("address", .string, .required)
            .create()
        try await createIndex("sessions_user_id", on: "sessions", columns: ["user_id"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("sessions").delete() }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("token_prefix", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("api_tokens").delete() }
}

struct CreateLoginFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_failures")
            .id()
            .field("email", .string, .required)
            .field("address", .string, .required)
            .field("occurred_at", .datetime, .required)
            .create()
        try await createIndex("login_failures_email", on: "login_failures", columns: ["email", "occurred_at"], database)
        try await createIndex("login_failures_address", on: "login_failures", columns: ["address", "occurred_at"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("login_failures").delete() }
}

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor", .string, .required)
            .field("kind", .string, .required)
            .field("target", .string, .required)
            .field("address", .string, .required)
            .field("payload", .string, .required)
            .create()
        try await createIndex("audit_events_occurred_at", on: "audit_events", columns: ["occurred_at"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("audit_events").delete() }
}
