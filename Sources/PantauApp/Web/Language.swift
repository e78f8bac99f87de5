import Foundation
import HTTPTypes
import Hummingbird
import PantauCore

/// UI language: Bahasa Indonesia first, English with `?lang=en`.
enum Language: String, Sendable {
    case id, en

    static let cookieName = "pantau_lang"

    /// `?lang=` wins; otherwise the language remembered in the cookie.
    init(request: Request) {
        switch request.uri.queryParameters.get("lang") {
        case "en": self = .en
        case "id": self = .id
        default: self = request.cookies[Self.cookieName]?.value == "en" ? .en : .id
        }
    }

    /// Picks the text for this language.
    func t(_ indonesian: String, _ english: String) -> String { self == .en ? english : indonesian }

    /// A report channel's name, as pages, charts and filters show it.
    func channel(_ raw: String) -> String {
        switch ReportChannel(rawValue: raw) {
        case .web: t("Formulir web", "Web form")
        case .api: "API"
        case .mention: t("Mention akun resmi", "Mention of the official account")
        case .import: t("Impor", "Import")
        case .email: "E-mail"
        case .monitoring: t("Pemantauan", "Monitoring")
        case nil: raw
        }
    }

    /// Adds `lang=en` to a site link when needed.
    func link(_ path: String) -> String {
        guard self == .en else { return path }
        return path + (path.contains("?") ? "&" : "?") + "lang=en"
    }
}

/// Remembers `?lang=en` / `?lang=id` in a cookie for the next pages.
struct LanguageCookieMiddleware: RouterMiddleware {
    let secureCookies: Bool

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let chosen = request.uri.queryParameters.get("lang"), chosen == "en" || chosen == "id",
           request.cookies[Language.cookieName]?.value != String(chosen) {
            response.headers.append(HTTPField(name: .setCookie, value: "\(Language.cookieName)=\(chosen); Path=/; SameSite=Lax; Max-Age=31536000"
                                                + (secureCookies ? "; Secure" : "")))
        }
        return response
    }
}
