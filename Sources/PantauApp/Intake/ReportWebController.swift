import Foundation
import Hummingbird
import NIOCore
import PantauCore

/// The public pages: home, report form, ticket status.
struct ReportWebController: Sendable {
    let intake: IntakeService
    let database: PantauDatabase
    /// The blocklist's names: a ticket follows a block of its site or app.
    let blockNames: BlockNameNormalizer
    let csrf: CSRFProtection
    /// Bounds on anonymous uploads (shared with the evidence API).
    let uploads: UploadGuard
    let ledger: EvidenceLedger

    func register(on routes: Routes) {
        routes.get(SitePath.home, .everyone) { request, _ in htmlResponse(HomeView(language: Language(request: request)).render()) }
        routes.get(SitePath.reportForm, .everyone) { request, _ in showForm(request) }
        routes.post(SitePath.reportForm, .everyone) { request, context in try await submit(request, context) }
        routes.get(SitePath.ticketLookup, .everyone) { request, _ in lookup(request) }
        routes.get(SitePath.ticket, .everyone) { request, context in try await showTicket(request, context) }
        routes.get(SitePath.style, .everyone) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: pantauStylesheet)))
        }
    }

    private func renderForm(_ request: Request, model: ReportFormModel, status: HTTPResponse.Status) -> Response {
        var model = model
        let (token, isNew) = csrf.token(for: request)
        model.csrfToken = token
        let html = ReportFormView(model: model, categories: intake.categories.all, language: Language(request: request)).render()
        return htmlResponse(html, status: status, headers: isNew ? [.setCookie: csrf.cookieHeader(token)] : [:])
    }

    func showForm(_ request: Request) -> Response {
        renderForm(request, model: ReportFormModel(), status: .ok)
    }

    /// The report form arrives as multipart (files stream to disk; the CSRF
    /// cookie, the declared size and the upload limits are checked before a
    /// byte of the body is read, the form's token as its first field) or,
    /// without files, URL-encoded.
    func submit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        guard let boundary = MultipartHeaders.boundary(fromContentType: request.headers[.contentType] ?? "") else {
            let body = try await collectBody(request, limit: 256 * 1024, api: false)
            let form = try await parseWebForm(request: request, body: Array(buffer: body), language: language)
            guard csrf.verify(request: request, formToken: form.fields[CSRFProtection.fieldName]) else {
                throw WebErrorPage(status: .forbidden, language: language)
            }
            return try await file(form, evidence: [], droppedFiles: 0, request: request, language: language)
        }
        guard let cookie = request.cookies[CSRFProtection.cookieName]?.value, csrf.isValid(cookie) else {
            throw WebErrorPage(status: .forbidden, language: language)
        }
        let limits = FormStreamLimits(totalBytes: intake.evidence.maxBytes * ReportValidator.maximumEvidenceCount + 1024 * 1024,
                                      maximumFiles: ReportValidator.maximumEvidenceCount)
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.totalBytes {
            throw WebErrorPage(status: .contentTooLarge, language: language)
        }
        do {
            return try await uploads.admitted(address: context.remoteAddress?.ipAddress ?? "unknown") {
                let streamed: StreamedForm
                do {
                    streamed = try await receiveMultipartForm(request.body, boundary: boundary, limits: limits, store: intake.evidence,
                                                              firstField: (CSRFProtection.fieldName, { csrf.verify(request: request, formToken: $0) }))
                } catch {
                    switch error as? FormStreamFailure {
                    case .forbidden?: throw WebErrorPage(status: .forbidden, language: language)
                    case .tooLarge?: throw WebErrorPage(status: .contentTooLarge, language: language)
                    default: throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Formulir rusak.", "The form data is malformed."))
                    }
                }
                defer { streamed.discardFiles() }
                let response = try await file(streamed.form, evidence: streamed.files, droppedFiles: streamed.droppedFiles,
                                              request: request, language: language)
                return (response, streamed.files.count + streamed.droppedFiles)
            }
        } catch let refusal as UploadGuard.Refusal {
            switch refusal {
            case .busy: throw WebErrorPage(status: .serviceUnavailable, language: language, retryAfter: UploadGuard.busyRetryAfter)
            case .tooMany(let seconds): throw WebErrorPage(status: .tooManyRequests, language: language, retryAfter: seconds)
            }
        }
    }

    /// Validates the fields and the evidence; files the report, or shows the
    /// form again with every value kept and every problem beside its field.
    /// Evidence that passed its check is kept (and listed in the form by its
    /// hash), so a retry does not ask for the files again; the ledger's sweep
    /// removes it if the report is never sent. Evidence files still in
    /// `incoming/` afterwards are the caller's to discard.
    private func file(_ form: ParsedForm, evidence: [ReceivedEvidence], droppedFiles: Int, request: Request, language: Language) async throws -> Response {
        var model = ReportFormModel()
        model.target = form.fields["target"] ?? ""
        model.platform = form.fields["platform"] ?? ""
        model.category = form.fields["category"] ?? ""
        model.description = form.fields["description"] ?? ""
        model.name = form.fields["reporter.name"] ?? ""
        model.email = form.fields["reporter.email"] ?? ""
        model.phone = form.fields["reporter.phone"] ?? ""

        let target = model.target.trimmingCharacters(in: .whitespaces)
        let isHandle = !model.platform.isEmpty && model.platform != Platform.web.rawValue && !target.contains("/")
        let input = ReportInput(url: isHandle ? nil : target, handle: isHandle ? target : nil, platform: model.platform.isEmpty ? nil : model.platform,
                                category: model.category, description: model.description, reporterName: model.name,
                                reporterEmail: model.email, reporterPhone: model.phone)
        for problem in ReportValidator.problems(input, categories: intake.categories) {
            let field = problem.field == "url" || problem.field == "handle" ? "target" : problem.field
            if model.errors[field] == nil { model.errors[field] = language == .en ? problem.message : problem.messageID }
        }

        // Files held from an earlier try of this form, by their hash.
        var held: [HeldEvidence] = []
        var lost: [String] = []
        for value in form.values(HeldEvidence.fieldName).prefix(ReportValidator.maximumEvidenceCount) {
            guard let parsed = HeldEvidence(formValue: value) else { continue }
            if let stored = intake.evidence.lookup(parsed.stored.sha256) {
                held.append(HeldEvidence(stored: stored, filename: parsed.filename))
            } else {
                lost.append(parsed.filename)
            }
        }
        // New files are checked one by one; those that pass are kept, the others named.
        var rejected: [String] = []
        for file in evidence {
            if let rejection = intake.evidence.check(file) {
                rejected.append("\(file.filename ?? language.t("berkas", "file")): " + (language == .en ? rejection.message : rejection.messageID))
            } else {
                held.append(HeldEvidence(stored: try intake.evidence.keep(file), filename: file.filename ?? "bukti"))
            }
        }
        var unique: [HeldEvidence] = []
        for item in held where !unique.contains(where: { $0.stored.sha256 == item.stored.sha256 }) { unique.append(item) }
        held = unique
        try await ledger.recordUploads(held.map(\.stored))
        if droppedFiles > 0 || held.count > ReportValidator.maximumEvidenceCount {
            rejected.append(language.t("Paling banyak \(ReportValidator.maximumEvidenceCount) berkas.", "At most \(ReportValidator.maximumEvidenceCount) files."))
            held = Array(held.prefix(ReportValidator.maximumEvidenceCount))
        }
        if !lost.isEmpty {
            rejected.append(language.t("Berkas sebelumnya tidak lagi tersimpan, lampirkan lagi: ", "Earlier files are no longer held, attach them again: ")
                            + lost.joined(separator: ", "))
        }
        if !rejected.isEmpty { model.errors["evidence"] = rejected.joined(separator: " · ") }
        model.heldEvidence = held
        guard model.errors.isEmpty else { return renderForm(request, model: model, status: .unprocessableContent) }

        let outcome = try await intake.submit(input, channel: .web, uploadedEvidence: held.map(\.stored))
        guard let ticket = outcome.record?.reports.first?.ticket else { throw WebErrorPage(status: .internalServerError, language: language) }
        // Post/redirect/get: a reload of the confirmation never re-sends the report.
        let location = SitePath.ticket(ticket) + "?baru=1" + (language == .en ? "&lang=en" : "")
        return Response(status: .seeOther, headers: [.location: location])
    }

    func lookup(_ request: Request) -> Response {
        let language = Language(request: request)
        guard let ticket = request.uri.queryParameters.get("ticket")?.trimmingCharacters(in: .whitespaces).uppercased(), !ticket.isEmpty else {
            return htmlResponse(TicketLookupView(language: language, error: nil).render())
        }
        guard TicketNumber.isWellFormed(ticket) else {
            return htmlResponse(TicketLookupView(language: language, error: language.t(
                "Nomor aduan berbentuk ADU-TTTTBBHH-XXXXXXXXXX.", "A ticket number looks like ADU-YYYYMMDD-XXXXXXXXXX.")).render(), status: .unprocessableContent)
        }
        return Response(status: .seeOther, headers: [.location: language.link(SitePath.ticket(ticket))])
    }

    func showTicket(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let ticket = context.parameters.get("ticket") ?? ""
        guard TicketNumber.isWellFormed(ticket), let status = try await TicketQueries.status(ticket: ticket, database: database, normalizer: blockNames) else {
            throw WebErrorPage(status: .notFound, language: language,
                               detail: language.t("Tidak ada aduan dengan nomor ini.", "There is no report with this ticket number."))
        }
        let model = TicketStatusModel(ticket: ticket, status: status, category: intake.categories[status.decision?.category ?? status.category],
                                      legalBasisTitles: try await TicketQueries.legalBasisTitles(database: database),
                                      isNew: request.uri.queryParameters.get("baru") == "1")
        return htmlResponse(TicketView(model: model, language: language).render())
    }

}

struct ParsedForm {
    /// The last value of each field.
    var fields: [String: String] = [:]
    /// Every value in order (check boxes and multiple selects repeat a name).
    var pairs: [(String, String)] = []

    func values(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    mutating func add(_ name: String, _ value: String) {
        fields[name] = value
        pairs.append((name, value))
    }
}

/// The fields (and files) of a posted form, multipart or URL-encoded.
func parseWebForm(request: Request, body: [UInt8], language: Language) async throws -> ParsedForm {
    let contentType = request.headers[.contentType] ?? ""
    var form = ParsedForm()
    if let boundary = MultipartHeaders.boundary(fromContentType: contentType) {
        // Staff forms carry no files here: file parts are skipped.
        let chunks = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(bytes: body))
            continuation.finish()
        }
        do {
            form = try await receiveMultipartForm(chunks, boundary: boundary, limits: FormStreamLimits(totalBytes: body.count, maximumFiles: 0),
                                                  store: nil, firstField: nil).form
        } catch {
            throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Formulir rusak.", "The form data is malformed."))
        }
    } else if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Teks bukan UTF-8.", "The text is not valid UTF-8."))
        }
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let key = kv.first { form.add(key, kv.count > 1 ? kv[1] : "") }
        }
    } else {
        throw WebErrorPage(status: .unsupportedMediaType, language: language)
    }
    return form
}
