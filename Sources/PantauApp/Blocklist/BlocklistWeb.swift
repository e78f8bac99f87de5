import Foundation
import Hummingbird
import HTTPTypes
import PantauCore
import Plot

/// The public pages of the blocklist: the lookup `/cek` and the block
/// landing page people see when a resolver redirects a blocked name.
struct BlocklistWebController: Sendable {
    let checker: BlockCheck

    func register(on routes: Routes) {
        routes.get(SitePath.Blocklist.check, .everyone) { request, _ in try await checkPage(request) }
    }

    func checkPage(_ request: Request) async throws -> Response {
        let language = Language(request: request)
        let raw = request.uri.queryParameters.get("nama").map { String($0) } ?? ""
        guard !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            return htmlResponse(CheckPageView(language: language, query: "", result: nil, problem: nil).render())
        }
        switch try await checker.check(raw) {
        case .failure(let problem):
            return htmlResponse(CheckPageView(language: language, query: raw, result: nil, problem: language.t(problem.message.id, problem.message.en)).render(),
                                status: .unprocessableContent)
        case .success(let result):
            return htmlResponse(CheckPageView(language: language, query: raw, result: result, problem: nil).render())
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
        return htmlResponse(LandingPageView(language: language, host: host, result: result).render(),
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
enum BlockUI {
    static func details(_ result: BlockCheck.Result, _ l: Language) -> Node<HTML.BodyContext> {
        guard let entry = result.entry else { return .empty }
        let since = entry.activatedAt.map(StaffUI.time) ?? "—"
        let entryText = (entry.isSubdomains ? "*." : "") + entry.name
        let appeal = SitePath.appeal + "?ref=" + (result.proposal?.caseIDs.split(separator: ",").first.map(String.init) ?? "https://\(result.name)/")
        return .group(
            StaffUI.dl([
                (l.t("Nama", "Name"), .code(.text(result.name))),
                (l.t("Diblokir oleh entri", "Blocked by the entry"), .code(.text(entryText))),
                (l.t("Cara cocok", "How it matched"), .text(result.matchedBy == "subdomains" && entry.name != result.name
                    ? l.t("subdomain dari \(entry.name)", "a subdomain of \(entry.name)")
                    : l.t("nama itu sendiri", "the name itself"))),
                (l.t("Sejak", "Since"), .text(since)),
                (l.t("Alasan", "Reason"), .text(entry.reason)),
                (l.t("Dasar hukum", "Legal basis"), .text(entry.legalBases.replacingOccurrences(of: ",", with: ", "))),
                (l.t("Aplikasi", "App"), .text(result.app?.name ?? "—")),
                (l.t("Keputusan", "Decision"), .text(result.proposal.map { $0.number + " · " + ($0.reviewedAt.map(StaffUI.time) ?? "") } ?? "—")),
            ]),
            .p(.a(.href(l.link(appeal)), .text(l.t("Ajukan keberatan (banding) atas pemblokiran ini →", "Appeal against this block →"))))
        )
    }
}

struct CheckPageView {
    let language: Language
    let query: String
    let result: BlockCheck.Result?
    let problem: String?

    static func heading(_ status: BlockCheck.Status, _ l: Language) -> String {
        switch status {
        case .blocked: l.t("Diblokir", "Blocked")
        case .allowed: l.t("Tidak diblokir (daftar izin)", "Not blocked (allow-list)")
        case .notBlocked: l.t("Tidak diblokir", "Not blocked")
        }
    }

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Cek pemblokiran", "Check a block"), language: l, path: SitePath.Blocklist.check, content: .div(
            .h1(.text(l.t("Mengapa situs ini diblokir?", "Why is this site blocked?"))),
            .form(.method(.get), .action(SitePath.Blocklist.check), .class("card"),
                  .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
                  StaffUI.field("nama", l.t("Nama domain, alamat, atau IP", "Domain name, address or IP"),
                                .input(.type(.text), .name("nama"), .id("nama"), .value(query), .placeholder("contoh.com")), error: problem),
                  .button(.type(.submit), .text(l.t("Cek", "Check")))),
            .unwrap(result) { result in
                .section(.class("card"), .id("check-result"),
                    .h2(.text(Self.heading(result.status, l))),
                    .if(result.status == .blocked, BlockUI.details(result, l)),
                    .if(result.status == .allowed, .p(.text(l.t("“\(result.name)” ada di daftar izin: layanan ini tidak pernah diblokir. ",
                                                               "'\(result.name)' is on the allow-list: this service is never blocked. ") + (result.allow?.reason ?? "")))),
                    .if(result.status == .notBlocked, .p(.text(l.t("“\(result.name)” tidak ada di daftar blokir Pantau. Jika Anda tetap tidak dapat membukanya, hubungi penyedia internet Anda.",
                                                                  "'\(result.name)' is not on Pantau's blocklist. If you still cannot open it, contact your internet provider.")))))
            }
        )).render()
    }
}

struct LandingPageView {
    let language: Language
    let host: String?
    let result: BlockCheck.Result?

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Situs diblokir", "Site blocked"), language: l, path: "/", content: .div(
            .h1(.text(l.t("Akses ke situs ini diblokir", "Access to this site is blocked"))),
            .p(.text(l.t("Situs yang Anda tuju diblokir di Indonesia berdasarkan keputusan regulator. Berikut alasannya; jika Anda merasa keputusan ini keliru, Anda dapat mengajukan keberatan.",
                         "The site you tried to reach is blocked in Indonesia by a decision of the regulator. Here is why; if you think the decision is wrong, you can appeal."))),
            .unwrap(result) { .section(.class("card"), .id("block-details"), BlockUI.details($0, l)) },
            .if(result == nil, .p(.a(.href(l.link(SitePath.Blocklist.check)), .text(l.t("Cek nama yang diblokir dan alasannya →", "Check a blocked name and why →")))))
        )).render()
    }
}
