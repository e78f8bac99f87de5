import FluentKit
import Foundation
import PantauCore

final class CategoryModel: Model, @unchecked Sendable {
    static let schema = "categories"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name_id") var nameID: String
    @Field(key: "name_en") var nameEN: String
    @Field(key: "severity") var severity: Int
    @Field(key: "deadline_hours") var deadlineHours: Int
    @Field(key: "legal_basis") var legalBasis: String
    @Field(key: "position") var position: Int
    @Field(key: "active") var active: Bool

    init() {}
    init(_ c: ContentCategory, position: Int) {
        id = c.slug
        nameID = c.nameID
        nameEN = c.nameEN
        severity = c.severity
        deadlineHours = c.deadlineHours
        legalBasis = c.legalBasis
        self.position = position
        active = true
    }

    var domain: ContentCategory {
        ContentCategory(slug: id ?? "", nameID: nameID, nameEN: nameEN, severity: severity, deadlineHours: deadlineHours, legalBasis: legalBasis)
    }
}

final class PlatformModel: Model, @unchecked Sendable {
    static let schema = "platforms"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @OptionalField(key: "official_handle") var officialHandle: String?
    @Field(key: "position") var position: Int

    init() {}
    init(id: String, name: String, officialHandle: String?, position: Int) {
        self.id = id
        self.name = name
        self.officialHandle = officialHandle
        self.position = position
    }
}

/// Case status. Only `new` exists at intake; later stages add the rest.
enum CaseStatus: String, Codable, Sendable {
    case new
}

final class CaseModel: Model, @unchecked Sendable {
    static let schema = "cases"
    @ID(key: .id) var id: UUID?
    @Field(key: "subject_key") var subjectKey: String
    @Field(key: "subject_platform") var subjectPlatform: String
    @Field(key: "subject_kind") var subjectKind: String
    @Field(key: "subject_id") var subjectID: String
    @Field(key: "subject_url") var subjectURL: String
    @OptionalField(key: "open_key") var openKey: String?
    @Field(key: "status") var status: String
    @Field(key: "category_id") var categoryID: String
    @Field(key: "report_count") var reportCount: Int
    @Field(key: "first_report_at") var firstReportAt: Date
    @Field(key: "last_report_at") var lastReportAt: Date
    @Field(key: "priority") var priority: Double
    @Field(key: "event_count") var eventCount: Int
    @Field(key: "last_event_hash") var lastEventHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

final class ReportModel: Model, @unchecked Sendable {
    static let schema = "reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "ticket") var ticket: String
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "channel") var channel: String
    @Field(key: "subject_key") var subjectKey: String
    @Field(key: "target") var target: String
    @Field(key: "claimed_category") var claimedCategory: String
    @Field(key: "description") var description: String
    @OptionalField(key: "reporter_contact") var reporterContact: String?
    @OptionalField(key: "source_ref") var sourceRef: String?
    @Field(key: "received_at") var receivedAt: Date
    init() {}
}

final class CaseEventModel: Model, @unchecked Sendable {
    static let schema = "case_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "sequence") var sequence: Int
    @Field(key: "kind") var kind: String
    @Field(key: "actor") var actor: String
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "occurred_at_ms") var occurredAtMillis: Int64
    @Field(key: "payload") var payload: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String
    init() {}
}

final class ReportEvidenceModel: Model, @unchecked Sendable {
    static let schema = "report_evidence"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "media_type") var mediaType: String
    @Field(key: "size") var size: Int64
    init() {}
}

final class MentionModel: Model, @unchecked Sendable {
    static let schema = "mentions"
    @ID(key: .id) var id: UUID?
    @Field(key: "platform") var platform: String
    @Field(key: "mention_id") var mentionID: String
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "report_count") var reportCount: Int
    init() {}
}
