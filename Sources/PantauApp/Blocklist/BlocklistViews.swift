import Foundation
import PantauCore
import Plot

enum BlockUI {
    static func details(_ result: BlockCheck.Result, _ l: Language, names: Vocabulary) -> Node<HTML.BodyContext> {
        guard let entry = result.entry else { return .empty }
        let since = entry.activatedAt.map(l.minute) ?? "—"
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
                (l.t("Dasar hukum", "Legal basis"), .text(names.bases(commaSeparated: entry.legalBases))),
                (l.t("Aplikasi", "App"), .text(result.app?.name ?? "—")),
                (l.t("Keputusan", "Decision"), .text(result.proposal.map { $0.number + " · " + ($0.reviewedAt.map(l.minute) ?? "") } ?? "—")),
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
    /// Names of the legal bases shown.
    var names = Vocabulary()

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
                    .if(result.status == .blocked, BlockUI.details(result, l, names: names)),
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
    /// Names of the legal bases shown.
    var names = Vocabulary()

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Situs diblokir", "Site blocked"), language: l, path: "/", content: .div(
            .h1(.text(l.t("Akses ke situs ini diblokir", "Access to this site is blocked"))),
            .p(.text(l.t("Situs yang Anda tuju diblokir di Indonesia berdasarkan keputusan regulator. Berikut alasannya; jika Anda merasa keputusan ini keliru, Anda dapat mengajukan keberatan.",
                         "The site you tried to reach is blocked in Indonesia by a decision of the regulator. Here is why; if you think the decision is wrong, you can appeal."))),
            .unwrap(result) { .section(.class("card"), .id("block-details"), BlockUI.details($0, l, names: names)) },
            .if(result == nil, .p(.a(.href(l.link(SitePath.Blocklist.check)), .text(l.t("Cek nama yang diblokir dan alasannya →", "Check a blocked name and why →")))))
        )).render()
    }
}
