import Foundation
import Hummingbird
import PantauCore

/// `/pantau`: the watchlists (list, create, change, switch off, delete) and
/// a box that shows what a text would match and why.
struct WatchlistWebController: Sendable {
    let service: WatchlistService
    let sources: MonitorSourceService

    func register(on routes: Routes) {
        routes.get(SitePath.Monitoring.home, .staff(.viewCases)) { request, context in
            try await home(request, context, form: FormState(), test: nil, status: .ok)
        }
        routes.post(SitePath.Monitoring.home, .staff(.manageWatchlists)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language, limit: 4 * 1024 * 1024))
            if let input = Self.input(&form, language, creating: true) {
                do {
                    let row = try await service.create(input, actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.watchlist(row.id) + "?notice=created")])
                } catch let problem as WatchlistService.Problem {
                    form.fail(problem.field ?? "name", language.t(problem.id, problem.en))
                }
            }
            return try await home(request, context, form: form, test: nil, status: .unprocessableContent)
        }
        routes.post(SitePath.Monitoring.test, .staff(.viewCases)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language, limit: 1024 * 1024))
            let text = form["text"]
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                form.fail("text", language.t("Tempel teks yang akan diuji.", "Paste the text to test."))
            } else if text.utf16.count > WatchlistAPIController.maximumTestText {
                form.fail("text", language.t("Paling panjang 200.000 karakter.", "At most 200,000 characters."))
            }
            guard form.isValid else { return try await home(request, context, form: FormState(), test: (form, nil), status: .unprocessableContent) }
            let matcher = try await service.matchers.current()
            let result = matcher.match(text)
            return try await home(request, context, form: FormState(), test: (form, (result, matcher.findings(result))), status: .ok)
        }
        routes.get(SitePath.Monitoring.watchlist, .staff(.viewCases)) { request, context in
            try await watchlistPage(request, context, form: nil, status: .ok)
        }
        routes.post(SitePath.Monitoring.watchlist, .staff(.manageWatchlists)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language, limit: 4 * 1024 * 1024))
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            if let input = Self.input(&form, language, creating: false) {
                do {
                    _ = try await service.update(id, input, actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.watchlist(id) + "?notice=saved")])
                } catch let problem as WatchlistService.Problem {
                    if problem.status == 404 { throw WebErrorPage(status: .notFound, language: language) }
                    form.fail(problem.field ?? "name", language.t(problem.id, problem.en))
                }
            }
            return try await watchlistPage(request, context, form: form, status: .unprocessableContent)
        }
        registerSources(on: routes)
        routes.post(SitePath.Monitoring.deleteWatchlist, .staff(.manageWatchlists)) { request, context in
            let language = Language(request: request)
            _ = try await parseStaffForm(request, context, language: language)
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            do {
                try await service.delete(id, actor: context.identity!.actor)
            } catch is WatchlistService.Problem {
                throw WebErrorPage(status: .notFound, language: language)
            }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.home + "?notice=deleted")])
        }
    }

    /// The form's fields as a service input, or nil with the problems recorded in `form`.
    private static func input(_ form: inout FormState, _ l: Language, creating: Bool) -> WatchlistService.Input? {
        var input = WatchlistService.Input(name: form["name"], category: form["category"], active: form["active"] == "1")
        if let text = form.text("threshold") {
            if let value = Double(text.replacingOccurrences(of: ",", with: ".")) { input.threshold = value } else {
                form.fail("threshold", l.t("Ambang harus angka, mis. 2 atau 1,5.", "The threshold is a number, e.g. 2 or 1.5."))
            }
        } else if creating {
            input.threshold = 1
        } else {
            form.fail("threshold", l.t("Ambang wajib diisi.", "The threshold is required."))
        }
        switch WatchlistDefinition.parseTerms(form["terms"]) {
        case .success(let terms): input.terms = terms
        case .failure(let problem): form.fail("terms", l.t(problem.id, problem.en))
        }
        return form.isValid ? input : nil
    }

    private func home(_ request: Request, _ context: AppRequestContext, form: FormState,
                      test: (form: FormState, result: (WatchlistMatcher.Result, [WatchlistDefinition])?)?, status: HTTPResponse.Status) async throws -> Response {
        let language = Language(request: request)
        let categories = try await CategoryModel.query(on: service.database.db).sort(\.$position).all().filter(\.active).map(\.domain)
        let overview = try await MonitoringOverview.load(sources: sources, database: service.database, now: service.clock.now())
        return htmlResponse(MonitoringView(language: language, identity: context.identity!, watchlists: try await service.all(), categories: categories,
                                           form: form, test: test, notice: request.uri.queryParameters.get("notice").map { String($0) },
                                           overview: overview).render(),
                            status: status)
    }

    private func watchlistPage(_ request: Request, _ context: AppRequestContext, form: FormState?, status: HTTPResponse.Status) async throws -> Response {
        let language = Language(request: request)
        guard let id = context.parameters.get("id").flatMap(UUIDText.parse), let row = try await service.find(id) else {
            throw WebErrorPage(status: .notFound, language: language)
        }
        let categories = try await CategoryModel.query(on: service.database.db).sort(\.$position).all().map(\.domain)
        return htmlResponse(WatchlistView(language: language, identity: context.identity!, row: row, categories: categories, form: form,
                                          notice: request.uri.queryParameters.get("notice").map { String($0) }).render(), status: status)
    }
}

extension WatchlistWebController {
    /// `/pantau/sumber`: the platform feeds (admin adds, changes, deletes; staff look).
    func registerSources(on routes: Routes) {
        routes.get(SitePath.Monitoring.sources, .staff(.viewCases)) { request, context in
            try await sourcesPage(request, context, form: FormState(), status: .ok)
        }
        routes.post(SitePath.Monitoring.sources, .staff(.manageMonitorSources)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language, limit: 64 * 1024))
            if let interval = Self.interval(&form, language) {
                do {
                    let feed = try await sources.addFeed(.init(platform: form["platform"], name: form["name"], url: form["url"], token: form["token"],
                                                               intervalSeconds: interval), actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.source(feed.id!) + "?notice=saved")])
                } catch let problem as WatchlistService.Problem {
                    form.fail(problem.field ?? "name", language.t(problem.id, problem.en))
                }
            }
            // A secret typed into the form is not written back into the page.
            form.values["token"] = ""
            return try await sourcesPage(request, context, form: form, status: .unprocessableContent)
        }
        routes.get(SitePath.Monitoring.source, .staff(.viewCases)) { request, context in
            try await sourcePage(request, context, form: nil, status: .ok)
        }
        routes.post(SitePath.Monitoring.source, .staff(.manageMonitorSources)) { request, context in
            let language = Language(request: request)
            var form = FormState(try await parseStaffForm(request, context, language: language, limit: 64 * 1024))
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            if let interval = Self.interval(&form, language) {
                do {
                    _ = try await sources.change(id, .init(name: form["name"], url: form["url"], token: form.text("token"), intervalSeconds: interval,
                                                           enabled: form["enabled"] == "1"), actor: context.identity!.actor)
                    return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.source(id) + "?notice=saved")])
                } catch let problem as WatchlistService.Problem {
                    if problem.status == 404 { throw WebErrorPage(status: .notFound, language: language) }
                    form.fail(problem.field ?? "name", language.t(problem.id, problem.en))
                }
            }
            form.values["token"] = ""
            return try await sourcePage(request, context, form: form, status: .unprocessableContent)
        }
        routes.post(SitePath.Monitoring.deleteSource, .staff(.manageMonitorSources)) { request, context in
            let language = Language(request: request)
            _ = try await parseStaffForm(request, context, language: language)
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            do {
                try await sources.delete(id, actor: context.identity!.actor)
            } catch is WatchlistService.Problem {
                throw WebErrorPage(status: .notFound, language: language)
            }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Monitoring.sources + "?notice=deleted")])
        }
    }

    /// The interval as typed ("60", "1.800"), or nil with its problem recorded.
    private static func interval(_ form: inout FormState, _ l: Language) -> Int? {
        guard let value = TypedInput.wholeNumber(form["interval_seconds"]), let seconds = Int(exactly: value) else {
            form.fail("interval_seconds", l.t("Selang dalam detik, angka bulat, mis. 60.", "The interval in seconds, a whole number, e.g. 60."))
            return nil
        }
        return seconds
    }

    private func sourcesPage(_ request: Request, _ context: AppRequestContext, form: FormState, status: HTTPResponse.Status) async throws -> Response {
        htmlResponse(MonitorSourcesView(language: Language(request: request), identity: context.identity!, feeds: try await sources.feeds(), form: form,
                                        notice: request.uri.queryParameters.get("notice").map { String($0) }).render(), status: status)
    }

    private func sourcePage(_ request: Request, _ context: AppRequestContext, form: FormState?, status: HTTPResponse.Status) async throws -> Response {
        let language = Language(request: request)
        guard let id = context.parameters.get("id").flatMap(UUIDText.parse), let feed = try await sources.find(id) else {
            throw WebErrorPage(status: .notFound, language: language)
        }
        return htmlResponse(MonitorSourceView(language: language, identity: context.identity!, feed: feed, form: form,
                                              notice: request.uri.queryParameters.get("notice").map { String($0) }).render(), status: status)
    }
}
