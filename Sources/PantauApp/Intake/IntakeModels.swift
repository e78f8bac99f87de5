import FluentKit
import Foundation
import PantauCore

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

final class ReportEvidenceModel: Model, @unchecked Sendable {
    static let schema = "report_evidence"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "media_type") var mediaType: String
    @Field(key: "size") var size: Int64
    init() {}
}
