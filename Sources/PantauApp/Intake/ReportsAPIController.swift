import Crypto
import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import SQLKit

/// JSON bodies answered by the API.
struct SubjectDTO: Codable {
    let platform: String
    let kind: String
    let id: String
    let key: String

    init(_ s: Subject) {
        platform = s.platform.rawValue
        kind = s.kind.rawValue
        id = s.id
        key = s.key
    }
}

struct CreateReportRequest: Decodable {
    struct Reporter: Decodable {
        let name: String?
        let email: String?
        let phone: String?
    }
    let url: String?
    let handle: String?
    let platform: String?
    let category: String?
    let description: String?
    let reporter: Reporter?
    let evidence: [String]?
}

/// The answer to a new report, written by hand (keys sorted, as
/// `JSONEncoder` would): it is sent thousands of times a second.
struct CreateReportResponse {
    let ticket: String
    let statusURL: String
    let caseID: UUID
    let caseReportCount: Int
    let subject: Subject

    var json: String {
        var object = JSONObjectText()
        object.add("case") { c in
            c.add("id", UUIDText.lower(caseID))
            c.add("report_count", caseReportCount)
        }
        object.add("status_url", statusURL)
        object.add("subject") { s in
            s.add("id", subject.id)
            s.add("key", subject.key)
            s.add("kind", subject.kind.rawValue)
            s.add("platform", subject.platform.rawValue)
        }
        object.add("ticket", ticket)
        return object.finished
    }
}

struct ReportsAPIController: Sendable {
    let intake: IntakeService
    let database: PantauDatabase
    /// The blocklist's names: a ticket follows a block of its site or app.
    let blockNames: BlockNameNormalizer
    let maxBodyBytes: Int
    /// Where links in answers point (`AppConfiguration.publicAddress`).
    let publicAddress: String

    func register(on routes: Routes) {
        routes.post(SitePath.API.reports, .everyone) { request, context in try await create(request, context) }
        routes.get(SitePath.API.report, .everyone) { request, context in try await show(request, context) }
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await collectJSONBody(request, limit: maxBodyBytes)
        let bytes = Array(buffer: body)
        let dto: CreateReportRequest = try decodeJSON(CreateReportRequest.self, from: bytes)
        var claim: IdempotencyClaim?
        if let key = request.headers[.init("Idempotency-Key")!] {
            guard (1...200).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x21 }) else {
                throw APIError(.badRequest, code: "invalid_idempotency_key", message: "Idempotency-Key must be 1–200 visible ASCII characters.", field: "Idempotency-Key")
            }
            claim = IdempotencyClaim(scope: "api:reports", key: key, fingerprint: SHA256.hash(data: bytes).withUnsafeBytes { hexString($0) })
        }
        let input = ReportInput(url: dto.url, handle: dto.handle, platform: dto.platform, category: dto.category, description: dto.description,
                                reporterName: dto.reporter?.name, reporterEmail: dto.reporter?.email, reporterPhone: dto.reporter?.phone,
                                evidence: dto.evidence ?? [])
        let outcome: IntakeOutcome
        do {
            outcome = try await intake.submit(input, channel: .api, idempotency: claim)
        } catch let error as ReportInputError {
            throw APIError(error)
        }
        guard let report = outcome.record?.reports.first, let subject = Subject.fromKey(report.subjectKey) else {
            throw APIError(.unprocessableContent, code: "idempotency_key_reused",
                           message: "This Idempotency-Key was already used for a different request.", field: "Idempotency-Key")
        }
        let response = CreateReportResponse(
            ticket: report.ticket, statusURL: publicAddress + SitePath.ticket(report.ticket),
            caseID: report.caseID, caseReportCount: report.caseReportCount, subject: subject)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .location: SitePath.API.report(report.ticket)]
        if case .replayed = outcome { headers[.init("Idempotent-Replayed")!] = "true" }
        return Response(status: .created, headers: headers, body: .init(byteBuffer: ByteBuffer(string: response.json)))
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let ticket = context.parameters.get("ticket") ?? ""
        guard TicketNumber.isWellFormed(ticket), let status = try await TicketQueries.status(ticket: ticket, database: database, normalizer: blockNames) else {
            throw APIError(.notFound, code: "ticket_not_found", message: "No report has this ticket number.")
        }
        return try jsonResponse(status, status: .ok)
    }

}

/// The public status of one report (no reporter data, no other reporters,
/// no internal comments): the case's stage in plain language and the public
/// part of its decision.
struct ReportStatusDTO: Encodable {
    struct Label: Encodable { let id: String; let en: String }
    /// The case id in lower case, as everywhere else in the API.
    struct CaseRef: Encodable {
        let id: String
        let status: String
        init(id: UUID, status: String) {
            self.id = UUIDText.lower(id)
            self.status = status
        }
    }
    struct DecisionRef: Encodable {
        let verdict: String
        let action: String
        let category: String
        let legalBases: [String]
        let publicReason: String
        let decidedAt: Date
        enum CodingKeys: String, CodingKey {
            case verdict, action, category, legalBases = "legal_bases", publicReason = "public_reason", decidedAt = "decided_at"
        }
    }
    let ticket: String
    let status: String
    let outcome: String
    let statusLabel: Label
    let explanation: Label
    let receivedAt: Date
    let channel: String
    let category: String
    let subject: SubjectDTO
    let `case`: CaseRef
    let decision: DecisionRef?
    enum CodingKeys: String, CodingKey {
        case ticket, status, outcome, statusLabel = "status_label", explanation, receivedAt = "received_at", channel, category, subject, `case`, decision
    }
}

