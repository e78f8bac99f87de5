import Foundation
import PantauCore
import Plot

/// What the report form shows: the values typed so far and any errors.
struct ReportFormModel {
    var target = ""
    var platform = ""
    var category = ""
    var description = ""
    var name = ""
    var email = ""
    var phone = ""
    var errors: [String: String] = [:]
    var csrfToken = ""
    /// Evidence that passed its check on an earlier try, held for this one.
    var heldEvidence: [HeldEvidence] = []
}

/// An evidence file kept from a refused try of the report form, carried in
/// the form as `sha256:filename` so the retry need not attach it again.
struct HeldEvidence: Sendable, Equatable {
    static let fieldName = "held_evidence"
    let stored: StoredEvidence
    let filename: String

    init(stored: StoredEvidence, filename: String) {
        self.stored = stored
        // The name is only shown back to the person; keep it short and plain.
        self.filename = String(filename.filter { !$0.isNewline && $0 != ":" }.prefix(120))
    }

    /// Reads `sha256:filename`; the size and type are looked up again in the store.
    init?(formValue: String) {
        let parts = formValue.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, ReportValidator.isSHA256Hex(String(parts[0])) else { return nil }
        self.init(stored: StoredEvidence(sha256: parts[0].lowercased(), mediaType: "", size: 0), filename: String(parts[1]))
    }

    var formValue: String { stored.sha256 + ":" + filename }
}

struct ReportFormView {
    let model: ReportFormModel
    let categories: [ContentCategory]
    let language: Language

    func render() -> String {
        let l = language
        let m = model
        let hasErrors = !m.errors.isEmpty
        return PageLayout(title: l.t("Laporkan konten negatif", "Report negative content"), language: l, path: SitePath.reportForm, content: .div(
            .h1(.text(l.t("Laporkan konten negatif", "Report negative content"))),
            .p(.text(l.t("Laporkan akun, video, unggahan atau situs yang melanggar. Anda akan menerima nomor aduan untuk memantau statusnya.",
                         "Report an account, video, post or website that breaks the law. You will get a ticket number to follow its status."))),
            .if(hasErrors, .div(.class("card error-summary"), .attribute(named: "role", value: "alert"), .id("form-errors"),
                                .p(.class("error"), .text(l.t("Periksa isian yang ditandai di bawah:", "Please check the fields marked below:"))),
                                .ul(.forEach(Self.fieldOrder.filter { m.errors[$0] != nil }) { name in
                                    .li(.a(.href("#" + name), .text(m.errors[name]!)))
                                }))),
            .form(
                .method(.post), .action(l.link(SitePath.reportForm)), .enctype(.multipartData), .id("report-form"),
                // The server checks every field and shows all problems at once (a browser's own check stops at the first).
                .attribute(named: "novalidate", value: nil, ignoreIfValueIsEmpty: false),
                .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(m.csrfToken)),
                field("target", label: l.t("Tautan (URL) atau nama akun", "Link (URL) or account name"),
                      hint: l.t("Contoh: https://www.tiktok.com/@akun/video/123… atau @akun", "E.g. https://www.tiktok.com/@account/video/123… or @account"),
                      .input(.type(.text), .name("target"), .id("target"), .value(m.target), .required(true),
                             .attribute(named: "maxlength", value: "2048"), .attribute(named: "autocomplete", value: "off"),
                             describedBy("target"), invalid("target"))),
                field("platform", label: l.t("Platform (wajib untuk nama akun)", "Platform (needed for an account name)"), hint: nil,
                      .select(.attribute(named: "name", value: "platform"), .id("platform"), describedByNode("platform"), invalidNode("platform"),
                              .choice("", l.t("Otomatis dari tautan", "Detect from the link"), selected: m.platform.isEmpty),
                              .forEach(Platform.allCases) { p in .choice(p.rawValue, p.name(english: l == .en), selected: m.platform == p.rawValue) })),
                field("category", label: l.t("Kategori", "Category"), hint: nil,
                      .select(.attribute(named: "name", value: "category"), .id("category"),
                              .attribute(named: "required", value: nil, ignoreIfValueIsEmpty: false), describedByNode("category"), invalidNode("category"),
                              .choice("", l.t("— pilih —", "— choose —"), selected: m.category.isEmpty),
                              .forEach(categories) { c in .choice(c.slug, l == .en ? c.nameEN : c.nameID, selected: m.category == c.slug) })),
                field("description", label: l.t("Uraian", "Description"),
                      hint: l.t("Apa yang melanggar? (paling banyak 5.000 karakter)", "What is wrong with it? (at most 5,000 characters)"),
                      .textarea(.attribute(named: "name", value: "description"), .id("description"), .attribute(named: "maxlength", value: "5000"),
                                describedByNode("description"), invalidNode("description"),
                                .text(m.description))),
                field("evidence", label: l.t("Bukti (opsional)", "Evidence (optional)"),
                      hint: l.t("Tangkapan layar PNG/JPEG/GIF/WebP atau PDF, masing-masing maks. 10 MiB.", "PNG/JPEG/GIF/WebP screenshots or PDF, each at most 10 MiB."),
                      .group(
                        .if(!m.heldEvidence.isEmpty, .div(.class("held-evidence"), .id("held-evidence"),
                            .p(.text(l.t("Sudah terlampir dan disimpan untuk aduan ini (tidak perlu dipilih lagi):",
                                         "Already attached and held for this report (no need to choose them again):"))),
                            .ul(.forEach(m.heldEvidence) { item in
                                .li(.label(.input(.type(.checkbox), .name(HeldEvidence.fieldName), .value(item.formValue), .checked(true)),
                                           .text(" " + item.filename + " (" + Self.size(item.stored.size, l) + ")")))
                            }))),
                        .input(.type(.file), .name("evidence"), .id("evidence"), .multiple(true),
                               .attribute(named: "accept", value: "image/png,image/jpeg,image/gif,image/webp,application/pdf"), describedBy("evidence"),
                               .attribute(named: "aria-invalid", value: m.errors["evidence"] == nil ? nil : "true")))),
                .fieldset(
                    .element(named: "legend", nodes: [.text(l.t("Kontak Anda (opsional, dirahasiakan)", "Your contact (optional, kept confidential)"))]),
                    .p(.class("hint"), .text(l.t("Hanya petugas berwenang yang dapat melihatnya. Tidak pernah dipublikasikan.",
                                                 "Only authorised staff can see it. Never published."))),
                    field("reporter.name", label: l.t("Nama", "Name"), hint: nil,
                          .input(.type(.text), .name("reporter.name"), .id("reporter.name"), .value(m.name), .attribute(named: "autocomplete", value: "name"), describedBy("reporter.name"), invalid("reporter.name"))),
                    field("reporter.email", label: l.t("Surel", "E-mail"), hint: nil,
                          .input(.type(.email), .name("reporter.email"), .id("reporter.email"), .value(m.email), .attribute(named: "autocomplete", value: "email"), describedBy("reporter.email"), invalid("reporter.email"))),
                    field("reporter.phone", label: l.t("Telepon", "Phone"), hint: nil,
                          .input(.type(.tel), .name("reporter.phone"), .id("reporter.phone"), .value(m.phone), .attribute(named: "autocomplete", value: "tel"), describedBy("reporter.phone"), invalid("reporter.phone")))
                ),
                .button(.type(.submit), .text(l.t("Kirim aduan", "Send report")))
            )
        )).render()
    }

    /// The form's fields in the order they appear, for the error summary.
    static let fieldOrder = ["target", "platform", "category", "description", "evidence", "reporter.name", "reporter.email", "reporter.phone"]

    static func size(_ bytes: Int64, _ l: Language) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576).replacingOccurrences(of: ".", with: l == .en ? "." : ",")
            : l.number(max(1, Int((Double(bytes) / 1024).rounded(.up)))) + " KiB"
    }

    private func describedBy(_ name: String) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-describedby", value: model.errors[name] == nil ? nil : "\(name)-error")
    }

    private func invalid(_ name: String) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-invalid", value: model.errors[name] == nil ? nil : "true")
    }

    private func invalidNode<C>(_ name: String) -> Node<C> {
        .attribute(named: "aria-invalid", value: model.errors[name] == nil ? nil : "true")
    }

    private func describedByNode<C>(_ name: String) -> Node<C> {
        .attribute(named: "aria-describedby", value: model.errors[name] == nil ? nil : "\(name)-error")
    }

    private func field(_ name: String, label: String, hint: String?, _ control: Node<HTML.FormContext>) -> Node<HTML.FormContext> {
        let error = model.errors[name]
        return .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .text(label)),
            .unwrap(hint) { .p(.class("hint"), .text($0)) },
            .unwrap(error) { .p(.class("error"), .id("\(name)-error"), .attribute(named: "role", value: "alert"), .text($0)) },
            control
        )
    }
}

extension Node where Context == HTML.SelectContext {
    /// An `<option>` with visible text (Plot's own option is self-closed).
    static func choice(_ value: String, _ text: String, selected: Bool) -> Node {
        .element(named: "option", nodes: [
            .attribute(named: "value", value: value, ignoreIfValueIsEmpty: false),
            selected ? .attribute(named: "selected", value: nil, ignoreIfValueIsEmpty: false) : .empty,
            .text(text),
        ])
    }
}

/// What a reporter (or anyone holding the ticket) sees about a report.
struct TicketStatusModel {
    let ticket: String
    let status: ReportStatusDTO
    let category: ContentCategory?
    /// Titles of the decision's legal bases, by code.
    let legalBasisTitles: [String: String]
    let isNew: Bool
}

struct TicketView {
    let model: TicketStatusModel
    let language: Language

    func render() -> String {
        let l = language
        let m = model
        let decision = m.status.decision
        let decisionNode: Node<HTML.BodyContext> = decision.map { d in
            .group(.text(l.minute(d.decidedAt)),
                   .unwrap(d.publicReason.isEmpty ? nil : d.publicReason) { .p(.text($0)) },
                   .if(!d.legalBases.isEmpty, .p(.text(l.t("Dasar hukum: ", "Legal basis: ")
                       + d.legalBases.map { m.legalBasisTitles[$0] ?? $0 }.joined(separator: "; ")))))
        } ?? .text(l.t("Belum ada keputusan.", "No decision yet."))
        let rows: [(String, Node<HTML.BodyContext>)] = [
            (l.t("Nomor aduan", "Ticket"), .span(.class("ticket"), .text(m.ticket))),
            (l.t("Status", "Status"), .strong(.id("outcome"), .text(l.t(m.status.statusLabel.id, m.status.statusLabel.en)))),
            (l.t("Diterima", "Received"), .text(l.minute(m.status.receivedAt))),
            (l.t("Yang dilaporkan", "Reported"), .text(StaffUI.subjectTitle(m.status.subject.key, l))),
            (l.t("Kategori", "Category"), .text(m.category.map { l == .en ? $0.nameEN : $0.nameID } ?? "—")),
            (l.t("Keputusan", "Decision"), decisionNode),
        ]
        let welcome: Node<HTML.BodyContext> = .div(.class("card"), .attribute(named: "role", value: "status"),
            .h1(.text(l.t("Terima kasih, aduan Anda sudah tercatat", "Thank you, your report is on record"))),
            .p(.text(l.t("Simpan nomor aduan ini untuk memantau statusnya:", "Keep this ticket number to follow its status:"))),
            .p(.class("ticket"), .text(m.ticket)),
            .p(.text(l.t("Tautan status: ", "Status link: ")), .a(.href(l.link(SitePath.ticket(m.ticket))), .text(SitePath.ticket(m.ticket)))))
        let appeal: Node<HTML.BodyContext> = .if(decision != nil, .p(.text(l.t("Tidak setuju dengan keputusan ini? ", "Disagree with this decision? ")),
                                                                   .a(.href(l.link(SitePath.appeal + "?ref=" + m.ticket)), .text(l.t("Ajukan banding", "File an appeal")))))
        return PageLayout(title: l.t("Status aduan", "Report status"), language: l, path: SitePath.ticket(m.ticket), content: .div(
            m.isNew ? welcome : .h1(.text(l.t("Status aduan", "Report status"))),
            .div(.class("card"), StaffUI.dl(rows), .p(.text(l.t(m.status.explanation.id, m.status.explanation.en))), appeal)
        )).render()
    }
}

struct TicketLookupView {
    let language: Language
    let error: String?

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Cek status aduan", "Check a report"), language: l, path: SitePath.ticketLookup, content: .div(
            .h1(.text(l.t("Cek status aduan", "Check a report"))),
            .form(.method(.get), .action(SitePath.ticketLookup),
                  .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
                  .div(.class(error == nil ? "field" : "field invalid"),
                       .label(.for("ticket"), .text(l.t("Nomor aduan", "Ticket number"))),
                       .unwrap(error) { .p(.class("error"), .attribute(named: "role", value: "alert"), .text($0)) },
                       .input(.type(.text), .name("ticket"), .id("ticket"), .placeholder("ADU-20261124-XXXXXXXXXX"), .required(true))),
                  .button(.type(.submit), .text(l.t("Cek", "Check"))))
        )).render()
    }
}

struct HomeView {
    let language: Language

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Beranda", "Home"), language: l, path: SitePath.home, content: .div(
            .h1(.text(l.t("Pantau: aduan konten negatif", "Pantau: reporting negative content"))),
            .p(.text(l.t("Temukan pornografi, judi online, penipuan, hoaks atau konten negatif lain? Laporkan di sini atau sebut akun resmi kami di platform. Setiap aduan mendapat nomor dan hasilnya diberitahukan.",
                         "Found pornography, online gambling, fraud, hoaxes or other negative content? Report it here or mention our official account on the platform. Every report gets a ticket number and its outcome is made known."))),
            .p(.a(.href(l.link(SitePath.reportForm)), .text(l.t("Laporkan konten →", "Report content →")))),
            .p(.a(.href(l.link(SitePath.ticketLookup)), .text(l.t("Cek status aduan →", "Check a report →"))))
        )).render()
    }
}
