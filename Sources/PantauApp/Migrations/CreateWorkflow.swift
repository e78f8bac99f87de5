import FluentKit
import PantauCore
import SQLKit

// The analyst workflow: assignment and appeal columns on cases, queue indexes,
// per-value counts kept by triggers, legal bases, decisions, comments,
// appeals and saved filters. Never edited once landed.

struct AddCaseWorkflowColumns: AsyncMigration {
    /// The active statuses as the partial indexes name them. The queue's
    /// query must use this very text for the indexes to apply (a test checks
    /// it matches `CaseStatus.active`).
    static let activeCondition = "status IN ('new', 'in_review', 'needs_info', 'escalated', 'pending_approval', 'reopened')"

    func prepare(on database: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds one at a time.
        let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("assignee_id", .uuid, []), ("assigned_at", .datetime, []),
            ("high_impact", .bool, [.required, .sql(.default(false))]),
            ("verdict", .string, []), ("decided_at", .datetime, []), ("duplicate_of", .uuid, []),
            // The analyst who decided before an appeal: the appeal goes to someone else.
            ("excluded_reviewer_id", .uuid, []), ("appeal_due_at", .datetime, []),
        ]
        for (name, type, constraints) in columns {
            try await database.schema("cases").field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        // The queue's pages read an index in (priority, id) order and stop
        // after one page: the active cases (partial indexes: the query names
        // the same literal status list), one status, a platform with either;
        // and "mine", related subjects.
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX cases_active_priority ON cases (priority, id) WHERE \(unsafeRaw: Self.activeCondition)").run()
        try await sql.raw("CREATE INDEX cases_platform_active_priority ON cases (subject_platform, priority, id) WHERE \(unsafeRaw: Self.activeCondition)").run()
        try await createIndex("cases_status_priority", on: "cases", columns: ["status", "priority", "id"], database)
        try await createIndex("cases_platform_status_priority", on: "cases", columns: ["subject_platform", "status", "priority", "id"], database)
        try await createIndex("cases_assignee_status", on: "cases", columns: ["assignee_id", "status"], database)
        try await createIndex("cases_subject_key", on: "cases", columns: ["subject_key"], database)
    }
    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in ["cases_active_priority", "cases_platform_active_priority", "cases_status_priority", "cases_platform_status_priority", "cases_assignee_status", "cases_subject_key"] {
            try await sql.drop(index: index).run()
        }
        for column in ["assignee_id", "assigned_at", "high_impact", "verdict", "decided_at", "duplicate_of", "excluded_reviewer_id", "appeal_due_at"] {
            try await database.schema("cases").deleteField(.string(column)).update()
        }
    }
}

/// Cases per (status, platform, category), kept exact by triggers so the
/// queue's counts never scan the cases table. Triggers rather than code: no
/// path that writes cases (intake, workflow, seeding) can forget them.
struct CreateCaseCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("case_counts")
            .field("status", .string, .required)
            .field("subject_platform", .string, .required)
            .field("category_id", .string, .required)
            .field("count", .int64, .required)
            .unique(on: "status", "subject_platform", "category_id")
            .create()
        let sql = database as! any SQLDatabase
        let increment = """
            INSERT INTO case_counts (status, subject_platform, category_id, count) VALUES (NEW.status, NEW.subject_platform, NEW.category_id, 1)
            ON CONFLICT (status, subject_platform, category_id) DO UPDATE SET count = case_counts.count + 1
            """
        let decrement = """
            UPDATE case_counts SET count = count - 1
            WHERE status = OLD.status AND subject_platform = OLD.subject_platform AND category_id = OLD.category_id
            """
        let changed = "OLD.status <> NEW.status OR OLD.category_id <> NEW.category_id OR OLD.subject_platform <> NEW.subject_platform"
        if sql.dialect.name == "sqlite" {
            try await sql.raw("CREATE TRIGGER case_counts_insert AFTER INSERT ON cases BEGIN \(unsafeRaw: increment); END").run()
            try await sql.raw("CREATE TRIGGER case_counts_delete AFTER DELETE ON cases BEGIN \(unsafeRaw: decrement); END").run()
            try await sql.raw("""
                CREATE TRIGGER case_counts_update AFTER UPDATE OF status, category_id, subject_platform ON cases
                WHEN \(unsafeRaw: changed) BEGIN \(unsafeRaw: decrement); \(unsafeRaw: increment); END
                """).run()
        } else {
            try await sql.raw("""
                CREATE FUNCTION pantau_case_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: decrement); END IF;
                  IF TG_OP IN ('UPDATE', 'INSERT') THEN \(unsafeRaw: increment); END IF;
                  RETURN NULL;
                END $$
                """).run()
            try await sql.raw("CREATE TRIGGER case_counts_insert_delete AFTER INSERT OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION pantau_case_counts()").run()
            try await sql.raw("""
                CREATE TRIGGER case_counts_update AFTER UPDATE OF status, category_id, subject_platform ON cases
                FOR EACH ROW WHEN (\(unsafeRaw: changed)) EXECUTE FUNCTION pantau_case_counts()
                """).run()
        }
        // Cases stored before this migration.
        try await sql.raw("""
            INSERT INTO case_counts (status, subject_platform, category_id, count)
            SELECT status, subject_platform, category_id, COUNT(*) FROM cases GROUP BY status, subject_platform, category_id
            """).run()
    }
    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            for trigger in ["case_counts_insert", "case_counts_delete", "case_counts_update"] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER case_counts_insert_delete ON cases").run()
            try await sql.raw("DROP TRIGGER case_counts_update ON cases").run()
            try await sql.raw("DROP FUNCTION pantau_case_counts()").run()
        }
        try await database.schema("case_counts").delete()
    }
}

struct CreateLegalBases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("legal_bases")
            .field("id", .string, .identifier(auto: false))
            .field("title", .string, .required)
            .field("article", .string, .required)
            .field("position", .int, .required)
            .field("active", .bool, .required)
            .create()
        for (position, basis) in LegalBasis.defaults.enumerated() {
            let model = LegalBasisModel()
            model.id = basis.code
            model.title = basis.title
            model.article = basis.article
            model.position = position
            model.active = true
            try await model.create(on: database)
        }
    }
    func revert(on database: any Database) async throws { try await database.schema("legal_bases").delete() }
}

struct CreateDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("decisions")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("verdict", .string, .required)
            .field("category_id", .string, .required)
            // Legal basis codes, comma-separated (codes have no commas).
            .field("legal_bases", .string, .required)
            .field("statement", .string, .required)
            .field("public_reason", .string, .required)
            .field("automated_detection", .bool, .required)
            .field("automated_decision", .bool, .required)
            .field("action", .string, .required)
            .field("needs_approval", .bool, .required)
            // pending (awaiting four eyes), approved, rejected, final (no approval needed)
            .field("state", .string, .required)
            .field("decided_by", .uuid, .required)
            .field("decided_by_email", .string, .required)
            .field("decided_at", .datetime, .required)
            .field("reviewed_by", .uuid)
            .field("reviewed_by_email", .string)
            .field("reviewed_at", .datetime)
            .field("review_reason", .string)
            .create()
        try await createIndex("decisions_case_id", on: "decisions", columns: ["case_id"], database)
        try await createIndex("decisions_state", on: "decisions", columns: ["state", "decided_at"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("decisions").delete() }
}

struct CreateCaseComments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("case_comments")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("author_id", .uuid, .required)
            .field("author_email", .string, .required)
            .field("body", .string, .required)
            .field("pinned", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("case_comments_case_id", on: "case_comments", columns: ["case_id"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("case_comments").delete() }
}

struct CreateAppeals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("appeals")
            .id()
            // Public reference, like a ticket: BDG-YYYYMMDD-XXXXXX.
            .field("reference", .string, .required)
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("decision_id", .uuid)
            // affected_person (web form) or platform_objection (platform API)
            .field("source", .string, .required)
            .field("platform_id", .string)
            .field("reason", .string, .required)
            // AES-GCM sealed contact, like reporters' contacts.
            .field("contact", .string)
            .field("filed_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            // open, upheld (decision stands), overturned
            .field("state", .string, .required)
            .field("resolved_at", .datetime)
            .unique(on: "reference")
            .create()
        try await createIndex("appeals_case_id", on: "appeals", columns: ["case_id"], database)
    }
    func revert(on database: any Database) async throws { try await database.schema("appeals").delete() }
}

struct CreateSavedFilters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("saved_filters")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "name")
            .create()
    }
    func revert(on database: any Database) async throws { try await database.schema("saved_filters").delete() }
}
