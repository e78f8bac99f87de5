import Foundation
import PantauCore
import Plot

/// The triage queue: filters with counts, the page of cases, bulk actions.
struct QueueView {
    let language: Language
    let identity: Identity
    let filter: QueueFilter
    let page: QueuePage
    let categories: CategoryIndex
    let assignees: [Assignee]
    let savedFilters: [SavedFilterRow]
    let now: Date
    var notice: String?

    private func link(_ change: (inout QueueFilter) -> Void) -> String {
        var f = filter
        f.cursor = nil
        change(&f)
        return language.link(SitePath.Cases.queue + queryString(f.parameters))
    }

    func render() -> String {
        let l = language
        let f = filter
        return PageLayout(title: l.t("Antrean kasus", "Case queue"), language: l, path: SitePath.Cases.queue + queryString(f.parameters),
                          identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Antrean kasus", "Case queue"))),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            filterForm,
            facets,
            .unwrap(savedFilters.isEmpty ? nil : savedFilters) { saved in
                .p(.class("facets"), .strong(.text(l.t("Filter tersimpan:", "Saved filters:"))),
                   .forEach(saved) { s in
                       .span(.a(.href(l.link(SitePath.Cases.queue + (s.query.isEmpty ? "" : "?" + s.query))), .text(s.name)),
                             .form(.method(.post), .action(l.link(SitePath.Cases.deleteFilter)), .class("inline"), StaffUI.csrfField(identity),
                                   .input(.type(.hidden), .name("name"), .value(s.name)),
                                   .button(.type(.submit), .class("link"), .attribute(named: "aria-label", value: l.t("Hapus filter ", "Delete filter ") + s.name),
                                           .text(" ✕"))))
                   })
            },
            .form(.method(.post), .action(l.link(SitePath.Cases.saveFilter)), .class("bar"),
                  StaffUI.csrfField(identity),
                  .input(.type(.hidden), .name("query"), .value(urlEncode(f.parameters))),
                  .div(.class("field"), .label(.for("filter-name"), .text(l.t("Simpan filter ini sebagai", "Save this filter as"))),
                       .input(.type(.text), .name("name"), .id("filter-name"), .attribute(named: "maxlength", value: "60"))),
                  .button(.type(.submit), .class("secondary"), .text(l.t("Simpan filter", "Save filter")))),
            casesForm
        )).render()
    }

    private var filterForm: Node<HTML.BodyContext> {
        let l = language
        let f = filter
        func select(_ name: String, _ label: String, _ options: [(String, String)], _ current: String,
                    empty: String? = nil) -> Node<HTML.FormContext> {
            StaffUI.field("f-" + name, label, .select(.attribute(named: "name", value: name), .id("f-" + name),
                .choice("", empty ?? l.t("Semua", "All"), selected: false),
                .forEach(options) { value, text in .choice(value, text, selected: value == current) }))
        }
        let statusValue = f.allStatuses ? "all" : f.statuses.map(\.rawValue).joined(separator: ",")
        let assigneeValue: String = switch f.assignee {
        case .anyone: ""
        case .mine: "mine"
        case .unassigned: "unassigned"
        case .user(let id): UUIDText.lower(id)
        }
        return .form(.method(.get), .action(SitePath.Cases.queue), .class("card bar"), .attribute(named: "aria-label", value: l.t("Filter", "Filters")),
            .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
            select("status", "Status", [("all", l.t("Semua status", "Every status"))] + CaseStatus.allCases.map { ($0.rawValue, StaffUI.status($0, l)) }, statusValue,
                   empty: l.t("Aktif (perlu dikerjakan)", "Active (work to do)")),
            select("category", l.t("Kategori", "Category"), categories.all.map { ($0.slug, l.t($0.nameID, $0.nameEN)) }, f.category ?? ""),
            select("platform", "Platform", Platform.allCases.map { ($0.rawValue, $0.displayName) }, f.platform?.rawValue ?? ""),
            select("channel", l.t("Kanal", "Channel"), ReportChannel.allCases.map { ($0.rawValue, l.channel($0.rawValue)) }, f.channel?.rawValue ?? ""),
            select("reappeared", l.t("Pemantauan", "Monitoring"), [("1", l.t("Muncul kembali setelah diputus", "Reappeared after the decision"))],
                   f.reappeared ? "1" : ""),
            select("priority", l.t("Prioritas", "Priority"), [("high", l.t("Tinggi", "High")), ("medium", l.t("Sedang", "Medium")), ("low", l.t("Rendah", "Low"))],
                   f.priorityBand?.rawValue ?? ""),
            select("assignee", l.t("Penanggung jawab", "Assignee"),
                   [("mine", l.t("Saya", "Mine")), ("unassigned", l.t("Belum ditugaskan", "Unassigned"))] + assignees.map { (UUIDText.lower($0.id), $0.email) },
                   assigneeValue),
            select("deadline", l.t("Tenggat", "Deadline"), [("overdue", l.t("Lewat tenggat", "Overdue")), ("due_soon", l.t("Segera", "Due soon")),
                                                          ("on_track", l.t("Masih longgar", "On track"))], f.deadline?.rawValue ?? ""),
            StaffUI.field("f-from", l.t("Dari tanggal", "From"), .input(.type(.date), .name("from"), .id("f-from"), .value(f.from.map(QueueFilter.formatDay) ?? ""))),
            StaffUI.field("f-to", l.t("Sampai tanggal", "To"), .input(.type(.date), .name("to"), .id("f-to"),
                                                                       .value(f.to.map { QueueFilter.formatDay($0.addingTimeInterval(-86_400)) } ?? ""))),
            StaffUI.field("f-q", l.t("Cari (subjek / uraian)", "Search (subject / description)"),
                          .input(.type(.search), .name("q"), .id("f-q"), .value(f.text ?? ""))),
            select("sort", l.t("Urutkan", "Sort"), [("priority", l.t("Prioritas", "Priority")), ("newest", l.t("Terbaru", "Newest")),
                                                    ("oldest", l.t("Terlama", "Oldest")), ("most_reported", l.t("Paling banyak dilaporkan", "Most reported"))],
                   f.sort.rawValue),
            .button(.type(.submit), .text(l.t("Terapkan", "Apply"))))
    }

    private var facets: Node<HTML.BodyContext> {
        let l = language
        let c = page.counts
        let statuses = CaseStatus.allCases.filter { (c.byStatus[$0] ?? 0) > 0 }
        let platforms = Platform.allCases.filter { (c.byPlatform[$0.rawValue] ?? 0) > 0 }
        let cats = categories.all.filter { (c.byCategory[$0.slug] ?? 0) > 0 }
        return .div(
            .p(.class("facets"), .strong(.text("Status:")),
               .forEach(statuses) { s in
                   .a(.href(link { $0.statuses = [s]; $0.allStatuses = false }), .if(filter.statuses == [s], .attribute(named: "aria-current", value: "true")),
                      .text("\(StaffUI.status(s, l)) (\(c.byStatus[s] ?? 0))"))
               },
               .a(.href(link { $0.assignee = .mine }), .text(l.t("Milik saya", "Mine") + " (\(c.mine))"))),
            .p(.class("facets"), .strong(.text("Platform:")),
               .forEach(platforms) { p in
                   .a(.href(link { $0.platform = p }), .if(filter.platform == p, .attribute(named: "aria-current", value: "true")),
                      .text("\(p.displayName) (\(c.byPlatform[p.rawValue] ?? 0))"))
               }),
            .p(.class("facets"), .strong(.text(l.t("Kategori:", "Category:"))),
               .forEach(cats) { cat in
                   .a(.href(link { $0.category = cat.slug }), .if(filter.category == cat.slug, .attribute(named: "aria-current", value: "true")),
                      .text("\(l.t(cat.nameID, cat.nameEN)) (\(c.byCategory[cat.slug] ?? 0))"))
               }))
    }

    private var casesForm: Node<HTML.BodyContext> {
        let l = language
        return .form(.method(.post), .action(l.link(SitePath.Cases.bulk)), .id("cases-form"),
            StaffUI.csrfField(identity),
            .input(.type(.hidden), .name("back"), .value(SitePath.Cases.queue + queryString(filter.parameters))),
            .table(
                .caption(.text(l.t("\(page.rows.count) kasus di halaman ini", "\(page.rows.count) cases on this page"))),
                .thead(.tr(.th(.span(.class("visually-hidden"), .text(l.t("Pilih", "Select")))), .th(.text(l.t("Subjek", "Subject"))), .th(.text("Status")),
                           .th(.text(l.t("Kategori", "Category"))), .th(.text(l.t("Aduan", "Reports"))), .th(.text(l.t("Prioritas", "Priority"))),
                           .th(.text(l.t("Tenggat", "Deadline"))), .th(.text(l.t("Penanggung jawab", "Assignee"))))),
                .tbody(.forEach(page.rows) { row in
                    .tr(.td(.input(.type(.checkbox), .name("case"), .value(UUIDText.lower(row.id)), .id("sel-" + UUIDText.lower(row.id)),
                                   .attribute(named: "aria-label", value: l.t("Pilih ", "Select ") + StaffUI.subjectTitle(row.subjectKey, l)))),
                        .td(.a(.href(l.link(SitePath.Cases.page(row.id))), .text(StaffUI.subjectTitle(row.subjectKey, l))),
                            .if(row.highImpact, .span(.class("badge"), .text(l.t(" berdampak luas", " high impact"))))),
                        .td(.text(StaffUI.status(row.status, l))),
                        .td(.text(categories[row.categoryID].map { l.t($0.nameID, $0.nameEN) } ?? row.categoryID)),
                        .td(.text(String(row.reportCount))),
                        .td(.text(String(format: "%.1f", row.priority))),
                        .td(StaffUI.deadlineBadge(row.dueAt, active: row.status.isActive, now: now, l)),
                        .td(.text(row.assigneeEmail ?? "—")))
                })
            ),
            .if(page.rows.isEmpty, .p(.text(l.t("Tidak ada kasus yang cocok dengan filter ini.", "No case matches this filter.")))),
            .unwrap(page.next) { next in
                .p(.a(.href(l.link(SitePath.Cases.queue + queryString(filter.parameters + [("after", next.text)]))), .rel(.next),
                      .text(l.t("Halaman berikutnya →", "Next page →"))))
            },
            .if(identity.may(.triageCases), bulkActions)
        )
    }

    private var bulkActions: Node<HTML.FormContext> {
        let l = language
        return .fieldset(
            .element(named: "legend", nodes: [.text(l.t("Tindakan untuk kasus yang dipilih", "Action on the selected cases"))]),
            .div(.class("bar"),
                 .div(.class("field"), .label(.for("bulk-action"), .text(l.t("Tindakan", "Action"))),
                      .select(.attribute(named: "name", value: "action"), .id("bulk-action"),
                              .choice("assign", l.t("Tugaskan ke", "Assign to"), selected: false),
                              .choice("unassign", l.t("Lepaskan penugasan", "Unassign"), selected: false),
                              .choice("set_category", l.t("Ubah kategori", "Set category"), selected: false),
                              .choice("duplicate", l.t("Tandai duplikat dari kasus", "Mark as duplicate of case"), selected: false),
                              .choice("escalate", l.t("Eskalasi", "Escalate"), selected: false),
                              .if(identity.may(.decideCases), .choice("dismiss", l.t("Tolak: tidak melanggar", "Dismiss: not violating"), selected: false)))),
                 .div(.class("field"), .label(.for("bulk-assignee"), .text(l.t("Petugas", "Assignee"))),
                      .select(.attribute(named: "name", value: "assignee"), .id("bulk-assignee"), .forEach(assignees) { .choice(UUIDText.lower($0.id), $0.email, selected: false) })),
                 .div(.class("field"), .label(.for("bulk-category"), .text(l.t("Kategori", "Category"))),
                      .select(.attribute(named: "name", value: "category"), .id("bulk-category"), .forEach(categories.all) { .choice($0.slug, l.t($0.nameID, $0.nameEN), selected: false) })),
                 .div(.class("field"), .label(.for("bulk-target"), .text(l.t("ID kasus asli (untuk duplikat)", "Original case id (for duplicates)"))),
                      .input(.type(.text), .name("target"), .id("bulk-target"))),
                 .div(.class("field"), .label(.for("bulk-reason"), .text(l.t("Alasan bersama (eskalasi / penolakan)", "Shared reason (escalate / dismiss)"))),
                      .input(.type(.text), .name("reason"), .id("bulk-reason"))),
                 .button(.type(.submit), .text(l.t("Jalankan", "Run")))))
    }
}

func queryString(_ parameters: [(String, String)]) -> String {
    parameters.isEmpty ? "" : "?" + urlEncode(parameters)
}

func urlEncode(_ parameters: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~,")
    return parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
}

/// One case: subject, reports, evidence, decision form, comments, timeline.
struct CasePageView {
    let language: Language
    let identity: Identity
    let detail: CaseDetail
    let categories: CategoryIndex
    let legalBases: [LegalBasisRow]
    let assignees: [Assignee]
    let now: Date
    var decisionErrors: [String: String] = [:]
    var decisionInput: DecisionInput?
    var notice: String?
    var error: String?
    /// Show every event, not only the latest `CaseDetail.timelineLimit`.
    var fullTimeline = false

    func render() -> String {
        let l = language
        let m = detail.model
        let status = m.status
        let category = categories[m.categoryID]
        return PageLayout(title: StaffUI.subjectTitle(m.subjectKey, l), language: l, path: SitePath.Cases.page(m.id), identity: identity, wide: true,
                          content: .div(
            .p(.a(.href(l.link(SitePath.Cases.queue)), .text(l.t("← Antrean", "← Queue")))),
            .h1(.text(StaffUI.subjectTitle(m.subjectKey, l))),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .div(.class("card"), .attribute(named: "role", value: "alert"), .p(.class("error"), .text($0))) },
            .div(.class("grid2"),
                 .div(
                    .section(.class("card"), .element(named: "dl", nodes: [
                        .class("status"),
                        .element(named: "dt", text: "Status"), .element(named: "dd", nodes: [.strong(.id("case-status"), .text(StaffUI.status(status, l)))]),
                        .element(named: "dt", text: l.t("Subjek", "Subject")),
                        .element(named: "dd", nodes: [.a(.href(m.subjectURL), .rel(.nofollow), .rel(.noopener), .text(m.subjectURL)), .br(),
                                                      StaffUI.subjectKey(m.subjectKey)]),
                        .element(named: "dt", text: l.t("Kategori", "Category")),
                        .element(named: "dd", text: category.map { l.t($0.nameID, $0.nameEN) + " · " + l.t("keparahan ", "severity ") + String($0.severity) } ?? m.categoryID),
                        .element(named: "dt", text: l.t("Prioritas", "Priority")), .element(named: "dd", text: String(format: "%.2f", m.priority)),
                        .element(named: "dt", text: l.t("Aduan", "Reports")),
                        .element(named: "dd", text: l.number(m.reportCount) + " · " + l.t("pertama ", "first ") + l.minute(m.firstReportAt) + " · " + l.t("terakhir ", "last ") + l.minute(m.lastReportAt)),
                        .element(named: "dt", text: l.t("Tenggat", "Deadline")),
                        .element(named: "dd", nodes: [status.isActive
                            ? .group(StaffUI.deadlineBadge(detail.dueAt, active: true, now: now, l), .text(m.appealDueAt != nil ? l.t(" (banding)", " (appeal)") : ""))
                            : .text(l.t("— (kasus tidak berjalan lagi)", "— (the case is no longer open)"))]),
                        .element(named: "dt", text: l.t("Penanggung jawab", "Assignee")), .element(named: "dd", text: detail.assigneeEmail ?? "—"),
                        .element(named: "dt", text: l.t("Dampak luas", "High impact")),
                        .element(named: "dd", text: detail.highImpact ? l.t("Ya — putusan perlu persetujuan supervisor", "Yes — decisions need a supervisor's approval") : l.t("Tidak", "No")),
                    ])),
                    reportsChart,
                    findingsSection,
                    reportsSection,
                    decisionsSection,
                    followUpSection,
                    .if(identity.may(.decideCases) && [.new, .inReview, .needsInfo, .escalated, .reopened].contains(status), decisionForm)
                 ),
                 .div(
                    actionsSection,
                    commentsSection,
                    relatedSection,
                    timelineSection
                 ))
        )).render()
    }

    private func post(_ path: String, _ content: Node<HTML.FormContext>...) -> Node<HTML.BodyContext> {
        .form(.method(.post), .action(language.link(path)), StaffUI.csrfField(identity), .group(content))
    }

    private var base: String { SitePath.Cases.page(detail.model.id) }

    private var actionsSection: Node<HTML.BodyContext> {
        let l = language
        let m = detail.model
        let status = m.status
        return .section(.class("card"), .h2(.text(l.t("Tindakan", "Actions"))),
            .if(identity.may(.decideCases) && CaseWorkflow.allows(.assign, from: status) && m.assigneeID != identity.userID,
                post(SitePath.Cases.claim(m.id), .button(.type(.submit), .id("claim"), .text(l.t("Ambil kasus ini", "Claim this case"))))),
            .if(identity.may(.triageCases) && CaseWorkflow.allows(.assign, from: status),
                post(SitePath.Cases.assign(m.id),
                     .div(.class("field"), .label(.for("assign-to"), .text(l.t("Tugaskan ke", "Assign to"))),
                          .select(.attribute(named: "name", value: "assignee"), .id("assign-to"), .forEach(assignees) { .choice(UUIDText.lower($0.id), $0.email, selected: false) })),
                     .button(.type(.submit), .class("secondary"), .text(l.t("Tugaskan", "Assign"))))),
            .if(identity.may(.triageCases) && CaseWorkflow.allows(.unassign, from: status),
                post(SitePath.Cases.unassign(m.id), .button(.type(.submit), .class("secondary"), .text(l.t("Lepaskan penugasan", "Unassign"))))),
            .if(identity.may(.triageCases) && CaseWorkflow.allows(.escalate, from: status),
                post(SitePath.Cases.escalate(m.id),
                     .div(.class("field"), .label(.for("escalate-reason"), .text(l.t("Alasan eskalasi", "Reason to escalate"))),
                          .input(.type(.text), .name("reason"), .id("escalate-reason"), .required(true))),
                     .button(.type(.submit), .class("secondary"), .text(l.t("Eskalasi ke supervisor", "Escalate to a supervisor"))))),
            .if(identity.may(.triageCases) && status.isActive && detail.highImpact && !m.markedHighImpact,
                .p(.class("hint"), .text(l.t("Berdampak luas karena kategorinya: putusan menunggu persetujuan supervisor lain.",
                                             "High impact because of its category: decisions wait for another supervisor's approval.")))),
            .if(identity.may(.triageCases) && status.isActive && (m.markedHighImpact || !detail.highImpact),
                post(SitePath.Cases.highImpact(m.id), .input(.type(.hidden), .name("high_impact"), .value(m.markedHighImpact ? "0" : "1")),
                     .button(.type(.submit), .class("link"), .text(m.markedHighImpact ? l.t("Hapus tanda dampak luas", "Remove the high-impact mark")
                                                                     : l.t("Tandai berdampak luas (empat mata)", "Mark high impact (four eyes)"))))),
            .unwrap(detail.pendingDecision) { pending in
                .div(.p(.strong(.text(l.t("Putusan menunggu persetujuan", "Decision awaiting approval")))),
                     .if(identity.may(.approveDecisions) && pending.decidedBy != identity.userID, reviewForm(pending)),
                     .if(pending.decidedBy == identity.userID, .p(.class("hint"), .text(l.t("Putusan Anda sendiri disetujui supervisor lain.",
                                                                                            "Your own decision is approved by another supervisor.")))))
            })
    }

    private func reviewForm(_ pending: DecisionRow) -> Node<HTML.BodyContext> {
        let l = language
        return post(SitePath.Cases.reviewDecision(pending.id),
                    .div(.class("field"), .label(.for("review-reason"), .text(l.t("Alasan (wajib bila menolak)", "Reason (required to reject)"))),
                         .textarea(.name("reason"), .id("review-reason"))),
                    .button(.type(.submit), .name("approve"), .value("1"), .id("approve"), .text(l.t("Setujui", "Approve"))),
                    .text(" "),
                    .button(.type(.submit), .name("approve"), .value("0"), .class("secondary"), .text(l.t("Tolak", "Reject"))))
    }

    private var reportsChart: Node<HTML.BodyContext> {
        let l = language
        let data = detail.reportsPerDay
        let maximum = max(1, data.map(\.count).max() ?? 1)
        let width = 600.0, height = 80.0, bar = width / Double(max(data.count, 1))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 14)\" role=\"img\" aria-labelledby=\"chart-title\" width=\"100%\">"
        svg += "<title id=\"chart-title\">" + l.t("Aduan per hari, 30 hari terakhir", "Reports per day, last 30 days") + "</title>"
        for (index, point) in data.enumerated() {
            let h = Double(point.count) / Double(maximum) * height
            svg += "<rect x=\"\(Double(index) * bar + 1)\" y=\"\(height - h)\" width=\"\(max(1, bar - 2))\" height=\"\(h)\" fill=\"#0b5cab\"><title>\(point.day): \(point.count)</title></rect>"
        }
        svg += "<text x=\"0\" y=\"\(Int(height) + 12)\" font-size=\"10\">\(data.first?.day ?? "")</text>"
        svg += "<text x=\"\(Int(width))\" y=\"\(Int(height) + 12)\" font-size=\"10\" text-anchor=\"end\">\(data.last?.day ?? "") · max \(maximum)</text></svg>"
        return .section(.class("card"), .h2(.text(l.t("Aduan per hari", "Reports per day"))), .raw(svg))
    }

    /// What monitoring captured: the text with the matched terms marked, where and when.
    private var findingsSection: Node<HTML.BodyContext> {
        let l = language
        return .if(!detail.findings.isEmpty, .section(.class("card"), .id("temuan"),
            .h2(.text(l.t("Temuan pemantauan", "Monitoring findings"))),
            .p(.class("hint"), .text(l.t("Ditemukan otomatis oleh daftar pantau; yang memutus tetap analis.",
                                         "Found automatically by a watchlist; an analyst still decides."))),
            .forEach(detail.findings) { f in
                .div(.class("finding"),
                     .p(.strong(.text(MonitoringUI.sourceTitle(f.source, platform: f.platform, ref: f.sourceRef, l))), .text(" · "),
                        .text(l.minute(f.foundAt)), .text(" · "),
                        .text(l.t("daftar pantau «\(f.watchlistName)», skor ", "watchlist «\(f.watchlistName)», score ") + SVGChart.format(f.score)),
                        .text(" · "), .text(MonitoringUI.outcomeTitle(f.outcome, l)),
                        .unwrap(f.ticket) { .group(.text(" "), .code(.text($0))) }),
                     MonitoringUI.highlighted(f.text, f.matches),
                     .if(f.matches.contains { $0.field != .text }, .ul(.forEach(f.matches.filter { $0.field != .text }) { m in
                         .li(.text(m.field == .author ? l.t("Akun: @", "Account: @") + (m.value ?? "") : l.t("Tautan: ", "Link: ") + (m.value ?? "")),
                             .text(" — " + m.term))
                     })))
            }))
    }

    private var reportsSection: Node<HTML.BodyContext> {
        let l = language
        let m = detail.model
        return .section(.class("card"),
            .h2(.text(l.t("Aduan", "Reports") + " (\(m.reportCount))")),
            .if(m.reportCount > detail.reports.count, .p(.class("hint"), .text(l.t("Menampilkan \(detail.reports.count) aduan.",
                                                                                   "Showing \(detail.reports.count) reports.")))),
            .table(
                .thead(.tr(.th(.text(l.t("Waktu", "Time"))), .th(.text(l.t("Kanal", "Channel"))), .th(.text(l.t("Uraian", "Description"))),
                           .th(.text(l.t("Bukti", "Evidence"))), .th(.text(l.t("Kontak", "Contact"))))),
                .tbody(.forEach(detail.reports) { r in
                    .tr(.td(.text(l.minute(r.receivedAt)), .br(), .code(.text(r.ticket))),
                        .td(.text(l.channel(r.channel)), .br(), .span(.class("hint"), .text(categories[r.claimedCategory].map { l.t($0.nameID, $0.nameEN) } ?? r.claimedCategory))),
                        .td(.text(r.description)),
                        .td(.forEach(r.evidence) { e in
                            .a(.href(SitePath.Cases.evidence(e.sha256)), .title("sha256 " + e.sha256),
                               e.mediaType.hasPrefix("image/") ? .img(.src(SitePath.Cases.evidence(e.sha256)), .class("thumb"),
                                                                     .alt(l.t("Bukti ", "Evidence ") + e.sha256.prefix(12)))
                                                               : .text(e.mediaType + " " + e.sha256.prefix(12)))
                        }),
                        .td(!r.hasContact ? .text("—")
                            : identity.may(.viewReporterContact)
                                ? .a(.href(l.link(SitePath.Cases.contact(detail.model.id, r.id))), .text(l.t("Lihat (tercatat di log audit)", "View (written to the audit log)")))
                                : .text(l.t("dirahasiakan", "confidential"))))
                })
            ),
            .unwrap(detail.olderReports) { cursor in
                .p(.a(.href(l.link(base + "?aduan_sebelum=" + UUIDText.lower(cursor))), .text(l.t("Aduan lebih lama →", "Older reports →"))))
            })
    }

    /// "UU ITE Pasal 27 ayat (2) — perjudian" for a legal basis code.
    private func basisName(_ code: String) -> String {
        guard let basis = legalBases.first(where: { $0.code == code }) else { return code }
        return Vocabulary.shortName(title: basis.title, article: basis.article)
    }

    private var decisionsSection: Node<HTML.BodyContext> {
        let l = language
        return .section(.class("card"), .h2(.text(l.t("Putusan", "Decisions"))),
            .if(detail.decisions.isEmpty, .p(.text(l.t("Belum ada putusan.", "No decision yet.")))),
            .forEach(detail.decisions) { d in
                .div(.class("card"),
                     .p(.strong(.text(l.t(d.verdict.label.id, d.verdict.label.en) + " · " + l.t(d.action.label.id, d.action.label.en))),
                        .text(" · " + decisionState(d))),
                     .p(.class("hint"), .text(l.minute(d.decidedAt) + " · " + d.decidedByEmail
                                              + (d.legalBases.isEmpty ? "" : " · " + d.legalBases.map(basisName).joined(separator: "; "))
                                              + (d.automatedDetection ? l.t(" · deteksi otomatis", " · automated detection") : "")
                                              + (d.automatedDecision ? l.t(" · keputusan otomatis", " · automated decision") : ""))),
                     .p(.text(d.statement)),
                     .unwrap(d.reviewedByEmail) { reviewer in
                         .p(.class("hint"), .text(l.t("Ditinjau oleh ", "Reviewed by ") + reviewer + (d.reviewReason.map { $0.isEmpty ? "" : ": " + $0 } ?? "")))
                     })
            },
            .forEach(detail.appeals) { a in
                .div(.class("card"), .p(.strong(.text(l.t("Banding ", "Appeal ") + a.reference)),
                                        .text(" · " + (AppealRules.Source(rawValue: a.source).map { l.t($0.label.id, $0.label.en) } ?? a.source)
                                              + " · " + l.t("tenggat ", "due ") + l.minute(a.dueAt) + " · " + l.t(a.state.label.id, a.state.label.en))),
                     .p(.text(a.reason)))
            })
    }

    /// What the case set in motion: order items and block proposals.
    private var followUpSection: Node<HTML.BodyContext> {
        let l = language
        let followUp = detail.followUp
        guard !followUp.orderItems.isEmpty || !followUp.blocks.isEmpty else { return .empty }
        return .section(.class("card"), .id("tindak-lanjut"), .h2(.text(l.t("Tindak lanjut", "Follow-up"))),
            .if(!followUp.orderItems.isEmpty, .group(
                .h3(.text(l.t("Perintah takedown", "Takedown orders"))),
                .ul(.forEach(followUp.orderItems) { item in
                    .li(.a(.href(l.link(SitePath.Orders.page(item.orderID))), .text(item.orderNumber)),
                        .text(" · " + l.t(item.status.label.id, item.status.label.en)),
                        .unwrap(item.dueAt) { .text(" · " + l.t("tenggat ", "due ") + l.minute($0)) })
                }))),
            .if(!followUp.blocks.isEmpty, .group(
                .h3(.text(l.t("Pemblokiran jaringan", "Network blocks"))),
                .ul(.forEach(followUp.blocks) { proposal in
                    .li(.a(.href(l.link(SitePath.Blocklist.proposal(proposal.id))), .text(proposal.number)),
                        .text(" · " + l.t(proposal.kind.label.id, proposal.kind.label.en) + " · " + l.t(proposal.state.label.id, proposal.state.label.en)),
                        .ul(.forEach(proposal.entries) { entry in
                            .li(.code(.text(entry.writtenName)), .text(" · " + l.t(entry.state.label.id, entry.state.label.en)))
                        }))
                }))))
    }

    private func decisionState(_ d: DecisionRow) -> String {
        language.t(d.state.label.id, d.state.label.en).lowercased()
    }

    private var decisionForm: Node<HTML.BodyContext> {
        let l = language
        let input = decisionInput
        let e = decisionErrors
        let chosenCategory = input?.category ?? detail.model.categoryID
        return .section(.class("card"), .id("decide"),
            .h2(.text(l.t("Putuskan", "Decide"))),
            .if(detail.highImpact, .p(.class("hint"), .text(l.t("Kasus berdampak luas: putusan final menunggu persetujuan supervisor lain.",
                                                                "High-impact case: a final verdict waits for another supervisor's approval.")))),
            post(SitePath.Cases.decide(detail.model.id),
                 .fieldset(.class(e["verdict"] == nil ? "" : "invalid"), .element(named: "legend", nodes: [.text(l.t("Putusan", "Verdict"))]),
                           .unwrap(e["verdict"]) { .p(.class("error"), .text($0)) },
                           .forEach(Verdict.allCases) { v in
                               StaffUI.option(.radio, "verdict", v.rawValue, checked: input?.verdict == v, l.t(v.label.id, v.label.en))
                           }),
                 .div(.class(e["category"] == nil ? "field" : "field invalid"),
                      .label(.for("d-category"), .text(l.t("Kategori terverifikasi", "Verified category"))),
                      .unwrap(e["category"]) { .p(.class("error"), .text($0)) },
                      .select(.attribute(named: "name", value: "category"), .id("d-category"),
                              .forEach(categories.all) { .choice($0.slug, l.t($0.nameID, $0.nameEN), selected: $0.slug == chosenCategory) })),
                 .fieldset(.class(e["legal_basis"] == nil ? "" : "invalid"), .element(named: "legend", nodes: [.text(l.t("Dasar hukum", "Legal basis"))]),
                           .unwrap(e["legal_basis"]) { .p(.class("error"), .text($0)) },
                           .forEach(legalBases) { b in
                               StaffUI.option(.checkbox, "legal_basis", b.code, checked: input?.legalBases.contains(b.code) == true,
                                              b.title + " — " + b.article)
                           }),
                 .div(.class(e["statement"] == nil ? "field" : "field invalid"),
                      .label(.for("d-statement"), .text(l.t("Pernyataan alasan (fakta dan pertimbangan)", "Statement of reasons (facts and reasoning)"))),
                      .p(.class("hint"), .id("d-statement-hint"), .text(l.t("Minimal \(DecisionRules.minimumStatementLength) karakter. Internal: dibaca petugas dan supervisor peninjau, tercatat di riwayat kasus; tidak dipublikasikan.",
                                                   "At least \(DecisionRules.minimumStatementLength) characters. Internal: read by staff and the reviewing supervisor, kept in the case history; not published."))),
                      .unwrap(e["statement"]) { .p(.class("error"), .id("d-statement-error"), .text($0)) },
                      .textarea(.name("statement"), .id("d-statement"), .attribute(named: "aria-invalid", value: e["statement"] == nil ? nil : "true"),
                                .attribute(named: "aria-describedby", value: "d-statement-hint" + (e["statement"] == nil ? "" : " d-statement-error")),
                                .text(input?.statement ?? ""))),
                 .div(.class("field"),
                      .label(.for("d-public"), .text(l.t("Alasan untuk pelapor (bahasa sederhana)", "Reason for reporters (plain language)"))),
                      .p(.class("hint"), .id("d-public-hint"), .text(l.t("Publik: tampil di halaman status aduan pelapor, dikirim ke platform dalam perintah takedown, dan dimuat di ekspor pernyataan alasan (statements of reasons). Tanpa data pribadi.",
                                                                         "Public: shown on the reporter's status page, sent to the platform in the takedown order, and included in the statements-of-reasons export. No personal data."))),
                      .input(.type(.text), .name("public_reason"), .id("d-public"), .value(input?.publicReason ?? ""))),
                 .fieldset(.class(e["action"] == nil ? "" : "invalid"), .element(named: "legend", nodes: [.text(l.t("Tindakan yang diusulkan", "Proposed action"))]),
                           .unwrap(e["action"]) { .p(.class("error"), .text($0)) },
                           .forEach(ProposedAction.allCases) { a in
                               StaffUI.option(.radio, "action", a.rawValue, checked: input?.action == a, l.t(a.label.id, a.label.en))
                           }),
                 .fieldset(.element(named: "legend", nodes: [.text(l.t("Otomatisasi", "Automation"))]),
                           StaffUI.option(.checkbox, "automated_detection", "1", checked: input?.automatedDetection == true,
                                          l.t("Terdeteksi otomatis", "Detected automatically")),
                           StaffUI.option(.checkbox, "automated_decision", "1", checked: input?.automatedDecision == true,
                                          l.t("Diputus otomatis", "Decided automatically"))),
                 .button(.type(.submit), .id("submit-decision"), .text(l.t("Simpan putusan", "Record the decision")))))
    }

    private var commentsSection: Node<HTML.BodyContext> {
        let l = language
        return .section(.class("card"), .h2(.text(l.t("Komentar internal", "Internal comments"))),
            .p(.class("hint"), .text(l.t("Hanya terlihat oleh petugas.", "Visible to staff only."))),
            .forEach(detail.comments) { c in
                .div(.class(c.pinned ? "card pinned" : "card"),
                     .p(.class("hint"), .text(l.minute(c.createdAt) + " · " + c.authorEmail + (c.pinned ? l.t(" · disematkan", " · pinned") : ""))),
                     .p(.text(c.body)),
                     .if(identity.may(.commentOnCases),
                         .form(.method(.post), .action(l.link(SitePath.Cases.pinComment(c.id))), .class("inline"),
                               StaffUI.csrfField(identity), .input(.type(.hidden), .name("pinned"), .value(c.pinned ? "0" : "1")),
                               .button(.type(.submit), .class("link"), .text(c.pinned ? l.t("Lepas sematan", "Unpin") : l.t("Sematkan", "Pin"))))))
            },
            .if(identity.may(.commentOnCases),
                post(SitePath.Cases.comment(detail.model.id),
                     .div(.class("field"), .label(.for("comment-body"), .text(l.t("Komentar baru", "New comment"))),
                          .textarea(.name("body"), .id("comment-body"), .required(true))),
                     .label(.input(.type(.checkbox), .name("pinned"), .value("1")), .text(l.t(" Sematkan", " Pin"))),
                     .button(.type(.submit), .class("secondary"), .text(l.t("Kirim komentar", "Add comment"))))))
    }

    private var relatedSection: Node<HTML.BodyContext> {
        let l = language
        return .section(.class("card"), .h2(.text(l.t("Kasus terkait", "Related cases"))),
            .if(detail.related.isEmpty, .p(.text(l.t("Tidak ada.", "None.")))),
            .ul(.forEach(detail.related) { c in
                .li(.a(.href(l.link(SitePath.Cases.page(c.id))), .text(StaffUI.subjectTitle(c.subjectKey, l))), .text(" · " + StaffUI.status(c.status, l) + " · " + l.t("\(c.reportCount) aduan", "\(c.reportCount) reports")))
            }))
    }

    private var timelineSection: Node<HTML.BodyContext> {
        let l = language
        return .section(.class("card"), .h2(.text(l.t("Riwayat", "History"))),
            detail.chainBreaks.isEmpty
                ? .p(.class("ok"), .id("chain-state"), .text(l.t("Rantai hash utuh: \(detail.events.count) peristiwa, kepala ", "Hash chain intact: \(detail.events.count) events, head ")
                                                            + detail.model.lastEventHash.prefix(16) + "…"))
                : .div(.id("chain-state"), .p(.class("error"), .text(l.t("Rantai hash RUSAK:", "Hash chain BROKEN:"))),
                       .ul(.forEach(detail.chainBreaks) { .li(.text($0.description)) })),
            .if(!fullTimeline && detail.events.count > CaseDetail.timelineLimit,
                .p(.text(l.t("Menampilkan \(CaseDetail.timelineLimit) peristiwa terbaru dari \(detail.events.count). ",
                             "Showing the latest \(CaseDetail.timelineLimit) of \(detail.events.count) events. ")),
                   .a(.href(l.link(base + "?riwayat=semua#riwayat")), .text(l.t("Tampilkan semua", "Show all"))))),
            .ol(.class("timeline"), .id("riwayat"),
                .forEach(fullTimeline ? Array(detail.events.reversed()) : Array(detail.events.suffix(CaseDetail.timelineLimit).reversed())) { e in
                .li(.strong(.text(EventText.title(e.kind, l))), .text(" · " + l.minute(e.occurredAt) + " · " + e.actor),
                    .br(), .span(.class("hint"), .text(EventDetails.summary(e.payload, l))))
            }))
    }
}

/// Readable names of case events.
enum EventText {
    static func title(_ kind: String, _ l: Language) -> String {
        guard let known = CaseEventKind(rawValue: kind) else { return kind }
        return l.t(known.title.id, known.title.en)
    }
}

/// Decisions waiting for a second person.
struct ApprovalsView {
    let language: Language
    let identity: Identity
    let pending: [(decision: DecisionRow, subjectKey: String)]

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Persetujuan", "Approvals"), language: l, path: SitePath.Cases.approvals, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Putusan menunggu persetujuan", "Decisions awaiting approval"))),
            .if(pending.isEmpty, .p(.text(l.t("Tidak ada.", "None.")))),
            .table(.tbody(.forEach(pending) { item in
                .tr(.td(.a(.href(l.link(SitePath.Cases.page(item.decision.caseID))), .text(StaffUI.subjectTitle(item.subjectKey, l)))),
                    .td(.text(l.t(item.decision.verdict.label.id, item.decision.verdict.label.en) + " · "
                             + l.t(item.decision.action.label.id, item.decision.action.label.en))), .td(.text(item.decision.decidedByEmail)),
                    .td(.text(l.minute(item.decision.decidedAt))))
            }))
        )).render()
    }
}

/// A reporter's contact, shown once per (audited) request.
struct ContactView {
    let language: Language
    let identity: Identity
    let caseID: UUID
    let ticket: String
    let contact: ReporterContact

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Kontak pelapor", "Reporter contact"), language: l, path: SitePath.Cases.page(caseID), identity: identity, content: .div(
            .h1(.text(l.t("Kontak pelapor ", "Reporter contact ") + ticket)),
            .p(.class("hint"), .text(l.t("Tampilan ini tercatat di log audit atas nama Anda.", "This view is written to the audit log in your name."))),
            .element(named: "dl", nodes: [
                .class("status card"),
                .element(named: "dt", text: l.t("Nama", "Name")), .element(named: "dd", text: contact.name ?? "—"),
                .element(named: "dt", text: l.t("Surel", "E-mail")), .element(named: "dd", text: contact.email ?? "—"),
                .element(named: "dt", text: l.t("Telepon", "Phone")), .element(named: "dd", text: contact.phone ?? "—"),
                .element(named: "dt", text: l.t("Akun platform", "Platform account")), .element(named: "dd", text: contact.platformAccount ?? "—"),
            ]),
            .p(.a(.href(l.link(SitePath.Cases.page(caseID))), .text(l.t("← Kembali ke kasus", "← Back to the case"))))
        )).render()
    }
}

/// The public appeal form (*banding*).
struct AppealFormView {
    let language: Language
    let csrfToken: String
    var reference = ""
    var reason = ""
    var email = ""
    var name = ""
    var errors: [String: String] = [:]

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Ajukan banding", "File an appeal"), language: l, path: SitePath.appeal, content: .div(
            .h1(.text(l.t("Ajukan banding", "File an appeal"))),
            .p(.text(l.t("Pemilik akun atau siapa pun yang terdampak dapat meminta keputusan ditinjau ulang oleh analis lain. Banding dijawab paling lambat \(AppealRules.defaultDeadlineDays) hari.",
                         "Account owners and anyone affected may ask for a decision to be reviewed by another analyst. Appeals are answered within \(AppealRules.defaultDeadlineDays) days."))),
            .form(.method(.post), .action(l.link(SitePath.appeal)),
                  .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                  StaffUI.field("a-ref", l.t("Nomor aduan, ID kasus, atau URL konten", "Ticket number, case id, or the content's URL"),
                                .input(.type(.text), .name("reference"), .id("a-ref"), .value(reference), .required(true)), error: errors["reference"]),
                  StaffUI.field("a-reason", l.t("Alasan banding", "Why the decision should change"),
                                .textarea(.name("reason"), .id("a-reason"), .required(true), .text(reason)), error: errors["reason"]),
                  StaffUI.field("a-name", l.t("Nama (opsional)", "Name (optional)"), .input(.type(.text), .name("name"), .id("a-name"), .value(name))),
                  StaffUI.field("a-email", l.t("Surel untuk jawaban (opsional, dirahasiakan)", "E-mail for the answer (optional, kept confidential)"),
                                .input(.type(.email), .name("email"), .id("a-email"), .value(email)), error: errors["email"]),
                  .button(.type(.submit), .text(l.t("Kirim banding", "Send the appeal"))))
        )).render()
    }
}

struct AppealFiledView {
    let language: Language
    let filed: AppealService.Filed

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Banding diterima", "Appeal received"), language: l, path: SitePath.appeal, content: .div(
            .div(.class("card"), .attribute(named: "role", value: "status"),
                 .h1(.text(l.t("Banding Anda diterima", "Your appeal is on record"))),
                 .p(.class("ticket"), .id("appeal-reference"), .text(filed.reference)),
                 .p(.text(l.t("Keputusan akan ditinjau ulang oleh analis lain paling lambat ", "Another analyst will review the decision by ")
                          + l.minute(filed.dueAt) + ".")))
        )).render()
    }
}

/// The legal-basis table (admin): add, edit, retire.
struct LegalBasesView {
    let language: Language
    let identity: Identity
    let bases: [LegalBasisRow]
    var error: String?
    var notice: String?

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Dasar hukum", "Legal bases"), language: l, path: SitePath.Staff.legalBases, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Dasar hukum", "Legal bases"))),
            .p(.text(l.t("Daftar yang dipilih analis saat memutus. Entri yang dinonaktifkan tidak ditawarkan lagi; putusan lama tetap menyebutnya.",
                         "The list analysts choose from when deciding. Retired entries are no longer offered; earlier decisions keep citing them."))),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .div(.class("card"), .attribute(named: "role", value: "alert"), .p(.class("error"), .text($0))) },
            .table(
                .thead(.tr(.th(.text(l.t("Kode", "Code"))), .th(.text(l.t("Peraturan", "Law"))), .th(.text(l.t("Pasal", "Article"))),
                           .th(.text(l.t("Aktif", "Active"))), .th(.text(l.t("Ubah", "Edit"))))),
                .tbody(.forEach(bases) { b in
                    .tr(.td(.code(.text(b.code))), .td(.text(b.title)), .td(.text(b.article)),
                        .td(.text(b.active ? l.t("ya", "yes") : l.t("tidak", "no"))),
                        .td(.form(.method(.post), .action(l.link(SitePath.Staff.legalBases)), StaffUI.csrfField(identity),
                                  .input(.type(.hidden), .name("code"), .value(b.code)),
                                  .input(.type(.hidden), .name("title"), .value(b.title)),
                                  .input(.type(.hidden), .name("article"), .value(b.article)),
                                  .input(.type(.hidden), .name("active"), .value(b.active ? "0" : "1")),
                                  .button(.type(.submit), .class("link"), .text(b.active ? l.t("Nonaktifkan", "Retire") : l.t("Aktifkan", "Reactivate"))))))
                })),
            .h2(.text(l.t("Tambah atau ubah", "Add or change"))),
            .form(.method(.post), .action(l.link(SitePath.Staff.legalBases)), .class("card"),
                  StaffUI.csrfField(identity),
                  .input(.type(.hidden), .name("active"), .value("1")),
                  StaffUI.field("lb-code", l.t("Kode (huruf kecil, angka, tanda hubung; kode yang ada diubah)", "Code (lower case, digits, hyphens; an existing code is changed)"),
                                .input(.type(.text), .name("code"), .id("lb-code"), .required(true), .attribute(named: "pattern", value: "[a-z0-9-]{2,40}"))),
                  StaffUI.field("lb-title", l.t("Peraturan", "Law"), .input(.type(.text), .name("title"), .id("lb-title"), .required(true))),
                  StaffUI.field("lb-article", l.t("Pasal dan pokoknya", "Article and subject"), .input(.type(.text), .name("article"), .id("lb-article"), .required(true))),
                  .button(.type(.submit), .text(l.t("Simpan", "Save"))))
        )).render()
    }
}
