import Hummingbird
import HTTPTypes
import NIOCore

/// What every answer gets, whatever produced it: `X-Content-Type-Options:
/// nosniff` (a JSON or CSV answer is never read as a page), and `405 Method
/// Not Allowed` with `Allow` instead of 404 when the path exists for other
/// methods. Added first, so it wraps the other middleware and the router's
/// own not-found answer.
struct ProtocolMiddleware: RouterMiddleware {
    /// The routes (filled in after the middleware is added, read-only when serving).
    let routes: Routes

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if response.status == .notFound, let allowed = Optional(routes.methods(forPath: request.uri.path)), !allowed.isEmpty,
           !allowed.contains(request.method), !(request.method == .head && allowed.contains(.get)) {
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            let error: any HTTPResponseError = request.uri.path.hasPrefix(SitePath.API.prefix)
                ? APIError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not allowed here; use \(allow).")
                : WebErrorPage(status: .methodNotAllowed, language: Language(request: request))
            response = try error.response(from: request, context: context)
            response.headers[.allow] = allow
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
