import Foundation
import PantauCore
import Plot

extension MentionKind {
    func label(_ l: Language) -> String {
        switch self {
        case .question: l.t("Pertanyaan", "Question")
        case .thanks: l.t("Terima kasih", "Thanks")
        case .other: l.t("Lainnya", "Other")
        }
    }
}

struct MentionInboxView {
    let language: Language
    let identity: Identity?
    let status: MentionInboxService.Status
    let platform: Platform?
    let page: MentionInboxService.Page
    let openCount: Int
    let csrfToken: String?
    let notice: String?
    /// A refused reply: its mention, and the form as typed.
    var refused: (mention: UUID, form: FormState)? = nil

    private func link(status: MentionInboxService.Status, cursor: String? = nil) -> String {
        var query = "?status=" + status.rawValue
        if let platform { query += "&platform=" + platform.rawValue }
        if let cursor { query += "&cursor=" + cursor }
        return language.link(SitePath.Comms.inbox + query)
    }

    private func answerForm(_ item: MentionInboxService.Item) -> Node<HTML.BodyContext> {
        let l = language
        guard let csrfToken else { return .empty }
        let field = "reply-" + UUIDText.lower(item.id)
        let state = refused?.mention == item.id ? refused!.form : FormState()
        func error(_ name: String) -> Node<HTML.FormContext> {
            .unwrap(state.error(name)) { .p(.class("error"), .id(field + "-" + name + "-error"), .text($0)) }
        }
        return .form(.method(.post), .action(l.link(SitePath.Comms.inbox + "/" + UUIDText.lower(item.id))), .class("reply-form"), FormUI.serverChecked,
                     .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                     error("handling"),
                     .label(.for(field), .text(l.t("Balasan yang dikirim (atau alasan menutup)", "The reply sent (or why it is closed)"))),
                     error("text"),
                     .textarea(.name("text"), .id(field), .attribute(named: "aria-invalid", value: state.error("text") == nil ? nil : "true"), .text(state["text"])),
                     error("reply_url"),
                     .input(.type(.text), .name("reply_url"), .value(state["reply_url"]), .placeholder(l.t("Tautan balasan (boleh kosong)", "Link of the reply (optional)")),
                            .attribute(named: "aria-label", value: l.t("Tautan balasan", "Link of the reply")),
                            .attribute(named: "aria-invalid", value: state.error("reply_url") == nil ? nil : "true")),
                     .button(.type(.submit), .attribute(named: "name", value: "handling"), .attribute(named: "value", value: "answered"),
                             .text(l.t("Catat balasan", "Record the reply"))),
                     .button(.type(.submit), .attribute(named: "name", value: "handling"), .attribute(named: "value", value: "closed"), .class("secondary"),
                             .text(l.t("Tutup tanpa balasan", "Close without a reply"))))
    }

    func render() -> String {
        let l = language
        let tabs: [(MentionInboxService.Status, String)] = [(.open, l.t("Menunggu (\(openCount))", "Waiting (\(openCount))")), (.answered, l.t("Dibalas", "Answered")),
                                                             (.closed, l.t("Ditutup", "Closed")), (.all, l.t("Semua", "All"))]
        return PageLayout(title: l.t("Sebutan masuk", "Mentions inbox"), language: l, path: SitePath.Comms.inbox, identity: identity, wide: true, content: .div(
            .h1(.text(l.t("Sebutan akun resmi yang bukan aduan", "Mentions of the official accounts that are not reports"))),
            .p(.text(l.t("Pertanyaan dan ucapan terima kasih kepada akun resmi. Balas di platformnya, lalu catat balasannya di sini.",
                         "Questions and thanks to the official accounts. Answer on the platform, then record the reply here."))),
            .if(notice == "answered", .p(.class("ok"), .text(l.t("Balasan tercatat.", "Reply recorded.")))),
            .if(notice == "closed", .p(.class("ok"), .text(l.t("Sebutan ditutup.", "Mention closed.")))),
            .nav(.class("tabs"), .forEach(tabs) { tab in
                .a(.href(link(status: tab.0)), .class(tab.0 == status ? "current" : ""), .text(tab.1))
            }),
            .section(.class("card"), .id("inbox"),
                     page.items.isEmpty ? .p(.text(l.t("Tidak ada sebutan di sini.", "No mentions here."))) :
                        .ul(.class("inbox"), .forEach(page.items) { item in
                            .li(.class("mention"), .id("mention-" + UUIDText.lower(item.id)),
                                .p(.strong(.text(StaffUI.platformName(item.platform, l))),
                                   .text(" · " + item.kind.label(l) + " · " + l.minute(item.mentionedAt ?? item.receivedAt))),
                                .blockquote(.text(item.text)),
                                .unwrap(item.reply, { reply in
                                    .p(.class("reply"), .text((reply.handling == .answered ? l.t("Dibalas: ", "Answered: ") : l.t("Ditutup: ", "Closed: ")) + reply.text),
                                       .unwrap(reply.replyURL) { .group(.text(" "), .a(.href($0), .text(l.t("Lihat balasan", "View the reply")))) },
                                       .text(" — " + reply.actor + ", " + l.minute(reply.handledAt)))
                                }, else: answerForm(item)))
                        })),
            .unwrap(page.next) { .p(.a(.href(link(status: status, cursor: $0)), .text(l.t("Berikutnya →", "Next →")))) }
        )).render()
    }
}
