import FluentKit
import Foundation
import PantauCore
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
        let reply: MentionReplyRow?
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
        let sqlite = database.isSQLite
        var after: (time: String, id: UUID)?
        if let cursor, !cursor.isEmpty {
            let parts = cursor.split(separator: "_")
            guard parts.count == 2, StoredTime.isValid(String(parts[0]), sqlite: sqlite), let id = UUIDText.parse(String(parts[1])) else {
                throw Problem(status: 400, code: "invalid_cursor", field: "cursor", id: "Penanda halaman tidak sah.", en: "'cursor' is not valid.")
            }
            after = (String(parts[0]), id)
        }
        var query = SQLQueryString("SELECT m.id, \(unsafeRaw: StoredTime.select("m.received_at", as: "received_key", sqlite: sqlite)) FROM mentions m LEFT JOIN mention_replies r ON r.mention_id = m.id WHERE m.outcome = ")
        query.appendInterpolation(bind: MentionOutcome.ignored.rawValue)
        switch status {
        case .open: query.appendLiteral(" AND r.id IS NULL")
        case .answered:
            query.appendLiteral(" AND r.handling = ")
            query.appendInterpolation(bind: MentionHandling.answered.rawValue)
        case .closed:
            query.appendLiteral(" AND r.handling = ")
            query.appendInterpolation(bind: MentionHandling.closed.rawValue)
        case .all: break
        }
        if let platform {
            query.appendLiteral(" AND m.platform = ")
            query.appendInterpolation(bind: platform.rawValue)
        }
        if let after {
            let time = StoredTime.value(after.time, sqlite: sqlite)
            query.appendLiteral(" AND (m.received_at < ")
            query.appendInterpolation(time)
            query.appendLiteral(" OR (m.received_at = ")
            query.appendInterpolation(time)
            query.appendLiteral(" AND m.id < ")
            query.appendInterpolation(bind: after.id)
            query.appendLiteral("))")
        }
        query.appendLiteral(" ORDER BY m.received_at DESC, m.id DESC LIMIT \(Self.pageSize + 1)")
        let rows = try await database.sql.raw(query).all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        let pageIDs = Array(ids.prefix(Self.pageSize))
        guard !pageIDs.isEmpty else { return Page(items: [], next: nil) }
        let mentions = Dictionary(try await MentionInboxModel.query(on: database.db).filter(\.$id ~~ pageIDs).all().map { ($0.id!, $0) },
                                  uniquingKeysWith: { a, _ in a })
        let replies = Dictionary(try await MentionReplyModel.query(on: database.db).filter(\.$mentionID ~~ pageIDs).all().map { ($0.mentionID, $0) },
                                 uniquingKeysWith: { a, _ in a })
        let items = pageIDs.compactMap { id -> Item? in
            guard let m = mentions[id] else { return nil }
            return Item(id: id, platform: m.platform, mentionID: m.mentionID, text: m.text, mentionedAt: m.mentionedAt, receivedAt: m.receivedAt,
                        kind: MentionKind.classify(m.text), reply: replies[id].map(MentionReplyRow.init))
        }
        var next: String?
        if ids.count > Self.pageSize {
            let last = rows[Self.pageSize - 1]
            next = "\(try StoredTime.decode(last, alias: "received_key", sqlite: sqlite))_\(UUIDText.lower(pageIDs[Self.pageSize - 1]))"
        }
        return Page(items: items, next: next)
    }

    /// How many mentions wait for an answer (the staff link shows it).
    func openCount() async throws -> Int {
        let row = try await database.sql.raw("""
            SELECT COUNT(*) AS n FROM mentions m LEFT JOIN mention_replies r ON r.mention_id = m.id
            WHERE m.outcome = \(bind: MentionOutcome.ignored.rawValue) AND r.id IS NULL
            """).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Records the reply (or the reason for none). Once per mention.
    func handle(_ id: UUID, _ input: MentionReplyInput, actor: String) async throws -> MentionReplyRow {
        if let problem = input.problem {
            throw Problem(status: 422, code: "invalid_reply", field: problem.field, id: problem.id, en: problem.en)
        }
        let now = clock.now()
        return try await database.writeTransaction { db in
            guard let mention = try await MentionInboxModel.find(id, on: db) else {
                throw Problem(status: 404, code: "not_found", field: nil, id: "Sebutan tidak ditemukan.", en: "No such mention.")
            }
            guard mention.outcome == MentionOutcome.ignored.rawValue else {
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
            return MentionReplyRow(reply)
        }
    }
}
