import Foundation
import Hummingbird
import PantauCore

/// The staff's trend page: is negative content on a platform, or in a
/// category, going down? Reports and verified violations this period
/// against the period before, per platform and per category.
struct TrendController: Sendable {
    let service: TransparencyService
    let categories: CategoryIndex

    func register(on routes: Routes) {
        routes.get(SitePath.Transparency.trends, .staff(.viewCases)) { request, context in
            let language = Language(request: request)
            let (period, platform, category) = try parse(request) { problem in
                WebErrorPage(status: .badRequest, language: language, detail: language.t(problem.id, problem.en))
            }
            let trends = try await service.trends(period, platform: platform, category: category)
            return htmlResponse(TrendPageView(language: language, identity: context.identity, period: period, platform: platform, category: category,
                                              trends: trends, categories: categories).render())
        }
        routes.get(SitePath.API.trends, .staff(.viewCases)) { request, _ in
            let (period, platform, category) = try parse(request) { problem in
                APIError(.badRequest, code: "invalid_filter", message: problem.en, field: "period")
            }
            return jsonResponse(Self.json(try await service.trends(period, platform: platform, category: category)), status: .ok)
        }
    }

    private func parse(_ request: Request, _ error: (CompliancePeriod.Problem) -> any Error) throws -> (CompliancePeriod, String?, String?) {
        let q = request.uri.queryParameters
        let platform = q.get("platform").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let category = q.get("category").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        if let platform, Platform(rawValue: platform) == nil {
            throw error(.init(id: "Platform tidak dikenal: \(platform).", en: "Unknown platform '\(platform)'."))
        }
        if let category, !categories.contains(category) {
            throw error(.init(id: "Kategori tidak dikenal: \(category).", en: "Unknown category '\(category)'."))
        }
        switch CompliancePeriod.parse(q.get("period").map { String($0) }, from: q.get("from").map { String($0) }, to: q.get("to").map { String($0) },
                                      now: service.clock.now()) {
        case .success(let period): return (period, platform, category)
        case .failure(let problem): throw error(problem)
        }
    }

    static func json(_ trends: TrendFigures) -> JSONObjectText {
        func lines(_ lines: [TrendFigures.Line]) -> [JSONObjectText] {
            lines.map { line in
                var o = JSONObjectText()
                o.add("key", line.key)
                o.add("previous_reports", line.previousReports)
                o.add("previous_violations", line.previousViolations)
                o.add("reports", line.reports)
                if let change = line.reportsChange { o.add("reports_change", number: (change * 10_000).rounded() / 10_000) } else { o.addNull("reports_change") }
                o.add("violations", line.violations)
                if let change = line.violationsChange { o.add("violations_change", number: (change * 10_000).rounded() / 10_000) } else { o.addNull("violations_change") }
                o.add("weekly_reports", list: line.weeklyReports.map(String.init))
                o.add("weekly_violations", list: line.weeklyViolations.map(String.init))
                return o
            }
        }
        var object = JSONObjectText()
        object.add("by_category", objects: lines(trends.byCategory))
        object.add("by_platform", objects: lines(trends.byPlatform))
        object.add("from", WIBDay.text(trends.fromDay))
        object.add("to", WIBDay.text(trends.toDay - 1))
        object.add("weeks", list: trends.weeks.map(WIBDay.text))
        return object
    }
}
