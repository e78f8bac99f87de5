import Foundation
import PantauCore
import Plot

struct BlocklistHomeView {
    let language: Language
    let identity: Identity
    let serial: Int64
    let page: BlocklistPages.Home
    /// The serial each zone is at now (the base's and recent's are not the list's).
    var zoneSerial: @Sendable (String) -> Int64 = { _ in 0 }
    var active: Int { page.active }
    var pending: [BlockProposalRow] { page.pending }
    var recent: [BlockProposalRow] { page.recent }
    var apps: [BlockAppRow] { page.apps }
    var allow: [AllowEntryRow] { page.allow }
    var bases: [LegalBasisRow] { page.bases }
    /// The DNS secondaries (ISP resolvers) and the last serial each transferred.
    var secondaries: [SecondaryRow] { page.secondaries }
    /// A "network block recommended" sanction the proposal follows from.
    var sanction: SanctionRow? { page.sanction }
    /// A case the proposal is opened from (`?kasus=<id>`), cited in the form.
    var citedCase: UUID?
    var notice: String?
    var error: String?
    /// A refused block proposal, as typed.
    var proposalForm: FormState?
    /// A refused allow-list entry, as typed.
    var allowForm: FormState?

    /// Which ISP resolver holds which serial (the DNS primary's transfers).
    private var secondariesSection: Node<HTML.BodyContext> {
        let l = language
        guard !secondaries.isEmpty else { return .empty }
        return .section(.class("card"), .id("secondaries"),
            .h2(.text(l.t("Resolver ISP (sekunder DNS)", "ISP resolvers (DNS secondaries)"))),
            .table(.class("data"),
                   .thead(.tr(.th(.text(l.t("Sekunder", "Secondary"))), .th(.text(l.t("Zona", "Zone"))), .th(.text("Serial")), .th(.text(l.t("Transfer terakhir", "Last transfer"))),
                              .th(.text(l.t("Waktu", "Time"))), .th(.text(l.t("Keadaan", "State"))))),
                   .tbody(.forEach(secondaries) { s in
                       let current = zoneSerial(s.zone)
                       return .tr(.td(.code(.text(s.client))), .td(.code(.text(s.zone))), .td(.class("num"), .text(String(s.serial))), .td(.text(s.kind)),
                           .td(.text(l.minute(s.transferredAt))),
                           .td(.class(s.serial >= current ? "ok" : "flag-problem"),
                               .text(s.serial >= current ? l.t("Terkini", "Up to date")
                                     : l.t("Tertinggal \(current - s.serial) serial", current - s.serial == 1 ? "1 serial behind" : "\(current - s.serial) serials behind"))))
                   })))
    }

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Pemblokiran", "Network blocking"), language: l, path: SitePath.Blocklist.staff, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Pemblokiran akses", "Network blocking"))),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            .p(.text(l.t("Serial terbit: \(serial) · entri aktif: \(active.formatted()) · ", "Published serial: \(serial) · active entries: \(active.formatted()) · ")),
               .a(.href(SitePath.Blocklist.rpz), .text("RPZ")), .text(" · "), .a(.href(SitePath.Blocklist.domains), .text("domains.txt")), .text(" · "),
               .a(.href(SitePath.Blocklist.json), .text("JSON")), .text(" · "), .a(.href(l.link(SitePath.Blocklist.check)), .text(l.t("Cek nama", "Check a name")))),
            secondariesSection,
            .h2(.text(l.t("Menunggu persetujuan", "Awaiting approval"))),
            .if(pending.isEmpty, .p(.text(l.t("Tidak ada.", "None.")))),
            .table(.tbody(.forEach(pending) { p in
                .tr(.td(.a(.href(l.link(SitePath.Blocklist.proposal(p.id))), .code(.text(p.number)))),
                    .td(.text(p.isLift ? l.t("Normalisasi", "Lift") : l.t("Blokir", "Block"))), .td(.text(p.proposedByEmail)), .td(.text(l.minute(p.proposedAt))))
            })),
            .h2(.text(l.t("Aplikasi", "Apps"))),
            .ul(.forEach(apps) { app in .li(.a(.href(l.link(SitePath.Blocklist.app(app.slug))), .text(app.name + " (" + app.slug + ")"))) }),
            .if(identity.may(.proposeBlocks), proposeForm),
            .h2(.text(l.t("Daftar izin (tidak pernah diblokir)", "Allow-list (never blocked)"))),
            .table(.tbody(.forEach(allow) { entry in
                .tr(.td(.code(.text(entry.writtenName))), .td(.text(entry.reason)), .td(.text(entry.addedByEmail)),
                    .td(.if(identity.may(.manageAllowList), .form(.method(.post), .action(l.link(SitePath.Blocklist.removeAllow(entry.id))), .class("inline"),
                                                             StaffUI.csrfField(identity), .button(.type(.submit), .class("link"), .text(l.t("Hapus", "Remove")))))))
            })),
            .if(identity.may(.manageAllowList), allowListForm),
            .h2(.text(l.t("Usulan terakhir", "Recent proposals"))),
            .table(.tbody(.forEach(recent) { p in
                .tr(.td(.a(.href(l.link(SitePath.Blocklist.proposal(p.id))), .code(.text(p.number)))), .td(.text(l.t(p.state.label.id, p.state.label.en))),
                    .td(.text(p.proposedByEmail + " → " + (p.reviewedByEmail ?? "—"))), .td(.text(l.minute(p.effectiveAt))))
            }))
        )).render()
    }

    private var allowListForm: Node<HTML.BodyContext> {
        let l = language
        let state = allowForm ?? FormState()
        func field(_ name: String, _ id: String, _ label: String) -> Node<HTML.FormContext> {
            StaffUI.field(id, label, .input(.type(.text), .name(name), .id(id), .value(state[name]),
                                             .attribute(named: "aria-invalid", value: state.error(name) == nil ? nil : "true"),
                                             .attribute(named: "aria-describedby", value: state.error(name) == nil ? nil : id + "-error")),
                          error: state.error(name))
        }
        return .form(.method(.post), .action(l.link(SitePath.Blocklist.allowList)), .class("card bar"), .id("allow-form"), FormUI.serverChecked, StaffUI.csrfField(identity),
                     field("name", "allow-name", l.t("Nama (*.nama untuk subdomain)", "Name (*.name for subdomains)")),
                     field("reason", "allow-reason", l.t("Alasan", "Reason")),
                     .button(.type(.submit), .text(l.t("Tambah ke daftar izin", "Add to the allow-list"))))
    }

    private var proposeForm: Node<HTML.BodyContext> {
        let l = language
        var state = proposalForm ?? FormState()
        if proposalForm == nil, let citedCase { state.values["cases"] = UUIDText.lower(citedCase) }
        let action = BlockAction(rawValue: state["action"]) ?? .nxdomain
        let chosenBases = Set(state.lists["legal_basis"] ?? [])
        func legend(_ text: String, _ name: String) -> Node<HTML.FormContext> {
            .group(.element(named: "legend", nodes: [.text(text)]),
                   .unwrap(state.error(name)) { .p(.class("error"), .id(name + "-error"), .text($0)) })
        }
        return .group(FormUI.summary(state, l), .form(.method(.post), .action(l.link(SitePath.Blocklist.staff)), .class("card"), .id("block-form"), FormUI.serverChecked, StaffUI.csrfField(identity),
            .h2(.text(l.t("Usulkan pemblokiran", "Propose a block"))),
            .unwrap(sanction) { sanction in
                .group(.input(.type(.hidden), .name("sanction_id"), .value(UUIDText.lower(sanction.id))),
                       .p(.class("card"), .text(l.t("Menindaklanjuti sanksi ", "Following the sanction ") + sanction.number + " (" + StaffUI.platformName(sanction.platformID) + ")")))
            },
            FormUI.textarea("names", l.t("Nama, satu per baris", "Names, one a line"),
                            hint: l.t("*.nama = nama dan semua subdomain; alamat IP dan prefiks juga boleh.", "*.name = the name and all its subdomains; IP addresses and prefixes too."),
                            state),
            .fieldset(.class(state.error("action") == nil ? "" : "invalid"), legend(l.t("Tindakan", "Action"), "action"),
                      .forEach(BlockAction.allCases) { a in StaffUI.option(.radio, "action", a.rawValue, checked: a == action, l.t(a.label.id, a.label.en)) }),
            .fieldset(.class(state.error("legal_basis") == nil ? "" : "invalid"), .id("legal_basis"), legend(l.t("Dasar hukum", "Legal basis"), "legal_basis"),
                      .forEach(bases) { b in StaffUI.option(.checkbox, "legal_basis", b.code, checked: chosenBases.contains(b.code), "\(b.title) — \(b.article)") }),
            FormUI.textarea("reason", l.t("Alasan (minimal 20 karakter)", "Reason (at least 20 characters)"), state),
            FormUI.textarea("cases", l.t("Kasus terkait (opsional)", "Related cases (optional)"),
                            hint: l.t("Nomor aduan, ID kasus, atau URL konten, satu per baris.", "Ticket number, case id or content address, one a line."), state),
            FormUI.input("app_slug", l.t("Aplikasi (opsional): kode singkat", "App (optional): short code"),
                         hint: l.t("Huruf kecil dan tanda hubung, mis. aplikasi-judi.", "Lower case and hyphens, e.g. gambling-app."), state),
            FormUI.input("app_name", l.t("Nama aplikasi", "App name"), state),
            .p(.class("hint"), .text(l.t("Berlaku setelah disetujui supervisor lain (empat mata).", "Takes effect once another supervisor approves it (four eyes)."))),
            .button(.type(.submit), .text(l.t("Usulkan", "Propose")))))
    }
}

struct BlockProposalView {
    let language: Language
    let identity: Identity
    let proposal: BlockProposalRow
    let entries: [BlockEntryRow]
    let events: [BlockEventRow]
    let app: BlockAppRow?
    /// The cases the proposal acts for.
    var cases: [CaseLinkRow] = []
    var notice: String?
    var error: String?
    var names = Vocabulary()

    func render() -> String {
        let l = language
        let p = proposal
        return PageLayout(title: p.number, language: l, path: SitePath.Blocklist.proposal(p.id), identity: identity, wide: true, content: .div(
            .h1(.text((p.isLift ? l.t("Normalisasi ", "Lift ") : l.t("Pemblokiran ", "Block ")) + p.number)),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            .div(.class("card"), StaffUI.dl([
                ("Status", .text(l.t(p.state.label.id, p.state.label.en))),
                (l.t("Kasus", "Cases"), cases.isEmpty ? .text("—") : .ul(.id("proposal-cases"), .forEach(cases) { c in
                    .li(.a(.href(l.link(SitePath.Cases.page(c.id))), .text(StaffUI.subjectTitle(c.subjectKey, l))),
                        .text(" · " + l.t(c.status.label.id, c.status.label.en)))
                })),
                (l.t("Aplikasi", "App"), app.map { .a(.href(l.link(SitePath.Blocklist.app($0.slug))), .text($0.name)) } ?? .text("—")),
                (p.isLift ? l.t("Syarat dan komitmen", "Conditions and commitments") : l.t("Alasan", "Reason"), .text(p.reason)),
                (l.t("Dasar hukum", "Legal basis"), .text(names.bases(p.legalBases))),
                (l.t("Berlaku", "Effective"), .text(l.minute(p.effectiveAt) + (p.untilAt.map { " → " + l.minute($0) } ?? ""))),
                (l.t("Diusulkan", "Proposed"), .text(p.proposedByEmail + " · " + l.minute(p.proposedAt))),
                (l.t("Ditinjau", "Reviewed"), .text((p.reviewedByEmail ?? "—") + (p.reviewedAt.map { " · " + l.minute($0) } ?? "") + (p.reviewReason.map { " · " + $0 } ?? ""))),
            ])),
            .h2(.text(l.t("Entri", "Entries"))),
            .table(.tbody(.forEach(entries) { e in
                .tr(.td(.code(.text(e.writtenName))), .td(.text(l.t(e.kind.label.id, e.kind.label.en))),
                    .td(.text(l.t(e.action.label.id, e.action.label.en))), .td(.text(l.t(e.state.label.id, e.state.label.en))))
            })),
            .if(p.state.isAwaitingReview && identity.may(.approveBlocks), .form(.method(.post), .action(l.link(SitePath.Blocklist.reviewProposal(p.id))),
                .class("card"), StaffUI.csrfField(identity), .h2(.text(l.t("Tinjau (empat mata)", "Review (four eyes)"))),
                StaffUI.field("review-reason", l.t("Catatan (wajib bila ditolak)", "Note (required to reject)"), .textarea(.name("reason"), .id("review-reason"))),
                .button(.type(.submit), .name("approve"), .value("1"), .text(l.t("Setujui dan terbitkan", "Approve and publish"))), .text(" "),
                .button(.type(.submit), .name("approve"), .value("0"), .class("secondary"), .text(l.t("Tolak", "Reject"))))),
            .h2(.text(l.t("Riwayat", "History"))),
            BlockUI.history(events, l)
        )).render()
    }
}

struct BlockAppView {
    let language: Language
    let identity: Identity
    let app: BlockAppRow
    let entries: [BlockEntryRow]
    let events: [BlockEventRow]
    var notice: String?
    var error: String?

    func render() -> String {
        let l = language
        let active = entries.contains { $0.state == .active && !$0.liftPending }
        return PageLayout(title: app.name, language: l, path: SitePath.Blocklist.app(app.slug), identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Aplikasi ", "App ") + app.name)),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            .table(.tbody(.forEach(entries) { e in
                .tr(.td(.code(.text(e.writtenName))), .td(.text(l.t(e.state.label.id, e.state.label.en))),
                    .td(.text(e.activatedAt.map { l.t("sejak ", "since ") + l.minute($0) } ?? "")),
                    .td(.text(e.liftedAt.map { l.t("dinormalisasi ", "lifted ") + l.minute($0) } ?? "")))
            })),
            .if(active && identity.may(.proposeBlocks), .form(.method(.post), .action(l.link(SitePath.Blocklist.liftApp(app.slug))), .class("card"),
                StaffUI.csrfField(identity), .h2(.text(l.t("Usulkan normalisasi", "Propose normalisation"))),
                StaffUI.field("conditions", l.t("Syarat dan komitmen platform", "The platform's conditions and commitments"), .textarea(.name("conditions"), .id("conditions"))),
                .button(.type(.submit), .text(l.t("Usulkan normalisasi", "Propose normalisation"))))),
            .h2(.text(l.t("Riwayat", "History"))),
            BlockUI.history(events, l)
        )).render()
    }
}

extension BlockUI {
    static func history(_ events: [BlockEventRow], _ l: Language) -> Node<HTML.BodyContext> {
        .ul(.class("timeline"), .forEach(events) { e in
            .li(.text(l.minute(e.occurredAt) + " · "), .strong(.text(BlockEventKind(rawValue: e.kind).map { l.t($0.title.id, $0.title.en) } ?? e.kind)), .text(" · " + e.actor), .br(),
                .span(.class("hint"), .text(EventDetails.summary(e.payload, l))))
        })
    }
}
