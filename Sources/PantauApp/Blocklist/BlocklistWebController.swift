import Foundation
import Hummingbird
import HTTPTypes
import PantauCore

/// The public pages of the blocklist: the lookup `/cek` and the block
/// landing page people see when a resolver redirects a blocked name.
struct BlocklistWebController: Sendable {
    let checker: BlockCheck

    func register(on routes: Routes) {
        routes.get(SitePath.Blocklist.check, .everyone) { request, _ in try await checkPage(request) }
    }

    func checkPage(_ request: Request) async throws -> Response {
        let language = Language(request: request)
        // The page's own form sends `nama`; `name` (the API's word) is read too.
        let raw = (request.uri.queryParameters.get("nama") ?? request.uri.queryParameters.get("name")).map { String($0) } ?? ""
        guard !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            return htmlResponse(CheckPageView(language: language, query: "", result: nil, problem: nil).render())
        }
        switch try await checker.check(raw) {
        case .failure(let problem):
            return htmlResponse(CheckPageView(language: language, query: raw, result: nil, problem: language.t(problem.message.id, problem.message.en)).render(),
                                status: .unprocessableContent)
        case .success(let result):
            return htmlResponse(CheckPageView(language: language, query: raw, result: result, problem: nil,
                                              names: try await Vocabulary.load(checker.database)).render())
        }
    }
}

/// Requests whose `Host` is a blocked name (a resolver sent the person
/// here with `CNAME <landing host>.`), or the landing host itself, get the
/// block landing page instead of Pantau's own pages: which name, why, since
/// when, and how to appeal. Pantau's own host names and IP addresses pass.
struct BlockLandingMiddleware: RouterMiddleware {
    let checker: BlockCheck
    let landingHost: String
    let ownHosts: Set<String>

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        // HTTP/1 carries the name in Host, which the server hands on as the authority.
        guard let authority = request.headers[HTTPField.Name("Host")!] ?? request.head.authority else { return try await next(request, context) }
        let host = Self.hostName(authority)
        if host.isEmpty || host == "localhost" || ownHosts.contains(host) || IPLiteral.parse(Array(host.utf8)) != nil
            || request.uri.path == SitePath.style || request.uri.path.hasPrefix(SitePath.appeal) {
            return try await next(request, context)
        }
        let language = Language(request: request)
        if host == landingHost {
            return htmlResponse(LandingPageView(language: language, host: nil, result: nil).render(), status: .ok)
        }
        guard case .success(let result) = try await checker.check(host), result.status == .blocked else {
            return try await next(request, context)
        }
        // 451 Unavailable For Legal Reasons (RFC 7725), with the page.
        return htmlResponse(LandingPageView(language: language, host: host, result: result, names: try await Vocabulary.load(checker.database)).render(),
                            status: HTTPResponse.Status(code: 451, reasonPhrase: "Unavailable For Legal Reasons"))
    }

    /// `Host` without port or brackets, lower case, no trailing dot.
    static func hostName(_ authority: String) -> String {
        var host = authority.lowercased()
        if host.hasPrefix("[") { return String(host.dropFirst().prefix { $0 != "]" }) }
        if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon { host = String(host[..<colon]) }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }
}

/// Shared pieces of the check and landing pages.
