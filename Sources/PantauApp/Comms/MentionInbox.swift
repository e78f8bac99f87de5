import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import Plot
import SQLKit

/// Mentions of an official account that report nothing (questions, thanks):
/// the comms office answers them on the platform and records the reply here.
struct MentionInboxService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock

    enum Status: String, Sendable, CaseIterable {
        case open, answered, closed, all
    }

    struct Item: Sendable {
        let id: UUID
        let platform: String
        let mentionID: String
        let text: String
        let mentionedAt: Date?
        let receivedAt: Date
        let kind: MentionKind
        let reply: MentionReplyModel?
    }

    struct Page: Sendable {
        let items: [Item]
        /// The cursor of the next page (nil: this is the last one).
        let next: String?
    }

    typealias Problem = CommsProblem

    static let pageSize = 50

    /// Newest first, keyset-paginated by (received_at, id).
    func page(status: Status, platform: Platform?, cursor: String?) async throws -> Page {
        var after: (Date, UUID)?
        if let cursor {
            let parts = cursor.split(separator: "_")
            guard parts.count == 2, let seconds = Double(parts[0]), let id = UUIDText.parse(String(parts[1])) else {
                throw Problem(status: 400, code: "invalid_cursor", field: "cursor", id: "Penanda halaman tidak sah.", en: "'cursor' is not valid.")
            }
            after = (Date(timeIntervalSince1970: seconds), id)
        }
        var query = SQLQueryString("""
            SELECT m.id FROM mentions m LEFT JOIN mention_replies r ON r.mention_id = m.id WHERE m.outcome = 'ignored'
            """)
        switch status {
        case .open: query.appendLiteral(" AND r.id IS NULL")
        case .answered: query.appendLiteral(" AND r.handling = 'answered'")
        case .closed: query.appendLiteral(" AND r.handling = 'closed'")
        case .all: break
        }
        if let platform {
            query.appendLiteral(" AND m.platform = ")
            query.appendInterpolation(bind: platform.rawValue)
        }
        if let (time, id) = after {
            query.appendLiteral(" AND (m.received_at < ")
            query.appendInterpolation(bind: time)
            query.appendLiteral(" OR (m.received_at = ")
            query.appendInterpolation(bind: time)
            query.appendLiteral(" AND m.id < ")
            query.appendInterpolation(bind: id)
            query.appendLiteral("))")
        }
        query.appendLiteral(" ORDER BY m.received_at DESC, m.id DESC LIMIT \(Self.pageSize + 1)")
        let ids = try await database.sql.raw(query).all().map { try $0.decode(column: "id", as: UUID.self) }
        let pageIDs = Array(ids.prefix(Self.pageSize))
        guard !pageIDs.isEmpty else { return Page(items: [], next: nil) }
        let mentions = Dictionary(try await MentionInboxModel.query(on: database.db).filter(\.$id ~~ pageIDs).all().map { ($0.id!, $0) },
                                  uniquingKeysWith: { a, _ in a })
        let replies = Dictionary(try await MentionReplyModel.query(on: database.db).filter(\.$mentionID ~~ pageIDs).all().map { ($0.mentionID, $0) },
                                 uniquingKeysWith: { a, _ in a })
        let items = pageIDs.compactMap { id -> Item? in
            guard let m = mentions[id] else { return nil }
            return Item(id: id, platform: m.platform, mentionID: m.mentionID, text: m.text, mentionedAt: m.mentionedAt, receivedAt: m.receivedAt,
                        kind: MentionKind.classify(m.text), reply: replies[id])
        }
        let next = ids.count > Self.pageSize ? items.last.map { "\($0.receivedAt.timeIntervalSince1970)_\(UUIDText.lower($0.id))" } : nil
        return Page(items: items, next: next)
    }

    /// How many mentions wait for an answer (the staff link shows it).
    func openCount() async throws -> Int {
        let row = try await database.sql.raw("""
            SELECT COUNT(*) AS n FROM mentions m LEFT JOIN mention_replies r ON r.mention_id = m.id WHERE m.outcome = 'ignored' AND r.id IS NULL
            """).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Records the reply (or the reason for none). Once per mention.
    func handle(_ id: UUID, _ input: MentionReplyInput, actor: String) async throws -> MentionReplyModel {
        if let problem = input.problem {
            throw Problem(status: 422, code: "invalid_reply", field: problem.field, id: problem.id, en: problem.en)
        }
        let now = clock.now()
        return try await database.writeTransaction { db in
            guard let mention = try await MentionInboxModel.find(id, on: db) else {
                throw Problem(status: 404, code: "not_found", field: nil, id: "Sebutan tidak ditemukan.", en: "No such mention.")
            }
            guard mention.outcome == "ignored" else {
                throw Problem(status: 409, code: "is_report", field: nil, id: "Sebutan ini sudah menjadi aduan; tanggapi lewat kasusnya.",
                              en: "This mention became a report; it is answered through its case.")
            }
            if let existing = try await MentionReplyModel.query(on: db).filter(\.$mentionID == id).first() {
                throw Problem(status: 409, code: "already_handled", field: nil,
                              id: "Sudah ditangani oleh \(existing.actor) pada \(formatWIBMinute(existing.handledAt)).",
                              en: "Handled already by \(existing.actor) at \(isoTimestamp(existing.handledAt)).")
            }
            let reply = MentionReplyModel()
            reply.id = OrderedID.make(at: now)
            reply.mentionID = id
            reply.handling = input.handling.rawValue
            reply.text = input.text
            reply.replyURL = input.replyURL
            reply.actor = actor
            reply.handledAt = now
            try await reply.create(on: db)
            try await AccountService.audit("mention_" + input.handling.rawValue, actor: actor, target: "mention:\(mention.platform):\(mention.mentionID)",
                                           payload: ["reply_url": input.replyURL ?? ""], at: now, on: db)
            return reply
        }
    }
}

struct MentionInboxController: Sendable {
    let service: MentionInboxService

    struct ReplyBody: Decodable {
        let handling: String?
        let text: String
        let replyURL: String?
        enum CodingKeys: String, CodingKey { case handling, text, replyURL = "reply_url" }
    }

    func register(on routes: Routes) {
        routes.get(SitePath.API.mentionInbox, .staff(.answerMentions)) { request, _ in
            let (status, platform) = try Self.filters(request) { APIError(.badRequest, code: "invalid_\($0)", message: $1, field: $0) }
            let page = try await answeringAPI {
                try await service.page(status: status, platform: platform, cursor: request.uri.queryParameters.get("cursor").map { String($0) })
            }
            var object = JSONObjectText()
            object.add("mentions", objects: page.items.map(Self.json))
            if let next = page.next { object.add("next_cursor", next) } else { object.addNull("next_cursor") }
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.mentionReply, .staff(.answerMentions)) { request, context in
            let id = try apiPathID(context)
            let body = try await decodeJSONBody(ReplyBody.self, request, limit: 16 * 1024)
            guard let handling = MentionHandling(rawValue: body.handling ?? MentionHandling.answered.rawValue) else {
                throw APIError(.unprocessableContent, code: "invalid_handling", message: "'handling' is answered or closed.", field: "handling")
            }
            let reply = try await answeringAPI {
                try await service.handle(id, MentionReplyInput(handling: handling, text: body.text, replyURL: body.replyURL), actor: context.identity!.actor)
            }
            return jsonResponse(Self.json(reply), status: .created)
        }
        routes.get(SitePath.Comms.inbox, .staff(.answerMentions)) { request, context in
            let language = Language(request: request)
            let (status, platform) = try Self.filters(request) { _, _ in
                WebErrorPage(status: .badRequest, language: language, detail: language.t("Saringan tidak dikenal.", "Unknown filter."))
            }
            let page = try await answeringPage(language) {
                try await service.page(status: status, platform: platform, cursor: request.uri.queryParameters.get("cursor").map { String($0) })
            }
            return htmlResponse(MentionInboxView(language: language, identity: context.identity, status: status, platform: platform, page: page,
                                                 openCount: try await service.openCount(), csrfToken: CampaignController.csrfToken(context),
                                                 notice: request.uri.queryParameters.get("notice").map { String($0) }).render())
        }
        routes.post(SitePath.Comms.reply, .staff(.answerMentions)) { request, context in
            let language = Language(request: request)
            let form = try await parseStaffForm(request, context, language: language).fields
            guard let id = context.parameters.get("id").flatMap(UUIDText.parse) else { throw WebErrorPage(status: .notFound, language: language) }
            guard let handling = MentionHandling(rawValue: form["handling"] ?? "") else {
                throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("Pilih balas atau tutup.", "Choose reply or close."))
            }
            _ = try await answeringPage(language) {
                try await service.handle(id, MentionReplyInput(handling: handling, text: form["text"] ?? "", replyURL: form["reply_url"]),
                                         actor: context.identity!.actor)
            }
            return Response(status: .seeOther, headers: [.location: language.link(SitePath.Comms.inbox + "?notice=" + handling.rawValue)])
        }
    }

    static func filters<E: Error>(_ request: Request, error: (String, String) -> E) throws -> (MentionInboxService.Status, Platform?) {
        let statusText = request.uri.queryParameters.get("status").map { String($0) } ?? "open"
        guard let status = MentionInboxService.Status(rawValue: statusText) else {
            throw error("status", "'status' is open, answered, closed or all.")
        }
        var platform: Platform?
        if let text = request.uri.queryParameters.get("platform"), !text.isEmpty {
            guard let p = Platform(rawValue: String(text)) else { throw error("platform", "Unknown platform.") }
            platform = p
        }
        return (status, platform)
    }

    static func json(_ item: MentionInboxService.Item) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("id", UUIDText.lower(item.id))
        o.add("kind", item.kind.rawValue)
        o.add("mention_id", item.mentionID)
        if let at = item.mentionedAt { o.add("mentioned_at", isoTimestamp(at)) } else { o.addNull("mentioned_at") }
        o.add("platform", item.platform)
        o.add("received_at", isoTimestamp(item.receivedAt))
        if let reply = item.reply { o.add("reply", object: { $0 = json(reply) }) } else { o.addNull("reply") }
        o.add("text", item.text)
        return o
    }

    static func json(_ reply: MentionReplyModel) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("actor", reply.actor)
        o.add("handled_at", isoTimestamp(reply.handledAt))
        o.add("handling", reply.handling)
        if let url = reply.replyURL { o.add("reply_url", url) } else { o.addNull("reply_url") }
        o.add("text", reply.text)
        return o
    }
}

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
        return .form(.method(.post), .action(SitePath.Comms.inbox + "/" + UUIDText.lower(item.id)), .class("reply-form"),
                     .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(csrfToken)),
                     .label(.for(field), .text(l.t("Balasan yang dikirim (atau alasan menutup)", "The reply sent (or why it is closed)"))),
                     .textarea(.name("text"), .id(field)),
                     .input(.type(.text), .name("reply_url"), .placeholder(l.t("Tautan balasan (boleh kosong)", "Link of the reply (optional)")),
                            .attribute(named: "aria-label", value: l.t("Tautan balasan", "Link of the reply"))),
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
                                .p(.strong(.text(Platform(rawValue: item.platform)?.displayName ?? item.platform)),
                                   .text(" · " + item.kind.label(l) + " · " + formatWIBMinute(item.mentionedAt ?? item.receivedAt))),
                                .blockquote(.text(item.text)),
                                .unwrap(item.reply, { reply in
                                    .p(.class("reply"), .text((reply.handling == "answered" ? l.t("Dibalas: ", "Answered: ") : l.t("Ditutup: ", "Closed: ")) + reply.text),
                                       .unwrap(reply.replyURL) { .group(.text(" "), .a(.href($0), .text(l.t("Lihat balasan", "View the reply")))) },
                                       .text(" — " + reply.actor + ", " + formatWIBMinute(reply.handledAt)))
                                }, else: answerForm(item)))
                        })),
            .unwrap(page.next) { .p(.a(.href(link(status: status, cursor: $0)), .text(l.t("Berikutnya →", "Next →")))) }
        )).render()
    }
}
