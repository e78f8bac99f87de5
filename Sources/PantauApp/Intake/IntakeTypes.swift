import Foundation
import PantauCore

/// An evidence file already stored on disk, to be linked to a report.
struct StoredEvidence: Sendable, Codable, Equatable {
    let sha256: String
    let mediaType: String
    let size: Int64
}

/// One report ready to be written: everything is decided before the writer
/// sees it, so a batch transaction only stores.
struct ReportDraft: Sendable {
    let id: UUID
    let ticket: String
    let channel: ReportChannel
    let report: ValidatedReport
    let receivedAt: Date
    let sealedContact: String?
    let sourceRef: String?
    let evidence: [StoredEvidence]
}

/// "Store this only once": a scope (e.g. `api:reports`, `mention:tiktok`) and
/// a key. With a fingerprint, a reused key with a different request is refused.
struct IdempotencyClaim: Sendable, Hashable {
    let scope: String
    let key: String
    let fingerprint: String?
}

/// A mention as received from a platform connector (recorded whether or not it
/// named a target).
struct MentionRecordDraft: Sendable {
    let platform: String
    let mentionID: String
    let text: String
    let mentionedAt: Date?
    let outcome: String
    let reason: String?
}

/// What the writer stores in one go: the reports of one request, with its
/// idempotency claim and mention record.
struct IntakeJob: Sendable {
    var drafts: [ReportDraft]
    var idempotency: IdempotencyClaim?
    var mention: MentionRecordDraft?
    /// Stored with the idempotency record (e.g. why a mention was ignored).
    var note: String?
}

/// A report as committed, enough to answer the client.
struct StoredReport: Sendable, Codable, Equatable {
    let ticket: String
    let caseID: UUID
    let caseReportCount: Int
    let subjectKey: String
    let category: String
    let receivedAt: Date
}

/// The durable result of a job; also what an idempotent retry gets back.
struct IntakeRecord: Sendable, Codable, Equatable {
    let reports: [StoredReport]
    let note: String?
}

enum IntakeOutcome: Sendable, Equatable {
    case stored(IntakeRecord)
    /// The same idempotency key was seen before: the original result.
    case replayed(IntakeRecord)
    /// The key was used before for a different request.
    case idempotencyConflict

    var record: IntakeRecord? {
        switch self {
        case .stored(let r), .replayed(let r): r
        case .idempotencyConflict: nil
        }
    }
}

struct IntakeError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension IntakeRecord {
    /// The answer as kept with its idempotency key (times in milliseconds),
    /// so a retry gets the same answer byte for byte.
    func storedText() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func stored(_ text: String) throws -> IntakeRecord {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(IntakeRecord.self, from: Data(text.utf8))
    }
}
