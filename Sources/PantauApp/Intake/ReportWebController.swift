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

    func register(on routes: Routes) {
        routes.get(SitePath.home, .everyone) { request, _ in htmlResponse(HomeView(language: Language(request: request)).render()) }
        routes.get(SitePath.reportForm, .everyone) { request, _ in showForm(request) }
        routes.post(SitePath.reportForm, .everyone) { request, _ in try await submit(request) }
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

    func submit(_ request: Request) async throws -> Response {
        let language = Language(request: request)
        let body = try await collectBody(request, limit: intake.evidence.maxBytes * ReportValidator.maximumEvidenceCount + 1024 * 1024, api: false)
        let form = try parseWebForm(request: request, body: Array(buffer: body), language: language)
        guard csrf.verify(request: request, formToken: form.fields[CSRFProtection.fieldName]) else {
            throw WebErrorPage(status: .forbidden, language: language)
        }
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
        do {
            _ = try ReportValidator.validate(input, categories: intake.categories)
        } catch {
            model.errors[error.field == "url" || error.field == "handle" ? "target" : error.field] = language == .en ? error.message : error.messageID
            return renderForm(request, model: model, status: .unprocessableContent)
        }
        // Evidence is checked in full before any file is written.
        let files = form.files.filter { !$0.body.isEmpty }
        guard files.count <= ReportValidator.maximumEvidenceCount else {
            model.errors["evidence"] = language.t("Paling banyak \(ReportValidator.maximumEvidenceCount) berkas.", "At most \(ReportValidator.maximumEvidenceCount) files.")
            return renderForm(request, model: model, status: .unprocessableContent)
        }
        for file in files {
            if let rejection = intake.evidence.check(file.body) {
                model.errors["evidence"] = "\(file.filename ?? "berkas"): " + (language == .en ? rejection.message : rejection.messageID)
                return renderForm(request, model: model, status: .unprocessableContent)
            }
        }
        let stored = try files.map { try intake.evidence.store($0.body) }
        let outcome = try await intake.submit(input, channel: .web, uploadedEvidence: stored)
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
    var files: [MultipartForm.Part] = []

    func values(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    mutating func add(_ name: String, _ value: String) {
        fields[name] = value
        pairs.append((name, value))
    }
}

/// The fields (and files) of a posted form, multipart or URL-encoded.
func parseWebForm(request: Request, body: [UInt8], language: Language) throws -> ParsedForm {
    let contentType = request.headers[.contentType] ?? ""
    var form = ParsedForm()
    if let boundary = MultipartForm.boundary(fromContentType: contentType) {
        let parts: [MultipartForm.Part]
        do { parts = try MultipartForm.parse(body, boundary: boundary) } catch {
            throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Formulir rusak.", "The form data is malformed."))
        }
        for part in parts {
            if part.filename != nil {
                if part.name == "evidence" { form.files.append(part) }
            } else {
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Teks bukan UTF-8.", "The text is not valid UTF-8."))
                }
                form.add(part.name, text)
            }
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
