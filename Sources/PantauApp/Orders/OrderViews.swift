import Foundation
import PantauCore
import Plot

/// Labels and small pieces of the order pages.
enum OrderUI {
    /// The foot of a printed letter: place and date, position, room to sign, name.
    static func signature(_ signatory: LetterSignatory, date: Date, _ l: Language) -> Node<HTML.BodyContext> {
        guard signatory.isSet else {
            return .p(.class("hint no-print"), .id("signatory-missing"),
                      .text(l.t("Penanda tangan surat belum diatur (Admin → Penanda tangan surat).", "The letters' signatory is not set (Admin → Letter signatory).")))
        }
        return .div(.class("signature"), .id("signature"),
                    .p(.text(signatory.place + ", " + l.day(date))),
                    .p(.text(signatory.position)),
                    .div(.class("sign-space")),
                    .p(.strong(.text(signatory.name))))
    }

    /// A platform event's title (its key when it is not one Pantau writes).
    static func eventTitle(_ kind: String, _ l: Language) -> String {
        guard let known = PlatformEventKind(rawValue: kind) else { return kind }
        return l.t(known.title.id, known.title.en)
    }

    static func status(_ status: OrderStatus, _ l: Language) -> Node<HTML.BodyContext> {
        .span(.class(status == .overdue ? "badge overdue" : "badge"), .text(l.t(status.label.id, status.label.en)))
    }

    static func itemStatus(_ status: OrderItemStatus, _ l: Language) -> Node<HTML.BodyContext> {
        .span(.class(status == .overdue || status == .rejected ? "badge overdue" : "badge"), .text(l.t(status.label.id, status.label.en)))
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(Int((value * 100).rounded())) + " %"
    }

    static func hours(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        let hours = seconds / 3600
        return hours < 10 ? String(format: "%.1f", hours) + " h" : String(Int(hours.rounded())) + " h"
    }

    static func periodForm(_ action: String, _ period: CompliancePeriod, _ l: Language) -> Node<HTML.BodyContext> {
        .form(.method(.get), .action(action), .class("card bar"),
              .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
              StaffUI.field("period", l.t("Periode", "Period"), .select(
                .attribute(named: "name", value: "period"), .id("period"),
                .forEach(CompliancePeriod.Kind.allCases) { kind in
                    let label = switch kind {
                    case .month: l.t("30 hari terakhir", "Last 30 days")
                    case .quarter: l.t("3 bulan terakhir", "Last 3 months")
                    case .year: l.t("12 bulan terakhir", "Last 12 months")
                    case .custom: l.t("Tanggal pilihan", "Custom dates")
                    }
                    return .choice(kind.rawValue, label, selected: kind == period.kind)
                })),
              StaffUI.field("from", l.t("Dari", "From"), .input(.type(.date), .name("from"), .id("from"),
                                                                .value(period.kind == .custom ? QueueFilter.formatDay(period.from) : ""))),
              StaffUI.field("to", l.t("Sampai", "To"), .input(.type(.date), .name("to"), .id("to"),
                                                              .value(period.kind == .custom ? QueueFilter.formatDay(period.to.addingTimeInterval(-86_400)) : ""))),
              .button(.type(.submit), .text(l.t("Tampilkan", "Show"))))
    }

    /// On-time compliance per week as bars (server-made SVG, no script).
    static func weeklyChart(_ weeks: [(weekStart: Date, figures: ComplianceFigures)], _ l: Language) -> Node<HTML.BodyContext> {
        guard !weeks.isEmpty else { return .p(.class("hint"), .text(l.t("Belum ada butir yang jatuh tempo pada periode ini.", "No items fell due in this period."))) }
        let width = 640.0, height = 160.0
        let bar = width / Double(weeks.count)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 16)\" role=\"img\" aria-labelledby=\"compliance-title\" width=\"100%\">"
        svg += "<title id=\"compliance-title\">" + l.t("Kepatuhan tepat waktu per minggu", "On-time compliance per week") + "</title>"
        svg += "<line x1=\"0\" y1=\"\(height / 2)\" x2=\"\(width)\" y2=\"\(height / 2)\" stroke=\"#d6dbe1\" stroke-dasharray=\"4 3\"/>"
        for (index, week) in weeks.enumerated() {
            let rate = week.figures.onTimeRate ?? 0
            let h = max(2, rate * height)
            let label = QueueFilter.formatDay(week.weekStart) + ": " + percent(rate) + " (\(week.figures.compliedOnTime)/\(week.figures.settled))"
            let color = rate >= 0.9 ? "#1e6b32" : rate >= 0.5 ? "#0b5cab" : "#b3261e"
            svg += "<rect x=\"\(Double(index) * bar + 1)\" y=\"\(height - h)\" width=\"\(max(1, bar - 2))\" height=\"\(h)\" fill=\"\(color)\"><title>\(label)</title></rect>"
        }
        svg += "<text x=\"0\" y=\"\(Int(height) + 13)\" font-size=\"10\">\(QueueFilter.formatDay(weeks.first!.weekStart))</text>"
        svg += "<text x=\"\(Int(width))\" y=\"\(Int(height) + 13)\" font-size=\"10\" text-anchor=\"end\">\(QueueFilter.formatDay(weeks.last!.weekStart)) · 100 % = "
            + l.t("semua tepat waktu", "all on time") + "</text></svg>"
        return .raw(svg)
    }
}

/// `/perintah`: every order, filterable by platform and status.
struct OrderListView {
    let language: Language
    let identity: Identity
    let orders: [(order: OrderRow, items: Int)]
    let platform: String?
    let status: OrderStatus?
    let overdueItems: Int
    let now: Date

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Perintah takedown", "Takedown orders"), language: l, path: SitePath.Orders.list, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Perintah takedown", "Takedown orders"))),
            .if(overdueItems > 0, .p(.class("card error"), .attribute(named: "role", value: "status"),
                                     .a(.href(l.link(SitePath.Orders.list + "?status=overdue")),
                                        .text(l.t("\(overdueItems) butir lewat tenggat tanpa jawaban platform.",
                                                  "\(overdueItems) items are past their deadline without the platform's answer."))))),
            .form(.method(.get), .action(SitePath.Orders.list), .class("card bar"),
                  .if(l == .en, .input(.type(.hidden), .name("lang"), .value("en"))),
                  StaffUI.field("platform", "Platform", .select(.attribute(named: "name", value: "platform"), .id("platform"),
                      .choice("", l.t("Semua", "All"), selected: false),
                      .forEach(Platform.allCases.filter { $0 != .web }) { p in .choice(p.rawValue, p.displayName, selected: p.rawValue == platform) })),
                  StaffUI.field("status", "Status", .select(.attribute(named: "name", value: "status"), .id("status"),
                      .choice("", l.t("Semua", "All"), selected: false),
                      .forEach(OrderStatus.allCases) { s in .choice(s.rawValue, l.t(s.label.id, s.label.en), selected: s == status) })),
                  .button(.type(.submit), .text(l.t("Terapkan", "Apply")))),
            .p(.a(.href(l.link(SitePath.Orders.compliance)), .text(l.t("Kepatuhan platform →", "Platform compliance →"))), .text(" · "),
               .a(.href(l.link(SitePath.Orders.sanctions)), .text(l.t("Sanksi →", "Sanctions →")))),
            .if(orders.isEmpty, .p(.text(l.t("Tidak ada perintah.", "No orders.")))),
            .table(
                .thead(.tr(.th(.text(l.t("Nomor", "Number"))), .th(.text("Platform")), .th(.text("Status")), .th(.text(l.t("Butir", "Items"))),
                           .th(.text(l.t("Dikirim", "Sent"))), .th(.text(l.t("Tenggat", "Deadline"))))),
                .tbody(.forEach(orders) { row in
                    .tr(.td(.a(.href(l.link(SitePath.Orders.page(row.order.id))), .code(.text(row.order.number))),
                            .if(row.order.urgent, .span(.class("badge overdue"), .text(l.t(" mendesak", " urgent"))))),
                        .td(.text(StaffUI.platformName(row.order.platformID))),
                        .td(OrderUI.status(row.order.status, l)),
                        .td(.text(String(row.items))),
                        .td(.text(row.order.sentAt.map(l.minute) ?? "—")),
                        .td(.unwrap(row.order.deadlineAt) { StaffUI.deadlineBadge($0, active: row.order.isOpen, now: now, l) }))
                })
            )
        )).render()
    }
}

/// One order: its items and answers, re-checks, delivery attempts, history.
struct OrderPageView {
    let language: Language
    let identity: Identity
    let order: OrderRow
    let items: [OrderItemRow]
    let attempts: [DeliveryAttemptRow]
    let events: [PlatformEventRow]
    let now: Date
    /// The liaison's address, when the order waits to be sent by hand.
    var awaitingManualSend: String?
    var notice: String?
    var error: String?
    var names = Vocabulary()
    var rechecks: [UUID: RecheckStatus] = [:]

    func render() -> String {
        let l = language
        let mayRecheck = identity.may(.recheckOrderItems)
        return PageLayout(title: order.number, language: l, path: SitePath.Orders.page(order.id), identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Perintah ", "Order ") + order.number)),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            .div(.class("card"), StaffUI.dl([
                ("Platform", .text(StaffUI.platformName(order.platformID))),
                ("Status", OrderUI.status(order.status, l)),
                (l.t("Sifat", "Urgency"), .text(order.urgent ? l.t("Mendesak", "Urgent") : l.t("Biasa", "Regular"))),
                (l.t("Dibuat", "Created"), .text(l.minute(order.createdAt))),
                (l.t("Dikirim", "Sent"), .text(order.sentAt.map(l.minute) ?? l.t("belum", "not yet"))),
                (l.t("Diterima platform", "Acknowledged"), .text(order.acknowledgedAt.map(l.minute) ?? "—")),
                (l.t("Tenggat", "Deadline"), .text(order.deadlineAt.map(l.minute) ?? "—")),
            ]), .p(.a(.href(l.link(SitePath.Orders.letter(order.id))), .text(l.t("Surat Perintah Takedown (cetak) →", "Takedown order letter (print) →"))))),
            .if(order.status == .queued, .section(.class("card"), .id("collecting"),
                .h2(.text(l.t("Mengumpulkan butir", "Collecting items"))),
                .p(.text(l.t("Butir untuk platform ini dikumpulkan menjadi satu surat. Perintah dikirim otomatis pada ",
                             "Items for this platform are collected into one letter. The order is sent automatically at ") + l.minute(order.batchClosesAt) + ".")),
                .if(identity.may(.sendOrdersManually), .form(.method(.post), .action(l.link(SitePath.Orders.sendNow(order.id))), StaffUI.csrfField(identity),
                    .button(.type(.submit), .id("send-now"), .text(l.t("Kirim sekarang", "Send now"))))))),
            .unwrap(awaitingManualSend) { address in
                .section(.class("card"), .h2(.text(l.t("Menunggu pengiriman manual", "Waiting to be sent by hand"))),
                    .p(.text(l.t("Platform ini belum punya webhook dan relai SMTP tidak diatur. Kirim surat (cetak atau PDF) ke ",
                                 "This platform has no webhook and no SMTP relay is set. Send the letter (printed or as PDF) to ")), .strong(.text(address)),
                       .text(l.t(", lalu catat di sini: tenggat mulai berjalan saat itu.", ", then record it here: the deadline starts then."))),
                    .if(identity.may(.sendOrdersManually), .form(.method(.post), .action(l.link(SitePath.Orders.markSent(order.id))),
                        StaffUI.csrfField(identity),
                        StaffUI.field("manual-note", l.t("Dikirim ke / lewat", "Sent to / by"),
                                      .input(.type(.text), .name("note"), .id("manual-note"), .placeholder("e-mail ke legal@platform, 1 Des 10.00"))),
                        .button(.type(.submit), .text(l.t("Tandai terkirim", "Mark as sent"))))))
            },
            .h2(.text(l.t("Butir", "Items"))),
            .table(
                .thead(.tr(.th(.text(l.t("Subjek", "Subject"))), .th(.text(l.t("Kategori / dasar hukum", "Category / legal basis"))), .th(.text("Status")),
                           .th(.text(l.t("Tenggat", "Due"))), .th(.text(l.t("Jawaban platform", "Platform's answer"))), .th(.text(l.t("Cek ulang", "Re-check"))))),
                .tbody(.forEach(items) { item in
                    .tr(.td(.a(.href(l.link(SitePath.Cases.page(item.caseID))), .text(StaffUI.subjectTitle(item.subjectKey, l))), .br(),
                            .span(.class("hint"), .text(item.subjectURL))),
                        .td(.text(names.category(item.categoryID, l)), .br(), .span(.class("hint"), .text(names.bases(item.legalBases)))),
                        .td(OrderUI.itemStatus(item.status, l),
                            .if(item.stillOnlineCount > 0, .span(.class("badge overdue"), .text(l.t(" masih daring ×\(item.stillOnlineCount)",
                                                                                                              " found online ×\(item.stillOnlineCount)"))))),
                        .td(.unwrap(item.dueAt) { StaffUI.deadlineBadge($0, active: item.status.isOpen, now: now, l) }),
                        .td(.text(answerText(item))),
                        .td(.unwrap(rechecks[item.id]) { MonitoringUI.recheckSummary($0, l) },
                            .if(mayRecheck && OrderRules.mayRecheck(item.status), .form(
                            .method(.post), .action(l.link(SitePath.Orders.recheck(item.id))), StaffUI.csrfField(identity),
                            .label(.for("ev-" + UUIDText.lower(item.id)), .text(l.t("Masih daring? Bukti:", "Still online? Evidence:"))),
                            .textarea(.name("evidence"), .id("ev-" + UUIDText.lower(item.id)), .attribute(named: "rows", value: "2"),
                                      .attribute(named: "required", value: "required")),
                            .input(.type(.text), .name("evidence_sha256"), .placeholder(l.t("SHA-256 berkas bukti (opsional)", "SHA-256 of an evidence file (optional)"))),
                            .button(.type(.submit), .class("secondary"), .text(l.t("Tandai masih daring", "Mark still online")))))))
                })
            ),
            .h2(.text(l.t("Pengiriman", "Delivery attempts"))),
            .if(attempts.isEmpty, .p(.text(l.t("Belum ada percobaan.", "No attempts yet.")))),
            .table(.tbody(.forEach(attempts) { a in
                .tr(.td(.text("#\(a.attempt)")), .td(.text(a.channel)), .td(.text(l.minute(a.startedAt))), .td(.text("\(a.durationMillis) ms")),
                    .td(.text(a.httpStatus.map { "HTTP \($0)" } ?? "—")), .td(.text(a.error ?? "OK")), .td(.code(.text(a.worker))))
            })),
            .h2(.text(l.t("Riwayat", "History"))),
            .ul(.class("timeline"), .forEach(events) { e in
                .li(.text(l.minute(e.occurredAt) + " · "), .strong(.text(OrderUI.eventTitle(e.kind, l))), .text(" · " + e.actor), .br(),
                    .span(.class("hint"), .text(EventDetails.summary(e.payload, l))))
            })
        )).render()
    }

    private func answerText(_ item: OrderItemRow) -> String {
        let l = language
        guard let at = item.answeredAt, !item.status.isOpen else { return "—" }
        var text = l.minute(at)
        if item.answeredLate { text += l.t(" (terlambat)", " (late)") }
        if let removed = item.removedAt { text += l.t(" · diturunkan ", " · removed ") + l.minute(removed) }
        if let reason = item.answerReason { text += " · " + reason }
        if let appeal = item.appealReference { text += l.t(" · banding ", " · appeal ") + appeal }
        return text
    }
}

/// The printable *Surat Perintah Takedown*.
struct OrderLetterView {
    let language: Language
    let order: OrderRow
    let items: [OrderItemRow]
    let bases: [String: LegalBasisRow]
    let platformName: String
    var names = Vocabulary()
    var signatory = LetterSignatory()

    func render() -> String {
        let l = language
        let issued = order.dispatchedAt ?? order.createdAt
        let allBases = Array(Set(items.flatMap(\.legalBases))).sorted()
        return PageLayout(title: order.number, language: l, path: SitePath.Orders.letter(order.id), content: .article(.class("letter card"),
            .p(.class("letterhead"), .strong(.text(l.t("KEMENTERIAN KOMUNIKASI DAN INFORMATIKA — PANTAU", "MINISTRY OF COMMUNICATION AND INFORMATICS — PANTAU")))),
            .h1(.text(l.t("Surat Perintah Takedown", "Takedown Order"))),
            .p(.text(l.t("Nomor: ", "Number: ")), .code(.text(order.number))),
            .p(.text(l.t("Kepada: ", "To: ") + platformName)),
            .p(.text(l.t("Tanggal: ", "Date: ") + l.minute(issued))),
            .p(.text(l.t(
                "Berdasarkan hasil verifikasi atas aduan masyarakat, konten berikut dinyatakan melanggar peraturan perundang-undangan. Platform diperintahkan menurunkan (take down) setiap konten di bawah ini paling lambat pada tenggat yang tercantum, dan menyampaikan jawaban melalui API atau portal Pantau.",
                "Following verification of citizens' reports, the content below was found to violate the law. The platform is ordered to take down each item below by the deadline shown, and to answer through the Pantau API or portal."))),
            .table(
                .thead(.tr(.th(.text("No.")), .th(.text(l.t("Konten", "Content"))), .th(.text(l.t("Kategori", "Category"))),
                           .th(.text(l.t("Dasar hukum", "Legal basis"))), .th(.text(l.t("Alasan", "Reason"))), .th(.text(l.t("Tenggat", "Deadline"))))),
                .tbody(.forEach(Array(items.enumerated())) { index, item in
                    .tr(.td(.text("\(index + 1)")), .td(.text(StaffUI.subjectTitle(item.subjectKey, l)), .br(), .text(item.subjectURL)), .td(.text(names.category(item.categoryID, l))),
                        .td(.text(names.bases(item.legalBases))), .td(.text(item.publicReason)),
                        .td(.text(item.dueAt.map(l.minute) ?? l.t("sejak diterima + ", "from receipt + ")
                                  + (order.urgent ? "4" : "24") + l.t(" jam", " h"))))
                })
            ),
            .h2(.text(l.t("Dasar hukum", "Legal basis"))),
            .ul(.forEach(allBases) { code in .li(.text(bases[code].map { "\($0.title) — \($0.article)" } ?? code)) }),
            .p(.text(l.t("Ketidakpatuhan dapat dikenai sanksi administratif bertahap (Surat Teguran 1–3, denda administratif, hingga pemutusan akses) sesuai Permenkominfo 5/2020.",
                         "Non-compliance may lead to graduated administrative sanctions (warning letters 1–3, an administrative fine, up to blocking of access) under Permenkominfo 5/2020."))),
            OrderUI.signature(signatory, date: issued, l),
            .p(.class("hint no-print"), .text(l.t("Cetak halaman ini untuk arsip (Ctrl+P).", "Print this page for the record (Ctrl+P).")))
        )).render()
    }
}

/// `/kepatuhan`: every platform's figures side by side.
struct ComplianceOverviewView {
    let language: Language
    let identity: Identity
    let period: CompliancePeriod
    let rows: [OrderTrackingService.Compliance]

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Kepatuhan platform", "Platform compliance"), language: l, path: SitePath.Orders.compliance, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Kepatuhan platform", "Platform compliance"))),
            OrderUI.periodForm(SitePath.Orders.compliance, period, l),
            .table(
                .thead(.tr(.th(.text("Platform")), .th(.text(l.t("Butir", "Items"))), .th(.text(l.t("Tepat waktu", "On time"))),
                           .th(.text(l.t("Median waktu turun", "Median time to comply"))), .th(.text(l.t("Ditolak", "Refused"))),
                           .th(.text(l.t("Disanggah", "Objected"))), .th(.text(l.t("Lewat tenggat kini", "Overdue now"))),
                           .th(.text(l.t("Ditemukan daring lagi", "Found online again"))),
                           .th(.text(l.t("Muncul kembali (cek ulang)", "Reappeared (re-check)"))))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.a(.href(l.link(SitePath.Orders.platformCompliance(row.platform) + periodQuery)), .text(StaffUI.platformName(row.platform)))),
                        .td(.text(String(row.figures.items))), .td(.strong(.text(OrderUI.percent(row.figures.onTimeRate)))),
                        .td(.text(OrderUI.hours(row.figures.medianSecondsToComply))), .td(.text(OrderUI.percent(row.figures.rejectedShare))),
                        .td(.text(OrderUI.percent(row.figures.objectedShare))), .td(.text(String(row.figures.overdueNow))),
                        .td(.text(String(row.figures.stillOnline))), .td(.text(String(row.figures.reappeared))))
                })),
            .p(.class("hint"), .text(l.t(
                "Tepat waktu = butir yang diturunkan sebelum tenggat dan tidak ditemukan daring lagi, dibagi butir yang sudah dijawab atau lewat tenggat. Periode menurut waktu pengiriman perintah.",
                "On time = items taken down by the deadline and not found online again, divided by items answered or past their deadline. The period counts orders by when they were sent."))),
            .p(.class("hint"), .text(l.t(
                "Ditemukan daring lagi = butir yang dibuka kembali oleh staf dengan bukti. Muncul kembali (cek ulang) = butir yang oleh cek ulang otomatis pemantauan terlihat daring lagi setelah diturunkan; staf memutuskan apakah butir dibuka kembali.",
                "Found online again = items staff reopened with evidence. Reappeared (re-check) = items monitoring's automatic re-check saw online again after they were taken down; staff decide whether to reopen them.")))
        )).render()
    }

    private var periodQuery: String {
        period.kind == .custom
            ? "?period=custom&from=\(QueueFilter.formatDay(period.from))&to=\(QueueFilter.formatDay(period.to.addingTimeInterval(-86_400)))"
            : "?period=\(period.kind.rawValue)"
    }
}

/// `/kepatuhan/{platform}`: one platform's figures, chart, citable items,
/// sanctions ladder and history.
struct PlatformComplianceView {
    let language: Language
    let identity: Identity
    let period: CompliancePeriod
    let compliance: OrderTrackingService.Compliance
    let citable: [CitedItem]
    let sanctions: [SanctionRow]
    let nextLevel: SanctionLevel?
    let events: [PlatformEventRow]
    var notice: String?
    var error: String?
    /// A refused sanction proposal, as typed.
    var form: FormState? = nil
    /// Monitoring's prevalence on this platform, week by week.
    var prevalence: [PrevalenceService.Figure] = []

    func render() -> String {
        let l = language
        let f = compliance.figures
        let platform = compliance.platform
        let pending = sanctions.first { $0.state.isAwaitingReview }
        return PageLayout(title: l.t("Kepatuhan ", "Compliance of ") + StaffUI.platformName(platform), language: l,
                          path: SitePath.Orders.platformCompliance(platform), identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Kepatuhan ", "Compliance of ") + StaffUI.platformName(platform))),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            OrderUI.periodForm(SitePath.Orders.platformCompliance(platform), period, l),
            .div(.class("grid2"),
                 .section(.class("card"), .h2(.text(l.t("Kepatuhan tepat waktu per minggu", "On-time compliance per week"))), OrderUI.weeklyChart(compliance.weekly, l)),
                 .section(.class("card"), StaffUI.dl([
                    (l.t("Tepat waktu", "On time"), .strong(.text(OrderUI.percent(f.onTimeRate) + " (\(f.compliedOnTime)/\(f.settled))"))),
                    (l.t("Median waktu turun", "Median time to comply"), .text(OrderUI.hours(f.medianSecondsToComply))),
                    (l.t("Ditolak", "Refused"), .text(OrderUI.percent(f.rejectedShare))),
                    (l.t("Disanggah", "Objected"), .text(OrderUI.percent(f.objectedShare))),
                    (l.t("Lewat tenggat kini", "Overdue now"), .text(String(f.overdueNow))),
                    (l.t("Ditemukan daring lagi", "Found online again"), .text(String(f.stillOnline))),
                    (l.t("Muncul kembali (cek ulang)", "Reappeared (re-check)"), .span(.id("reappeared-count"), .text(String(f.reappeared)))),
                    (l.t("Butir per status", "Items by status"), .text(OrderItemStatus.allCases.compactMap { s in
                        f.byStatus[s].map { "\(l.t(s.label.id, s.label.en)) \($0)" } }.joined(separator: " · "))),
                    (l.t("Perintah per status", "Orders by status"), .text(OrderStatus.allCases.compactMap { s in
                        compliance.orders[s].map { "\(l.t(s.label.id, s.label.en)) \($0)" } }.joined(separator: " · "))),
                 ]))),
            PrevalenceUI.section(prevalence, platform: platform, l),
            .h2(.text(l.t("Tahapan sanksi", "Sanctions ladder"))),
            .p(.text(l.t("Tahap berikutnya: ", "Next step: ") + (nextLevel.map { l.t($0.label.id, $0.label.en) } ?? l.t("tahapan selesai", "ladder complete")))),
            .unwrap(pending) { p in
                .p(.class("card"), .text(l.t("Menunggu persetujuan: ", "Awaiting approval: ")),
                   .a(.href(l.link(SitePath.Orders.sanction(p.id))), .text(p.number)))
            },
            .if(identity.may(.proposeSanctions) && nextLevel != nil && pending == nil && !citable.isEmpty, proposeForm),
            .if(citable.isEmpty, .p(.class("hint"), .text(l.t("Tidak ada butir lewat tenggat atau ditolak yang dapat dikutip.",
                                                              "No overdue or refused items to cite.")))),
            .table(
                .thead(.tr(.th(.text(l.t("Sanksi", "Sanction"))), .th(.text(l.t("Tahap", "Level"))), .th(.text("Status")),
                           .th(.text(l.t("Denda", "Fine"))), .th(.text(l.t("Diusulkan", "Proposed"))), .th(.text(l.t("Ditinjau", "Reviewed"))))),
                .tbody(.forEach(sanctions) { s in
                    .tr(.td(.a(.href(l.link(SitePath.Orders.sanction(s.id))), .code(.text(s.number)))),
                        .td(.text(l.t(s.level.label.id, s.level.label.en))), .td(.text(SanctionView.stateLabel(s.state, l))),
                        .td(.text(s.fineAmount.map(FineFormula.rupiah) ?? "—")),
                        .td(.text(s.proposedByEmail + " · " + l.minute(s.proposedAt))),
                        .td(.text((s.reviewedByEmail ?? "—") + (s.reviewedAt.map { " · " + l.minute($0) } ?? ""))))
                })),
            .h2(.text(l.t("Riwayat platform", "Platform history"))),
            .ul(.class("timeline"), .forEach(events) { e in
                .li(.text(l.minute(e.occurredAt) + " · "), .strong(.text(OrderUI.eventTitle(e.kind, l))), .text(" · " + e.actor), .br(),
                    .span(.class("hint"), .text(EventDetails.summary(e.payload, l))))
            })
        )).render()
    }

    private var proposeForm: Node<HTML.BodyContext> {
        let l = language
        let state = form ?? FormState()
        // Every citable item is ticked at first; a refused form keeps the choice made.
        let chosen = form.map { Set($0.lists["item"] ?? []) }
        return .form(.method(.post), .action(l.link(SitePath.Orders.sanctions)), .class("card"), .id("sanction-form"), FormUI.serverChecked,
                     StaffUI.csrfField(identity),
            .input(.type(.hidden), .name("platform"), .value(compliance.platform)),
            .h3(.text(l.t("Usulkan ", "Propose ") + (nextLevel.map { l.t($0.label.id, $0.label.en) } ?? ""))),
            .fieldset(.element(named: "legend", nodes: [.text(l.t("Butir yang dikutip (lewat tenggat atau ditolak)", "Items cited (overdue or refused)"))]),
                .unwrap(state.error("item")) { .p(.class("error"), .id("item-error"), .text($0)) },
                .forEach(citable) { row in
                    StaffUI.option(.checkbox, "item", UUIDText.lower(row.item.id), checked: chosen?.contains(UUIDText.lower(row.item.id)) ?? true,
                                   "\(row.order.number) · \(StaffUI.subjectTitle(row.item.subjectKey, l)) · \(l.t(row.item.status.label.id, row.item.status.label.en))")
                }),
            StaffUI.field("sanction-reason", l.t("Alasan (minimal \(SanctionRules.minimumReasonLength) karakter)", "Reason (at least \(SanctionRules.minimumReasonLength) characters)"),
                          .textarea(.name("reason"), .id("sanction-reason"), .attribute(named: "aria-invalid", value: state.error("reason") == nil ? nil : "true"),
                                    .text(state["reason"])),
                          error: state.error("reason")),
            .p(.class("hint"), .text(l.t("Usulan berlaku setelah disetujui supervisor lain (empat mata).",
                                         "The proposal takes effect once another supervisor approves it (four eyes)."))),
            .button(.type(.submit), .text(l.t("Usulkan sanksi", "Propose sanction"))))
    }
}

/// `/sanksi`: proposed and issued sanctions.
struct SanctionListView {
    let language: Language
    let identity: Identity
    let sanctions: [SanctionRow]

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Sanksi", "Sanctions"), language: l, path: SitePath.Orders.sanctions, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Sanksi platform", "Platform sanctions"))),
            .if(sanctions.isEmpty, .p(.text(l.t("Belum ada sanksi.", "No sanctions yet.")))),
            .table(.tbody(.forEach(sanctions) { s in
                .tr(.td(.a(.href(l.link(SitePath.Orders.sanction(s.id))), .code(.text(s.number)))), .td(.text(StaffUI.platformName(s.platformID))),
                    .td(.text(l.t(s.level.label.id, s.level.label.en))), .td(.text(SanctionView.stateLabel(s.state, l))),
                    .td(.text(l.minute(s.proposedAt))))
            }))
        )).render()
    }
}

/// One sanction: what it cites, the four-eyes review, the letter link.
struct SanctionView {
    let language: Language
    let identity: Identity
    let sanction: SanctionRow
    let items: [CitedItem]
    var error: String?
    var notice: String?

    static func stateLabel(_ state: SanctionState, _ l: Language) -> String { l.t(state.label.id, state.label.en) }

    func render() -> String {
        let l = language
        let s = sanction
        return PageLayout(title: s.number, language: l, path: SitePath.Orders.sanction(s.id), identity: identity, wide: true, content: .div(
            .h1(.text(l.t(s.level.label.id, s.level.label.en) + " · " + s.number)),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            .div(.class("card"), StaffUI.dl([
                ("Platform", .a(.href(l.link(SitePath.Orders.platformCompliance(s.platformID))), .text(StaffUI.platformName(s.platformID)))),
                ("Status", .text(Self.stateLabel(s.state, l))),
                (l.t("Alasan", "Reason"), .text(s.reason)),
                (l.t("Denda administratif", "Administrative fine"), .text(s.fineAmount.map(FineFormula.rupiah) ?? "—")),
                (l.t("Diusulkan oleh", "Proposed by"), .text(s.proposedByEmail + " · " + l.minute(s.proposedAt))),
                (l.t("Ditinjau oleh", "Reviewed by"), .text((s.reviewedByEmail ?? "—") + (s.reviewedAt.map { " · " + l.minute($0) } ?? "")
                                                            + (s.reviewReason.map { " · " + $0 } ?? ""))),
            ]), .if(s.state == .issued, .p(.a(.href(l.link(SitePath.Orders.sanctionLetter(s.id))), .text(l.t("Surat sanksi (cetak) →", "Sanction letter (print) →"))))),
                .if(s.level == .blockRecommended, .p(.class("hint"), .text(l.t(
                    "Rekomendasi ini menjadi dasar usulan pemutusan akses (blokir DNS) atas layanan platform. ",
                    "This recommendation is the basis of a proposal to block the platform's service at network level (DNS). ")),
                    .if(s.state == .issued, .a(.href(l.link(SitePath.Blocklist.staff + "?sanksi=" + UUIDText.lower(s.id))),
                                               .text(l.t("Usulkan pemblokiran aplikasi platform →", "Propose blocking the platform's app →"))))))),
            .h2(.text(l.t("Butir yang dikutip", "Items cited"))),
            .table(.tbody(.forEach(items) { row in
                .tr(.td(.a(.href(l.link(SitePath.Orders.page(row.order.id))), .code(.text(row.order.number)))), .td(.text(StaffUI.subjectTitle(row.item.subjectKey, l))),
                    .td(OrderUI.itemStatus(row.item.status, l)), .td(.text(row.item.answerReason ?? "")))
            })),
            .if(s.state.isAwaitingReview && identity.may(.approveSanctions), .form(
                .method(.post), .action(l.link(SitePath.Orders.sanctionReview(s.id))), .class("card"), StaffUI.csrfField(identity),
                .h2(.text(l.t("Tinjau (empat mata)", "Review (four eyes)"))),
                StaffUI.field("review-reason", l.t("Catatan (wajib bila ditolak)", "Note (required to reject)"), .textarea(.name("reason"), .id("review-reason"))),
                .button(.type(.submit), .name("approve"), .value("1"), .text(l.t("Setujui dan terbitkan", "Approve and issue"))),
                .text(" "),
                .button(.type(.submit), .name("approve"), .value("0"), .class("secondary"), .text(l.t("Tolak", "Reject")))))
        )).render()
    }
}

/// The printable sanction letter (ST1, ST2, ST3, block recommendation).
struct SanctionLetterView {
    let language: Language
    let sanction: SanctionRow
    let items: [CitedItem]
    var signatory = LetterSignatory()

    func render() -> String {
        let l = language
        let s = sanction
        let body: (String, String) = switch s.level {
        case .st1: ("Platform tidak menindaklanjuti perintah takedown berikut dalam batas waktu. Dengan surat ini platform diberi teguran pertama dan wajib segera menurunkan konten tersebut.",
                    "The platform did not act on the takedown orders below within the deadline. This letter is a first warning; the content must be taken down at once.")
        case .st2: ("Teguran pertama tidak diindahkan. Platform wajib menyatakan komitmen membayar denda administratif sebesar jumlah di bawah dan segera menurunkan konten tersebut.",
                    "The first warning was not heeded. The platform must commit to pay the administrative fine below and take the content down at once.")
        case .st3: ("Teguran kedua tidak diindahkan. Ini teguran terakhir sebelum rekomendasi pemutusan akses.",
                    "The second warning was not heeded. This is the last warning before a recommendation to block access.")
        case .blockRecommended: ("Teguran ketiga tidak diindahkan. Direkomendasikan pemutusan akses terhadap layanan platform di Indonesia sampai platform memenuhi kewajibannya.",
                                 "The third warning was not heeded. Blocking access to the platform's service in Indonesia is recommended until it meets its obligations.")
        }
        return PageLayout(title: s.number, language: l, path: SitePath.Orders.sanctionLetter(s.id), content: .article(.class("letter card"),
            .p(.class("letterhead"), .strong(.text(l.t("KEMENTERIAN KOMUNIKASI DAN INFORMATIKA — PANTAU", "MINISTRY OF COMMUNICATION AND INFORMATICS — PANTAU")))),
            .h1(.text(l.t(s.level.label.id, s.level.label.en))),
            .p(.text(l.t("Nomor: ", "Number: ")), .code(.text(s.number))),
            .p(.text(l.t("Kepada: ", "To: ") + StaffUI.platformName(s.platformID))),
            .p(.text(l.t("Tanggal: ", "Date: ") + l.minute(s.reviewedAt ?? s.proposedAt))),
            .p(.text(l.t(body.0, body.1))),
            .p(.text(l.t("Pertimbangan: ", "Grounds: ") + s.reason)),
            .unwrap(s.fineAmount) { .p(.strong(.text(l.t("Denda administratif: ", "Administrative fine: ") + FineFormula.rupiah($0)))) },
            .table(
                .thead(.tr(.th(.text(l.t("Perintah", "Order"))), .th(.text(l.t("Konten", "Content"))), .th(.text("Status")), .th(.text(l.t("Tenggat", "Deadline"))))),
                .tbody(.forEach(items) { row in
                    .tr(.td(.code(.text(row.order.number))), .td(.text(StaffUI.subjectTitle(row.item.subjectKey, l))),
                        .td(.text(l.t(row.item.status.label.id, row.item.status.label.en))), .td(.text(row.item.dueAt.map(l.minute) ?? "—")))
                })),
            .p(.text(l.t("Dasar: Permenkominfo 5/2020 tentang Penyelenggara Sistem Elektronik Lingkup Privat.",
                         "Basis: Permenkominfo 5/2020 on private electronic system operators."))),
            .p(.class("hint"), .text(l.t("Diusulkan: ", "Proposed by: ") + s.proposedByEmail + " · " + l.t("Disetujui: ", "Approved by: ") + (s.reviewedByEmail ?? "—"))),
            OrderUI.signature(signatory, date: s.reviewedAt ?? s.proposedAt, l)
        )).render()
    }
}

/// The platform portal: a liaison's orders and answer forms.
struct PortalView {
    let language: Language
    let identity: Identity
    let open: [(order: OrderRow, items: [OrderItemRow])]
    let recent: [OrderRow]
    let now: Date

    func render() -> String {
        let l = language
        let platform = identity.platform?.displayName ?? ""
        return PageLayout(title: l.t("Portal platform", "Platform portal"), language: l, path: SitePath.Portal.home, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Portal platform — ", "Platform portal — ") + platform)),
            .p(.class("hint"), .text(l.t("Jawab setiap butir sebelum tenggat. Jawaban yang sama boleh dikirim ulang; jawaban tidak dapat diganti.",
                                         "Answer each item before its deadline. The same answer may be sent again; an answer cannot be changed."))),
            .h2(.text(l.t("Perintah terbuka", "Open orders"))),
            .if(open.isEmpty, .p(.text(l.t("Tidak ada perintah terbuka.", "No open orders.")))),
            .table(
                .thead(.tr(.th(.text(l.t("Nomor", "Number"))), .th(.text("Status")), .th(.text(l.t("Butir terbuka", "Open items"))), .th(.text(l.t("Tenggat", "Deadline"))))),
                .tbody(.forEach(open) { row in
                    .tr(.td(.a(.href(l.link(SitePath.Portal.order(row.order.id))), .code(.text(row.order.number)))),
                        .td(OrderUI.status(row.order.status, l)), .td(.text(String(row.items.filter { $0.status.isOpen }.count))),
                        .td(.unwrap(row.order.deadlineAt) { StaffUI.deadlineBadge($0, active: true, now: now, l) }))
                })),
            .h2(.text(l.t("Terbaru", "Recent"))),
            .table(.tbody(.forEach(recent) { order in
                .tr(.td(.a(.href(l.link(SitePath.Portal.order(order.id))), .code(.text(order.number)))), .td(OrderUI.status(order.status, l)),
                    .td(.text(order.sentAt.map(l.minute) ?? "—")))
            }))
        )).render()
    }
}

/// One order in the portal, with an answer form per open item.
struct PortalOrderView {
    let language: Language
    let identity: Identity
    let order: OrderRow
    let items: [OrderItemRow]
    let now: Date
    var notice: String?
    var error: String?
    var names = Vocabulary()
    /// A refused answer: its item, and the form as typed.
    var refused: (item: UUID, form: FormState)? = nil

    func render() -> String {
        let l = language
        return PageLayout(title: order.number, language: l, path: SitePath.Portal.order(order.id), identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Perintah ", "Order ") + order.number)),
            .unwrap(notice) { .p(.class("card ok"), .attribute(named: "role", value: "status"), .text($0)) },
            .unwrap(error) { .p(.class("card error"), .attribute(named: "role", value: "alert"), .text($0)) },
            .div(.class("card"), StaffUI.dl([
                ("Status", OrderUI.status(order.status, l)),
                (l.t("Tenggat", "Deadline"), .text(order.deadlineAt.map(l.minute) ?? "—")),
                (l.t("Diterima", "Acknowledged"), .text(order.acknowledgedAt.map(l.minute) ?? l.t("belum", "not yet"))),
            ]), .if(order.acknowledgedAt == nil, .form(.method(.post), .action(l.link(SitePath.Portal.acknowledge(order.id))), StaffUI.csrfField(identity),
                                                       .button(.type(.submit), .text(l.t("Konfirmasi penerimaan", "Acknowledge receipt")))))),
            .forEach(items) { item in
                .section(.class("card"),
                    .h2(.text(StaffUI.subjectTitle(item.subjectKey, l))), .p(StaffUI.subjectKey(item.subjectKey)),
                    .p(.a(.href(item.subjectURL), .text(item.subjectURL))),
                    .p(.text(l.t("Kategori: ", "Category: ") + names.category(item.categoryID, l) + " · " + l.t("Dasar hukum: ", "Legal basis: ")
                             + names.bases(item.legalBases))),
                    .p(.text(l.t("Alasan: ", "Reason: ") + item.publicReason)),
                    .p(OrderUI.itemStatus(item.status, l), .text(" "),
                       .unwrap(item.dueAt) { StaffUI.deadlineBadge($0, active: item.status.isOpen, now: now, l) }),
                    .if(item.status.isOpen, answerForm(item)))
            }
        )).render()
    }

    private func answerForm(_ item: OrderItemRow) -> Node<HTML.BodyContext> {
        let l = language
        let key = UUIDText.lower(item.id)
        let state = refused?.item == item.id ? refused!.form : FormState()
        let chosen = OrderItemAnswer(rawValue: state["answer"]) ?? .complied
        func error(_ name: String) -> Node<HTML.FormContext> {
            .unwrap(state.error(name)) { .p(.class("error"), .id(name + "-" + key + "-error"), .text($0)) }
        }
        func invalid(_ name: String) -> Attribute<HTML.InputContext> {
            .attribute(named: "aria-invalid", value: state.error(name) == nil ? nil : "true")
        }
        return .form(.method(.post), .action(l.link(SitePath.Portal.answer(order.id, item.id))), .id("answer-" + key), FormUI.serverChecked,
                     StaffUI.csrfField(identity),
            .fieldset(.element(named: "legend", nodes: [.text(l.t("Jawaban", "Answer"))]), error("answer"),
                StaffUI.option(.radio, "answer", OrderItemAnswer.complied.rawValue, checked: chosen == .complied, l.t("Sudah diturunkan", "Taken down")),
                StaffUI.option(.radio, "answer", OrderItemAnswer.rejected.rawValue, checked: chosen == .rejected, l.t("Ditolak (dengan alasan)", "Refused (with a reason)")),
                StaffUI.option(.radio, "answer", OrderItemAnswer.objected.rawValue, checked: chosen == .objected, l.t("Sanggah (ditinjau ulang analis lain)", "Object (reviewed again by another analyst)"))),
            .div(.class(state.error("removed_at") == nil ? "field" : "field invalid"),
                 .label(.for("removed-" + key), .text(l.t("Waktu diturunkan (WIB; kosong = sekarang)", "Removed at (WIB; empty = now)"))),
                 error("removed_at"),
                 .input(.type(.text), .name("removed_at"), .id("removed-" + key), .value(state["removed_at"]), .placeholder(l.t("mis. 1 Des 2026 14.30", "e.g. 1 Dec 2026 14.30")),
                        invalid("removed_at"))),
            .div(.class(state.error("reason") == nil ? "field" : "field invalid"),
                 .label(.for("reason-" + key), .text(l.t("Alasan (wajib untuk tolak/sanggah, min. \(OrderRules.minimumReasonLength) karakter)",
                                                         "Reason (required to refuse or object, at least \(OrderRules.minimumReasonLength) characters)"))),
                 error("reason"),
                 .textarea(.name("reason"), .id("reason-" + key), .attribute(named: "rows", value: "2"),
                           .attribute(named: "aria-invalid", value: state.error("reason") == nil ? nil : "true"), .text(state["reason"]))),
            .button(.type(.submit), .text(l.t("Kirim jawaban", "Send answer"))))
    }
}

/// `/platform`: where each platform's orders go and who answers them.
struct PlatformsView {
    struct Row {
        let id: String
        let webhook: String?
        let signed: Bool
        let liaisonName: String?
        let liaisonEmail: String?
        let overrides: [(category: String, hours: Int)]
        let level: SanctionLevel?
        let accounts: Int
    }
    let language: Language
    let identity: Identity
    let rows: [Row]
    let deadlines: OrderDeadlines
    let smtp: Bool

    func render() -> String {
        let l = language
        return PageLayout(title: l.t("Platform", "Platforms"), language: l, path: SitePath.Orders.platforms, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Platform", "Platforms"))),
            .p(.text(l.t("Tenggat bawaan: \(deadlines.urgentHours) jam untuk kategori mendesak, \(deadlines.otherHours) jam untuk lainnya, sejak perintah diterima. ",
                         "Default deadlines: \(deadlines.urgentHours) h for urgent categories, \(deadlines.otherHours) h for the others, from delivery. ")
                     + (smtp ? l.t("Platform tanpa webhook menerima perintah lewat e-mail (SMTP).", "Platforms without a webhook get orders by e-mail (SMTP).")
                             : l.t("Relai SMTP tidak diatur: perintah ke platform tanpa webhook menunggu dikirim manual.",
                                   "No SMTP relay: orders to platforms without a webhook wait to be sent by hand.")))),
            .table(
                .thead(.tr(.th(.text("Platform")), .th(.text(l.t("Saluran", "Channel"))), .th(.text(l.t("Penghubung", "Liaison"))),
                           .th(.text(l.t("Tenggat khusus", "Deadline overrides"))), .th(.text(l.t("Akun platform", "Platform accounts"))),
                           .th(.text(l.t("Sanksi tertinggi", "Highest sanction"))))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.a(.href(l.link(SitePath.Orders.platformCompliance(row.id))), .text(StaffUI.platformName(row.id))),
                            .if(identity.may(.manageUsers), .group(.br(), .a(.class("hint"), .href(l.link(SitePath.Admin.platform(row.id))),
                                                                            .text(l.t("Atur", "Settings")))))),
                        .td(.text(row.webhook.map { "webhook " + $0 + (row.signed ? l.t(" (ditandatangani)", " (signed)") : "") }
                                  ?? (row.liaisonEmail == nil ? l.t("belum diatur", "not set") : "e-mail"))),
                        .td(.text(row.liaisonEmail.map { "\(row.liaisonName ?? "") <\($0)>" } ?? "—")),
                        .td(.text(row.overrides.isEmpty ? "—" : row.overrides.map { "\($0.category): \($0.hours) h" }.joined(separator: ", "))),
                        .td(.class("num"), .text(l.number(row.accounts))),
                        .td(.text(row.level.map { l.t($0.label.id, $0.label.en) } ?? "—")))
                })),
            .p(.class("hint"), .text(l.t("Admin mengatur webhook, penghubung dan tenggat lewat tautan “Atur”, dan token konektor di halaman Token API; dari baris perintah: ",
                                         "Admins set the webhook, liaison and deadlines through “Settings”, and connector tokens on the API tokens page; from the command line: ")),
               .code(.text("pantau platform webhook|liaison|deadline")), .text(", "), .code(.text("pantau token create --platform P")), .text("."))
        )).render()
    }
}
