import Foundation
import PantauCore
import Plot

/// The sign-in page.
struct SignInView {
    let language: Language
    let csrfToken: String
    var email = ""
    var next = ""
    var error: String?

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Masuk petugas", "Staff sign-in"), language: l, path: SitePath.Staff.signIn, content: .div(
            .h1(.text(l.t("Masuk petugas", "Staff sign-in"))),
            .unwrap(error) { .div(.class("card"), .attribute(named: "role", value: "alert"), .p(.class("error"), .text($0))) },
            .form(
                .method(.post), .action(l.link(SitePath.Staff.signIn)),
                .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                .input(.type(.hidden), .name("next"), .value(next)),
                .div(.class("field"),
                     .label(.for("email"), .text(l.t("Surel", "E-mail"))),
                     .input(.type(.email), .name("email"), .id("email"), .value(email), .required(true),
                            .attribute(named: "autocomplete", value: "username"))),
                .div(.class("field"),
                     .label(.for("password"), .text(l.t("Kata sandi", "Password"))),
                     .input(.type(.password), .name("password"), .id("password"), .required(true),
                            .attribute(named: "autocomplete", value: "current-password"))),
                .button(.type(.submit), .text(l.t("Masuk", "Sign in")))
            )
        )).render()
    }
}

/// The staff start page: what waits for me (counters, each a link to the
/// work), the workspace by stage of the loop, and what my role allows.
struct StaffHomeView {
    let language: Language
    let identity: Identity
    var counters: [StaffWorkload.Counter] = []

    func render() -> String {
        let l = language
        let role = identity.role.label
        let allowed = StaffAction.allCases.filter { identity.may($0) }
        let waiting: Node<HTML.BodyContext> = counters.isEmpty ? .empty : .section(
            .h2(.text(l.t("Menunggu saya", "Waiting for me"))),
            .div(.class("counters"), .id("counters"), .forEach(counters) { counter in
                .a(.href(l.link(counter.link)), .class("counter" + (counter.urgent ? " urgent" : "") + (counter.count == 0 ? " zero" : "")),
                   .attribute(named: "data-counter", value: counter.key),
                   .span(.class("n"), .text(l.number(counter.count))), .text(l.t(counter.title.id, counter.title.en)))
            }))
        return PageLayout(title: l.t("Beranda petugas", "Staff home"), language: l, path: SitePath.Staff.home, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Selamat datang, ", "Welcome, ") + identity.displayName)),
            .p(.text(l.t("Masuk sebagai ", "Signed in as ") + identity.email + " · " + (l == .en ? role.en : role.id)
                     + (identity.platform.map { " · " + $0.name(english: l == .en) } ?? ""))),
            waiting,
            .section(.class("card"),
                .h2(.text(l.t("Ruang kerja", "Workspace"))),
                .forEach(StaffNavigation.groups(for: identity)) { group in
                    .p(.strong(.text(l.t(group.title.id, group.title.en) + ": ")),
                       .group(group.links.enumerated().map { index, link -> Node<HTML.BodyContext> in
                           .group(.if(index > 0, .text(" · ")), .a(.href(l.link(link.path)), .text(l.t(link.title.id, link.title.en))))
                       }))
                },
                .p(.a(.href(l.link(SitePath.Staff.password)), .text(l.t("Ganti kata sandi", "Change password"))))),
            .element(named: "details", nodes: [
                .element(named: "summary", text: l.t("Yang boleh dilakukan peran ini", "What this role may do")),
                .ul(.id("permissions"), .forEach(allowed) { .li(.text(l.t($0.label.id, $0.label.en))) }),
            ])
        )).render()
    }
}

/// Changing one's own password (required after a one-time password).
struct ChangePasswordView {
    let language: Language
    let identity: Identity
    var error: String?
    /// The field the error is about (`current`, `new` or `confirm`); passwords themselves are never shown again.
    var errorField = "new"
    var done = false

    func render() -> String {
        let l = language
        guard case .session(_, let csrf) = identity.credential else { return "" }
        return PageLayout(title: l.t("Ganti kata sandi", "Change password"), language: l, path: SitePath.Staff.password, identity: identity, content: .div(
            .h1(.text(l.t("Ganti kata sandi", "Change password"))),
            .if(identity.mustChangePassword, .p(.class("card"), .text(l.t(
                "Anda masuk dengan kata sandi sekali pakai. Buat kata sandi Anda sendiri untuk melanjutkan.",
                "You signed in with a one-time password. Choose your own password to continue.")))),
            .if(done, .p(.class("card"), .attribute(named: "role", value: "status"), .text(l.t("Kata sandi telah diganti.", "Your password has been changed.")))),
            .unwrap(error) { .div(.class("card"), .attribute(named: "role", value: "alert"), .p(.class("error"), .a(.href("#" + errorField), .text($0)))) },
            .form(
                .method(.post), .action(l.link(SitePath.Staff.password)),
                .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrf)),
                .div(.class(fieldClass("current")),
                     .label(.for("current"), .text(l.t("Kata sandi sekarang", "Current password"))),
                     fieldError("current"),
                     .input(.type(.password), .name("current"), .id("current"), .required(true), invalid("current"), described("current", hint: false),
                            .attribute(named: "autocomplete", value: "current-password"))),
                .div(.class(fieldClass("new")),
                     .label(.for("new"), .text(l.t("Kata sandi baru", "New password"))),
                     .p(.class("hint"), .id("new-hint"), .text(l.t("Minimal \(PasswordPolicy.minimumLength) karakter; bukan kata sandi yang umum dipakai, bukan nama dari e-mail Anda, bukan karakter berulang atau berurutan. Beberapa kata acak paling mudah diingat.",
                                                                 "At least \(PasswordPolicy.minimumLength) characters; not a common password, not the name in your e-mail, not repeated or sequential characters. A few random words are easiest to remember."))),
                     fieldError("new"),
                     .input(.type(.password), .name("new"), .id("new"), .required(true),
                            .attribute(named: "minlength", value: String(PasswordPolicy.minimumLength)),
                            invalid("new"), described("new", hint: true),
                            .attribute(named: "autocomplete", value: "new-password"))),
                .div(.class(fieldClass("confirm")),
                     .label(.for("confirm"), .text(l.t("Ulangi kata sandi baru", "New password again"))),
                     fieldError("confirm"),
                     .input(.type(.password), .name("confirm"), .id("confirm"), .required(true), invalid("confirm"), described("confirm", hint: false),
                            .attribute(named: "autocomplete", value: "new-password"))),
                .button(.type(.submit), .text(l.t("Simpan", "Save")))
            )
        )).render()
    }

    private func fieldClass(_ name: String) -> String { error != nil && errorField == name ? "field invalid" : "field" }

    private func fieldError(_ name: String) -> Node<HTML.FormContext> {
        guard let error, errorField == name else { return .empty }
        return .p(.class("error"), .id(name + "-error"), .text(error))
    }

    private func invalid(_ name: String) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-invalid", value: error != nil && errorField == name ? "true" : nil)
    }

    private func described(_ name: String, hint: Bool) -> Attribute<HTML.InputContext> {
        let ids = [hint ? name + "-hint" : nil, error != nil && errorField == name ? name + "-error" : nil].compactMap { $0 }
        return .attribute(named: "aria-describedby", value: ids.isEmpty ? nil : ids.joined(separator: " "))
    }
}

/// The audit log, newest first.
struct AuditLogView {
    let language: Language
    let identity: Identity
    let events: [AuditEventRow]
    let olderThan: String?

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Log audit", "Audit log"), language: l, path: SitePath.Staff.audit, identity: identity, content: .div(
            .h1(.text(l.t("Log audit", "Audit log"))),
            .p(.text(l.t("Setiap masuk, kegagalan masuk, dan perubahan akun atau izin.", "Every sign-in, failed sign-in and change to accounts or permissions."))),
            .table(
                .thead(.tr(.th(.text(l.t("Waktu (UTC)", "Time (UTC)"))), .th(.text(l.t("Pelaku", "Actor"))), .th(.text(l.t("Jenis", "Kind"))),
                           .th(.text(l.t("Sasaran", "Target"))), .th(.text(l.t("Alamat", "Address"))), .th(.text(l.t("Rincian", "Details"))))),
                .tbody(.forEach(events) { e in
                    .tr(.td(.text(isoTimestamp(e.occurredAt))), .td(.text(e.actor)),
                        .td(.text(AuditKind.title(e.kind, l)), .br(), .code(.class("key"), .text(e.kind))), .td(.text(e.target)),
                        .td(.text(e.address)), .td(.text(e.payload == "{}" ? "" : EventDetails.summary(e.payload, l))))
                })
            ),
            .unwrap(olderThan) { cursor in
                .p(.a(.href(l.link(SitePath.Staff.audit + "?before=" + cursor)), .text(l.t("Lebih lama →", "Older →"))))
            }
        )).render()
    }
}
