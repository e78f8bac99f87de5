import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import PantauCore

/// The public transparency page, its open data, the register of blocks and
/// the statements-of-reasons export. Everything here is public and holds
/// no personal data.
struct TransparencyController: Sendable {
    let service: TransparencyService
    let register: BlockRegister
    let statements: StatementsExporter
    let categories: CategoryIndex
    let prevalence: PrevalenceService

    func register(on routes: Routes) {
        routes.get(SitePath.Transparency.page, .everyone) { request, _ in
            let language = Language(request: request)
            // A period that cannot be read shows the default quarter, with the form as typed and the message beside its field.
            var form = FormState()
            let period: CompliancePeriod
            switch parsePeriod(request) {
            case .success(let chosen): period = chosen
            case .failure(let problem):
                for name in ["period", "from", "to"] { form.values[name] = request.uri.queryParameters.get(name).map { String($0) } }
                form.fail(problem.field, language.t(problem.id, problem.en))
                period = try CompliancePeriod.parse(nil, from: nil, to: nil, now: service.clock.now()).get()
            }
            let figures = try await service.figures(period)
            // The weeks that begin within the period.
            let weeks = try await prevalence.figures(from: WIBDay.start(figures.fromDay)).filter { WIBDay.of($0.weekStart) < figures.toDay }
            return htmlResponse(TransparencyPageView(language: language, period: period, figures: figures, categories: categories, form: form,
                                                     prevalence: weeks).render(),
                                status: form.isValid ? .ok : .badRequest)
        }
        routes.get(SitePath.Transparency.register, .everyone) { request, _ in
            let language = Language(request: request)
            let q = request.uri.queryParameters.get("q").map { String($0) } ?? ""
            guard let page = Int(request.uri.queryParameters.get("halaman").map { String($0) } ?? "1"), page >= 1, page <= 100_000 else {
                throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Halaman harus bilangan bulat positif.", "'halaman' must be a positive whole number."))
            }
            return htmlResponse(RegisterPageView(language: language, query: q, page: try await register.page(query: q, page: page),
                                                 names: try await Vocabulary.load(register.database)).render())
        }
        routes.get(SitePath.API.transparency, .everyone) { request, _ in
            let period = try apiPeriod(request)
            let figures = try await service.figures(period)
            switch request.uri.queryParameters.get("format").map({ String($0) }) ?? "json" {
            case "json": return jsonResponse(Self.json(figures, period), status: .ok)
            case "csv": return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"transparansi.csv\""],
                                        body: .init(byteBuffer: ByteBuffer(string: figures.csv())))
            default: throw APIError(.badRequest, code: "invalid_format", message: "'format' must be json or csv.", field: "format")
            }
        }
        routes.get(SitePath.API.blockRegister, .everyone) { request, _ in
            let q = request.uri.queryParameters.get("q").map { String($0) } ?? ""
            guard let page = Int(request.uri.queryParameters.get("page").map { String($0) } ?? "1"), page >= 1, page <= 100_000 else {
                throw APIError(.badRequest, code: "invalid_page", message: "'page' must be a positive whole number.", field: "page")
            }
            return jsonResponse(Self.json(try await register.page(query: q, page: page)), status: .ok)
        }
        routes.get(SitePath.API.statements, .everyone) { request, _ in
            let q = request.uri.queryParameters
            let format = try StatementsExporter.Format(rawValue: q.get("format").map { String($0) } ?? "jsonl")
                .orThrow(APIError(.badRequest, code: "invalid_format", message: "'format' must be jsonl or csv.", field: "format"))
            let since = try q.get("since").map { text -> Date in
                try QueueFilter.parseDay(String(text)).orThrow(APIError(.badRequest, code: "invalid_since", message: "'since' must be a day (YYYY-MM-DD).", field: "since"))
            }
            let until = try q.get("until").map { text -> Date in
                try QueueFilter.parseDay(String(text)).map { $0.addingTimeInterval(86_400) }
                    .orThrow(APIError(.badRequest, code: "invalid_until", message: "'until' must be a day (YYYY-MM-DD).", field: "until"))
            }
            let exporter = statements
            // Streamed a page of decisions at a time: never the whole export in memory.
            let body = ResponseBody { writer in
                try await exporter.export(since: since, until: until, format: format) { text in
                    try await writer.write(ByteBuffer(string: text))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: format.contentType], body: body)
        }
    }

    private func apiPeriod(_ request: Request) throws -> CompliancePeriod {
        switch parsePeriod(request) {
        case .success(let period): return period
        case .failure(let problem): throw APIError(.badRequest, code: "invalid_period", message: problem.en, field: "period")
        }
    }

    /// `period=month|quarter|year|custom` with `from`/`to` days (the
    /// compliance page's parameters); the quarter by default.
    private func parsePeriod(_ request: Request) -> Result<CompliancePeriod, CompliancePeriod.Problem> {
        let q = request.uri.queryParameters
        return CompliancePeriod.parse(q.get("period").map { String($0) }, from: q.get("from").map { String($0) }, to: q.get("to").map { String($0) },
                                      now: service.clock.now())
    }

    // MARK: JSON (keys sorted, as the rest of the API)

    static func json(_ figures: TransparencyFigures, _ period: CompliancePeriod) -> JSONObjectText {
        var object = JSONObjectText()
        object.add("period") { p in
            p.add("from", WIBDay.text(figures.fromDay))
            p.add("kind", period.kind.rawValue)
            p.add("to", WIBDay.text(figures.toDay - 1))
        }
        object.add("small_cells_suppressed_below", SmallCells.threshold)
        object.add("tables") { tables in
            for table in TransparencyFigures.tables.sorted(by: { $0.name < $1.name }) {
                tables.add(table.name, objects: figures.cells(table.name).map { cell in
                    var row = JSONObjectText()
                    row.add(table.key, cell.key)
                    if !table.subkey.isEmpty { row.add(table.subkey, cell.subkey) }
                    row.add("suppressed", cell.suppressed)
                    if let value = cell.value { row.add("value", number: value) } else { row.addNull("value") }
                    if let week = cell.week { row.add("week", week) }
                    return row
                })
            }
        }
        return object
    }

    static func json(_ page: BlockRegister.Page) -> JSONObjectText {
        var object = JSONObjectText()
        object.add("entries", objects: page.entries.map { entry in
            var row = JSONObjectText()
            row.add("app", entry.app ?? "")
            row.add("approved_at", isoTimestamp(entry.approvedAt))
            row.add("conditions", entry.conditions ?? "")
            row.add("effective_at", isoTimestamp(entry.effectiveAt))
            row.add("kind", entry.kind)
            row.add("legal_bases", list: entry.legalBases)
            row.add("lifted_by", list: entry.liftedBy)
            row.add("names", entry.names)
            row.add("number", entry.number)
            row.add("reason", entry.reason)
            row.add("until", entry.until.map(isoTimestamp) ?? "")
            return row
        })
        object.add("has_more", page.hasMore)
        object.add("page", page.page)
        return object
    }
}
