import Crypto
import Foundation
import Hummingbird
import PantauCore

/// CSRF protection for the public forms without a session: a signed token in
/// a `SameSite=Lax; HttpOnly` cookie that the form must echo (double submit).
/// A page on another site can neither read the cookie nor forge the signature.
struct CSRFProtection: Sendable {
    static let cookieName = "pantau_csrf"
    static let fieldName = "_csrf"
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    let secureCookies: Bool

    init(secret: [UInt8], secureCookies: Bool) {
        // A key of its own, derived so the contact key is never used for this.
        keyBytes = Array(HMAC<SHA256>.authenticationCode(for: Data("pantau-csrf".utf8), using: SymmetricKey(data: secret)))
        self.secureCookies = secureCookies
    }

    func makeToken() -> String {
        var random = SecureRandom()
        let nonce = hexString((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        return "\(nonce).\(signature(nonce))"
    }

    func isValid(_ token: String?) -> Bool {
        guard let token, let dot = token.firstIndex(of: ".") else { return false }
        let nonce = String(token[..<dot])
        return nonce.count == 32 && String(token[token.index(after: dot)...]) == signature(nonce)
    }

    /// The token to put in a form: the visitor's cookie when valid, else new.
    func token(for request: Request) -> (token: String, isNew: Bool) {
        if let existing = request.cookies[Self.cookieName]?.value, isValid(existing) { return (existing, false) }
        return (makeToken(), true)
    }

    func cookieHeader(_ token: String) -> String {
        "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=86400" + (secureCookies ? "; Secure" : "")
    }

    /// The form's token must be valid and equal to the cookie's.
    func verify(request: Request, formToken: String?) -> Bool {
        guard let formToken, isValid(formToken), let cookie = request.cookies[Self.cookieName]?.value else { return false }
        return cookie == formToken
    }

    private func signature(_ nonce: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: key).withUnsafeBytes { hexString($0) }
    }
}

/// A posted staff form: a browser session's own CSRF token must come back
/// with it (API tokens carry no ambient credential, so they need none).
func parseStaffForm(_ request: Request, _ context: AppRequestContext, language: Language, limit: Int = 256 * 1024) async throws -> ParsedForm {
    let body = try await collectBody(request, limit: limit, api: false)
    let form = try await parseWebForm(request: request, body: Array(buffer: body), language: language)
    if case .session(_, let expected) = context.identity?.credential {
        guard let given = form.fields[CSRFProtection.fieldName], constantTimeEqual(given, expected) else {
            throw WebErrorPage(status: .forbidden, language: language)
        }
    }
    return form
}
