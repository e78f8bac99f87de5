import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import PantauCore

/// An error of the JSON API: `{"error": {"code", "message", "field"?}}`.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var field: String?
    /// Seconds to wait before trying again (429, 503), sent as `Retry-After`.
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    init(_ error: ReportInputError) {
        self.init(.unprocessableContent, code: error.code, message: error.message, field: error.field)
    }

    var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if code == "access_denied" { fields[accessDeniedHeader.name] = accessDeniedHeader.value }
        if status == .unauthorized { fields[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        return fields
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(APIErrorBody(error: .init(code: code, message: message, field: field)))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Marks a refusal by the permission table (as opposed to, say, an expired
/// form), for clients and for the route × role test.
let accessDeniedHeader = (name: HTTPField.Name("Pantau-Error")!, value: "access_denied")

struct APIErrorBody: Codable {
    struct Inner: Codable { let code: String; let message: String; let field: String? }
    let error: Inner
}

/// Turns every error into the right kind of answer: JSON under `/api/`, an
/// HTML page elsewhere. Unexpected errors are logged and answered with 500
/// without details.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as WebErrorPage {
            throw error
        } catch let error as SignInRedirect {
            throw error
        } catch {
            let isAPI = request.uri.path.hasPrefix(SitePath.API.prefix)
            let status: HTTPResponse.Status
            let message: String
            if let http = error as? HTTPError {
                status = http.status
                message = http.body ?? http.status.reasonPhrase
            } else if let responseError = error as? any HTTPResponseError {
                status = responseError.status
                message = status.reasonPhrase
            } else {
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
                status = .internalServerError
                message = "An unexpected error occurred."
            }
            if isAPI {
                let code: String = switch status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                case .internalServerError: "internal_error"
                default: "bad_request"
                }
                throw APIError(status, code: code, message: message)
            }
            throw WebErrorPage(status: status, language: Language(request: request))
        }
    }
}

/// Reads the whole body up to `limit` bytes, answering 413 beyond it.
func collectBody(_ request: Request, limit: Int, api: Bool) async throws -> ByteBuffer {
    do {
        // A body declared larger than the limit is refused before any of it is read.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw HTTPError(.contentTooLarge) }
        return try await request.body.collect(upTo: limit)
    } catch {
        if api {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "The request body is larger than \(limit / 1024) KiB.")
        }
        throw WebErrorPage(status: .contentTooLarge, language: Language(request: request))
    }
}

/// What kind of refusal a service gives (a case, order or blocklist action);
/// the HTTP status and the page's status follow from it.
enum RefusalKind: Sendable {
    case notFound, conflict, invalid, forbidden

    /// The kind of a four-eyes refusal: a bad form, a state that moved on, or the wrong person.
    init(_ reason: FourEyesRefusal.Reason) {
        switch reason {
        case .reasonRequired: self = .invalid
        case .notPending: self = .conflict
        case .ownProposal: self = .forbidden
        }
    }

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalid: .unprocessableContent
        case .forbidden: .forbidden
        }
    }
}

/// A service's refusal (case, order or blocklist action): one way to answer it as JSON.
protocol ServiceRefusal: Error {
    var kind: RefusalKind { get }
    var code: String { get }
    var en: String { get }
    /// The request field the refusal is about, if any.
    var refusedField: String? { get }
}

extension ServiceRefusal {
    var apiError: APIError { APIError(kind.status, code: code, message: en, field: refusedField) }
}

/// Runs a service call, turning its refusals into JSON errors.
func answeringRefusals<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let refusal as any ServiceRefusal {
        throw refusal.apiError
    }
}

/// The UUID in the route's `name` parameter, or a JSON 404.
func apiPathID(_ context: AppRequestContext, _ name: String = "id") throws -> UUID {
    guard let text = context.parameters.get(name), let id = UUIDText.parse(text) else {
        throw APIError(.notFound, code: "not_found", message: "No such id.")
    }
    return id
}

/// A JSON request body of at most `limit` bytes, decoded.
func decodeJSONBody<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int) async throws -> T {
    try decodeJSON(type, from: Array(buffer: try await collectJSONBody(request, limit: limit)))
}

/// A JSON request body of at most `limit` bytes. It must say it is JSON
/// (checked before a byte is read): a form on any other site can send
/// `text/plain`, but not `application/json` without the browser asking first.
func collectJSONBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
    guard isJSONMediaType(request.headers[.contentType]) else {
        throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                       message: "Send the body as JSON, with the header Content-Type: application/json.", field: "Content-Type")
    }
    return try await collectBody(request, limit: limit, api: true)
}

/// `application/json`, or a `+json` type, with any parameters.
func isJSONMediaType(_ header: String?) -> Bool {
    guard let header else { return false }
    let type = header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
}
