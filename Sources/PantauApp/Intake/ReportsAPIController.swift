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
            c.add("id", UUIDText.upper(caseID))
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
    let publicBaseURL: String?

    func register(on routes: Routes) {
        routes.post(SitePath.API.reports, .everyone) { request, context in try await create(request, context) }
        routes.get(SitePath.API.report, .everyone) { request, context in try await show(request, context) }
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await collectBody(request, limit: maxBodyBytes, api: true)
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
            ticket: report.ticket, statusURL: absoluteURL(SitePath.ticket(report.ticket), request: request),
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

    func absoluteURL(_ path: String, request: Request) -> String {
        if let base = publicBaseURL { return base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path }
        if let host = request.head.authority { return "http://\(host)\(path)" }
        return path
    }
}

/// The public status of one report (no reporter data, no other reporters,
/// no internal comments): the case's stage in plain language and the public
/// part of its decision.
struct ReportStatusDTO: Encodable {
    struct Label: Encodable { let id: String; let en: String }
    struct CaseRef: Encodable { let id: UUID; let status: String }
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

enum TicketQueries {
    /// `normalizer`: the blocklist's, to follow a block of the case's site or app.
    static func status(ticket: String, database: PantauDatabase, normalizer: BlockNameNormalizer) async throws -> ReportStatusDTO? {
        guard let row = try await database.sql.raw("""
            SELECT r.ticket, r.channel, r.claimed_category, r.received_at, r.subject_key, c.id AS case_id, c.status, c.duplicate_of
            FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.ticket = \(bind: ticket)
            """).first() else { return nil }
        var status = CaseStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .new
        var caseID = try row.decode(column: "case_id", as: UUID.self)
        let key = try row.decode(column: "subject_key", as: String.self)
        guard let subject = Subject.fromKey(key) else { return nil }
        var caseSubject = subject
        // A duplicate's reporters see the outcome of the case it joined.
        if status == .closed, let original = try row.decode(column: "duplicate_of", as: UUID?.self),
           let merged = try await CaseModel.find(original, on: database.db) {
            caseID = original
            status = merged.caseStatus
            caseSubject = merged.subject ?? subject
        }
        let decision = status == .decided ? try await DecisionModel.query(on: database.db).filter(\.$caseID == caseID)
            .filter(\.$state ~~ DecisionState.inForce.map(\.rawValue))
            .sort(\.$decidedAt, .descending).first() : nil
        // Where the takedown order or the network block of this case stands.
        let followUp = decision == nil ? nil : try await CaseFollowUp.load(caseID: caseID, subject: caseSubject, normalizer: normalizer, on: database.db)
        let outcome = PublicOutcome.of(status: status, verdict: decision?.decisionVerdict, action: decision?.proposedAction,
                                       orderItem: followUp?.latestOrderItem?.status, block: followUp?.blockProgress)
        return ReportStatusDTO(
            ticket: ticket, status: status.rawValue, outcome: outcome.rawValue,
            statusLabel: .init(id: outcome.label.id, en: outcome.label.en),
            explanation: .init(id: outcome.explanation.id, en: outcome.explanation.en),
            receivedAt: try row.decode(column: "received_at", as: Date.self),
            channel: try row.decode(column: "channel", as: String.self),
            category: try row.decode(column: "claimed_category", as: String.self),
            subject: SubjectDTO(subject),
            case: .init(id: caseID, status: status.rawValue),
            decision: decision.map {
                .init(verdict: $0.verdict, action: $0.action, category: $0.categoryID, legalBases: $0.legalBasisCodes,
                      publicReason: $0.publicReason, decidedAt: $0.decidedAt)
            })
    }
}
