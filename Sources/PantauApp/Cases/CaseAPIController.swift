import FluentKit
import Foundation
import Hummingbird
import HTTPTypes
import PantauCore

/// The workflow for token clients: queue, case, bulk actions, claim,
/// decisions, review, comments, and public appeals. Same permissions and the
/// same service as the web pages.
struct CaseAPIController: Sendable {
    let cases: CaseService
    let queue: CaseQueue

    func register(on routes: Routes) {
        routes.get(SitePath.API.cases, .staff(.viewCases)) { request, context in try await list(request, context) }
        routes.post(SitePath.API.bulk, .staff(.triageCases)) { request, context in try await bulk(request, context) }
        routes.get(SitePath.API.caseDetail, .staff(.viewCases)) { request, context in try await show(request, context) }
        routes.post(SitePath.API.caseClaim, .staff(.decideCases)) { request, context in
            let id = try pathID(context)
            let identity = context.identity!
            try await mapErrors { try await cases.assign([id], to: Assignee(id: identity.userID, email: identity.email), by: identity) }
            return try await caseJSON(id, status: .ok)
        }
        routes.post(SitePath.API.caseDecisions, .staff(.decideCases)) { request, context in try await decide(request, context) }
        routes.post(SitePath.API.caseComments, .staff(.commentOnCases)) { request, context in
            let id = try pathID(context)
            let body = try await decode(CommentBody.self, request)
            try await mapErrors { try await cases.comment(on: id, body: body.body, pinned: body.pinned ?? false, by: context.identity!) }
            return try await caseJSON(id, status: .created)
        }
        routes.post(SitePath.API.decisionReview, .staff(.approveDecisions)) { request, context in
            let id = try pathID(context)
            let body = try await decode(ReviewBody.self, request)
            let status = try await mapErrors { try await cases.review(decision: id, approve: body.approve, reason: body.reason ?? "", by: context.identity!) }
            var object = JSONObjectText()
            object.add("case_status", status.rawValue)
            object.add("decision_id", UUIDText.lower(id))
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.appeals, .everyone) { request, _ in try await appeal(request) }
    }

    // MARK: Bodies

    struct CommentBody: Decodable { let body: String; let pinned: Bool? }
    struct ReviewBody: Decodable { let approve: Bool; let reason: String? }
    struct BulkBody: Decodable {
        let action: String
        let caseIDs: [String]
        let assigneeID: String?
        let category: String?
        let target: String?
        let reason: String?
        enum CodingKeys: String, CodingKey {
            case action, caseIDs = "case_ids", assigneeID = "assignee_id", category, target, reason
        }
    }
    struct DecisionBody: Decodable {
        let verdict: String
        let category: String?
        let legalBases: [String]?
        let statement: String
        let publicReason: String?
        let automatedDetection: Bool?
        let automatedDecision: Bool?
        let action: String?
        enum CodingKeys: String, CodingKey {
            case verdict, category, legalBases = "legal_bases", statement, publicReason = "public_reason",
                 automatedDetection = "automated_detection", automatedDecision = "automated_decision", action
        }
    }
    struct AppealBody: Decodable {
        let reference: String
        let reason: String
        let contact: ReporterContact?
    }

    // MARK: Handlers

    private func pathID(_ context: AppRequestContext) throws -> UUID { try apiPathID(context) }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await decodeJSONBody(type, request, limit: 256 * 1024)
    }

    private func mapErrors<T>(_ body: () async throws -> T) async throws -> T { try await answeringRefusals(body) }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let filter: QueueFilter
        switch QueueFilter.parse(parameters, categories: Set(cases.categories.slugs)) {
        case .success(let parsed): filter = parsed
        case .failure(let error): throw APIError(.badRequest, code: "invalid_filter", message: error.description, field: error.parameter)
        }
        let page = try await queue.page(filter, viewer: context.identity!.userID)
        return try jsonResponse(QueuePageDTO(page), status: .ok)
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await caseJSON(try pathID(context), status: .ok)
    }

    private func caseJSON(_ id: UUID, status: HTTPResponse.Status) async throws -> Response {
        guard let detail = try await CaseDetail.load(id, database: cases.database, queue: queue, normalizer: cases.blocklist.normalizer, now: cases.clock.now()) else {
            throw APIError(.notFound, code: "case_not_found", message: "Case not found.")
        }
        return try jsonResponse(CaseDTO(detail), status: status)
    }

    func bulk(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await decode(BulkBody.self, request)
        let ids = body.caseIDs.compactMap(UUIDText.parse)
        guard !ids.isEmpty, ids.count == body.caseIDs.count, ids.count <= 500 else {
            throw APIError(.unprocessableContent, code: "invalid_case_ids", message: "'case_ids' needs 1 to 500 case ids.", field: "case_ids")
        }
        guard let action = BulkCaseAction(rawValue: body.action) else {
            throw APIError(.unprocessableContent, code: "unknown_action",
                           message: "'action' must be one of: " + BulkCaseAction.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "action")
        }
        let parameters = CaseService.BulkParameters(assignee: body.assigneeID, category: body.category, target: body.target, reason: body.reason)
        let done = try await mapErrors { try await cases.bulk(action, ids, parameters, by: context.identity!) }
        var object = JSONObjectText()
        object.add("action", body.action)
        object.add("cases", ids.count)
        object.add("result", done.en)
        return jsonResponse(object, status: .ok)
    }

    func decide(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try pathID(context)
        let body = try await decode(DecisionBody.self, request)
        guard let verdict = Verdict(rawValue: body.verdict) else {
            throw APIError(.unprocessableContent, code: "invalid_verdict",
                           message: "'verdict' must be one of: " + Verdict.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "verdict")
        }
        var action: ProposedAction?
        if let text = body.action {
            guard let parsed = ProposedAction(rawValue: text) else {
                throw APIError(.unprocessableContent, code: "invalid_action",
                               message: "'action' must be one of: " + ProposedAction.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "action")
            }
            action = parsed
        }
        let input = DecisionInput(verdict: verdict, category: body.category, legalBases: body.legalBases ?? [], statement: body.statement,
                                  publicReason: body.publicReason ?? "", automatedDetection: body.automatedDetection ?? false,
                                  automatedDecision: body.automatedDecision ?? false, action: action)
        let outcome = try await mapErrors { try await cases.decide([id], input, by: context.identity!) }
        var object = JSONObjectText()
        object.add("case_id", UUIDText.lower(id))
        object.add("case_status", outcome.first?.status.rawValue ?? "")
        object.add("decision_id", outcome.first.map { UUIDText.lower($0.decisionID) } ?? "")
        object.add("needs_approval", outcome.first?.needsApproval == true)
        return jsonResponse(object, status: .created)
    }

    func appeal(_ request: Request) async throws -> Response {
        let body = try await decode(AppealBody.self, request)
        if let email = body.contact?.email, !email.isEmpty, !ReportValidator.isPlausibleEmail(email) {
            throw APIError(.unprocessableContent, code: "invalid_email", message: "'contact.email' is not a valid e-mail address.", field: "contact.email")
        }
        let filed = try await mapErrors {
            let caseID = try await AppealTarget.resolve(body.reference, database: cases.database)
            return try await cases.fileAppeal(caseID: caseID, reason: body.reason, contact: body.contact, actor: "public:appeal")
        }
        var object = JSONObjectText()
        object.add("case_id", UUIDText.lower(filed.caseID))
        object.add("due_at", isoTimestamp(filed.dueAt))
        object.add("reference", filed.reference)
        return jsonResponse(object, status: .created)
    }
}

/// A queue page as JSON.
struct QueuePageDTO: Encodable {
    struct Row: Encodable {
        let id: String
        let subjectKey: String
        let platform: String
        let status: String
        let category: String
        let reportCount: Int
        let priority: Double
        let firstReportAt: Date
        let lastReportAt: Date
        let dueAt: Date
        let assignee: String?
        let highImpact: Bool
        enum CodingKeys: String, CodingKey {
            case id, subjectKey = "subject_key", platform, status, category, reportCount = "report_count", priority,
                 firstReportAt = "first_report_at", lastReportAt = "last_report_at", dueAt = "due_at", assignee, highImpact = "high_impact"
        }
    }
    struct Counts: Encodable {
        let status: [String: Int]
        let platform: [String: Int]
        let category: [String: Int]
        let mine: Int
    }
    let cases: [Row]
    let nextCursor: String?
    let counts: Counts
    enum CodingKeys: String, CodingKey { case cases, nextCursor = "next_cursor", counts }

    init(_ page: QueuePage) {
        cases = page.rows.map {
            Row(id: UUIDText.lower($0.id), subjectKey: $0.subjectKey, platform: $0.subjectPlatform, status: $0.status.rawValue,
                category: $0.categoryID, reportCount: $0.reportCount, priority: $0.priority, firstReportAt: $0.firstReportAt,
                lastReportAt: $0.lastReportAt, dueAt: $0.dueAt, assignee: $0.assigneeEmail, highImpact: $0.highImpact)
        }
        nextCursor = page.next?.text
        counts = Counts(status: Dictionary(uniqueKeysWithValues: page.counts.byStatus.map { ($0.key.rawValue, $0.value) }),
                        platform: page.counts.byPlatform, category: page.counts.byCategory, mine: page.counts.mine)
    }
}

/// One case as JSON: no reporter contact, comments only for staff (this is a
/// staff endpoint).
struct CaseDTO: Encodable {
    struct Report: Encodable {
        let ticket: String
        let channel: String
        let claimedCategory: String
        let description: String
        let receivedAt: Date
        let evidence: [String]
        let hasContact: Bool
        enum CodingKeys: String, CodingKey {
            case ticket, channel, claimedCategory = "claimed_category", description, receivedAt = "received_at", evidence, hasContact = "has_contact"
        }
    }
    struct Decision: Encodable {
        let id: String
        let verdict: String
        let category: String
        let legalBases: [String]
        let statement: String
        let publicReason: String
        let automatedDetection: Bool
        let automatedDecision: Bool
        let action: String
        let state: String
        let decidedBy: String
        let decidedAt: Date
        let reviewedBy: String?
        let reviewReason: String?
        enum CodingKeys: String, CodingKey {
            case id, verdict, category, legalBases = "legal_bases", statement, publicReason = "public_reason",
                 automatedDetection = "automated_detection", automatedDecision = "automated_decision", action, state,
                 decidedBy = "decided_by", decidedAt = "decided_at", reviewedBy = "reviewed_by", reviewReason = "review_reason"
        }
    }
    struct Comment: Encodable {
        let id: String; let author: String; let body: String; let pinned: Bool; let createdAt: Date
        enum CodingKeys: String, CodingKey { case id, author, body, pinned, createdAt = "created_at" }
    }
    struct Event: Encodable {
        let sequence: Int; let kind: String; let actor: String; let occurredAt: Date; let payload: String; let hash: String
        enum CodingKeys: String, CodingKey { case sequence, kind, actor, occurredAt = "occurred_at", payload, hash }
    }
    struct Appeal: Encodable {
        let reference: String; let source: String; let reason: String; let filedAt: Date; let dueAt: Date; let state: String
        enum CodingKeys: String, CodingKey { case reference, source, reason, filedAt = "filed_at", dueAt = "due_at", state }
    }
    /// A takedown order item the case is in.
    struct OrderItem: Encodable {
        let orderID: String; let order: String; let itemID: String; let status: String; let dueAt: Date?
        enum CodingKeys: String, CodingKey { case orderID = "order_id", order, itemID = "item_id", status, dueAt = "due_at" }
    }
    /// A block proposal acting for the case, with its entries.
    struct BlockProposal: Encodable {
        struct Entry: Encodable { let id: String; let name: String; let kind: String; let state: String }
        let id: String; let number: String; let kind: String; let state: String; let entries: [Entry]
    }
    let id: String
    let subjectKey: String
    let subjectURL: String
    let status: String
    let category: String
    let priority: Double
    let reportCount: Int
    let dueAt: Date
    let assignee: String?
    let highImpact: Bool
    let reports: [Report]
    let decisions: [Decision]
    let comments: [Comment]
    let appeals: [Appeal]
    let orderItems: [OrderItem]
    let blockProposals: [BlockProposal]
    let related: [String]
    let events: [Event]
    let chainIntact: Bool
    enum CodingKeys: String, CodingKey {
        case id, subjectKey = "subject_key", subjectURL = "subject_url", status, category, priority, reportCount = "report_count",
             dueAt = "due_at", assignee, highImpact = "high_impact", reports, decisions, comments, appeals,
             orderItems = "order_items", blockProposals = "block_proposals", related, events, chainIntact = "chain_intact"
    }

    init(_ d: CaseDetail) {
        let m = d.model
        id = UUIDText.lower(m.id)
        subjectKey = m.subjectKey
        subjectURL = m.subjectURL
        status = m.status.rawValue
        category = m.categoryID
        priority = m.priority
        reportCount = m.reportCount
        dueAt = d.dueAt
        assignee = d.assigneeEmail
        highImpact = d.highImpact
        reports = d.reports.map {
            Report(ticket: $0.ticket, channel: $0.channel, claimedCategory: $0.claimedCategory, description: $0.description,
                   receivedAt: $0.receivedAt, evidence: $0.evidence.map(\.sha256), hasContact: $0.hasContact)
        }
        decisions = d.decisions.map {
            Decision(id: UUIDText.lower($0.id), verdict: $0.verdict.rawValue, category: $0.categoryID, legalBases: $0.legalBases, statement: $0.statement,
                     publicReason: $0.publicReason, automatedDetection: $0.automatedDetection, automatedDecision: $0.automatedDecision,
                     action: $0.action.rawValue, state: $0.state.rawValue, decidedBy: $0.decidedByEmail, decidedAt: $0.decidedAt,
                     reviewedBy: $0.reviewedByEmail, reviewReason: $0.reviewReason)
        }
        comments = d.comments.map { Comment(id: UUIDText.lower($0.id), author: $0.authorEmail, body: $0.body, pinned: $0.pinned, createdAt: $0.createdAt) }
        appeals = d.appeals.map { Appeal(reference: $0.reference, source: $0.source, reason: $0.reason, filedAt: $0.filedAt, dueAt: $0.dueAt, state: $0.state.rawValue) }
        orderItems = d.followUp.orderItems.map {
            OrderItem(orderID: UUIDText.lower($0.orderID), order: $0.orderNumber, itemID: UUIDText.lower($0.itemID), status: $0.status.rawValue,
                      dueAt: $0.dueAt)
        }
        blockProposals = d.followUp.blocks.map { p in
            BlockProposal(id: UUIDText.lower(p.id), number: p.number, kind: p.kind.rawValue, state: p.state.rawValue,
                          entries: p.entries.map { .init(id: UUIDText.lower($0.id), name: $0.name, kind: $0.kind.rawValue, state: $0.state.rawValue) })
        }
        related = d.related.map(\.subjectKey)
        events = d.events.map { Event(sequence: $0.sequence, kind: $0.kind, actor: $0.actor, occurredAt: $0.occurredAt, payload: $0.payload, hash: $0.hash) }
        chainIntact = d.chainBreaks.isEmpty
    }
}
