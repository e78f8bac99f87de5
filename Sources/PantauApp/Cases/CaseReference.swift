import FluentKit
import Foundation
import PantauCore

/// How people name a case: a ticket number (`ADU-…`), the case's id, or
/// the address of the content (its latest case).
enum CaseReference {
    /// The case a reference names, or nil when none does.
    static func resolve(_ reference: String, database: PantauDatabase) async throws -> UUID? {
        let text = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2048 else { return nil }
        if TicketNumber.isWellFormed(text.uppercased()) {
            return try await ReportModel.query(on: database.db).filter(\.$ticket == text.uppercased()).first()?.caseID
        }
        if let id = UUIDText.parse(text) {
            return try await CaseModel.find(id, on: database.db) != nil ? id : nil
        }
        guard let subject = try? SubjectCanonicalizer.canonicalize(text) else { return nil }
        return try await CaseModel.query(on: database.db).filter(\.$subjectKey == subject.key).sort(\.$createdAt, .descending).first()?.id
    }
}
