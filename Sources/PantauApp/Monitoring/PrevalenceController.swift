import Foundation
import Hummingbird
import NIOCore
import PantauCore

/// The sample-review queue (`/pantau/sampel`) and prevalence's open data
/// (`GET /api/v1/prevalence`, public, JSON or CSV).
struct PrevalenceController: Sendable {
    let service: PrevalenceService
    let categories: CategoryIndex

    func register(on routes: Routes) {
        routes.get(SitePath.API.prevalence, .everyone) { request, _ in
            let platform = request.uri.queryParameters.get("platform").map { String($0) }
            if let platform, Platform(rawValue: platform) == nil {
                throw APIError(.badRequest, code: "unknown_platform", message: "Unknown platform '\(platform.prefix(40))'.", field: "platform")
            }
            let figures = try await service.figures(platform: platform)
            switch request.uri.queryParameters.get("format").map({ String($0) }) ?? "json" {
            case "json": return jsonResponse(PrevalenceUI.json(figures), status: .ok)
            case "csv":
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"prevalensi.csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: PrevalenceUI.csv(figures, categories: categories))))
            default: throw APIError(.badRequest, code: "invalid_format", message: "'format' must be json or csv.", field: "format")
            }
        }
        routes.get(SitePath.Monitoring.samples, .staff(.labelSamples)) { request, context in
            try await page(request, context, form: FormState(), status: .ok)
        }
        routes.post(SitePath.Monitoring.sampleItem, .staff(.labelSamples)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language))
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            let verdict: Bool? = switch form["label"] { case "violating": true; case "not_violating": false; default: nil }
            do {
                try await service.label(id, violating: verdict, category: form.text("category"), actor: context.identity!.actor)
                return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.samples + "?notice=labelled")])
            } catch let problem as PrevalenceService.LabelProblem {
                if problem.field == "item" { throw WebErrorPage(status: .notFound, language: language) }
                form.fail(problem.field, language.t(problem.id, problem.en))
            }
            return try await page(request, context, form: form, status: .unprocessableContent)
        }
    }

    private func page(_ request: Request, _ context: AppRequestContext, form: FormState, status: HTTPResponse.Status) async throws -> Response {
        let language = Language(request: request)
        let active = try await CategoryModel.query(on: service.database.db).sort(\.$position).all().filter(\.active).map(\.domain)
        return htmlResponse(SampleReviewView(language: language, identity: context.identity!, next: try await service.queue(limit: 1).first,
                                             waiting: try await service.waiting(), figures: try await service.figures(), categories: active, form: form,
                                             notice: request.uri.queryParameters.get("notice").map { String($0) }).render(), status: status)
    }
}
