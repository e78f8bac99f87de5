import Foundation
import Hummingbird
import HTTPTypes
import PantauCore

/// The only way routes are added: each names what it requires, and the
/// route × role test walks `entries` (and checks that the router has no route
/// that is missing here).
final class Routes: @unchecked Sendable {
    struct Entry: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let access: RouteAccess
    }

    let router: Router<AppRequestContext>
    // Filled while the application is built, read-only afterwards.
    private(set) var entries: [Entry] = []

    init(router: Router<AppRequestContext>) {
        self.router = router
    }

    /// The methods registered for a concrete path (`:name` segments match
    /// any one segment); empty when no route has this path.
    func methods(forPath path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        // The most specific patterns win, as in the router: `/cases/bulk`
        // is that path's own, not an `/cases/:id`.
        var best = -1
        var methods: Set<HTTPRequest.Method> = []
        for entry in entries {
            let pattern = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count,
                  zip(pattern, segments).allSatisfy({ p, s in p.hasPrefix(":") ? !s.isEmpty : p == s }) else { continue }
            let constants = pattern.filter { !$0.hasPrefix(":") }.count
            if constants > best { best = constants; methods = [] }
            if constants == best { methods.insert(entry.method) }
        }
        return methods
    }

    typealias Handler<Output> = @Sendable (Request, AppRequestContext) async throws -> Output

    func get<Output: ResponseGenerator>(_ path: String, _ access: RouteAccess, use handler: @escaping Handler<Output>) {
        add(.get, path, access, handler)
    }

    func post<Output: ResponseGenerator>(_ path: String, _ access: RouteAccess, use handler: @escaping Handler<Output>) {
        add(.post, path, access, handler)
    }

    func get<Output: ResponseGenerator>(_ path: SitePattern, _ access: RouteAccess, use handler: @escaping Handler<Output>) {
        add(.get, path.pattern, access, handler)
    }

    func post<Output: ResponseGenerator>(_ path: SitePattern, _ access: RouteAccess, use handler: @escaping Handler<Output>) {
        add(.post, path.pattern, access, handler)
    }

    private func add<Output: ResponseGenerator>(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess,
                                                _ handler: @escaping Handler<Output>) {
        entries.append(Entry(method: method, path: path, access: access))
        router.on(RouterPath(path), method: method) { request, context in
            try Self.check(access, request: request, context: context)
            return try await handler(request, context)
        }
    }

    /// Refuses a request the route's access does not allow: 401 (API) or a
    /// redirect to the sign-in page (web) without an identity; 403 with the
    /// identity's role lacking the permission. A staff browser session whose
    /// password is a one-time password may only change it (or sign out).
    static func check(_ access: RouteAccess, request: Request, context: AppRequestContext) throws {
        guard case .staff(let action) = access else { return }
        let isAPI = request.uri.path.hasPrefix(SitePath.API.prefix)
        guard let identity = context.identity else {
            if isAPI {
                throw APIError(.unauthorized, code: "unauthorized",
                               message: "Sign in first: send 'Authorization: Bearer <token>' (create one with `pantau token create`).")
            }
            throw SignInRedirect(next: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
        }
        guard identity.may(action) else {
            if isAPI {
                throw APIError(.forbidden, code: "access_denied",
                               message: "The role '\(identity.role.rawValue)' may not do this (\(action.rawValue)).")
            }
            throw WebErrorPage(status: .forbidden, language: Language(request: request), kind: .accessDenied)
        }
        let mayUseOneTimePassword = [SitePath.Staff.password, SitePath.Staff.signOut].contains(request.uri.path)
        if identity.mustChangePassword, case .session = identity.credential, !isAPI, !mayUseOneTimePassword {
            throw SignInRedirect(location: SitePath.Staff.password)
        }
    }
}

/// Sends a browser to the sign-in page (and back afterwards).
struct SignInRedirect: Error, HTTPResponseError {
    let location: String

    init(next: String) {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=?+")
        location = SitePath.Staff.signIn + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/")
    }

    init(location: String) { self.location = location }

    var status: HTTPResponse.Status { .seeOther }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// Finds who is calling: a session cookie (browsers) or a bearer token (API
/// clients). Requests without either cost nothing here.
struct AuthenticationMiddleware: RouterMiddleware {
    let accounts: AccountService

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        // `/metrics` reads its own token (`MetricsAccess`), not a staff one.
        if request.uri.path == SitePath.metrics { return try await next(request, context) }
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                  let identity = try await accounts.identity(bearerToken: String(parts[1]))
            else {
                throw APIError(.unauthorized, code: "invalid_token", message: "The bearer token is unknown, revoked or malformed.")
            }
            context.identity = identity
        } else if let token = request.cookies[AccountService.sessionCookie]?.value {
            context.identity = try await accounts.identity(sessionToken: token)
        }
        return try await next(request, context)
    }
}
