import FluentKit
import Foundation
import Hummingbird
import PantauCore

/// The staff pages of the workflow: queue, case page, decisions, approvals,
/// comments, reporter contact, evidence; and the public appeal form.
struct CaseWebController: Sendable {
    let cases: CaseService
    let queue: CaseQueue
    let accounts: AccountService
    let evidence: EvidenceStore
    let csrf: CSRFProtection

    var database: PantauDatabase { cases.database }
    var categories: CategoryIndex { cases.categories }

    func register(on routes: Routes) {
        routes.get(SitePath.Cases.queue, .staff(.viewCases)) { request, context in try await queuePage(request, context) }
        routes.post(SitePath.Cases.bulk, .staff(.triageCases)) { request, context in try await bulk(request, context) }
        routes.post(SitePath.Cases.saveFilter, .staff(.viewCases)) { request, context in try await saveFilter(request, context) }
        routes.post(SitePath.Cases.deleteFilter, .staff(.viewCases)) { request, context in try await deleteFilter(request, context) }
        routes.get(SitePath.Staff.legalBases, .staff(.manageLegalBases)) { request, context in try await legalBases(request, context) }
        routes.post(SitePath.Staff.legalBases, .staff(.manageLegalBases)) { request, context in try await saveLegalBasis(request, context) }
        routes.get(SitePath.Cases.approvals, .staff(.approveDecisions)) { request, context in try await approvals(request, context) }
        routes.get(SitePath.Cases.page, .staff(.viewCases)) { request, context in try await casePage(request, context) }
        routes.post(SitePath.Cases.claim, .staff(.decideCases)) { request, context in
            try await act(request, context) { id, _, identity in
                try await cases.assign([id], to: Assignee(id: identity.userID, email: identity.email), by: identity)
                return ("Kasus diambil.", "Case claimed.")
            }
        }
        routes.post(SitePath.Cases.assign, .staff(.triageCases)) { request, context in
            try await act(request, context) { id, form, identity in
                try await cases.assign([id], to: try await cases.assignee(form.fields["assignee"]), by: identity)
                return ("Kasus ditugaskan.", "Case assigned.")
            }
        }
        routes.post(SitePath.Cases.unassign, .staff(.triageCases)) { request, context in
            try await act(request, context) { id, _, identity in
                try await cases.unassign([id], by: identity)
                return ("Penugasan dilepas.", "Case unassigned.")
            }
        }
        routes.post(SitePath.Cases.escalate, .staff(.triageCases)) { request, context in
            try await act(request, context) { id, form, identity in
                try await cases.escalate([id], reason: form.fields["reason"] ?? "", by: identity)
                return ("Kasus dieskalasi.", "Case escalated.")
            }
        }
        routes.post(SitePath.Cases.highImpact, .staff(.triageCases)) { request, context in
            try await act(request, context) { id, form, identity in
                try await cases.setHighImpact(id, form.fields["high_impact"] == "1", by: identity)
                return ("Tanda dampak luas diperbarui.", "High-impact mark updated.")
            }
        }
        routes.post(SitePath.Cases.comment, .staff(.commentOnCases)) { request, context in
            try await act(request, context) { id, form, identity in
                try await cases.comment(on: id, body: form.fields["body"] ?? "", pinned: form.fields["pinned"] == "1", by: identity)
                return ("Komentar ditambahkan.", "Comment added.")
            }
        }
        routes.post(SitePath.Cases.pinComment, .staff(.commentOnCases)) { request, context in
            let language = Language(request: request)
            let form = try await parseStaffForm(request, context, language: language)
            let commentID = try pathID(context, language: language)
            let caseID = try await cases.setPinned(comment: commentID, form.fields["pinned"] == "1", by: context.identity!)
            return redirect(SitePath.Cases.page(caseID), language: language)
        }
        routes.post(SitePath.Cases.decide, .staff(.decideCases)) { request, context in try await decide(request, context) }
        routes.post(SitePath.Cases.reviewDecision, .staff(.approveDecisions)) { request, context in try await review(request, context) }
        routes.get(SitePath.Cases.contact, .staff(.viewReporterContact)) { request, context in try await contact(request, context) }
        routes.get(SitePath.Cases.evidence, .staff(.viewCases)) { request, context in try serveEvidence(request, context) }
        routes.get(SitePath.appeal, .everyone) { request, _ in appealForm(request) }
        routes.post(SitePath.appeal, .everyone) { request, _ in try await fileAppeal(request) }
    }

    // MARK: Helpers

    private func redirect(_ path: String, language: Language, notice: String? = nil) -> Response {
        var location = path
        if let notice { location += (location.contains("?") ? "&" : "?") + "notice=" + (notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        return Response(status: .seeOther, headers: [.location: language.link(location)])
    }

    private func pathID(_ context: AppRequestContext, language: Language) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUIDText.parse(text) else {
            throw WebErrorPage(status: .notFound, language: language)
        }
        return id
    }

    /// Runs one case action from a form and goes back to the case page with
    /// a notice, or shows the case page with the reason it was refused.
    private func act(_ request: Request, _ context: AppRequestContext,
                     _ body: @Sendable (UUID, ParsedForm, Identity) async throws -> (String, String)) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let id = try pathID(context, language: language)
        do {
            let (id_, en) = try await body(id, form, context.identity!)
            return redirect(SitePath.Cases.page(id), language: language, notice: language.t(id_, en))
        } catch let error as CaseActionError {
            return try await renderCase(request, context, id: id, status: error.status, error: language.t(error.id, error.en))
        }
    }

    // MARK: Queue

    func queuePage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let identity = context.identity!
        let parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let filter: QueueFilter
        switch QueueFilter.parse(parameters, categories: Set(categories.slugs)) {
        case .success(let parsed): filter = parsed
        case .failure(let error):
            throw WebErrorPage(status: .badRequest, language: language, detail: language.t(
                "Filter “\(error.parameter)” tidak sah: \(error.value).", error.description))
        }
        let page = try await queue.page(filter, viewer: identity.userID)
        let saved = try await queue.savedFilters(of: identity.userID)
        let view = QueueView(language: language, identity: identity, filter: filter, page: page, categories: categories,
                             assignees: try await cases.assignees(), savedFilters: saved, now: cases.clock.now(),
                             notice: request.uri.queryParameters.get("notice"))
        return htmlResponse(view.render())
    }

    func bulk(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let identity = context.identity!
        let form = try await parseStaffForm(request, context, language: language)
        let back = form.fields["back"].flatMap(SameSitePath.accept).flatMap { $0.hasPrefix(SitePath.Cases.queue) ? $0 : nil } ?? SitePath.Cases.queue
        let ids = form.values("case").compactMap(UUIDText.parse)
        guard !ids.isEmpty, ids.count == form.values("case").count else {
            throw WebErrorPage(status: .unprocessableContent, language: language,
                               detail: language.t("Pilih minimal satu kasus.", "Select at least one case."))
        }
        do {
            guard let action = BulkCaseAction(rawValue: form.fields["action"] ?? "") else {
                throw CaseActionError(kind: .invalid, code: "unknown_action", id: "Tindakan tidak dikenal.", en: "Unknown action.")
            }
            let parameters = CaseService.BulkParameters(assignee: form.fields["assignee"], category: form.fields["category"],
                                                        target: form.fields["target"], reason: form.fields["reason"])
            let done = try await cases.bulk(action, ids, parameters, by: identity)
            return redirect(back, language: language, notice: language.t("\(ids.count) kasus: \(done.id)", "\(ids.count) cases: \(done.en)"))
        } catch let error as CaseActionError {
            throw WebErrorPage(status: error.status, language: language, detail: language.t(error.id, error.en))
        }
    }

    func saveFilter(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let name = (form.fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let query = form.fields["query"] ?? ""
        guard !name.isEmpty, name.count <= 60, query.count <= 2000 else {
            throw WebErrorPage(status: .unprocessableContent, language: language,
                               detail: language.t("Beri nama filter (maks. 60 karakter).", "Give the filter a name (at most 60 characters)."))
        }
        try await queue.saveFilter(name: name, query: query, for: context.identity!.userID)
        return redirect(SitePath.Cases.queue + (query.isEmpty ? "" : "?" + query), language: language,
                        notice: language.t("Filter disimpan.", "Filter saved."))
    }

    func deleteFilter(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        try await queue.deleteFilter(name: form.fields["name"] ?? "", for: context.identity!.userID)
        return redirect(SitePath.Cases.queue, language: language, notice: language.t("Filter dihapus.", "Filter deleted."))
    }

    func legalBases(_ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status = .ok, error: String? = nil) async throws -> Response {
        let bases = try await cases.legalBases(activeOnly: false)
        return htmlResponse(LegalBasesView(language: Language(request: request), identity: context.identity!, bases: bases, error: error,
                                           notice: request.uri.queryParameters.get("notice")).render(), status: status)
    }

    /// Adds or changes one legal basis (by code); every change is an audit event.
    func saveLegalBasis(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let code = (form.fields["code"] ?? "").trimmingCharacters(in: .whitespaces)
        let title = (form.fields["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let article = (form.fields["article"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let validCode = (2...40).contains(code.count) && code.allSatisfy { ("a"..."z").contains($0) || $0.isASCII && $0.isNumber || $0 == "-" }
        guard validCode, !title.isEmpty, title.count <= 300, !article.isEmpty, article.count <= 300 else {
            return try await legalBases(request, context, status: .unprocessableContent, error: language.t(
                "Kode 2–40 karakter (huruf kecil, angka, tanda hubung); peraturan dan pasal wajib diisi (maks. 300 karakter).",
                "The code needs 2–40 characters (lower case, digits, hyphens); law and article are required (at most 300 characters)."))
        }
        try await cases.saveLegalBasis(code: code, title: title, article: article, active: form.fields["active"] != "0", by: context.identity!,
                                       from: context.remoteAddress?.ipAddress ?? "unknown")
        return redirect(SitePath.Staff.legalBases, language: language, notice: language.t("Dasar hukum disimpan.", "Legal basis saved."))
    }

    func approvals(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        htmlResponse(ApprovalsView(language: Language(request: request), identity: context.identity!,
                                   pending: try await queue.pendingApprovals()).render())
    }

    // MARK: Case page

    func casePage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        return try await renderCase(request, context, id: try pathID(context, language: language), notice: request.uri.queryParameters.get("notice"))
    }

    func renderCase(_ request: Request, _ context: AppRequestContext, id: UUID, status: HTTPResponse.Status = .ok, notice: String? = nil,
                    error: String? = nil, decisionErrors: [String: String] = [:], decisionInput: DecisionInput? = nil) async throws -> Response {
        let language = Language(request: request)
        let now = cases.clock.now()
        let before = request.uri.queryParameters.get("aduan_sebelum").flatMap { UUIDText.parse(String($0)) }
        guard let detail = try await CaseDetail.load(id, database: database, queue: queue, normalizer: cases.blocklist.normalizer, now: now, reportsBefore: before) else {
            throw WebErrorPage(status: .notFound, language: language, detail: language.t("Kasus tidak ditemukan.", "Case not found."))
        }
        let bases = try await cases.legalBases(activeOnly: true)
        let view = CasePageView(language: language, identity: context.identity!, detail: detail, categories: categories, legalBases: bases,
                                assignees: try await cases.assignees(), now: now, decisionErrors: decisionErrors, decisionInput: decisionInput,
                                notice: notice, error: error, fullTimeline: request.uri.queryParameters.get("riwayat") == "semua")
        return htmlResponse(view.render(), status: status)
    }

    func decide(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let id = try pathID(context, language: language)
        let input = DecisionInput(
            verdict: form.fields["verdict"].flatMap(Verdict.init(rawValue:)), category: form.fields["category"],
            legalBases: form.values("legal_basis"), statement: form.fields["statement"] ?? "", publicReason: form.fields["public_reason"] ?? "",
            automatedDetection: form.fields["automated_detection"] == "1", automatedDecision: form.fields["automated_decision"] == "1",
            action: form.fields["action"].flatMap(ProposedAction.init(rawValue:)))
        do {
            let outcome = try await cases.decide([id], input, by: context.identity!)
            let pending = outcome.first?.needsApproval == true
            return redirect(SitePath.Cases.page(id), language: language, notice: pending
                ? language.t("Putusan dicatat dan menunggu persetujuan supervisor.", "Decision recorded; it awaits a supervisor's approval.")
                : language.t("Putusan dicatat.", "Decision recorded."))
        } catch let error as CaseActionError {
            var fieldErrors: [String: String] = [:]
            for problem in error.problems { fieldErrors[problem.field] = language.t(problem.id, problem.en) }
            return try await renderCase(request, context, id: id, status: error.status, error: language.t(error.id, error.en),
                                        decisionErrors: fieldErrors, decisionInput: input)
        }
    }

    func review(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let id = try pathID(context, language: language)
        let approve = form.fields["approve"] == "1"
        do {
            _ = try await cases.review(decision: id, approve: approve, reason: form.fields["reason"] ?? "", by: context.identity!)
        } catch let error as CaseActionError {
            guard let caseID = try await cases.caseID(ofDecision: id) else {
                throw WebErrorPage(status: .notFound, language: language, detail: language.t(error.id, error.en))
            }
            return try await renderCase(request, context, id: caseID, status: error.status, error: language.t(error.id, error.en))
        }
        guard let caseID = try await cases.caseID(ofDecision: id) else { throw WebErrorPage(status: .notFound, language: language) }
        return redirect(SitePath.Cases.page(caseID), language: language,
                        notice: approve ? language.t("Putusan disetujui.", "Decision approved.") : language.t("Putusan ditolak.", "Decision rejected."))
    }

    /// A reporter's contact, for roles allowed to see it; every view is an
    /// audit event (who, which report, from where).
    func contact(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let id = try pathID(context, language: language)
        let identity = context.identity!
        guard let reportText = context.parameters.get("report"), let reportID = UUIDText.parse(reportText),
              let opened = try await cases.reporterContact(case: id, report: reportID, for: identity, from: context.remoteAddress?.ipAddress ?? "unknown")
        else {
            throw WebErrorPage(status: .notFound, language: language, detail: language.t("Aduan tanpa kontak.", "No contact for this report."))
        }
        var response = htmlResponse(ContactView(language: language, identity: identity, caseID: id, ticket: opened.ticket, contact: opened.contact).render())
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Evidence files by their SHA-256, for staff only.
    func serveEvidence(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let hash = context.parameters.get("sha256") ?? ""
        guard hash.count == 64, hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
              let bytes = FileManager.default.contents(atPath: evidence.path(for: hash)),
              let mediaType = EvidenceType.sniff(Array(bytes))
        else {
            throw WebErrorPage(status: .notFound, language: Language(request: request))
        }
        return Response(status: .ok, headers: [.contentType: mediaType, .cacheControl: "private, max-age=86400",
                                               .init("X-Content-Type-Options")!: "nosniff",
                                               .contentDisposition: mediaType == "application/pdf" ? "attachment" : "inline"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Appeals

    func appealForm(_ request: Request) -> Response {
        let (token, isNew) = csrf.token(for: request)
        let view = AppealFormView(language: Language(request: request), csrfToken: token, reference: request.uri.queryParameters.get("ref") ?? "")
        return htmlResponse(view.render(), headers: isNew ? [.setCookie: csrf.cookieHeader(token)] : [:])
    }

    func fileAppeal(_ request: Request) async throws -> Response {
        let language = Language(request: request)
        let body = try await collectBody(request, limit: 64 * 1024, api: false)
        let form = try await parseWebForm(request: request, body: Array(buffer: body), language: language)
        guard csrf.verify(request: request, formToken: form.fields[CSRFProtection.fieldName]) else {
            throw WebErrorPage(status: .forbidden, language: language)
        }
        var view = AppealFormView(language: language, csrfToken: form.fields[CSRFProtection.fieldName] ?? "",
                                  reference: form.fields["reference"] ?? "", reason: form.fields["reason"] ?? "",
                                  email: form.fields["email"] ?? "", name: form.fields["name"] ?? "")
        let email = view.email.trimmingCharacters(in: .whitespaces)
        if !email.isEmpty && !ReportValidator.isPlausibleEmail(email) {
            view.errors["email"] = language.t("Alamat surel tidak sah.", "The e-mail address is not valid.")
            return htmlResponse(view.render(), status: .unprocessableContent)
        }
        do {
            let caseID = try await AppealTarget.resolve(view.reference, database: database)
            let contact = ReporterContact(name: view.name.isEmpty ? nil : view.name, email: email.isEmpty ? nil : email)
            let filed = try await cases.fileAppeal(caseID: caseID, reason: view.reason, contact: contact, actor: "public:appeal")
            return htmlResponse(AppealFiledView(language: language, filed: filed).render(), status: .created)
        } catch let error as CaseActionError {
            view.errors[error.code == "text_too_short" || error.code == "text_too_long" ? "reason" : "reference"] = language.t(error.id, error.en)
            return htmlResponse(view.render(), status: error.status)
        }
    }
}

/// Finds the case an appeal is about: a ticket number, a case id, or the
/// content's URL or handle (its subject's latest case).
enum AppealTarget {
    static func resolve(_ reference: String, database: PantauDatabase) async throws -> UUID {
        guard let id = try await CaseReference.resolve(reference, database: database) else {
            throw CaseActionError(kind: .notFound, code: "case_not_found",
                                  id: "Tidak ada keputusan untuk rujukan ini. Isi nomor aduan, ID kasus, atau URL konten.",
                                  en: "No decision matches this reference. Give a ticket number, a case id, or the content's URL.")
        }
        return id
    }
}
