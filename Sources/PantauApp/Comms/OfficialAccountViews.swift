import Foundation
import PantauCore
import Plot

struct OfficialAccountsView {
    let language: Language
    let identity: Identity?
    let accounts: [OfficialAccountRow]
    let series: [UUID: [AccountSnapshotRow]]
    let csrfToken: String?
    let notice: String?
    /// The figures form as typed, with its errors.
    var form = FormState()

    /// Verify / deactivate buttons for comms staff.
    private func changeButtons(_ a: OfficialAccountRow) -> Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        func button(_ change: String, _ text: String) -> Node<HTML.BodyContext> {
            .form(.method(.post), .action(SitePath.Transparency.accountChange), .class("inline"),
                  .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                  .input(.type(.hidden), .name("account"), .value(UUIDText.lower(a.id))),
                  .input(.type(.hidden), .name("change"), .value(change)),
                  .button(.type(.submit), .class("link"), .text(text)))
        }
        return .group(
            a.verified ? button("unverify", l.t("Batalkan verifikasi", "Unverify")) : button("verify", l.t("Tandai terverifikasi", "Mark verified")),
            a.active ? button("deactivate", l.t("Nonaktifkan", "Deactivate")) : button("activate", l.t("Aktifkan", "Activate")))
    }

    private var entryForm: Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        let choices = [(value: "", text: l.t("— pilih —", "— choose —"))] + accounts.map { (value: UUIDText.lower($0.id), text: $0.label) }
        let numberHint = l.t("Boleh dengan titik, mis. 1.350.000.", "Grouping is fine, e.g. 1,350,000.")
        return .form(.method(.post), .action(l.link(SitePath.Transparency.accountFigures)), .class("card"), .id("snapshot-form"), FormUI.serverChecked,
            .h2(.text(l.t("Catat angka akun", "Record an account's figures"))),
            .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
            .div(.class("bar"),
                 FormUI.select("account", l.t("Akun", "Account"), form, choices),
                 FormUI.input("taken_at", l.t("Tanggal (kosong = hari ini)", "Day (empty = today)"), type: "date", form),
                 FormUI.input("followers", l.t("Pengikut", "Followers"), hint: numberHint, form, inputMode: "numeric"),
                 FormUI.input("posts", l.t("Unggahan/video", "Posts/videos"), form, inputMode: "numeric"),
                 FormUI.input("likes", l.t("Suka", "Likes"), form, inputMode: "numeric"),
                 FormUI.input("views", l.t("Tayangan", "Views"), form, inputMode: "numeric")),
            .button(.type(.submit), .text(l.t("Simpan angka", "Save figures"))))
    }

    func render() -> String {
        let l = language
        let lines = accounts.map { a in SVGChart.Line(label: a.label, points: (series[a.id] ?? []).map { ($0.takenAt.timeIntervalSince1970, Double($0.followers)) }) }
        let chart = SVGChart.lines(id: "followers", title: l.t("Pengikut per akun dari waktu ke waktu", "Followers per account over time"), lines: lines,
                                   emptyText: l.t("Belum ada angka tercatat.", "No figures recorded yet."),
                                   dateText: { QueueFilter.formatDay(Date(timeIntervalSince1970: $0)) })
        let header: Node<HTML.TableContext> = .thead(.tr(.th(.text(l.t("Akun", "Account"))), .th(.text(l.t("Terverifikasi", "Verified"))),
                                                          .th(.text(l.t("Unit", "Unit"))), .th(.text(l.t("Pengikut", "Followers"))),
                                                          .th(.text(l.t("Unggahan", "Posts"))), .th(.text(l.t("Suka", "Likes"))), .th(.text(l.t("Per", "As of")))))
        let body: Node<HTML.TableContext> = .tbody(.forEach(accounts) { a in
            let last = series[a.id]?.last
            let verified = a.verified ? l.t("Ya", "Yes") + (a.verifiedAt.map { " (" + QueueFilter.formatDay($0) + ")" } ?? "") : l.t("Belum", "Not yet")
            return .tr(.class(a.active ? "" : "inactive"),
                       .td(.a(.href(a.url), .text(a.label)), .if(!a.active, .text(l.t(" (nonaktif)", " (inactive)")))),
                       .td(.text(verified), changeButtons(a)), .td(.text(a.ownerUnit)),
                       .td(.class("num"), .text(last.map { l.number($0.followers) } ?? "—")), .td(.class("num"), .text(last?.posts.map(l.number) ?? "—")),
                       .td(.class("num"), .text(last?.likes.map(l.number) ?? "—")), .td(.text(last.map { l.day($0.takenAt) } ?? "—")))
        })
        return PageLayout(title: l.t("Akun resmi", "Official accounts"), language: l, path: SitePath.Transparency.accounts, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Akun resmi regulator di setiap platform", "The regulator's official accounts on every platform"))),
            .p(.text(l.t("Hanya akun di daftar ini yang resmi. Angka diambil berkala dan ditampilkan berdampingan.",
                         "Only the accounts listed here are official. Their figures are taken regularly and shown side by side."))),
            .if(notice == "saved", .p(.class("ok"), .text(l.t("Angka tersimpan.", "Figures saved.")))),
            .if(notice == "updated", .p(.class("ok"), .text(l.t("Akun diperbarui.", "Account updated.")))),
            .section(.class("card"), .id("accounts"), .table(.class("data"), header, body)),
            .section(.class("card"), .h2(.text(l.t("Pertumbuhan pengikut", "Growth of followers"))), .div(.class("chart"), .raw(chart))),
            FormUI.summary(form, l),
            entryForm
        )).render()
    }
}
