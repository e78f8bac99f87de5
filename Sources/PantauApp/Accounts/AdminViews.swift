import Foundation
import PantauCore
import Plot

/// Shared pieces of the admin screens.
enum AdminUI {
    static func roleChoices(_ l: Language) -> [(value: String, text: String)] {
        [(value: "", text: l.t("— pilih —", "— choose —"))] + Role.allCases.map { (value: $0.rawValue, text: l.t($0.label.id, $0.label.en)) }
    }

    static func platformChoices(_ l: Language) -> [(value: String, text: String)] {
        [(value: "", text: l.t("— tidak terikat platform —", "— not bound to a platform —"))]
            + Platform.allCases.filter { $0 != .web }.map { (value: $0.rawValue, text: $0.displayName) }
    }

    static func state(_ user: AdminUserRow, _ l: Language) -> String {
        if user.disabled { return l.t("Nonaktif", "Disabled") }
        if user.mustChangePassword { return l.t("Menunggu ganti kata sandi sekali pakai", "One-time password not yet changed") }
        return l.t("Aktif", "Active")
    }

    static func role(_ user: AdminUserRow, _ l: Language) -> String {
        (user.role.map { l.t($0.label.id, $0.label.en) } ?? "—") + (user.platform.map { " · " + $0.displayName } ?? "")
    }

    /// A secret shown once: in a box the admin can copy, with the warning.
    static func secret(_ title: String, _ value: String, _ l: Language) -> Node<HTML.BodyContext> {
        .div(.class("card ok"), .attribute(named: "role", value: "status"), .id("shown-once"),
             .p(.strong(.text(title))),
             .p(.code(.class("secret"), .text(value))),
             .p(.class("hint"), .text(l.t("Salin sekarang: ditampilkan hanya sekali dan disimpan dalam bentuk hash.",
                                          "Copy it now: it is shown only once and stored hashed."))))
    }

    static func tokenState(_ token: AdminTokenRow, _ l: Language) -> String {
        if let revoked = token.revokedAt { return l.t("Dicabut ", "Revoked ") + l.minute(revoked) }
        return token.lastUsedAt.map { l.t("Terakhir dipakai ", "Last used ") + l.minute($0) } ?? l.t("Belum dipakai", "Not used yet")
    }

    static func revokeButton(_ token: AdminTokenRow, back: String, _ identity: Identity, _ l: Language) -> Node<HTML.BodyContext> {
        guard token.revokedAt == nil else { return .empty }
        return .form(.method(.post), .action(l.link(SitePath.Admin.revokeToken(token.id))), .class("inline"), StaffUI.csrfField(identity),
                     .input(.type(.hidden), .name("back"), .value(back)),
                     .button(.type(.submit), .class("link"), .text(l.t("Cabut", "Revoke"))))
    }
}

/// `/admin/pengguna`: every account, and the form to add one.
struct UsersView {
    let language: Language
    let identity: Identity
    let users: [AdminUserRow]
    let form: FormState
    /// An account just made, with its one-time password (shown on this answer only).
    let created: (email: String, password: String?)?

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Pengguna", "Users"), language: l, path: SitePath.Admin.users, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Pengguna", "Users"))),
            .unwrap(created) { created in
                .group(.p(.class("ok"), .text(l.t("Akun \(created.email) dibuat.", "Account \(created.email) created."))),
                       .unwrap(created.password) { AdminUI.secret(l.t("Kata sandi sekali pakai (wajib diganti saat masuk pertama):",
                                                                      "One-time password (to be changed at the first sign-in):"), $0, l) })
            },
            .div(.class("scroll"), .table(.class("data"), .id("users"),
                .thead(.tr(.th(.text(l.t("Surel", "E-mail"))), .th(.text(l.t("Nama", "Name"))), .th(.text(l.t("Peran", "Role"))),
                           .th(.text(l.t("Keadaan", "State"))), .th(.text(l.t("Dibuat", "Created"))))),
                .tbody(.forEach(users) { user in
                    .tr(.class(user.disabled ? "inactive" : ""),
                        .td(.a(.href(l.link(SitePath.Admin.user(user.id))), .text(user.email))), .td(.text(user.displayName)),
                        .td(.text(AdminUI.role(user, l))), .td(.text(AdminUI.state(user, l))), .td(.text(l.day(user.createdAt))))
                }))),
            FormUI.summary(form, l),
            .form(.method(.post), .action(l.link(SitePath.Admin.users)), .class("card"), .id("add-user"), FormUI.serverChecked, StaffUI.csrfField(identity),
                  .h2(.text(l.t("Tambah pengguna", "Add a user"))),
                  .p(.class("hint"), .text(l.t("Akun baru mendapat kata sandi sekali pakai yang ditampilkan sekali di sini.",
                                               "A new account gets a one-time password, shown here once."))),
                  .div(.class("bar"),
                       FormUI.input("email", l.t("Surel", "E-mail"), type: "email", form),
                       FormUI.input("display_name", l.t("Nama (opsional)", "Name (optional)"), form),
                       FormUI.select("role", l.t("Peran", "Role"), form, AdminUI.roleChoices(l)),
                       FormUI.select("platform", l.t("Platform (hanya penghubung platform)", "Platform (platform liaisons only)"), form,
                                     AdminUI.platformChoices(l))),
                  .button(.type(.submit), .text(l.t("Tambah", "Add"))))
        )).render()
    }
}

/// `/admin/pengguna/:id`: one account — role, disable/enable, reset, its tokens.
struct UserView {
    let language: Language
    let identity: Identity
    let user: AdminUserRow
    let tokens: [AdminTokenRow]
    let notice: String?
    /// A one-time password just made (shown on this answer only).
    let secret: String?
    let form: FormState

    func render() -> String {
        let l = language
        var roleForm = form
        if roleForm.values.isEmpty { roleForm.values = ["role": user.role?.rawValue ?? "", "platform": user.platform?.rawValue ?? ""] }
        let path = SitePath.Admin.user(user.id)
        return PageLayout(title: user.email, language: l, path: path, identity: identity, wide: true, content: .div(
            .p(.a(.href(l.link(SitePath.Admin.users)), .text(l.t("← Semua pengguna", "← All users")))),
            .h1(.text(user.email)),
            .unwrap(notice) { .p(.class("card"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(secret) { AdminUI.secret(l.t("Kata sandi sekali pakai:", "One-time password:"), $0, l) },
            .div(.class("card"), StaffUI.dl([
                (l.t("Nama", "Name"), .text(user.displayName)),
                (l.t("Peran", "Role"), .text(AdminUI.role(user, l))),
                (l.t("Keadaan", "State"), .text(AdminUI.state(user, l))),
                (l.t("Dibuat", "Created"), .text(l.minute(user.createdAt))),
            ])),
            FormUI.summary(form, l),
            .form(.method(.post), .action(l.link(SitePath.Admin.userRole(user.id))), .class("card"), .id("role-form"), FormUI.serverChecked, StaffUI.csrfField(identity),
                  .h2(.text(l.t("Ubah peran", "Change the role"))),
                  .div(.class("bar"),
                       FormUI.select("role", l.t("Peran", "Role"), roleForm, AdminUI.roleChoices(l)),
                       FormUI.select("platform", l.t("Platform (hanya penghubung platform)", "Platform (platform liaisons only)"), roleForm,
                                     AdminUI.platformChoices(l))),
                  .button(.type(.submit), .text(l.t("Simpan peran", "Save the role")))),
            .div(.class("card actions"),
                 .form(.method(.post), .action(l.link(SitePath.Admin.userActive(user.id))), .class("inline"), StaffUI.csrfField(identity),
                       .input(.type(.hidden), .name("disabled"), .value(user.disabled ? "0" : "1")),
                       .button(.type(.submit), .class("secondary"), .text(user.disabled ? l.t("Aktifkan kembali", "Enable again") : l.t("Nonaktifkan", "Disable")))),
                 .form(.method(.post), .action(l.link(SitePath.Admin.userReset(user.id))), .class("inline"), StaffUI.csrfField(identity),
                       .button(.type(.submit), .class("secondary"), .text(l.t("Buat kata sandi sekali pakai", "Make a one-time password"))))),
            .section(.class("card"), .h2(.text(l.t("Token API akun ini", "This account's API tokens"))),
                     tokens.isEmpty ? .p(.text(l.t("Tidak ada.", "None."))) : .ul(.forEach(tokens) { token in
                         .li(.code(.text(token.prefix + "…")), .text(" · " + token.name + " · " + AdminUI.tokenState(token, l) + " "),
                             AdminUI.revokeButton(token, back: path, identity, l))
                     }),
                     .p(.a(.href(l.link(SitePath.Admin.tokens)), .text(l.t("Buat token →", "Create a token →")))))
        )).render()
    }
}

/// `/admin/token`: every API token (never its secret), create and revoke.
struct TokensView {
    let language: Language
    let identity: Identity
    let tokens: [AdminTokenRow]
    let users: [AdminUserRow]
    let form: FormState
    /// A token just made (shown on this answer only).
    let created: (owner: String, token: String)?

    func render() -> String {
        let l = language
        let owners = [(value: "", text: l.t("— pilih —", "— choose —"))]
            + Platform.allCases.filter { $0 != .web }.map { (value: "platform:" + $0.rawValue, text: l.t("Konektor ", "Connector of ") + $0.displayName) }
            + users.filter { !$0.email.hasSuffix(".platform.pantau") }.map { (value: $0.email, text: $0.email + " (" + AdminUI.role($0, l) + ")") }
        return PageLayout(title: l.t("Token API", "API tokens"), language: l, path: SitePath.Admin.tokens, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Token API", "API tokens"))),
            .p(.text(l.t("Token bertindak sebagai akun pemiliknya, dengan izin perannya (Authorization: Bearer).",
                         "A token acts as the account it belongs to, with that role's permissions (Authorization: Bearer)."))),
            .unwrap(created) { AdminUI.secret(l.t("Token untuk \($0.owner):", "Token for \($0.owner):"), $0.token, l) },
            FormUI.summary(form, l),
            .form(.method(.post), .action(l.link(SitePath.Admin.tokens)), .class("card"), .id("create-token"), FormUI.serverChecked, StaffUI.csrfField(identity),
                  .h2(.text(l.t("Buat token", "Create a token"))),
                  .div(.class("bar"),
                       FormUI.select("owner", l.t("Bertindak sebagai", "Acts as"), form, owners),
                       FormUI.input("name", l.t("Untuk apa", "What it is for"), form, placeholder: l.t("mis. konektor TikTok", "e.g. TikTok connector"))),
                  .button(.type(.submit), .text(l.t("Buat token", "Create the token")))),
            .div(.class("scroll"), .table(.class("data"), .id("tokens"),
                .thead(.tr(.th(.text(l.t("Awalan", "Prefix"))), .th(.text(l.t("Nama", "Name"))), .th(.text(l.t("Akun", "Account"))),
                           .th(.text(l.t("Dibuat", "Created"))), .th(.text(l.t("Keadaan", "State"))), .th())),
                .tbody(.forEach(tokens) { token in
                    .tr(.class(token.revokedAt == nil ? "" : "inactive"),
                        .td(.code(.text(token.prefix + "…"))), .td(.text(token.name)), .td(.text(token.owner)), .td(.text(l.day(token.createdAt))),
                        .td(.text(AdminUI.tokenState(token, l))), .td(AdminUI.revokeButton(token, back: SitePath.Admin.tokens, identity, l)))
                })))
        )).render()
    }
}

/// `/admin/platform/:id`: where a platform's orders go, who answers, its deadlines.
struct PlatformSettingsView {
    let language: Language
    let identity: Identity
    let platform: Platform
    let webhookURL: String?
    let signed: Bool
    let liaisonName: String?
    let liaisonEmail: String?
    /// Hours by category where the platform has its own deadline.
    let overrides: [String: Int]
    let categories: [ContentCategory]
    let notice: String?
    /// A signing secret just made (shown on this answer only).
    let secret: String?
    /// A refused part of the page (`webhook`, `liaison`, `deadline`), as typed.
    let forms: [String: FormState]

    func render() -> String {
        let l = language
        var webhook = forms["webhook"] ?? FormState()
        if forms["webhook"] == nil { webhook.values["webhook_url"] = webhookURL ?? "" }
        var liaison = forms["liaison"] ?? FormState()
        if forms["liaison"] == nil { liaison.values = ["liaison_name": liaisonName ?? "", "liaison_email": liaisonEmail ?? ""] }
        let deadline = forms["deadline"] ?? FormState()
        func part(_ name: String) -> Node<HTML.FormContext> {
            .group(StaffUI.csrfField(identity), .input(.type(.hidden), .name("part"), .value(name)))
        }
        let action = l.link(SitePath.Admin.platform(platform.rawValue))
        return PageLayout(title: platform.displayName, language: l, path: SitePath.Admin.platform(platform.rawValue), identity: identity, content: .div(
            .p(.a(.href(l.link(SitePath.Orders.platforms)), .text(l.t("← Semua platform", "← All platforms")))),
            .h1(.text(l.t("Platform ", "Platform ") + platform.displayName)),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(secret) { AdminUI.secret(l.t("Rahasia penanda tangan webhook (berikan kepada platform):", "The webhook's signing secret (give it to the platform):"), $0, l) },
            .form(.method(.post), .action(action), .class("card"), .id("webhook-form"), FormUI.serverChecked, part("webhook"),
                  .h2(.text("Webhook")),
                  .p(.class("hint"), .text(signed ? l.t("Perintah dikirim ke alamat ini dan ditandatangani. Menyimpan membuat rahasia baru.",
                                                        "Orders go to this address, signed. Saving makes a new secret.")
                                                  : l.t("Tanpa webhook, perintah dikirim lewat surel ke penghubung.", "Without a webhook, orders go by e-mail to the liaison."))),
                  FormUI.input("webhook_url", l.t("Alamat https://", "https:// address"), type: "url", webhook),
                  .button(.type(.submit), .text(l.t("Simpan webhook", "Save the webhook")))),
            .form(.method(.post), .action(action), .class("card"), .id("liaison-form"), FormUI.serverChecked, part("liaison"),
                  .h2(.text(l.t("Penghubung", "Liaison"))),
                  FormUI.input("liaison_name", l.t("Nama", "Name"), liaison),
                  FormUI.input("liaison_email", l.t("Surel", "E-mail"), type: "email", liaison),
                  .button(.type(.submit), .text(l.t("Simpan penghubung", "Save the liaison")))),
            .form(.method(.post), .action(action), .class("card"), .id("deadline-form"), FormUI.serverChecked, part("deadline"),
                  .h2(.text(l.t("Tenggat khusus", "Deadline overrides"))),
                  .ul(.forEach(categories.filter { overrides[$0.slug] != nil }) { c in
                      .li(.text(l.t(c.nameID, c.nameEN) + ": " + l.t("\(overrides[c.slug]!) jam", "\(overrides[c.slug]!) h")))
                  }),
                  .div(.class("bar"),
                       FormUI.select("category", l.t("Kategori", "Category"), deadline, categories.map { (value: $0.slug, text: l.t($0.nameID, $0.nameEN)) }),
                       FormUI.input("hours", l.t("Jam (kosong = bawaan)", "Hours (empty = the default)"), deadline, inputMode: "numeric")),
                  .button(.type(.submit), .text(l.t("Simpan tenggat", "Save the deadline"))))
        )).render()
    }
}

/// `/admin/penanda-tangan`: who signs the printed letters.
struct SignatoryView {
    let language: Language
    let identity: Identity
    let form: FormState
    let saved: Bool

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Penanda tangan surat", "Letter signatory"), language: l, path: SitePath.Admin.signatory, identity: identity, content: .div(
            .h1(.text(l.t("Penanda tangan surat", "Letter signatory"))),
            .p(.text(l.t("Muncul di bawah surat perintah takedown dan surat sanksi yang dicetak.", "Shown at the foot of printed takedown orders and sanction letters."))),
            .if(saved, .p(.class("card ok"), .attribute(named: "role", value: "status"), .text(l.t("Tersimpan.", "Saved.")))),
            FormUI.summary(form, l),
            .form(.method(.post), .action(l.link(SitePath.Admin.signatory)), .class("card"), .id("signatory-form"), FormUI.serverChecked, StaffUI.csrfField(identity),
                  FormUI.input("name", l.t("Nama", "Name"), form),
                  FormUI.input("position", l.t("Jabatan", "Position"), form, placeholder: l.t("mis. Direktur Pengendalian Aplikasi Informatika", "e.g. Director of Informatics Application Control")),
                  FormUI.input("place", l.t("Tempat", "Place"), form, placeholder: "Jakarta"),
                  .button(.type(.submit), .text(l.t("Simpan", "Save"))))
        )).render()
    }
}
