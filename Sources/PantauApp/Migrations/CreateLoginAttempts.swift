import FluentKit
import SQLKit

// Sign-in attempts counted before the password is checked, one counter per
// throttling scope (`LoginThrottlePolicy`): an atomic upsert per attempt, so
// parallel guesses all see each other. Replaces `login_failures`, which was
// written after the check and so could be raced; failures stay in the audit
// log. Never edited once landed.
struct CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_attempts")
            .field("key", .string, .identifier(auto: false))
            .field("count", .int64, .required)
            .field("window_start_ms", .int64, .required)
            .create()
        try await database.schema("login_failures").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
        try await CreateLoginFailures().prepare(on: database)
    }
}
